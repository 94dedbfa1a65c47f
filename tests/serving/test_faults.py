"""Serving through faults, on the demo data: a version published while
clients ask, a gunicorn worker killed with -9, an import killed with -9, and
two instances behind nginx (deploy/nginx.conf). The national-scale runs of
the same faults under the locust load are scripts (load/faults/); their
figures are in docs/operations.md.

Each test serves the app with gunicorn (load.serve.Instance, the same code
the load runs use) and keeps a few client threads asking in a loop: /healthz
and the footer callback, which both read the data and name the version they
read in X-Dekomp-Version.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from core.data import store
from load.serve import Instance, Nginx, nginx_binary
from tests.conftest import FOOTER_CALLBACK, VENV_BIN
from tests.data.test_versions import status_file

pytestmark = pytest.mark.slow
VERSION_HEADER = "X-Dekomp-Version"


@dataclass
class Answer:
    thread: int
    start: float
    end: float
    status: int | None  # None: the connection failed
    version: str | None
    error: str | None


class ClientLoop:
    """``threads`` clients, each asking in turn for /healthz and the footer
    callback on its own keep-alive session until stopped."""

    def __init__(self, url: str, threads: int = 3) -> None:
        self.url = url
        self.answers: list[Answer] = []
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, args=(i,)) for i in range(threads)]
        for thread in self._threads:
            thread.start()

    def _ask(self, number: int, session: requests.Session, method: str, path: str) -> None:
        start = time.time()
        try:
            if method == "GET":
                response = session.get(self.url + path, timeout=30)
            else:
                response = session.post(self.url + path, json=FOOTER_CALLBACK, timeout=30)
        except requests.RequestException as err:
            self.answers.append(Answer(number, start, time.time(), None, None, repr(err)))
            return
        error = None if response.status_code == 200 else f"HTTP {response.status_code}"
        version = response.headers.get(VERSION_HEADER)
        self.answers.append(
            Answer(number, start, time.time(), response.status_code, version, error)
        )

    def _run(self, number: int) -> None:
        session = requests.Session()
        while not self._stop.is_set():
            self._ask(number, session, "GET", "/healthz")
            self._ask(number, session, "POST", "/_dash-update-component")

    def wait_for(self, count: int, after: float = 0.0, timeout: float = 60) -> None:
        """Until ``count`` answers to requests started after ``after``."""
        deadline = time.monotonic() + timeout
        while sum(1 for a in list(self.answers) if a.start > after) < count:
            assert time.monotonic() < deadline, f"fewer than {count} answers in {timeout} s"
            time.sleep(0.05)

    def stop(self) -> list[Answer]:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=60)
        return list(self.answers)


@pytest.fixture
def instances(tmp_path: Path) -> Iterator[list[Instance]]:
    started: list[Instance] = []
    yield started
    for instance in started:
        instance.stop()


def test_srv001_publish_during_load_old_then_new(
    db: Path, tmp_path: Path, instances: list[Instance]
) -> None:
    """An import publishes while clients ask: no request fails, every
    response names exactly one version, each client sees the old version
    then the new one and never back, and every request that started after
    the import returned reads the new version."""
    instances.append(Instance(db, workers=2, threads=4, log=tmp_path / "gunicorn.log"))
    old = store.Paths(db).published().stem
    loop = ClientLoop(instances[0].url, threads=3)
    loop.wait_for(30)
    path = status_file(db, tmp_path / "status.csv", days=30)
    imported = subprocess.run(
        [str(VENV_BIN / "dekomp"), "import", "status", str(path), "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    published_at = time.time()
    loop.wait_for(30, after=published_at)
    answers = loop.stop()

    assert imported.returncode == 0, imported.stderr
    new = store.Paths(db).published().stem
    assert new == "v000002" and old == "v000001"
    assert [a.error for a in answers if a.error] == []
    assert all(a.version in (old, new) for a in answers)  # one version each, never "a,b"
    assert {a.version for a in answers} == {old, new}
    for thread in range(3):
        mine = sorted((a for a in answers if a.thread == thread), key=lambda a: a.start)
        versions = [a.version for a in mine]
        assert versions == sorted(versions), f"client {thread} went back to the old version"
    assert {a.version for a in answers if a.start > published_at} == {new}


def _kill_a_worker(instance: Instance) -> tuple[int, float, float]:
    """SIGKILL one worker; wait until the master has a new one in its place.
    Returns the victim, the kill time and when it was replaced."""
    before = instance.worker_pids()
    victim = before[0]
    killed = time.time()
    os.kill(victim, signal.SIGKILL)
    deadline = time.monotonic() + 60
    while True:
        now = instance.worker_pids()
        if victim not in now and len(now) == len(before):
            return victim, killed, time.time()
        assert time.monotonic() < deadline, "gunicorn did not replace the killed worker"
        time.sleep(0.02)


def test_srv002_kill_9_of_a_worker_is_replaced(
    db: Path, tmp_path: Path, instances: list[Instance]
) -> None:
    """gunicorn's master replaces a worker killed with -9 and serves on. The
    only requests that can fail are those the dead worker held at that
    instant (at most one per client): each such failure is a broken
    connection, never a wrong answer or an HTTP error, and every request
    that started after the new worker was up succeeded."""
    instance = Instance(db, workers=2, threads=2, log=tmp_path / "gunicorn.log")
    instances.append(instance)
    loop = ClientLoop(instance.url, threads=4)
    loop.wait_for(40)
    victim, killed, replaced = _kill_a_worker(instance)
    loop.wait_for(40, after=replaced)
    answers = loop.stop()

    assert instance.process.poll() is None
    assert victim not in instance.worker_pids() and len(instance.worker_pids()) == 2
    failed = [a for a in answers if a.error]
    assert len(failed) <= 4
    assert all(a.status is None and a.end >= killed and a.start <= replaced for a in failed), failed
    assert all(a.error is None for a in answers if a.start > replaced)
    assert all(a.status == 200 for a in answers if a.start > replaced)


def test_srv003_kill_9_of_an_import_while_serving(
    db: Path, tmp_path: Path, instances: list[Instance]
) -> None:
    """An import killed with -9 while its staging copy is written changes
    nothing served: no request fails, every response names the version
    served before, /healthz answers it after the kill, and the next import
    publishes normally. (tests/data/test_versions.py checks the folder
    itself byte for byte; this checks it while the app serves.)"""
    instance = Instance(db, workers=2, threads=4, log=tmp_path / "gunicorn.log")
    instances.append(instance)
    paths = store.Paths(db)
    old = paths.published().stem
    health_before = requests.get(instance.url + "/healthz", timeout=30).json()
    loop = ClientLoop(instance.url, threads=3)
    loop.wait_for(20)
    big = status_file(db, tmp_path / "status.csv", days=4000)
    process = subprocess.Popen(
        [str(VENV_BIN / "dekomp"), "import", "status", str(big), "--db", str(db)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while not list(paths.versions_dir.glob(".staging-*")):
        assert process.poll() is None, "the import ended before it was caught halfway"
        assert time.monotonic() < deadline
        time.sleep(0.005)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    killed = time.time()
    loop.wait_for(20, after=killed)
    answers = loop.stop()
    health_after = requests.get(instance.url + "/healthz", timeout=30).json()

    assert process.returncode == -signal.SIGKILL
    assert [a.error for a in answers if a.error] == []
    assert {a.version for a in answers} == {old}
    assert paths.published().stem == old
    assert health_after == health_before
    small = tmp_path / "fte.csv"
    small.write_text("owner_id,year,school_level,fte,source\n958935420,2022,compulsory,1,x\n")
    result = subprocess.run(
        [str(VENV_BIN / "dekomp"), "import", "fte", str(small), "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert not list(paths.versions_dir.glob(".staging-*"))
    assert requests.get(instance.url + "/healthz", timeout=30).json()["version"] == 2


needs_nginx = pytest.mark.skipif(
    nginx_binary() is None, reason="nginx is not installed (make nginx installs it)"
)


@pytest.fixture
def proxied(db: Path, tmp_path: Path, instances: list[Instance]) -> Iterator[Nginx]:
    """Two instances serving the same published folder, nginx in front."""
    for i in range(2):
        instances.append(Instance(db, workers=2, threads=2, log=tmp_path / f"gunicorn-{i}.log"))
    proxy = Nginx([f"127.0.0.1:{i.port}" for i in instances])
    yield proxy
    proxy.stop()


@needs_nginx
def test_srv004_nginx_uses_both_instances(proxied: Nginx, instances: list[Instance]) -> None:
    """Through nginx, answers come from both instances, each names the one
    published version, and the app's own compression passes through."""
    session = requests.Session()
    answers = [session.get(proxied.url + "/healthz", timeout=30) for _ in range(20)]
    answers += [
        session.post(proxied.url + "/_dash-update-component", json=FOOTER_CALLBACK, timeout=30)
        for _ in range(20)
    ]
    page = session.get(proxied.url + "/", headers={"Accept-Encoding": "gzip"}, timeout=30)
    # Bodies larger than nginx's buffers go through its temp folder, which
    # its unprivileged workers must be able to write: a big callback body
    # (as the Etterlevelse rule table sends) and a big uncompressed answer.
    big_body = {**FOOTER_CALLBACK, "padding": "x" * 300_000}
    answers.append(session.post(proxied.url + "/_dash-update-component", json=big_body, timeout=30))
    css = "/assets/00-bootstrap.min.css"  # the vendored Bootstrap, about 230 KB
    plain = {"Accept-Encoding": "identity"}
    proxied_css = session.get(proxied.url + css, headers=plain, timeout=30)
    direct_css = requests.get(instances[0].url + css, headers=plain, timeout=30)

    assert [a.status_code for a in answers] == [200] * 41
    assert proxied_css.status_code == 200 and proxied_css.content == direct_css.content
    assert len(proxied_css.content) > 64 * 1024
    assert {a.headers[VERSION_HEADER] for a in answers} == {"v000001"}
    counts = proxied.upstream_counts()
    assert set(counts) == {f"127.0.0.1:{i.port}" for i in instances}
    assert all(n >= 5 for n in counts.values()), counts
    assert page.status_code == 200 and page.headers.get("Content-Encoding") == "gzip"


@needs_nginx
def test_srv005_kill_9_of_a_worker_behind_nginx_fails_nothing(
    proxied: Nginx, instances: list[Instance]
) -> None:
    """Behind nginx a request whose worker died is sent to the other
    instance (proxy_next_upstream ... non_idempotent): no client sees an
    error, and the killed worker is replaced."""
    loop = ClientLoop(proxied.url, threads=4)
    loop.wait_for(40)
    victim, _, replaced = _kill_a_worker(instances[0])
    loop.wait_for(40, after=replaced)
    answers = loop.stop()

    assert [a.error for a in answers if a.error] == []
    assert {a.version for a in answers} == {"v000001"}
    assert victim not in instances[0].worker_pids()
