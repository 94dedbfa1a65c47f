"""Serving under gunicorn: the first requests after a start all succeed."""

from __future__ import annotations

import concurrent.futures
import os
import re
import socket
import subprocess
import time
from pathlib import Path

import requests

from tests.conftest import ROOT, VENV_BIN, free_port


def _wait_for_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.02)
    raise TimeoutError(f"port {port} did not open")


def test_first_page_load_under_threads_gets_every_script(db: Path, tmp_path: Path) -> None:
    """Dash fills its script registry on the first request; threaded workers
    used to serve a first page's scripts before that finished (500s)."""
    from dashboard import create_app
    from dashboard.settings import Settings

    index = create_app(Settings(db=db)).server.test_client().get("/").get_data(as_text=True)
    scripts = re.findall(r'src="(/_dash-component-suites/[^"]+)"', index)
    assert len(scripts) >= 5

    port = free_port()
    process = subprocess.Popen(
        [
            str(VENV_BIN / "gunicorn"),
            "--workers",
            "1",
            "--threads",
            "8",
            "--bind",
            f"127.0.0.1:{port}",
            "app:server",
        ],
        cwd=ROOT,
        env={**os.environ, "DEKOMP_DB": str(db)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for_port(port)
        urls = [f"http://127.0.0.1:{port}/", *(f"http://127.0.0.1:{port}{s}" for s in scripts)] * 4
        with concurrent.futures.ThreadPoolExecutor(16) as pool:
            codes = list(pool.map(lambda u: requests.get(u, timeout=30).status_code, urls))
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert codes == [200] * len(urls)


def test_responses_name_the_data_version_they_read(db: Path) -> None:
    """Every response that read data says which version in X-Dekomp-Version;
    a response that read none (an asset) carries no such header."""
    from dashboard import create_app
    from dashboard.data import VERSION_HEADER
    from dashboard.settings import Settings

    client = create_app(Settings(db=db)).server.test_client()
    health = client.get("/healthz")
    expected = f"v{health.get_json()['version']:06d}"
    assert health.headers[VERSION_HEADER] == expected
    assert db.resolve().stem == expected  # the symlink's target
    assert VERSION_HEADER not in client.get("/assets/app.css").headers


def test_a_worker_has_loaded_everything_when_it_answers_first(db: Path) -> None:
    """A worker imports pandas, pyarrow and core.views as it builds the app
    (no thread loads them later), leaves Plotly's JSON writer as it comes
    (orjson where installed), and its first callback answers in full."""
    code = f"""
import sys, threading
from plotly.io import json as plotly_json
from dashboard import create_app
from dashboard.settings import Settings
from tests.conftest import FOOTER_CALLBACK
app = create_app(Settings(db={str(db)!r}))
print("built:", sorted(m for m in ("pandas", "pyarrow", "core.views") if m in sys.modules))
print("threads:", threading.active_count())
print("writer:", plotly_json.config.default_engine)
response = app.server.test_client().post("/_dash-update-component", json=FOOTER_CALLBACK)
answer = response.get_json()["response"]
print("footer:", answer["data-version-footer"]["children"].split(",")[0])
print("state:", answer["filter-state"]["data"])
"""
    result = subprocess.run(
        [str(VENV_BIN / "python"), "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert result.stdout.splitlines() == [
        "built: ['core.views', 'pandas', 'pyarrow']",
        "threads: 1",
        "writer: auto",  # Plotly's default
        "footer: Dataversjon 1",
        "state: {'query': '', 'lang': 'nb', 'url_query': 'aar=alle'}",
    ]
