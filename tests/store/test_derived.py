"""Derived tables (core.derived) answer exactly as the live queries: every
view, under every kind of filter, gives the same frame both ways."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from core import derived, selection, store, views
from core.export import VIEWS
from core.filters import Filters

STATES = [
    Filters(),
    Filters(year=2018),
    Filters(year=2021),
    Filters(forum="follo"),
    Filters(year=2020, forum="asker-baerum"),
    Filters(municipality="3020"),  # Nordre Follo: Ski and Oppegård before 2020
    Filters(year=2018, municipality="0213"),  # Ski
    Filters(municipality="0301"),
    Filters(owner_type="private"),
    Filters(year=2019, owner_type="county_authority"),
    Filters(year=2021, forum="follo", municipality="3207", owner_type="municipality"),
    Filters(year=2017),  # no scheme year: empty frames
    Filters(municipality="9999"),  # no such number
]


@pytest.fixture(scope="module")
def snap(demo_folder: Path):
    with store.Store(demo_folder / "dekomp.duckdb").snapshot() as snapshot:
        yield snapshot


def test_the_demo_version_has_its_derived_tables(snap) -> None:
    found = derived.meta(snap)
    assert found is not None
    assert found.as_of == views.data_date(snap)
    tables = {r[0] for r in snap.rows("SELECT table_name FROM duckdb_tables()")}
    assert {f"derived_{name}" for name in views.DERIVED} <= tables


# The owner filters' keys, searched in place (short lists) or hashed (long
# ones: every owner of a type at national scale), core.selection.
KEYS = pytest.mark.parametrize("in_place", [selection.IN_PLACE, 0], ids=["in-place", "hashed"])


def test_the_rules_long_text_is_stored_uncompressed(snap) -> None:
    """derived.UNCOMPRESSED: the columns a table card reads row by row are
    stored without compression, the others as DuckDB chooses."""
    stored = dict(
        snap.rows(
            "SELECT column_name, list(DISTINCT compression) FROM "
            "pragma_storage_info('derived_compliance') WHERE segment_type = 'VARCHAR' "
            "GROUP BY ALL"
        )
    )
    for column in derived.UNCOMPRESSED["compliance"]:
        assert stored[column] == ["Uncompressed"], column
    assert "Uncompressed" not in stored["rule_id"]


@KEYS
@pytest.mark.parametrize("view", sorted(VIEWS))
@pytest.mark.parametrize("f", STATES, ids=lambda f: f.to_query() or "all")
def test_every_view_is_the_same_from_derived_tables_and_live(
    snap, monkeypatch, view: str, f: Filters, in_place: int
) -> None:
    monkeypatch.setattr(selection, "IN_PLACE", in_place)
    fast = VIEWS[view].build(snap, f)
    with views.live():
        slow = VIEWS[view].build(snap, f)
    if slow.empty:  # a live empty frame may carry no types (object columns)
        assert fast.empty and list(fast.columns) == list(slow.columns)
        return
    pd.testing.assert_frame_equal(fast.reset_index(drop=True), slow.reset_index(drop=True))


@KEYS
@pytest.mark.parametrize("f", STATES, ids=lambda f: f.to_query() or "all")
def test_key_figures_are_the_same_from_derived_tables_and_live(
    snap, monkeypatch, f: Filters, in_place: int
) -> None:
    monkeypatch.setattr(selection, "IN_PLACE", in_place)
    fast = views.key_figures(snap, f)
    with views.live():
        assert views.key_figures(snap, f) == fast


def test_a_forum_filter_counts_only_forum_years_with_a_member_owner(
    demo_folder: Path, monkeypatch
) -> None:
    """The overview's sums per year and forum (views._key_figures_by_year_forum)
    follow ``forums``: a forum filter keeps the forum's years that have a
    member owner. The demo has none without, so one is made: Follo's owners
    of 2020 left out of the memberships both derived paths read."""
    real = selection._read_facts

    def without_follo_2020(snap):
        facts = real(snap)
        kept = tuple(m for m in facts.memberships if m[:2] != (2020, "follo"))
        return selection.Facts(facts.owners_by_type, facts.owners_by_knr, kept, facts.related)

    monkeypatch.setattr(selection, "_read_facts", without_follo_2020)
    with store.Store(demo_folder / "dekomp.duckdb").snapshot() as fresh:  # a fresh cache
        for f in (Filters(forum="follo"), Filters(year=2020, forum="follo")):
            by_sums = views.key_figures(fresh, f)
            # The one query that answers under owner filters, on the same
            # memberships: the same rows, summed the other way.
            resolved = views.resolve(fresh, f)
            chosen, params = views._params(fresh, resolved)
            row = fresh.rows(
                views._KEY_FIGURES.format(
                    forums=views._forums_derived(resolved, chosen, False),
                    distribution=views._distribution_derived(resolved, chosen, False),
                    projects=views._projects_derived(resolved, chosen, False),
                    compliance=views._compliance_derived(resolved, chosen, False),
                    year=views.year_condition(resolved, "sy.year"),
                ),
                params,
            )[0]
            assert (by_sums.entitlement_nok, by_sums.awarded_nok) == (row[1], row[2])
        assert by_sums.entitlement_nok == 0  # 2020 alone: Follo has no member owner left
        with views.live():
            assert views.key_figures(fresh, Filters(year=2020, forum="follo")).entitlement_nok > 0


def test_another_as_of_date_is_answered_live(snap) -> None:
    """The derived tables are for the data's last date; an earlier date
    changes what is counted, and must not read them."""
    earlier = Filters(as_of=dt.date(2019, 6, 30))
    projects = views.projects(snap, earlier)
    assert (projects["start_date"] <= dt.date(2019, 6, 30)).all()
    latest = views.projects(snap, Filters())
    assert len(projects) < len(latest)
    with views.live():
        pd.testing.assert_frame_equal(projects, views.projects(snap, earlier))


def test_dekomp_derive_publishes_the_tables_an_older_version_lacks(
    db: Path, capsys: pytest.CaptureFixture
) -> None:
    """A version published by an older release (no derived tables of this
    layout) is answered live; ``dekomp derive`` publishes the same data with
    them, and says so when there is nothing to do."""
    import duckdb

    from core import cli

    before = store.Paths(db).published()
    with duckdb.connect(str(before)) as conn:  # as an older release left it
        conn.execute(f"DROP TABLE {derived.META}")
    with store.Store(db).snapshot() as snap:
        assert derived.meta(snap) is None
        live = views.forums(snap, Filters(year=2019))
    assert cli.main(["derive", "--db", str(db)]) == 0
    after = store.Paths(db).published()
    assert after != before
    assert "med avledede tabeller" in capsys.readouterr().out
    with store.Store(db).snapshot() as snap:
        assert derived.meta(snap) is not None
        pd.testing.assert_frame_equal(views.forums(snap, Filters(year=2019)), live)
        assert snap.scalar("SELECT count(*) FROM status_report") > 0
    assert cli.main(["derive", "--db", str(db)]) == 0
    assert "allerede" in capsys.readouterr().out
    assert store.Paths(db).published() == after


EQUAL = {
    "compliance": [{}, {"rule_id": "R1"}, {"rule_id": "R7", "status": "breach"}],
    "projects": [{}, {"status": "ongoing"}],
}


@pytest.mark.parametrize("view", sorted(views.TABLES))
@pytest.mark.parametrize("f", STATES, ids=lambda f: f.to_query() or "all")
@pytest.mark.parametrize("n", [3, 100_000])
@KEYS
def test_head_is_the_first_rows_of_the_view_and_their_count(
    snap, monkeypatch, view: str, f: Filters, n: int, in_place: int
) -> None:
    """A table card's first rows, read alone from the derived table, are the
    view's first rows (narrowed by column values) and the count is its
    length, under every kind of filter."""
    monkeypatch.setattr(views, "HEAD_MIN_ROWS", 0)  # the demo's tables are small
    monkeypatch.setattr(selection, "IN_PLACE", in_place)
    for equal in EQUAL[view]:
        got = views.head(snap, view, f, n, equal)
        assert got is not None
        first, total = store.frame(got[0]), got[1]
        whole = VIEWS[view].build(snap, f)
        for column, value in equal.items():
            whole = whole[whole[column] == value]
        assert total == len(whole)
        expected = whole.head(n).reset_index(drop=True)
        if expected.empty:
            assert first.empty and list(first.columns) == list(expected.columns)
            continue
        pd.testing.assert_frame_equal(first, expected)


def test_head_leaves_a_small_table_to_the_whole_view(snap) -> None:
    assert views.head(snap, "compliance", Filters(), 5) is None  # the demo: < 10,000 rows


def test_head_leaves_a_date_filter_to_the_whole_view(snap, monkeypatch) -> None:
    monkeypatch.setattr(views, "HEAD_MIN_ROWS", 0)
    assert views.head(snap, "compliance", Filters(year=2019, as_of=dt.date(2020, 3, 1)), 5) is None


def test_head_refuses_what_is_not_a_column_name(snap, monkeypatch) -> None:
    monkeypatch.setattr(views, "HEAD_MIN_ROWS", 0)
    with pytest.raises(ValueError, match="not a column"):
        views.head(snap, "compliance", Filters(), 5, {"status; DROP TABLE x": "ok"})
