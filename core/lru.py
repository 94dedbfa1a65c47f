"""One bounded least-recently-used map for the app's caches: the store's
results per version (bounded by the bytes of their frames), the callbacks'
outputs (by table cells and chart points) and the compressed script files
(by bytes). Each entry's size is given when it is put; past ``maxsize``
entries or ``max_size`` in all, the least recently used go first. An entry
bigger than ``max_size`` on its own is not kept. Safe across threads."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

MISSING: Any = object()  # what ``get`` gives for a key it does not hold


class BoundedLRU:
    def __init__(self, max_size: int, maxsize: int | None = None) -> None:
        self._max_size = max_size
        self._maxsize = maxsize
        self._lock = threading.Lock()
        self._entries: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._size = 0

    def get(self, key: Hashable) -> Any:
        """The value kept for ``key`` (now the most recently used), or MISSING."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return MISSING
            self._entries.move_to_end(key)
            return entry[0]

    def put(self, key: Hashable, value: Any, size: int) -> bool:
        """Keep ``value`` (in place of any before it); whether it was kept."""
        if size > self._max_size:
            return False
        with self._lock:
            if key in self._entries:
                self._size -= self._entries.pop(key)[1]
            self._entries[key] = (value, size)
            self._size += size
            while self._size > self._max_size or (
                self._maxsize is not None and len(self._entries) > self._maxsize
            ):
                self._size -= self._entries.popitem(last=False)[1][1]
        return True

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def size(self) -> int:
        """The sizes of the entries kept, together."""
        return self._size

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._size = 0
