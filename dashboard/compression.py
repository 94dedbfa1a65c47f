"""Compressed copies of the files Dash serves from its packages, kept per
worker: flask-compress otherwise compresses each script again on every
request (async-community.js is 1 MB before compression and every page load
asks for it), which the load test showed as the most CPU per request.

Only GET requests for ``/_dash-component-suites/`` files and the favicon are
kept, keyed by URL (with its version query) and algorithm; callback answers
and pages are never kept. flask-compress hands its cache only responses
that are not streamed; ``assets/`` files are streamed and cached by the
browser instead (``SEND_FILE_MAX_AGE_DEFAULT``).
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import flask

CACHED_PREFIXES = ("/_dash-component-suites/", "/_favicon.ico")
NOT_CACHED = "-"
MAX_BYTES = 32 * 1024 * 1024


def cache_key(request: flask.Request) -> str:
    if request.method == "GET" and request.path.startswith(CACHED_PREFIXES):
        return request.full_path
    return NOT_CACHED


class CompressedFiles:
    """flask-compress's cache backend: ``get`` and ``set`` by key, least
    recently used first out past MAX_BYTES, nothing kept for NOT_CACHED."""

    def __init__(self, max_bytes: int = MAX_BYTES) -> None:
        self._max_bytes = max_bytes
        self._bytes = 0
        self._lock = threading.Lock()
        self._entries: OrderedDict[str, bytes] = OrderedDict()

    def get(self, key: str) -> bytes | None:
        if key.endswith(f";{NOT_CACHED}"):
            return None
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
            return value

    def set(self, key: str, value: bytes) -> None:
        if key.endswith(f";{NOT_CACHED}") or len(value) > self._max_bytes:
            return
        with self._lock:
            if key in self._entries:
                return
            self._entries[key] = value
            self._bytes += len(value)
            while self._bytes > self._max_bytes:
                _, dropped = self._entries.popitem(last=False)
                self._bytes -= len(dropped)


def configure(server: flask.Flask) -> None:
    """Before ``dash.Dash(compress=True)``, which sets flask-compress up."""
    server.config["COMPRESS_CACHE_KEY"] = cache_key
    server.config["COMPRESS_CACHE_BACKEND"] = CompressedFiles
