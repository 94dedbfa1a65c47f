"""Fault (c): ``kill -9`` of an import while the app serves a load.

    .venv/bin/python -m load.faults.kill_import                   # 50 users, 2 min, scale 1.0
    .venv/bin/python -m load.faults.kill_import --users 5 --duration 30s --scale 0.01

The app serves a private copy of the database folder. A third of the way
into the run, ``dekomp import status`` of a large file starts and gets
SIGKILL as soon as its staging copy appears (the copy is being written).
Checked: no failed request, every response names the version that was
served before (nothing half-built is ever served), /healthz answers that
version after the kill, the published link is unchanged, and the next
import clears the dead importer's staging file and publishes normally.
tests/data/test_versions.py checks the same without a load;
tests/serving/test_faults.py checks it on the demo data while serving.
Results go to load/results-<name>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import requests

from bench.harness import BIN, dataset, stop_all
from core.data import store
from load.faults.common import (
    add_arguments,
    copy_database,
    published_version,
    run_import,
    sleep_until,
    status_csv,
)
from load.run import (
    LOAD_DIR,
    cpu_probe,
    load_run,
    log,
    parse_duration,
    serving,
    summary_line,
    table,
)


def kill_an_import(db: Path, big: Path, url: str, at: float) -> list[dict]:
    sleep_until(at)
    paths = store.Paths(db)
    before = paths.published()
    started = time.time()
    process = subprocess.Popen(
        [str(BIN / "dekomp"), "import", "status", str(big), "--db", str(db)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    staging = False
    deadline = time.monotonic() + 600
    while process.poll() is None and time.monotonic() < deadline:
        if list(paths.versions_dir.glob(".staging-*")):
            staging = True
            break
        time.sleep(0.005)
    killed = time.time()
    if process.poll() is None:
        os.kill(process.pid, signal.SIGKILL)
    process.wait()
    health = requests.get(url + "/healthz", timeout=30)
    log(f"import killed after {killed - started:.1f} s (exit {process.returncode})")
    return [
        {
            "action": "kill -9 import",
            "start": started,
            "at": killed,
            "caught_halfway": staging and process.returncode == -signal.SIGKILL,
            "returncode": process.returncode,
            "published_before": before.stem if before else None,
            "published_after": published_version(db),
            "staging_left": [p.name for p in paths.versions_dir.glob(".staging-*")],
            "healthz_after": {"status": health.status_code, **health.json()},
        }
    ]


def checks(results: dict[str, Any], old: str, event: dict, after: dict) -> dict[str, Any]:
    return {
        "import_caught_halfway": event["caught_halfway"],
        "no_failed_request": results["total"]["failures"] == 0,
        "only_the_old_version_served": results["versions"]["seen"] == [old],
        "published_link_unchanged": event["published_after"] == old,
        "healthz_same_version": f"v{event['healthz_after'].get('version', 0):06d}" == old,
        "next_import_publishes": after["returncode"] == 0 and after["published"] > old,
        "next_import_cleared_staging": not after["staging_left"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_arguments(parser)
    args = parser.parse_args(argv)
    seconds = parse_duration(args.duration)
    name = args.name or f"fault-kill-import-scale-{args.scale}"
    source = dataset(args.scale)
    with tempfile.TemporaryDirectory(prefix="dekomp-fault-kill-import-") as tmp:
        db = copy_database(source, Path(tmp) / "data")
        big = status_csv(db, Path(tmp) / "status-big.csv", projects=100_000, days=10)
        small = status_csv(db, Path(tmp) / "status-small.csv", projects=10, days=1)
        old = published_version(db)
        try:
            with serving(db, 1, args.workers, args.threads, Path(tmp)) as (url, server, handles):
                results = load_run(
                    url,
                    args.users,
                    seconds,
                    name,
                    server,
                    cpu=cpu_probe(handles),
                    during=lambda started: kill_an_import(db, big, url, started + seconds / 3),
                )
        finally:
            stop_all()
        after = run_import(db, "status", small)
        after["staging_left"] = [p.name for p in store.Paths(db).versions_dir.glob(".staging-*")]
    event = next(e for e in results["events"] if e["action"] == "kill -9 import")
    results["events"].append(after)
    results["checks"] = checks(results, old, event, after)
    results["checks_met"] = all(v for v in results["checks"].values())
    (LOAD_DIR / f"results-{name}.json").write_text(
        json.dumps(results, indent=2) + "\n", encoding="utf-8"
    )
    print(table(results))
    print(summary_line(results))
    print("checks: " + json.dumps(results["checks"]))
    return 0 if results["checks_met"] else 1


if __name__ == "__main__":
    sys.exit(main())
