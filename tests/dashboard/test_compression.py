"""Dash's scripts are compressed once per worker (dashboard/compression.py):
the same bytes as compressing again, and nothing but those files is kept."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import brotli
import pytest

from dashboard.compression import NOT_CACHED, CompressedFiles, cache_key


@pytest.fixture
def client(db: Path):
    from dashboard import create_app
    from dashboard.settings import Settings

    return create_app(Settings(db=db)).server.test_client()


def test_a_script_is_compressed_once_and_decompresses_to_itself(client) -> None:
    index = client.get("/").data.decode()
    url = next(u for u in re.findall(r'src="([^"]+)"', index) if "dash_core_components.v" in u)
    plain = client.get(url, headers={"Accept-Encoding": "identity"}).data
    first = client.get(url, headers={"Accept-Encoding": "br"})
    again = client.get(url, headers={"Accept-Encoding": "br"})
    assert first.headers["Content-Encoding"] == again.headers["Content-Encoding"] == "br"
    assert first.data == again.data
    assert brotli.decompress(again.data) == plain
    zipped = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.data) == plain


def test_only_dash_files_are_kept(client) -> None:
    from flask import Flask

    app = Flask(__name__)
    with app.test_request_context("/_dash-component-suites/dash/x.js?v=1", method="GET"):
        from flask import request

        assert cache_key(request) == "/_dash-component-suites/dash/x.js?v=1"
    for path, method in [("/_dash-update-component", "POST"), ("/", "GET"), ("/healthz", "GET")]:
        with app.test_request_context(path, method=method):
            from flask import request

            assert cache_key(request) == NOT_CACHED
    files = CompressedFiles(max_bytes=10)
    files.set(f"br;{NOT_CACHED}", b"callback")
    assert files.get(f"br;{NOT_CACHED}") is None
    files.set("br;/a", b"12345")
    files.set("br;/b", b"67890")
    assert files.get("br;/a") == b"12345"
    files.set("br;/c", b"abc")  # over 10 bytes: the least recently used (/b) goes
    assert files.get("br;/b") is None
    assert (files.get("br;/a"), files.get("br;/c")) == (b"12345", b"abc")
