"""What the fault scripts share: a private copy of a database folder, a small
file of status reports to import, and running ``dekomp import``."""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

from bench.harness import BIN
from core.data import store


def copy_database(db: Path, into: Path) -> Path:
    """The published link and the version files of ``db``'s folder, copied
    (the link stays a link): a fault never touches bench/cache itself."""
    paths = store.Paths(db)
    into.mkdir(parents=True, exist_ok=True)
    shutil.copytree(paths.versions_dir, into / paths.versions_dir.name, symlinks=True)
    (into / db.name).symlink_to(Path(paths.versions_dir.name) / paths.published().name)
    return into / db.name


def status_csv(db: Path, path: Path, projects: int, days: int) -> Path:
    """Status reports for ``projects`` projects, one a day for ``days`` days
    after the latest report in the data: new rows, valid for the import."""
    with store.Store(db).snapshot() as snap:
        ids = [r[0] for r in snap.rows("SELECT project_id FROM project ORDER BY 1")]
        latest = snap.scalar("SELECT max(report_date) FROM status_report") or dt.date(2026, 1, 1)
    start = latest + dt.timedelta(days=1)
    with path.open("w", encoding="utf-8") as out:
        out.write("project_id,report_date,status,spent_to_date_nok,participants,note\n")
        for project in ids[:projects]:
            for day in range(days):
                out.write(f"{project},{start + dt.timedelta(days=day)},ongoing,1000,10,lasttest\n")
    return path


def published_version(db: Path) -> str:
    target = store.Paths(db).published()
    assert target is not None
    return target.stem


def run_import(db: Path, kind: str, path: Path) -> dict[str, Any]:
    """``dekomp import`` to the end; what happened, with wall-clock times."""
    started = time.time()
    result = subprocess.run(
        [str(BIN / "dekomp"), "import", kind, str(path), "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    return {
        "action": "import",
        "start": started,
        "end": time.time(),
        "returncode": result.returncode,
        "published": published_version(db),
        "output": (result.stdout + result.stderr).strip()[-500:],
    }


def sleep_until(moment: float) -> None:
    time.sleep(max(0.0, moment - time.time()))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", default="2m")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--name", help="results go to load/results-<name>.json")
