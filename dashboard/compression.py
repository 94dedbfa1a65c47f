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

import flask

from core.lru import MISSING, BoundedLRU

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
        self._files = BoundedLRU(max_bytes)

    def get(self, key: str) -> bytes | None:
        if key.endswith(f";{NOT_CACHED}"):
            return None
        found = self._files.get(key)
        return None if found is MISSING else found

    def set(self, key: str, value: bytes) -> None:
        if not key.endswith(f";{NOT_CACHED}"):
            self._files.put(key, value, len(value))


def configure(server: flask.Flask) -> None:
    """Before ``dash.Dash(compress=True)``, which sets flask-compress up."""
    server.config["COMPRESS_CACHE_KEY"] = cache_key
    server.config["COMPRESS_CACHE_BACKEND"] = CompressedFiles
