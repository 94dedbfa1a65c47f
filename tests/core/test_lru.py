"""core.lru: the bounded least-recently-used map behind the app's caches."""

from __future__ import annotations

from core.lru import MISSING, BoundedLRU


def test_lru001_oldest_out_past_the_total_size() -> None:
    lru = BoundedLRU(max_size=10)
    assert lru.put("a", "A", 4) and lru.put("b", "B", 4)
    assert lru.get("a") == "A"  # a is now the most recently used
    assert lru.put("c", "C", 4)  # 12 > 10: b goes
    assert (lru.get("a"), lru.get("b"), lru.get("c")) == ("A", MISSING, "C")
    assert lru.size == 8


def test_lru002_oldest_out_past_the_count() -> None:
    lru = BoundedLRU(max_size=100, maxsize=2)
    for key in "abc":
        lru.put(key, key.upper(), 1)
    assert [lru.get(k) for k in "abc"] == [MISSING, "B", "C"]
    assert len(lru) == 2


def test_lru003_too_big_is_not_kept_and_a_kept_none_is_found() -> None:
    lru = BoundedLRU(max_size=5)
    assert not lru.put("big", "x", 6)
    assert lru.get("big") is MISSING and lru.size == 0
    assert lru.put("none", None, 0)
    assert lru.get("none") is None  # a result may be None (a version without derived tables)
    lru.put("none", "again", 2)  # in place of the one before
    assert lru.get("none") == "again" and lru.size == 2
    lru.clear()
    assert lru.get("none") is MISSING and lru.size == 0
