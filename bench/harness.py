"""The servers, browsers and data of the measurements, in one place:
``make bench`` (bench/run.py), ``make load`` (load/) and
scripts/plotly-bundle/first_load.py start gunicorn, wait for it, drive
Chromium and stop what they started the same way, so a figure of one can be
set beside a figure of another.

Every process started here listens on 127.0.0.1, runs in its own process
group (session) and is registered, so ``stop_all()`` stops exactly what a
measurement started and nothing else.
"""

from __future__ import annotations

import contextlib
import os
import platform
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import requests

from core.data import facts, store

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent  # the environment's gunicorn, dekomp, locust
CACHE = ROOT / "bench" / "cache"
START_TIMEOUT = 120.0
CHROMIUM = "/usr/bin/chromium"  # Debian's (make chromium); Playwright never downloads one

PAGES = {  # page name -> path
    "overview": "/",
    "distribution": "/fordeling",
    "compliance": "/etterlevelse",
    "projects": "/prosjekter",
    "about": "/om",
}


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- processes ------------------------------------------------------------------------

_STARTED: list[subprocess.Popen] = []


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def spawn(command: list[str], **popen: Any) -> subprocess.Popen:
    """Start ``command`` in its own session and register it for ``stop_all``."""
    process = subprocess.Popen(command, start_new_session=True, **popen)
    _STARTED.append(process)
    return process


def stop(process: subprocess.Popen) -> None:
    """Stop one process we started (and its workers: gunicorn's master stops
    them on SIGTERM); SIGKILL on its own process group if it will not go."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)  # its own session: only ours
            process.wait(timeout=10)
    if process in _STARTED:
        _STARTED.remove(process)


def stop_all() -> None:
    """Stop every process started here that is still registered."""
    for process in list(_STARTED):
        with contextlib.suppress(Exception):
            stop(process)


def children(pid: int) -> list[int]:
    """The live child processes of ``pid`` (a gunicorn master's workers)."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            found += [int(c) for c in (task / "children").read_text().split()]
    return found


def vm_hwm_mb(pid: int) -> float:
    """A process's peak resident memory (VmHWM) so far, in MB."""
    text = Path(f"/proc/{pid}/status").read_text()
    match = re.search(r"^VmHWM:\s+(\d+) kB", text, re.M)
    return int(match.group(1)) / 1024 if match else 0.0


def wait_ready(process: subprocess.Popen, url: str, deadline: float) -> float:
    """Poll ``url`` every 10 ms until it answers 200; the monotonic time it
    did. Fails if ``process`` exits first or ``deadline`` passes."""
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{Path(process.args[0]).name} exited with {process.returncode}")
        try:
            if requests.get(url, timeout=5).status_code == 200:
                return time.monotonic()
        except requests.RequestException:
            pass
        time.sleep(0.01)
    raise RuntimeError(f"no answer from {url} by the deadline")


def run_command(command: list[str], timeout: float, **popen: Any) -> float:
    """Run ``command`` to a successful end; its wall time in seconds, from
    spawn to exit. The wait blocks in waitpid: ``subprocess.run(timeout=...)``
    polls with sleeps that grow to 50 ms, and the exports it timed came out
    in steps of 50 ms (0.37, 0.42, 0.47 s) whatever they took."""
    started = time.perf_counter()
    process = subprocess.Popen(command, **popen)
    timer = threading.Timer(timeout, process.kill)
    timer.start()
    try:
        code = process.wait()
    finally:
        timer.cancel()
    elapsed = time.perf_counter() - started
    if code != 0:
        if elapsed >= timeout:
            raise subprocess.TimeoutExpired(command, timeout)
        raise subprocess.CalledProcessError(code, command)
    return elapsed


class Gunicorn:
    """A WSGI app (``module:variable``) under gunicorn (gthread) on a free
    loopback port. ``started`` is the monotonic time of the process start
    and ``ready`` the time ``ready_path`` first answered 200.

    The settings go to gunicorn as flags, or, with ``config`` (the
    repository's gunicorn.conf.py), through the environment it reads
    (HOST, PORT, DEKOMP_DB, DEKOMP_WORKERS, DEKOMP_THREADS). Without a
    ``log`` file gunicorn logs only warnings and errors, to our stderr."""

    def __init__(
        self,
        app: str,
        db: Path | None,
        workers: int = 2,
        threads: int = 4,
        *,
        config: Path | None = None,
        cwd: Path = ROOT,
        log: Path | None = None,
        port: int | None = None,
        ready_path: str = "/",
    ) -> None:
        self.app = app
        self.db = None if db is None else Path(db).absolute()  # the link itself
        self.workers = workers
        self.threads = threads
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "HOST": "127.0.0.1",
            "PORT": str(self.port),
            "DEKOMP_WORKERS": str(workers),
            "DEKOMP_THREADS": str(threads),
        }
        if self.db is not None:
            env["DEKOMP_DB"] = str(self.db)
        if log is None:  # nowhere to keep them: errors only, no access log
            env.setdefault("DEKOMP_LOG_LEVEL", "warning")
            env.setdefault("DEKOMP_ACCESS_LOG", "")
        else:  # gunicorn.conf.py logs to stdout and stderr: both go to the file
            env.setdefault("DEKOMP_ACCESS_LOG", "-")
        self.config = config
        self.command = [str(BIN / "gunicorn")]
        if config is not None:
            self.command += ["-c", str(config), app]
        else:
            self.command += [app, "--bind", f"127.0.0.1:{self.port}"]
            self.command += ["--workers", str(workers), "--threads", str(threads)]
            self.command += ["--timeout", "120", "--keep-alive", "5"]  # as gunicorn.conf.py
            if log is None:
                self.command += ["--log-level", "warning"]
        self.log = log
        out = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115 - the process owns it
        self.started = time.monotonic()
        self.process = spawn(
            self.command, cwd=cwd, env=env, stdout=out, stderr=out if log else None
        )
        if log:
            out.close()
        self.ready = wait_ready(self.process, self.url + ready_path, self.started + START_TIMEOUT)

    def worker_pids(self) -> list[int]:
        return sorted(children(self.process.pid))

    def stop(self) -> None:
        stop(self.process)

    def __enter__(self) -> Gunicorn:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


