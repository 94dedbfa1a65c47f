"""Callback outputs kept per data version: a version never changes, so the
answer to (version, callback, filters, language) is computed once per worker
and served again until it falls out (least recently used).

This is what makes a filter click that another user (or this one) already
made cost about as much as Dash's own round trip; core's derived tables make
the first click cheap.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

MAX_ENTRIES = 256
# Table cells and chart points kept per worker, all entries together: a cell
# of a table row (a dict) costs about 60 bytes of Python objects, so about
# 90 MB. The count alone would let 256 full tables take 300 MB.
MAX_CELLS = 1_500_000


def weight(value: Any) -> int:
    """About how many cells and points an output holds (cheap: no encoding)."""
    if isinstance(value, (list, tuple)):
        if value and isinstance(value[0], dict) and not isinstance(value, tuple):
            return 1 + len(value) * len(value[0])  # table rows
        return 1 + sum(weight(v) for v in value)
    if isinstance(value, dict):
        return 1 + sum(weight(v) for v in value.values())
    return 1


class OutputCache:
    def __init__(self, maxsize: int = MAX_ENTRIES, max_cells: int = MAX_CELLS) -> None:
        self._maxsize = maxsize
        self._max_cells = max_cells
        self._lock = threading.Lock()
        self._entries: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._cells = 0
        self.hits = 0
        self.misses = 0

    def get_or_compute(self, key: Hashable, compute: Callable[[], tuple[Any, bool]]) -> Any:
        """The stored output, or ``compute()``'s; it returns the output and
        whether it may be kept (an error message may not)."""
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                self.hits += 1
                return self._entries[key][0]
            self.misses += 1
        output, keep = compute()
        size = weight(output) if keep else 0
        if keep and size <= self._max_cells:
            with self._lock:
                if key in self._entries:
                    self._cells -= self._entries.pop(key)[1]
                self._entries[key] = (output, size)
                self._cells += size
                while len(self._entries) > self._maxsize or self._cells > self._max_cells:
                    self._cells -= self._entries.popitem(last=False)[1][1]
        return output

    @property
    def cells(self) -> int:
        return self._cells

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._cells = 0


OUTPUTS = OutputCache()
