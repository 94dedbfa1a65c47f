"""The store's per-version result cache: least recently used out first,
bounded by count and by the bytes of the frames it keeps, frames handed out
as copies; and the rules evaluated once per version, year and date."""

from __future__ import annotations

import datetime as dt
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

from core import store, views
from core.filters import Filters
from core.store import ResultCache


def frame(rows: int) -> pd.DataFrame:
    return pd.DataFrame({"n": range(rows), "text": [f"rad {i}" for i in range(rows)]})


def test_cache001_least_recently_used_goes_first() -> None:
    cache = ResultCache(maxsize=2)
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


def test_cache002_bounded_by_the_bytes_of_its_frames() -> None:
    one = frame(1000)
    size = int(one.memory_usage(index=True, deep=True).sum())
    cache = ResultCache(maxsize=100, max_bytes=int(size * 2.5))
    for key in "abc":
        cache.get_or_compute(key, lambda: frame(1000))
    assert cache.bytes == 2 * size  # the third pushed the first out
    computed = []
    cache.get_or_compute("a", lambda: computed.append("a") or frame(1000))
    assert computed == ["a"]
    # A frame bigger than the whole bound is computed and not kept.
    big = cache.get_or_compute("big", lambda: frame(5000))
    assert len(big) == 5000 and cache.bytes == 2 * size


def test_cache003_frames_are_handed_out_as_copies() -> None:
    cache = ResultCache()
    first = cache.get_or_compute("f", lambda: frame(3))
    first.loc[0, "n"] = 99
    assert cache.get_or_compute("f", lambda: frame(0))["n"].tolist() == [0, 1, 2]


def test_cache004_rules_evaluated_once_per_year_and_date(db: Path, monkeypatch) -> None:
    """With a date the rules run live; other forums and municipalities for
    the same year and date select from the same evaluation."""
    evaluated = []
    evaluate = views.rules.evaluate
    monkeypatch.setattr(
        views.rules, "evaluate", lambda inputs: evaluated.append(inputs.as_of) or evaluate(inputs)
    )
    day = dt.date(2020, 3, 1)
    s = store.Store(db)
    with s.snapshot() as snap:
        everything = views.compliance(snap, Filters(year=2019, as_of=day))
        follo = views.compliance(snap, Filters(year=2019, forum="follo", as_of=day))
        oslo = views.compliance(snap, Filters(year=2019, municipality="0301", as_of=day))
        assert evaluated == [day]
        views.compliance(snap, Filters(year=2018, as_of=day))
        assert evaluated == [day, day]
    assert 0 < len(follo) < len(everything) and set(follo["forum_id"]) == {"follo"}
    pd.testing.assert_frame_equal(
        follo, everything[everything["forum_id"] == "follo"].reset_index(drop=True)
    )
    assert 0 < len(oslo) < len(everything)


def test_cache005_the_same_result_asked_for_at_once_is_computed_once() -> None:
    """Three requests want the same result while it is being computed: one
    computes, the others wait and get it (as copies)."""
    cache = ResultCache()
    started, release = threading.Event(), threading.Event()
    calls: list[int] = []

    def slow() -> pd.DataFrame:
        calls.append(1)
        started.set()
        release.wait(5)
        return frame(3)

    results: list[pd.DataFrame] = []
    threads = [
        threading.Thread(target=lambda: results.append(cache.get_or_compute("k", slow)))
        for _ in range(3)
    ]
    threads[0].start()
    started.wait(5)
    for thread in threads[1:]:
        thread.start()
    time.sleep(0.1)  # the others are waiting now
    release.set()
    for thread in threads:
        thread.join(5)
    assert calls == [1] and len(results) == 3
    assert all(r["n"].tolist() == [0, 1, 2] for r in results)
    assert len({id(r) for r in results}) == 3


def test_cache006_a_failed_computation_is_not_kept_and_waiters_compute() -> None:
    cache = ResultCache()

    def fails() -> pd.DataFrame:
        raise RuntimeError("nei")

    with pytest.raises(RuntimeError):
        cache.get_or_compute("k", fails)
    assert cache.get_or_compute("k", lambda: frame(2))["n"].tolist() == [0, 1]
