"""Fault (a): an import publishes a new version in the middle of a load run.

    .venv/bin/python -m load.faults.import_during_load            # 50 users, 2 min, scale 1.0
    .venv/bin/python -m load.faults.import_during_load --users 5 --duration 30s --scale 0.01

The app serves a private copy of the national-scale database folder; half
way through the run ``dekomp import status`` adds a small file of status
reports to it and publishes the next version. Checked: no failed request,
every response names exactly one version, the versions seen are the old and
the new one, no user sees the old one after it saw the new one, and no
request that started after the import returned names the old one.
Results (with the checks) go to load/results-<name>.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.harness import dataset, stop_all
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


def checks(results: dict[str, Any], old: str, event: dict[str, Any]) -> dict[str, Any]:
    new = event["published"]
    versions = results["versions"]
    by_version = versions["by_version"]
    old_after = 0
    if old in by_version:
        old_after = sum(
            1 for e in results["_entries"] if e.get("version") == old and e["start"] > event["end"]
        )
    return {
        "import_succeeded": event["returncode"] == 0 and new > old,
        "no_failed_request": results["total"]["failures"] == 0,
        "one_version_per_response": versions["responses_naming_two_versions"] == 0,
        "versions_old_then_new": versions["seen"] == [old, new],
        "no_user_went_back": versions["backwards_per_user"] == 0,
        "old_version_after_publish": old_after,
        "none_old_after_publish": old_after == 0,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_arguments(parser)
    args = parser.parse_args(argv)
    seconds = parse_duration(args.duration)
    name = args.name or f"fault-import-scale-{args.scale}"
    source = dataset(args.scale)
    with tempfile.TemporaryDirectory(prefix="dekomp-fault-import-") as tmp:
        db = copy_database(source, Path(tmp) / "data")
        extra = status_csv(db, Path(tmp) / "status-extra.csv", projects=200, days=3)
        old = published_version(db)
        log(f"serving a copy of {source} ({old}); the import comes after {seconds / 2:.0f} s")

        def during(started: float) -> list[dict]:
            sleep_until(started + seconds / 2)
            event = run_import(db, "status", extra)
            log(f"import: exit {event['returncode']}, published {event['published']}")
            return [event]

        try:
            with serving(db, 1, args.workers, args.threads, Path(tmp)) as (url, server, handles):
                results = load_run(
                    url,
                    args.users,
                    seconds,
                    name,
                    server,
                    during=during,
                    keep_entries=True,
                    cpu=cpu_probe(handles),
                )
        finally:
            stop_all()
    event = next(e for e in results["events"] if e["action"] == "import")
    results["checks"] = checks(results, old, event)
    results.pop("_entries")
    results["checks_met"] = all(v for v in results["checks"].values() if isinstance(v, bool))
    (LOAD_DIR / f"results-{name}.json").write_text(
        json.dumps(results, indent=2) + "\n", encoding="utf-8"
    )
    print(table(results))
    print(summary_line(results))
    print("checks: " + json.dumps(results["checks"]))
    return 0 if results["checks_met"] else 1


if __name__ == "__main__":
    sys.exit(main())
