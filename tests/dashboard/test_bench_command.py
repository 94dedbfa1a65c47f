"""How the benchmark times a command (bench/run.py ``run_command``): to its
exit, failing loudly, and killed at its timeout."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bench.run import run_command


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
