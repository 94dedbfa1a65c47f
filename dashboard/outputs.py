"""Callback outputs kept per data version: a version never changes, so the
answer to (version, callback, filters, language) is computed once per worker
and served again until it falls out (least recently used).

This is what makes a filter click that another user (or this one) already
made cost about as much as Dash's own round trip; core's derived tables make
the first click cheap.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from core.lru import MISSING, BoundedLRU

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
        if value and not isinstance(value[0], (list, tuple, dict)):
            return 1 + len(value)  # a chart's values, or a list of scalars
        return 1 + sum(weight(v) for v in value)
    if isinstance(value, dict):
        return 1 + sum(weight(v) for v in value.values())
    return 1


class OutputCache:
    def __init__(self, maxsize: int = MAX_ENTRIES, max_cells: int = MAX_CELLS) -> None:
        self._entries = BoundedLRU(max_cells, maxsize)
        self.hits = 0
        self.misses = 0

    def get_or_compute(self, key: Hashable, compute: Callable[[], tuple[Any, bool]]) -> Any:
        """The stored output, or ``compute()``'s; it returns the output and
        whether it may be kept (an error message may not)."""
        kept = self._entries.get(key)
        if kept is not MISSING:
            self.hits += 1
            return kept
        self.misses += 1
        output, keep = compute()
        if keep:
            self._entries.put(key, output, weight(output))
        return output

    @property
    def cells(self) -> int:
        return self._entries.size

    def clear(self) -> None:
        self._entries.clear()


OUTPUTS = OutputCache()
