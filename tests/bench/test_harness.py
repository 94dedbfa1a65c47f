"""The server harness of bench/ and load/ (bench/harness.py): how a
measurement times a command (to its exit, failing loudly, killed at its
timeout), serves an app with gunicorn and stops what it started."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import requests

from bench.harness import Gunicorn, percentile, run_command, spawn, stop_all


def test_a_command_runs_to_its_end(tmp_path: Path) -> None:
    done = tmp_path / "done"
    program = f"import pathlib; pathlib.Path({str(done)!r}).write_text('yes')"
    seconds = run_command([sys.executable, "-c", program], 60)
    assert done.read_text() == "yes"  # it waited for the end
    assert seconds > 0


def test_a_failing_command_raises_with_its_code() -> None:
    with pytest.raises(subprocess.CalledProcessError) as caught:
        run_command([sys.executable, "-c", "raise SystemExit(3)"], 60)
    assert caught.value.returncode == 3


def test_a_command_past_its_timeout_is_killed() -> None:
    with pytest.raises(subprocess.TimeoutExpired) as caught:
        run_command([sys.executable, "-c", "import time; time.sleep(60)"], 0.5)
    assert caught.value.timeout == 0.5


def test_percentile_interpolates_between_ranks() -> None:
    values = [5.0, 1.0, 4.0, 2.0, 3.0]
    assert percentile(values, 50) == 3.0
    assert percentile(values, 95) == pytest.approx(4.8)
    assert percentile(values, 100) == 5.0


def test_stop_all_stops_what_was_started() -> None:
    process = spawn([sys.executable, "-c", "import time; time.sleep(60)"])
    stop_all()
    assert process.returncode == -15  # SIGTERM, not left running


def test_gunicorn_serves_the_app_until_stopped(db: Path) -> None:
    with Gunicorn("app:server", db, workers=1, threads=2, ready_path="/healthz") as server:
        assert server.started <= server.ready
        health = requests.get(server.url + "/healthz", timeout=30)
        assert health.status_code == 200
        assert health.json()["status"] == "ok"
        (worker,) = server.worker_pids()
    assert server.process.poll() is not None
    assert not Path(f"/proc/{worker}").exists()  # the worker went with its master
