"""Callback outputs kept per data version: a version never changes, so the
answer to (version, callback, filters, language) is computed once per worker
and served again until it falls out (least recently used).

This is what makes a filter click that another user (or this one) already
made cost about as much as Dash's own round trip; the facts each version stores
(core.data.facts) make the first click cheap.

The entries live in a cachetools LRUCache weighed in cells, and at most
MAX_ENTRIES of them are kept. A worker's threads share it, and cachetools'
caches are not thread-safe, so one lock guards every read and write (never
the computing: two threads may compute the same answer at once).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Hashable
from typing import Any

from cachetools import LRUCache

MAX_ENTRIES = 256
# Table cells and chart points kept per worker, all entries together: a cell
# of a table row (a dict) costs about 60 bytes of Python objects, so about
# 90 MB. The count alone would let 256 full tables take 300 MB.
MAX_CELLS = 1_500_000
MISSING = object()


def weight(value: Any) -> int:
    """About how many cells and points an output holds (cheap: no encoding)."""
    if isinstance(value, (list, tuple)):
        if value and isinstance(value[0], dict) and not isinstance(value, tuple):
            return 1 + len(value) * len(value[0])  # table rows
        if value and not isinstance(value[0], (list, tuple, dict)):
            return 1 + len(value)  # a chart's values, or a list of scalars
        return 1 + sum(weight(v) for v in value)
    if isinstance(value, dict):
        return 1 + sum(weight(v) for v in value.values())
    return 1


class OutputCache:
    def __init__(self, maxsize: int = MAX_ENTRIES, max_cells: int = MAX_CELLS) -> None:
        self._entries: LRUCache[Hashable, Any] = LRUCache(max_cells, getsizeof=weight)
        self._maxsize = maxsize
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get_or_compute(self, key: Hashable, compute: Callable[[], tuple[Any, bool]]) -> Any:
        """The stored output, or ``compute()``'s; it returns the output and
        whether it may be kept (an error message may not)."""
        with self._lock:
            kept = self._entries.get(key, MISSING)
            if kept is not MISSING:
                self.hits += 1
                return kept
            self.misses += 1
        output, keep = compute()
        if keep:
            # cachetools refuses an output heavier than all the cells together.
            with self._lock, contextlib.suppress(ValueError):
                self._entries[key] = output
                while len(self._entries) > self._maxsize:
                    self._entries.popitem()  # the least recently used
        return output

    @property
    def cells(self) -> int:
        return int(self._entries.currsize)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


OUTPUTS = OutputCache()
