"""What a card sends: at most MAX_TABLE_ROWS table rows with a note saying
how many there are, charts with at most MAX_BARS bars saying how many they
show, and outputs kept per data version (dashboard/outputs.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from core import views
from core.data import store
from core.filters import Filters
from dashboard import charts, components
from dashboard.components import Card
from dashboard.outputs import OutputCache

OWNERS = Card("dist-owners", "distribution", "owners", "chart.owners")


@pytest.fixture(scope="module")
def snap(demo_folder: Path):
    with store.Store(demo_folder / "dekomp.duckdb").snapshot() as snapshot:
        yield snapshot


def test_a_long_table_is_cut_and_says_so(snap, monkeypatch) -> None:
    monkeypatch.setattr(components, "MAX_TABLE_ROWS", 5)
    _, rows, columns, _, note = components.card_output(OWNERS, snap, Filters(year=2018), "nb")
    total = len(views.frame(snap, "distribution", Filters(year=2018)))
    assert total > 5
    assert len(rows) == 5
    assert note == (
        f"Tabellen viser de første 5 av {total} radene. "
        "Last ned CSV for alle, eller velg år, forum eller kommune."
    )
    assert {c["field"] for c in columns} >= {"owner_name", "entitlement_nok"}


def test_a_short_table_is_whole_and_has_no_note(snap) -> None:
    _, rows, _, _, note = components.card_output(OWNERS, snap, Filters(year=2018), "nb")
    total = len(views.frame(snap, "distribution", Filters(year=2018)))
    assert len(rows) == total <= components.MAX_TABLE_ROWS
    assert note is None


def test_a_chart_draws_the_largest_and_says_how_many(snap, monkeypatch) -> None:
    monkeypatch.setattr(charts, "MAX_BARS", 3)
    frame = views.frame(snap, "distribution", Filters(year=2018))
    figure = charts.owners_bars(frame, "nb")
    drawn = figure["data"][0]["x"]
    assert drawn == sorted(frame["entitlement_nok"].astype(int), reverse=True)[:3]
    assert figure["layout"]["annotations"][0]["text"] == f"Viser 3 av {len(frame)}"


def test_outputs_are_kept_per_key_and_errors_are_not() -> None:
    cache = OutputCache(maxsize=2)
    calls: list[str] = []

    def compute(value: str, keep: bool = True):
        def run():
            calls.append(value)
            return value, keep

        return run

    assert cache.get_or_compute("a", compute("A")) == "A"
    assert cache.get_or_compute("a", compute("other")) == "A"
    assert cache.get_or_compute("e", compute("error", keep=False)) == "error"
    assert cache.get_or_compute("e", compute("error again", keep=False)) == "error again"
    cache.get_or_compute("b", compute("B"))
    cache.get_or_compute("c", compute("C"))  # "a" falls out (two entries)
    assert cache.get_or_compute("a", compute("A2")) == "A2"
    assert calls == ["A", "error", "error again", "B", "C", "A2"]
    assert (cache.hits, cache.misses) == (1, 6)


@pytest.mark.parametrize(
    "f",
    [Filters(year=2019), Filters(year=2019, as_of=dt.date(2021, 6, 1))],
    ids=["stored-facts", "as-of-date"],
)
def test_the_rule_table_is_narrowed_before_it_is_cut(snap, monkeypatch, demo_folder, f) -> None:
    """From the stored facts and, with a date, from the facts of that date."""
    from dashboard import create_app
    from dashboard.settings import Settings

    create_app(Settings(db=demo_folder / "dekomp.duckdb"))  # pages register with an app
    from dashboard.pages.compliance import RULES_TABLE

    monkeypatch.setattr(components, "MAX_TABLE_ROWS", 3)
    every = views.frame(snap, "compliance", f)
    # The largest (rule, status) group that the table does not start with.
    groups = (
        every.groupby(["rule_id", "status"])
        .size()
        .drop((every["rule_id"].iloc[0], every["status"].iloc[0]))
    )
    rule, status = groups.idxmax()
    wanted = every[(every["rule_id"] == rule) & (every["status"] == status)]
    assert 3 < len(wanted) < len(every)
    rows, _, _, note = components.card_output(RULES_TABLE, snap, f, "nb", (rule, status))
    assert [(r["rule_id"], r["status"]) for r in rows] == [(rule, status)] * 3
    assert [r["subject_id"] for r in rows] == list(wanted["subject_id"][:3])
    assert note.startswith(f"Tabellen viser de første 3 av {len(wanted)} radene.")


def test_table_rows_are_json_values() -> None:
    """A card's table rows come from Arrow with core.data.store's types:
    exact numbers as numbers, dates as ISO text, no value (or NaN) as None."""
    import datetime as dt
    from decimal import Decimal

    import pyarrow as pa

    from dashboard import present

    table = pa.table(
        {
            "year": pa.array([2020, None], pa.int64()),
            "participants": pa.array([12, 3], pa.int32()),
            "stale": pa.array([True, None]),
            "spent_share": pa.array([Decimal("0.2500"), None], pa.decimal128(5, 4)),
            "start_date": pa.array([dt.date(2020, 1, 31), None]),
            "title": pa.array(["Lesing <i> Asker", None]),
            "teacher_fte": pa.array([0.25, float("nan")]),
        }
    )
    assert present.records(table) == [
        {
            "year": 2020,
            "participants": 12,
            "stale": True,
            "spent_share": 0.25,
            "start_date": "2020-01-31",
            "title": "Lesing <i> Asker",
            "teacher_fte": 0.25,
        },
        {
            "year": None,
            "participants": 3,
            "stale": None,
            "spent_share": None,
            "start_date": None,
            "title": None,
            "teacher_fte": None,
        },
    ]
    assert type(present.records(table)[0]["year"]) is int
    for lang in ("nb", "en"):
        defs = {d["field"]: d for d in present.column_defs(table, lang)}
        assert defs["participants"]["type"] == "rightAligned"
        assert defs["teacher_fte"]["valueFormatter"]["function"].endswith(", 1)")
        assert "type" not in defs["title"] and "type" not in defs["start_date"]
        # No rows: DECIMAL is still a number column (its type says so).
        assert present.column_defs(table.slice(0, 0), lang) == present.column_defs(table, lang)


def test_outputs_are_bounded_by_cells_too() -> None:
    from dashboard.outputs import weight

    table = [{"a": 1, "b": 2}] * 100  # 200 cells
    assert weight(([], table, None)) == 1 + 1 + 201 + 1
    cache = OutputCache(maxsize=100, max_cells=500)
    for key in "abc":
        cache.get_or_compute(key, lambda: ((table,), True))
    assert cache.cells <= 500
    assert cache.get_or_compute("c", lambda: (("new",), True)) == (table,)  # newest kept
    assert cache.get_or_compute("a", lambda: (("again",), True)) == ("again",)  # oldest dropped
    huge = [{"a": 1}] * 1000
    assert cache.get_or_compute("h", lambda: ((huge,), True)) == (huge,)
    assert cache.get_or_compute("h", lambda: (("recomputed",), True)) == ("recomputed",)


def test_outputs_are_shared_safely_by_a_workers_threads() -> None:
    """A worker's threads read and fill one cache (a cachetools cache is not
    thread-safe by itself): every answer is its own key's, every call is
    counted once, and the bounds hold."""
    import random
    import sys
    from concurrent.futures import ThreadPoolExecutor

    cache = OutputCache(maxsize=8, max_cells=120)

    def ask(seed: int) -> list[tuple[int, list[int]]]:
        rng = random.Random(seed)
        answers = []
        for _ in range(2000):
            key = rng.randrange(20)
            answers.append((key, cache.get_or_compute(key, lambda k=key: ([k] * (k + 1), True))))
        return answers

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads take turns as often as they can
    try:
        with ThreadPoolExecutor(8) as pool:
            answers = [a for some in pool.map(ask, range(8)) for a in some]
    finally:
        sys.setswitchinterval(interval)
    assert len(answers) == 16_000
    assert all(value == [key] * (key + 1) for key, value in answers)
    assert cache.hits + cache.misses == 16_000
    assert cache.hits > 0 and cache.misses >= 20
    assert 0 < cache.cells <= 120
