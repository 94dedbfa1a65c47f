"""One fixture builder for every floor: the demo database is built once per
session from data/demo/ through the real import path, and each test that
changes data gets its own copy of the database folder."""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import socket
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from core.data import ingest
from core.data.kinds import LOAD_ORDER

ROOT = Path(__file__).resolve().parent.parent
DEMO_DIR = ROOT / "data" / "demo"
VENV_BIN = Path(sys.executable).parent

# The callback that turns the filter controls into the filter state and names
# the data version in the footer: it reads the database, like every chart,
# table and download callback, through the same endpoint.
FOOTER_CALLBACK = {
    "output": "..filter-state.data...data-version-footer.children..",
    "outputs": [
        {"id": "filter-state", "property": "data"},
        {"id": "data-version-footer", "property": "children"},
    ],
    "inputs": [
        {"id": "filter-year", "property": "value", "value": None},
        {"id": "filter-forum", "property": "value", "value": None},
        {"id": "filter-municipality", "property": "value", "value": None},
        {"id": "filter-owner-type", "property": "value", "value": None},
        {"id": "filter-as-of", "property": "date", "value": None},
        {"id": "language", "property": "value", "value": "nb"},
    ],
    "changedPropIds": ["language.value"],
    "state": [],
}


def demo_files() -> list[tuple[str, Path]]:
    return [(k, DEMO_DIR / f"{k}.csv") for k in LOAD_ORDER if (DEMO_DIR / f"{k}.csv").exists()]


@pytest.fixture(scope="session")
def demo_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database folder holding the demo data as version 1. Read-only use."""
    folder = tmp_path_factory.mktemp("demo")
    ingest.import_files(folder / "dekomp.duckdb", demo_files(), description="demodata")
    return folder


@pytest.fixture
def db(demo_folder: Path, tmp_path: Path) -> Path:
    """A private copy of the demo database folder; returns its published path."""
    folder = tmp_path / "data"
    shutil.copytree(demo_folder, folder, symlinks=True)
    return folder / "dekomp.duckdb"


def folder_state(folder: Path) -> dict[str, tuple]:
    """Every file and link of a folder with its content hash and mtime."""
    state: dict[str, tuple] = {}
    for path in sorted(folder.rglob("*")):
        rel = str(path.relative_to(folder))
        if path.is_symlink():
            state[rel] = ("link", os.readlink(path))
        elif path.is_file():
            state[rel] = (
                "file",
                hashlib.sha256(path.read_bytes()).hexdigest(),
                path.stat().st_mtime_ns,
            )
        else:
            state[rel] = ("dir",)
    return state


def zip_entries(data: bytes) -> dict[str, bytes]:
    """Every entry of a ZIP, by name."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=5)  # any answer means the server is up
            return
        except (requests.ConnectionError, requests.Timeout):
            pass
        time.sleep(0.1)
    raise TimeoutError(f"{url} did not answer within {timeout} s")


@pytest.fixture
def serve(tmp_path: Path) -> Iterator:
    """Start the app under gunicorn on a free port for a given database."""
    started: list[subprocess.Popen] = []

    def start(db: Path, workers: int = 2) -> str:
        port = free_port()
        log = open(tmp_path / f"gunicorn-{port}.log", "wb")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(
            [
                str(VENV_BIN / "gunicorn"),
                "--workers",
                str(workers),
                "--threads",
                "4",
                "--bind",
                f"127.0.0.1:{port}",
                "app:server",
            ],
            cwd=ROOT,
            env={**os.environ, "DEKOMP_DB": str(db)},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        started.append(process)
        url = f"http://127.0.0.1:{port}"
        wait_for(url + "/healthz")
        return url

    yield start
    for process in started:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
