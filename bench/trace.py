"""Where the browser's time goes on a page: a Chrome performance trace
(Playwright's CDP tracing) of a page opened and of a change of year on it,
the renderer's main thread summed by kind of work (scripting, style,
layout, paint, the rest), and its JavaScript by script file from the V8
profiler's samples, over the time the page took to settle
(bench/browser.py).

    .venv/bin/python -m bench.trace [--page distribution] [--scale 1.0]
        [--year 2025] [--out trace.json]

The trace of the page opened is written to ``--out``: Chrome's DevTools
(Performance, "Load profile") draws it as a flame chart.
"""

from __future__ import annotations

import argparse
import collections
import json
import tempfile
from pathlib import Path
from typing import Any

from bench import browser
from bench.harness import PAGES, ROOT, Gunicorn, chromium, dataset

CATEGORIES = [
    "devtools.timeline",
    "disabled-by-default-devtools.timeline",
    "v8.execute",
    "disabled-by-default-v8.cpu_profiler",  # samples: JavaScript per script
]

# The renderer main thread's events, by kind of work (Chrome's names).
KINDS = {
    "EvaluateScript": "scripting",
    "FunctionCall": "scripting",
    "TimerFire": "scripting",
    "EventDispatch": "scripting",
    "FireAnimationFrame": "scripting",
    "RunMicrotasks": "scripting",
    "v8.compile": "scripting",
    "ParseHTML": "parse HTML",
    "UpdateLayoutTree": "style",
    "Layout": "layout",
    "PrePaint": "paint",
    "Paint": "paint",
    "Layerize": "paint",
    "Commit": "paint",
    "MajorGC": "garbage collection",
    "MinorGC": "garbage collection",
}

Work = dict[str, float]  # ms per kind of work, or per script

# Plotly's drawing per chart: each Plotly.react (how dcc.Graph draws) timed
# from its call until the promise it returns is settled, by the graph's id.
PLOTLY_TIMES = """
(() => {
  const times = (window.__plotly = {});
  let plotly;
  Object.defineProperty(window, "Plotly", {
    configurable: true,
    get: () => plotly,
    set: (value) => {
      plotly = value;
      const react = value.react;
      value.react = function (gd, ...args) {
        const started = performance.now();
        const named = gd && gd.closest ? gd.closest("[id]") : null;
        const id = named ? named.id : String(gd);
        const done = () => { times[id] = (times[id] || 0) + performance.now() - started; };
        const result = react.call(this, gd, ...args);
        Promise.resolve(result).then(done, done);
        return result;
      };
    },
  });
})();
"""


def _main_thread(events: list[dict[str, Any]]) -> tuple[int, int]:
    """(pid, tid) of the page's renderer main thread: the busiest one (a
    navigation can leave the blank page's renderer in the trace too)."""
    mains = {
        (e["pid"], e["tid"])
        for e in events
        if e.get("name") == "thread_name" and e["args"].get("name") == "CrRendererMain"
    }
    busy: collections.Counter[tuple[int, int]] = collections.Counter()
    for e in events:
        if e.get("ph") == "X" and (e["pid"], e["tid"]) in mains:
            busy[(e["pid"], e["tid"])] += e.get("dur", 0)
    if not busy:
        raise RuntimeError("no renderer main thread in the trace")
    return busy.most_common(1)[0][0]


def _file(frame: dict[str, Any]) -> str | None:
    """A function's script file without its version and query (react-dom,
    plotly-dekomp.min.js, dash_ag_grid ...), or None for a function of no
    script (the browser's own, called by a script, or V8's)."""
    name = frame.get("url", "").rsplit("/", 1)[-1].split("?")[0]
    return name.split(".v")[0].split("@")[0] if name else None


