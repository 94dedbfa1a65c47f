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


class OutputCache:
    def __init__(self, maxsize: int = MAX_ENTRIES) -> None:
        self._maxsize = maxsize
        self._lock = threading.Lock()
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def get_or_compute(self, key: Hashable, compute: Callable[[], tuple[Any, bool]]) -> Any:
        """The stored output, or ``compute()``'s; it returns the output and
        whether it may be kept (an error message may not)."""
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                self.hits += 1
                return self._entries[key]
            self.misses += 1
        output, keep = compute()
        if keep:
            with self._lock:
                self._entries[key] = output
                while len(self._entries) > self._maxsize:
                    self._entries.popitem(last=False)
        return output

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


OUTPUTS = OutputCache()
