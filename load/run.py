"""The load test: many simulated people using the dashboard at once (make load).

    .venv/bin/python -m load.run                          # 50 users, 2 min, scale 1.0
    .venv/bin/python -m load.run --users 10 --duration 30s --scale 0.01
    .venv/bin/python -m load.run --instances 2            # two instances behind nginx
    .venv/bin/python -m load.run --url http://127.0.0.1:8050 --name staging

1. the data: the national-scale database of ``bench/`` (bench/cache/scale-<s>/,
   bench.harness.dataset), or ``--db``; a ``--url`` is used as it is;
2. the servers (load/serve.py on bench/harness.py): one gunicorn instance, or
   ``--instances N`` behind nginx (deploy/nginx.conf), all on 127.0.0.1 and
   stopped at the end;
3. the plan: headless Chromium opens each page once and we keep what it
   fetched and every callback request it sent (as bench/run.py does);
4. locust (load/locustfile.py), headless and bounded in time, replays that
   plan as ``--users`` people who open pages and change filters with
   1-3 s between actions;
5. every request is logged; the results (counts, failures, median, p95, p99
   and RPS per request type and per request, the versions each response
   named, the server settings) are printed and written to
   ``load/results-<name>.json``.

Faults (load/faults/) run the same load with something done to the server
in the middle (``during``).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import re
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests

from bench.harness import (
    BIN,
    PAGES,
    ROOT,
    appender,
    chromium,
    dataset,
    machine,
    percentile,
    settle,
    stop_all,
)
from load.serve import Instance, Nginx, nginx_binary

LOAD_DIR = ROOT / "load"
LOCUSTFILE = LOAD_DIR / "locustfile.py"
TARGET_P95_MS = 250.0
WAIT_SECONDS = (1.0, 3.0)
STATE_KEY = "filter-state.data"
FILTER_OUTPUT = "filter-state.data"  # the callback that turns controls into the state


def log(message: str) -> None:
    print(f"[load {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def parse_duration(text: str) -> float:
    """``2m``, ``90s``, ``1m30s`` or plain seconds."""
    text = text.strip()
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return float(text)
    match = re.fullmatch(r"(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?", text)
    if not match or not any(match.groups()):
        raise ValueError(f"not a duration: {text!r}")
    h, m, s = (int(g or 0) for g in match.groups())
    return float(h * 3600 + m * 60 + s)


# --- the plan: what a browser does on each page ----------------------------------------


def _keys(items: Any) -> list[str]:
    """``id.property`` of every plain-string-id item of a callback's inputs,
    outputs or state (pattern-matching ids are left out: no data flows
    through them between callbacks here)."""
    if isinstance(items, dict):
        items = [items]
    keys = []
    for item in items or []:
        if isinstance(item, list):
            keys += _keys(item)
        elif isinstance(item, dict) and isinstance(item.get("id"), str):
            keys.append(f"{item['id']}.{item['property']}")
    return keys


def short_name(body: dict) -> str:
    """A callback's name in the results: its first output's id."""
    outputs = body.get("outputs")
    first = outputs[0] if isinstance(outputs, list) else outputs
    if isinstance(first, list):
        first = first[0] if first else {}
    ident = (first or {}).get("id", body.get("output", "?"))
    return ident if isinstance(ident, str) else str(ident.get("type", "pattern"))


def with_waves(bodies: list[dict]) -> list[dict]:
    """Callbacks in the order Dash can send them: a callback is in the wave
    after the latest one that produces any of its inputs; one wave's
    callbacks are sent together, as the browser does."""
    produced: dict[str, int] = {}
    planned = []
    for body in bodies:
        inputs = _keys(body.get("inputs")) + _keys(body.get("state"))
        wave = 1 + max((produced[k] for k in inputs if k in produced), default=-1)
        planned.append({"name": short_name(body), "wave": wave, "body": body})
        for key in _keys(body.get("outputs")):
            produced.setdefault(key, wave)
    return planned


def _split(sent: list[Any], url: str, path: str) -> tuple[list[str], list[dict]]:
    """The static files (in order) and the callback bodies among requests."""
    static, bodies = [], []
    for request in sent:
        rel = request.url.removeprefix(url)
        if "/_dash-update-component" in rel and request.post_data:
            bodies.append(json.loads(request.post_data))
        elif request.method == "GET" and rel not in (path, "/_dash-layout", "/_dash-dependencies"):
            static.append(rel)
    return list(dict.fromkeys(static)), bodies


def capture_plan(url: str) -> dict[str, Any]:
    """What Chromium sends, each page in a fresh context: opening the page
    (the static files it fetched, in order, and every callback request), and
    following its link in the navigation bar from the page before it (Dash
    changes the page in the browser: only callbacks, and what they load)."""
    from playwright.sync_api import sync_playwright

    pages: dict[str, Any] = {}
    filter_body: dict | None = None
    names = list(PAGES)
    with sync_playwright() as pw:
        browser = chromium(pw)
        try:
            for index, (page_name, path) in enumerate(PAGES.items()):
                context = browser.new_context()
                page = context.new_page()
                sent: list[Any] = []
                page.on("request", appender(sent))
                page.goto(url + path, wait_until="networkidle", timeout=120_000)
                settle(page, sent, quiet_ms=1500, limit_s=60)
                static, bodies = _split(sent, url, path)
                # From the page before this one, its link in the navigation bar.
                source = PAGES[names[index - 1]]
                page.goto(url + source, wait_until="networkidle", timeout=120_000)
                settle(page, sent, quiet_ms=1500, limit_s=60)
                sent.clear()
                link = f'.navbar .nav-link[href="{path}"], .navbar .nav-link[href^="{path}?"]'
                page.locator(link).click()
                settle(page, sent, quiet_ms=1500, limit_s=60)
                nav_static, nav_bodies = _split(sent, url, path)
                context.close()
                for body in bodies:
                    if FILTER_OUTPUT in (body.get("output") or "").strip(".").split("..."):
                        filter_body = filter_body or body
                pages[page_name] = {
                    "path": path,
                    "static": static,
                    "callbacks": with_waves(bodies),
                    "nav": {"static": nav_static, "callbacks": with_waves(nav_bodies)},
                }
                log(
                    f"{page_name}: {len(static)} static files, {len(bodies)} callbacks; "
                    f"from the navigation bar {len(nav_static)} and {len(nav_bodies)}"
                )
        finally:
            browser.close()
    if filter_body is None:
        raise RuntimeError(f"the browser sent no request for {FILTER_OUTPUT}")
    for name, page_plan in pages.items():
        for plan in (page_plan, page_plan["nav"]):
            if not any(STATE_KEY in _keys(c["body"].get("inputs")) for c in plan["callbacks"]):
                raise RuntimeError(f"page {name}: no callback reads {STATE_KEY}")
    return {"captured_from": url, "pages": pages, "filter_callback": filter_body}


# --- the run --------------------------------------------------------------------------


def run_locust(
    url: str,
    plan: dict[str, Any],
    users: int,
    duration: float,
    work: Path,
    spawn_rate: float | None = None,
    during: Callable[[float], list[dict]] | None = None,
) -> tuple[list[dict], list[dict], float, float, float]:
    """locust against ``url`` for ``duration`` seconds; ``during(started)``
    runs in a thread while it does. Returns every request, what ``during``
    did, the run's wall-clock start and end, and locust's CPU seconds."""
    plan_file = work / "plan.json"
    plan_file.write_text(json.dumps(plan), encoding="utf-8")
    request_log = work / "requests.jsonl"
    env = {
        **os.environ,
        "LOAD_PLAN": str(plan_file),
        "LOAD_LOG": str(request_log),
        "LOAD_WAIT": f"{WAIT_SECONDS[0]},{WAIT_SECONDS[1]}",
    }
    rate = spawn_rate or max(1.0, users / 10)  # everyone in within ~10 s
    command = [
        str(BIN / "locust"),
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "--host",
        url,
        "--users",
        str(users),
        "--spawn-rate",
        str(rate),
        "--run-time",
        f"{int(duration)}s",
        "--stop-timeout",
        "30",
        "--only-summary",
        "--loglevel",
        "WARNING",
        "--exit-code-on-error",
        "0",
    ]
    started = time.time()
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    events: list[dict] = []
    worker = None
    if during is not None:

        def act() -> None:
            events.extend(during(started))

        worker = threading.Thread(target=act, daemon=True)
        worker.start()
    try:
        process.wait(timeout=duration + 120)
    finally:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
    children_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if worker is not None:
        worker.join(timeout=300)
    ended = time.time()
    locust_cpu = (children_after.ru_utime + children_after.ru_stime) - (
        children_before.ru_utime + children_before.ru_stime
    )
    if process.returncode != 0:
        raise RuntimeError(f"locust exited with {process.returncode}")
    entries = [
        json.loads(line) for line in request_log.read_text(encoding="utf-8").splitlines() if line
    ]
    return entries, events, started, ended, locust_cpu


def _stats(entries: list[dict], seconds: float) -> dict[str, Any]:
    resent = sum(1 for e in entries if e.get("resent"))
    entries = [e for e in entries if not e.get("resent")]
    times = [e["ms"] for e in entries]
    failures = [e for e in entries if e["error"]]
    return {
        "requests": len(entries),
        "failures": len(failures),
        "median_ms": round(statistics.median(times), 1) if times else None,
        "p95_ms": round(percentile(times, 95), 1) if times else None,
        "p99_ms": round(percentile(times, 99), 1) if times else None,
        "max_ms": round(max(times), 1) if times else None,
        "rps": round(len(entries) / seconds, 2) if seconds else None,
        "resent": resent,
    }


def version_report(entries: list[dict]) -> dict[str, Any]:
    """Which versions the responses named, and whether each user saw them
    only go forward (a user's requests are sequential within a wave's
    order, so by start time)."""
    named = [e for e in entries if e.get("version")]
    mixed = [e for e in named if "," in e["version"]]
    seen = sorted({e["version"] for e in named if "," not in e["version"]})
    backwards = 0
    by_user: dict[int, list[dict]] = {}
    for e in named:
        by_user.setdefault(e["user"], []).append(e)
    for items in by_user.values():
        # Requests in flight together (one wave) may name either version; a
        # request that started after the user got an answer from a newer
        # version must not name an older one.
        ended = sorted(items, key=lambda e: e["end"])
        newest, i = "", 0
        for e in sorted(items, key=lambda e: e["start"]):
            while i < len(ended) and ended[i]["end"] <= e["start"]:
                newest = max(newest, ended[i]["version"])
                i += 1
            if e["version"] < newest:
                backwards += 1
    by_version = {}
    for version in seen:
        mine = [e for e in named if e["version"] == version]
        by_version[version] = {
            "responses": len(mine),
            "first_start": min(e["start"] for e in mine),
            "last_end": max(e["end"] for e in mine),
        }
    return {
        "seen": seen,
        "responses_naming_a_version": len(named),
        "responses_naming_two_versions": len(mixed),
        "backwards_per_user": backwards,
        "by_version": by_version,
    }


def summarise(
    entries: list[dict], started: float, ended: float, events: list[dict] | None = None
) -> dict[str, Any]:
    seconds = max(e["end"] for e in entries) - min(e["start"] for e in entries)
    by_kind: dict[str, list[dict]] = {}
    by_name: dict[str, list[dict]] = {}
    for e in entries:
        by_kind.setdefault(e["kind"], []).append(e)
        by_name.setdefault(e["name"], []).append(e)
    errors: dict[str, int] = {}
    for e in entries:
        if e["error"]:
            key = f"{'resent after ' if e.get('resent') else ''}{e['name']}: {e['error']}"
            errors[key] = errors.get(key, 0) + 1
    return {
        "window_seconds": round(seconds, 1),
        "total": _stats(entries, seconds),
        "by_kind": {k: _stats(v, seconds) for k, v in sorted(by_kind.items())},
        "by_name": {k: _stats(v, seconds) for k, v in sorted(by_name.items())},
        "errors": errors,
        "versions": version_report(entries),
        "events": events or [],
        "started_at": dt.datetime.fromtimestamp(started).isoformat(timespec="seconds"),
        "ended_at": dt.datetime.fromtimestamp(ended).isoformat(timespec="seconds"),
    }


def table(results: dict[str, Any]) -> str:
    lines = [
        f"{'request':34} {'count':>7} {'fail':>5} {'median':>8} {'p95':>8} {'p99':>8} {'rps':>7}"
    ]

    def row(name: str, s: dict[str, Any]) -> str:
        return (
            f"{name[:34]:34} {s['requests']:7d} {s['failures']:5d} {s['median_ms']:6.0f}ms "
            f"{s['p95_ms']:6.0f}ms {s['p99_ms']:6.0f}ms {s['rps']:7.1f}"
        )

    for name, s in results["by_name"].items():
        lines.append(row(name, s))
    lines.append("-" * 84)
    for kind, s in results["by_kind"].items():
        lines.append(row(f"[{kind}]", s))
    lines.append(row("[all]", results["total"]))
    return "\n".join(lines)


def summary_line(results: dict[str, Any]) -> str:
    t = results["total"]
    v = results["versions"]
    return (
        f"load {results['name']}: {results['users']} users {results['duration_s']:.0f} s, "
        f"{t['requests']} requests, {t['failures']} failed ({t['resent']} resent), "
        f"median {t['median_ms']:.0f} ms, "
        f"p95 {t['p95_ms']:.0f} ms, p99 {t['p99_ms']:.0f} ms, {t['rps']:.1f} RPS; "
        f"versions {','.join(v['seen'])}; target p95<{TARGET_P95_MS:.0f} ms and no errors: "
        f"{'met' if results['met'] else 'NOT met'}"
    )


def load_run(
    url: str,
    users: int,
    duration: float,
    name: str,
    server: dict[str, Any],
    plan: dict[str, Any] | None = None,
    during: Callable[[float], list[dict]] | None = None,
    out: Path | None = None,
    keep_entries: bool = False,
    cpu: Callable[[], dict[str, float]] | None = None,
) -> dict[str, Any]:
    """The whole run against a server that is up; writes and returns the
    results (with every request under ``_entries`` if ``keep_entries``)."""
    with tempfile.TemporaryDirectory(prefix="dekomp-load-") as tmp:
        if plan is None:
            log(f"capturing what Chromium does on each page of {url}")
            plan = capture_plan(url)
        log(f"locust: {users} users for {duration:.0f} s against {url}")
        cpu_before = cpu() if cpu else {}
        load_before = os.getloadavg()
        entries, events, started, ended, locust_cpu = run_locust(
            url, plan, users, duration, Path(tmp), during=during
        )
        cpu_after = cpu() if cpu else {}
        load_after = os.getloadavg()
    if not entries:
        raise RuntimeError("locust logged no request")
    results: dict[str, Any] = {
        "name": name,
        "users": users,
        "duration_s": duration,
        "wait_s": list(WAIT_SECONDS),
        "target": url,
        "server": server,
        "machine": machine(),
        "plan": {
            name: {
                "static_files": len(page["static"]),
                "callbacks_on_load": len(page["callbacks"]),
                "waves_on_load": len({c["wave"] for c in page["callbacks"]}),
                "callbacks_on_filter_change": 1
                + len(
                    {
                        c["body"].get("output")
                        for c in page["callbacks"]
                        if STATE_KEY in _keys(c["body"].get("inputs"))
                    }
                ),
            }
            for name, page in plan["pages"].items()
        },
        **summarise(entries, started, ended, events),
    }
    # CPU seconds over the run, and as cores busy on average: this machine
    # runs the load generator and the servers on the same cores.
    wall = ended - started
    spent = {"locust": locust_cpu}
    spent.update({k: cpu_after[k] - cpu_before.get(k, 0.0) for k in cpu_after})
    results["cpu"] = {
        "wall_seconds": round(wall, 1),
        "seconds": {k: round(v, 1) for k, v in spent.items()},
        "cores_busy": {k: round(v / wall, 2) for k, v in spent.items()},
        # The machine is shared: a load average well above what this run
        # accounts for means other work competed for the same cores.
        "loadavg_1min_before_after": [round(load_before[0], 2), round(load_after[0], 2)],
    }
    total = results["total"]
    results["met"] = bool(
        total["failures"] == 0
        and total["p95_ms"] <= TARGET_P95_MS
        and results["versions"]["responses_naming_two_versions"] == 0
    )
    out = out or LOAD_DIR / f"results-{name}.json"
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    log(f"results in {out}")
    if keep_entries:
        results["_entries"] = entries
    return results


def cpu_probe(handles: tuple[list[Instance], Nginx | None]) -> Callable[[], dict[str, float]]:
    """CPU seconds so far of the app instances (workers that died take
    theirs along) and of nginx."""
    instances, proxy = handles

    def probe() -> dict[str, float]:
        found = {"app": sum(i.cpu_seconds() for i in instances)}
        if proxy is not None:
            found["nginx"] = proxy.cpu_seconds()
        return found

    return probe


@contextlib.contextmanager
def serving(db: Path, instances: int, workers: int, threads: int, log_dir: Path | None = None):
    """One instance, or ``instances`` behind nginx; yields (url, settings, handles)."""
    started: list[Instance] = []
    try:
        for i in range(instances):
            log_file = log_dir / f"gunicorn-{i}.log" if log_dir else None
            started.append(Instance(db, workers=workers, threads=threads, log=log_file))
        settings: dict[str, Any] = {"instances": [s.settings() for s in started]}
        if instances == 1:
            yield started[0].url, settings, (started, None)
            return
        with Nginx([f"127.0.0.1:{s.port}" for s in started]) as proxy:
            settings["nginx"] = proxy.settings()
            yield proxy.url, settings, (started, proxy)
            settings["nginx"]["requests_per_upstream"] = proxy.upstream_counts()
    finally:
        for instance in started:
            instance.stop()


def _terminate(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def arguments(description: str, argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--users", type=int, default=int(os.environ.get("LOAD_USERS", 50)))
    parser.add_argument("--duration", default=os.environ.get("LOAD_DURATION", "2m"))
    parser.add_argument("--scale", type=float, default=float(os.environ.get("LOAD_SCALE", 1.0)))
    parser.add_argument("--db", type=Path, help="serve this database instead of bench's")
    parser.add_argument("--url", default=os.environ.get("LOAD_URL") or None, help="a running app")
    parser.add_argument("--instances", type=int, default=1, help="more than 1: behind nginx")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("DEKOMP_WORKERS", 2)))
    parser.add_argument("--threads", type=int, default=int(os.environ.get("DEKOMP_THREADS", 4)))
    parser.add_argument("--name", help="results go to load/results-<name>.json")
    args = parser.parse_args(argv)
    args.seconds = parse_duration(args.duration)
    if args.users < 1 or args.seconds < 5 or args.instances < 1:
        parser.error("--users and --instances must be positive, --duration at least 5 s")
    if args.instances > 1 and nginx_binary() is None:
        parser.error("nginx is not installed: make nginx")
    return args


def main(argv: list[str] | None = None) -> int:
    args = arguments(__doc__.splitlines()[0], argv)
    signal.signal(signal.SIGTERM, _terminate)
    os.chdir(ROOT)
    try:
        if args.url:
            name = args.name or "url"
            health = requests.get(args.url.rstrip("/") + "/healthz", timeout=30).json()
            server = {"url": args.url, "version": health.get("version")}
            results = load_run(args.url.rstrip("/"), args.users, args.seconds, name, server)
        else:
            db = args.db or dataset(args.scale)
            name = args.name or (
                f"scale-{args.scale}" + (f"-nginx-{args.instances}" if args.instances > 1 else "")
            )
            with (
                tempfile.TemporaryDirectory(prefix="dekomp-load-logs-") as logs,
                serving(db, args.instances, args.workers, args.threads, Path(logs)) as (
                    url,
                    server,
                    handles,
                ),
            ):
                results = load_run(
                    url, args.users, args.seconds, name, server, cpu=cpu_probe(handles)
                )
            # serving() adds nginx's per-upstream counts as it stops
            (LOAD_DIR / f"results-{name}.json").write_text(
                json.dumps(results, indent=2) + "\n", encoding="utf-8"
            )
    finally:
        stop_all()
    print(table(results))
    print(summary_line(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