# --- the data -------------------------------------------------------------------------


def dataset(scale: float) -> Path:
    """The national data set at ``scale`` and its database, built once in
    bench/cache/scale-<scale>/ and reused."""
    folder = CACHE / f"scale-{scale}"
    db = folder / "dekomp.duckdb"
    if store.Paths(db).published() is not None:
        log(f"reusing {db}")
        with store.Store(db).snapshot() as snap:
            current = facts.stored_date(snap) is not None
        if not current:  # built by an older release: give it this release's facts
            log("publishing this release's facts (dekomp derive)")
            subprocess.run(
                [str(BIN / "dekomp"), "derive", "--db", str(db)],
                cwd=ROOT,
                check=True,
                timeout=1800,
                stdout=subprocess.DEVNULL,
            )
        return db
    folder.mkdir(parents=True, exist_ok=True)
    log(f"building the data set at scale {scale} in {folder}")
    command = [sys.executable, "-m", "generate", "national", "--out", str(folder)]
    subprocess.run(
        [*command, "--scale", str(scale), "--db", str(db)],
        cwd=ROOT,
        check=True,
        timeout=1800,
        stdout=subprocess.DEVNULL,
    )
    return db


# --- the browser ----------------------------------------------------------------------


def chromium(playwright: Any) -> Any:
    """Headless Chromium for a measurement (``with sync_playwright() as pw``)."""
    return playwright.chromium.launch(
        executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
    )


def appender(items: list[Any]) -> Callable[[Any], None]:
    """A handler for Playwright's events that keeps them in ``items`` (it
    wants a Python function)."""

    def append(item: Any) -> None:
        items.append(item)

    return append


def scroll_through(page: Any) -> None:
    """Bring every chart card on screen in turn, as a reader scrolling down
    does: a card asks for its chart only once it comes near the screen
    (dashboard.components.WATCH_CARD). By index, in the page: a card of a
    page being replaced is skipped."""
    for index in range(page.locator(".chart-card").count()):
        page.evaluate(
            "(i) => document.querySelectorAll('.chart-card')[i]?.scrollIntoView({block: 'center'})",
            index,
        )
        page.wait_for_timeout(100)


def settle(page: Any, sent: list[Any], quiet_ms: int = 1000, limit_s: float = 30) -> None:
    """Scroll through the page as a reader does (``scroll_through``), then
    wait until the page's chain of callbacks settles: no new request in
    ``sent`` for ``quiet_ms``, or ``limit_s`` seconds."""
    scroll_through(page)
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        count = len(sent)
        page.wait_for_timeout(quiet_ms)
        page.wait_for_load_state("networkidle")
        if len(sent) == count:
            break


# --- the report -----------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    """The ``p``-th percentile, linear between the closest ranks."""
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def machine() -> dict[str, Any]:
    """What a results file records about the machine it was measured on."""
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {
        "nproc": os.cpu_count(),
        "cpu_model": model,
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "platform": platform.platform(),
    }
