"""Responses are compressed by flask-compress as the browser asks, and
Dash's own files are compressed once per worker, in flask-compress's own
cache (dashboard.DashFiles): the same bytes as compressing again, kept by
file whatever version its name carries, and nothing but those files is kept
(pages and callback answers are compressed afresh, each its own)."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import brotli
import pytest
from flask_compress import Compress

from dashboard import DashFiles


@pytest.fixture
def server(db: Path):
    from dashboard import create_app
    from dashboard.settings import Settings

    return create_app(Settings(db=db)).server


def _cache(server) -> DashFiles:
    """The cache of the flask-compress that Dash set up on ``server``."""
    hooks = server.after_request_funcs[None]
    compress = next(h.__self__ for h in hooks if isinstance(getattr(h, "__self__", None), Compress))
    assert isinstance(compress.cache, DashFiles)
    return compress.cache


def _script(client) -> str:
    index = client.get("/").data.decode()
    return next(u for u in re.findall(r'src="([^"]+)"', index) if "dash_core_components.v" in u)


def test_a_script_is_compressed_once_and_decompresses_to_itself(server) -> None:
    client = server.test_client()
    url = _script(client)
    plain = client.get(url, headers={"Accept-Encoding": "identity"}).data
    first = client.get(url, headers={"Accept-Encoding": "br"})
    again = client.get(url, headers={"Accept-Encoding": "br"})
    assert first.headers["Content-Encoding"] == again.headers["Content-Encoding"] == "br"
    assert first.data == again.data
    assert brotli.decompress(again.data) == plain
    zipped = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.data) == plain


def _about_years(client, year: int) -> dict:
    """The 'about' page's table card under the filter ``aar=year``."""
    spec = next(
        d
        for d in client.get("/_dash-dependencies").get_json()
        if "about-years-grid.rowData" in d["output"]
    )
    outputs = [
        {"id": o.split(".")[0], "property": o.split(".")[1]}
        for o in spec["output"].strip(".").split("...")
    ]
    state = {"query": f"aar={year}", "lang": "nb", "url_query": f"aar={year}"}
    return {
        "output": spec["output"],
        "outputs": outputs,
        "inputs": [{"id": "filter-state", "property": "data", "value": state}],
        "changedPropIds": ["filter-state.data"],
        "state": [],
    }


def test_only_dash_files_are_kept_by_file(server) -> None:
    client = server.test_client()
    url = _script(client)
    path = url.split("?")[0]
    kept_as = "br;" + re.sub(r"\.v[\w-]+m[0-9a-f]+\.", ".", path)
    assert kept_as != "br;" + path  # the file's name carries Dash's version
    br = {"Accept-Encoding": "br"}
    script = client.get(url, headers=br)
    # Any version in the name serves the same file: the same entry.
    made_up = re.sub(r"\.v[\w-]+m([0-9a-f]+)\.", r".v0_0_1m1.", path)
    assert client.get(made_up, headers=br).data == script.data
    page = client.get("/", headers=br)
    answers = {
        year: client.post("/_dash-update-component", json=_about_years(client, year), headers=br)
        for year in (2018, 2019)
    }
    assert page.headers["Content-Encoding"] == "br"
    for year, answer in answers.items():
        assert answer.status_code == 200
        assert answer.headers["Content-Encoding"] == "br"
        rows = json.loads(brotli.decompress(answer.data))["response"]["about-years-grid"]["rowData"]
        assert [row["year"] for row in rows] == [year]
    assert list(_cache(server).data) == [kept_as]
