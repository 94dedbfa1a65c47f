"""Fault (b): ``kill -9`` of a gunicorn worker in the middle of a load run.

    .venv/bin/python -m load.faults.kill_worker                   # 50 users, 2 min, scale 1.0
    .venv/bin/python -m load.faults.kill_worker --instances 2     # the same behind nginx
    .venv/bin/python -m load.faults.kill_worker --users 5 --duration 30s --scale 0.01

Half way through the run one worker of the (first) instance gets SIGKILL.
Recorded: when gunicorn's master had a new worker in its place, the
requests in flight at the kill, the attempts whose connection broke (the
load's browsers resend those once, as Chromium does on a reused connection)
and the failures left after that. Behind nginx, ``proxy_next_upstream ...
non_idempotent`` sends a request whose upstream connection broke to the
other instance, so the browser sees no error at all.
Results go to load/results-<name>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.harness import dataset, stop_all
from load.faults.common import add_arguments, sleep_until
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
from load.serve import Instance, nginx_binary


def kill_a_worker(instance: Instance, at: float) -> list[dict]:
    sleep_until(at)
    before = instance.worker_pids()
    victim = before[0]
    killed = time.time()
    os.kill(victim, signal.SIGKILL)
    log(f"kill -9 worker {victim} of {instance.url}")
    replaced = None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        now = instance.worker_pids()
        if victim not in now and len(now) == len(before):
            replaced = time.time()
            break
        time.sleep(0.02)
    return [
        {
            "action": "kill -9 worker",
            "pid": victim,
            "at": killed,
            "workers_before": before,
            "workers_after": instance.worker_pids(),
            "replaced_after_s": None if replaced is None else round(replaced - killed, 3),
            "master_alive": instance.process.poll() is None,
        }
    ]


def checks(results: dict[str, Any], entries: list[dict], event: dict[str, Any]) -> dict[str, Any]:
    killed = event["at"]
    in_flight = [e for e in entries if e["start"] <= killed <= e["end"]]
    # The kernel closes the dead worker's connections at once: the attempts
    # it broke were in flight at the kill or reused one of its connections
    # right after.
    broken = [e for e in entries if e.get("resent") and e["end"] >= killed >= e["start"] - 1]
    return {
        "worker_replaced": event["replaced_after_s"] is not None and event["master_alive"],
        "replaced_after_s": event["replaced_after_s"],
        "requests_in_flight_at_kill": len(in_flight),
        "attempts_broken_by_the_kill": len(broken),
        "broken_attempts": sorted({f"{e['name']}: {e['error']}" for e in broken}),
        "resent_at_other_times": sum(1 for e in entries if e.get("resent")) - len(broken),
        "failed_after_resend": results["total"]["failures"],
        "no_failed_request": results["total"]["failures"] == 0,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_arguments(parser)
    parser.add_argument("--instances", type=int, default=1, help="more than 1: behind nginx")
    args = parser.parse_args(argv)
    if args.instances > 1 and nginx_binary() is None:
        parser.error("nginx is not installed: make nginx")
    seconds = parse_duration(args.duration)
    suffix = f"-nginx-{args.instances}" if args.instances > 1 else ""
    name = args.name or f"fault-kill-worker-scale-{args.scale}{suffix}"
    db = dataset(args.scale)
    try:
        with (
            tempfile.TemporaryDirectory(prefix="dekomp-fault-kill-worker-") as logs,
            serving(db, args.instances, args.workers, args.threads, Path(logs)) as (
                url,
                server,
                handles,
            ),
        ):
            instances, _ = handles
            results = load_run(
                url,
                args.users,
                seconds,
                name,
                server,
                during=lambda started: kill_a_worker(instances[0], started + seconds / 2),
                keep_entries=True,
                cpu=cpu_probe(handles),
            )
    finally:
        stop_all()
    event = next(e for e in results["events"] if e["action"] == "kill -9 worker")
    results["checks"] = checks(results, results.pop("_entries"), event)
    results["checks_met"] = (
        results["checks"]["worker_replaced"] and results["checks"]["no_failed_request"]
    )
    (LOAD_DIR / f"results-{name}.json").write_text(
        json.dumps(results, indent=2) + "\n", encoding="utf-8"
    )
    print(table(results))
    print(summary_line(results))
    print("checks: " + json.dumps(results["checks"]))
    return 0 if results["checks_met"] else 1


if __name__ == "__main__":
    sys.exit(main())