def _scripts(events: list[dict[str, Any]], pid: int) -> Work:
    """ms of JavaScript per script file from the V8 profiler's samples in
    the page's renderer: a sampled function's own time, or, for the
    browser's functions a script calls (getBoundingClientRect, setAttribute),
    its caller's script; V8's own work by its name; idle left out."""
    frames: dict[int, dict[str, Any]] = {}
    parents: dict[int, int] = {}
    samples: list[tuple[int, float]] = []
    for event in events:
        if event.get("name") != "ProfileChunk" or event["pid"] != pid:
            continue
        data = event["args"]["data"]
        profile = data.get("cpuProfile", {})
        for node in profile.get("nodes", []):
            frames[node["id"]] = node.get("callFrame", {})
            if "parent" in node:
                parents[node["id"]] = node["parent"]
        ids, deltas = profile.get("samples", []), data.get("timeDeltas", [])
        samples += [(i, d / 1000) for i, d in zip(ids, deltas, strict=True)]

    def owner(node: int) -> str | None:
        at: int | None = node
        while at is not None:
            file = _file(frames.get(at, {}))
            if file is not None:
                return file
            at = parents.get(at)
        function = frames.get(node, {}).get("functionName", "")
        return None if function == "(idle)" else function or "(native)"

    totals: collections.Counter[str] = collections.Counter()
    for node, ms in samples:
        name = owner(node)
        if name is not None:
            totals[name] += ms
    return dict(totals.most_common())


def summarise(events: list[dict[str, Any]]) -> tuple[Work, Work]:
    """ms of the main thread's work per kind (an event inside another is
    counted once, in the outer one; "other" is the rest of its tasks), and
    of JavaScript per script file."""
    pid, tid = _main_thread(events)
    spans = sorted(
        (e for e in events if e.get("ph") == "X" and e["pid"] == pid and e["tid"] == tid),
        key=lambda e: (e["ts"], -e.get("dur", 0)),
    )
    kinds: collections.Counter[str] = collections.Counter()
    tasks = sum(e.get("dur", 0) for e in spans if e["name"] == "RunTask") / 1000
    counted_until = -1.0
    for event in spans:
        kind = KINDS.get(event["name"])
        if kind is None or event["ts"] < counted_until:
            continue
        kinds[kind] += event.get("dur", 0) / 1000
        counted_until = event["ts"] + event.get("dur", 0)
    kinds["other"] = max(tasks - sum(kinds.values()), 0)
    return dict(kinds.most_common()), _scripts(events, pid)


def trace(url: str, path: Path, year: str) -> list[tuple[str, float, Work, Work, Work]]:
    """The page at ``url`` opened, then its year changed to ``year``: for
    each, the time it took to settle, the main thread's work and Plotly's
    drawing per chart."""
    from playwright.sync_api import sync_playwright

    steps = []
    with sync_playwright() as pw:
        chrome = chromium(pw)
        try:
            context = chrome.new_context(viewport={"width": 1400, "height": 1000})
            context.add_init_script(browser.WATCH)
            context.add_init_script(PLOTLY_TIMES)
            page = context.new_page()
            for step in ("opened", "year changed"):
                if step != "opened":
                    page.evaluate(
                        "() => { for (const k in window.__plotly) delete window.__plotly[k]; }"
                    )
                with tempfile.NamedTemporaryFile(suffix=".json") as out:
                    chrome.start_tracing(page=page, path=out.name, categories=CATEGORIES)
                    if step == "opened":
                        took = browser.open_page(page, url)
                    else:
                        took = browser.change(page, browser.choose, "filter-year", year)
                    chrome.stop_tracing()
                    data = json.loads(Path(out.name).read_text())
                if step == "opened":
                    path.write_text(json.dumps(data))
                charts = page.evaluate("() => window.__plotly")
                steps.append((step, took, *summarise(data["traceEvents"]), charts))
        finally:
            chrome.close()
    return steps


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--page", choices=list(PAGES), default="distribution")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--year", default="2025", help="the year to change to")
    parser.add_argument("--out", type=Path, default=Path("trace.json"))
    args = parser.parse_args(argv)
    db = dataset(args.scale)
    with Gunicorn("app:server", db, config=ROOT / "gunicorn.conf.py") as app:
        steps = trace(app.url + PAGES[args.page], args.out, args.year)
    for step, took, kinds, scripts, charts in steps:
        print(f"{args.page} {step}: settled after {took:.0f} ms. Main thread (ms):")
        for kind, ms in kinds.items():
            print(f"  {kind:40} {ms:8.0f}")
        print("  JavaScript by script (ms, sampled):")
        for name, ms in scripts.items():
            if ms >= 5:
                print(f"    {name:38} {ms:8.0f}")
        print("  Plotly.react per chart, call to drawn (ms, overlapping):")
        for graph, ms in sorted(charts.items(), key=lambda item: -item[1]):
            print(f"    {graph:38} {ms:8.0f}")
    print(f"the trace of the page opened: {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
