"""The store's per-version result cache: least recently used out first,
bounded by the bytes of the Arrow tables it keeps; and the facts of another
date computed once per version and date."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from core import views
from core.data import store
from core.data.facts import rules as rule_facts
from core.data.store import ResultCache
from core.filters import Filters


def table(rows: int) -> pa.Table:
    return pa.table({"n": range(rows), "text": [f"rad {i}" for i in range(rows)]})


def test_cache001_least_recently_used_goes_first() -> None:
    cache = ResultCache(max_bytes=2)  # results other than Arrow tables count 1
    calls: list[str] = []

    def compute(key: str):
        return lambda: calls.append(key) or key.upper()

    assert cache.get_or_compute("a", compute("a")) == "A"
    assert cache.get_or_compute("b", compute("b")) == "B"
    assert cache.get_or_compute("a", compute("a")) == "A"  # a is now the newest
    assert cache.get_or_compute("c", compute("c")) == "C"  # b goes
    assert cache.get_or_compute("a", compute("a")) == "A"
    assert cache.get_or_compute("b", compute("b")) == "B"
    assert calls == ["a", "b", "c", "b"]


def test_cache002_bounded_by_the_bytes_of_its_tables() -> None:
    size = table(1000).nbytes
    cache = ResultCache(max_bytes=int(size * 2.5))
    for key in "abc":
        cache.get_or_compute(key, lambda: table(1000))
    assert cache.bytes == 2 * size  # the third pushed the first out
    computed = []
    cache.get_or_compute("a", lambda: computed.append("a") or table(1000))
    assert computed == ["a"]
    # A table bigger than the whole bound is computed and not kept.
    big = cache.get_or_compute("big", lambda: table(5000))
    assert big.num_rows == 5000 and cache.bytes == 2 * size


def test_cache004_rules_evaluated_once_per_date(db: Path, monkeypatch) -> None:
    """Another date's facts are computed once per version and date; every
    year, forum and municipality of that date selects from them. The data's
    last date reads the stored facts and evaluates nothing."""
    evaluated = []
    evaluate = rule_facts.compliance.evaluate
    monkeypatch.setattr(
        rule_facts.compliance,
        "evaluate",
        lambda inputs: evaluated.append(inputs.as_of) or evaluate(inputs),
    )
    day = dt.date(2020, 3, 1)
    s = store.Store(db)
    with s.snapshot() as snap:
        everything = views.frame(snap, "compliance", Filters(year=2019, as_of=day))
        follo = views.frame(snap, "compliance", Filters(year=2019, forum="follo", as_of=day))
        oslo = views.frame(snap, "compliance", Filters(year=2019, municipality="0301", as_of=day))
        views.frame(snap, "compliance", Filters(year=2018, as_of=day))
        assert evaluated == [day]
        views.frame(snap, "compliance", Filters(year=2019))
        assert evaluated == [day]
    with s.snapshot() as snap:  # another request, the same version
        again = views.frame(snap, "compliance", Filters(year=2019, as_of=day))
    assert evaluated == [day]
    pd.testing.assert_frame_equal(again, everything)
    assert 0 < len(follo) < len(everything) and set(follo["forum_id"]) == {"follo"}
    pd.testing.assert_frame_equal(
        follo, everything[everything["forum_id"] == "follo"].reset_index(drop=True)
    )
    assert 0 < len(oslo) < len(everything)


def test_cache006_a_failed_computation_is_not_kept() -> None:
    cache = ResultCache()

    def fails() -> pa.Table:
        raise RuntimeError("nei")

    with pytest.raises(RuntimeError):
        cache.get_or_compute("k", fails)
    assert cache.get_or_compute("k", lambda: table(2))["n"].to_pylist() == [0, 1]
