"""Where the browser's time goes on a page: a Chrome performance trace
(through Playwright's CDP tracing) of a page opened and of a change of year
on it, the renderer's main thread summed by kind of work (scripting per
script, style, layout, paint, the rest) over the time the page took to
settle (bench/browser.py).

    .venv/bin/python -m bench.trace [--page distribution] [--scale 1.0]
        [--out trace.json]

The trace can be opened in Chrome's DevTools (Performance, "Load profile")
for a flame chart; this prints the sums docs/performance.md quotes.
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

CATEGORIES = ["devtools.timeline", "disabled-by-default-devtools.timeline", "v8.execute"]

# Main-thread events by kind of work (Chrome's names).
KINDS = {
    "EvaluateScript": "scripting",
    "FunctionCall": "scripting",
    "TimerFire": "scripting",
    "EventDispatch": "scripting",
    "FireAnimationFrame": "scripting",
    "RunMicrotasks": "scripting",
    "v8.compile": "scripting (compile)",
    "v8.compileModule": "scripting (compile)",
    "CompileScript": "scripting (compile)",
    "ParseHTML": "parse HTML",
    "UpdateLayoutTree": "style",
    "RecalculateStyles": "style",
    "Layout": "layout",
    "PrePaint": "paint",
    "Paint": "paint",
    "PaintImage": "paint",
    "Layerize": "paint",
    "UpdateLayer": "paint",
    "CompositeLayers": "composite",
    "MajorGC": "garbage collection",
    "MinorGC": "garbage collection",
}


def _main_thread(events: list[dict[str, Any]]) -> tuple[int, int]:
    """(pid, tid) of the page's renderer main thread."""
    for event in events:
        if event.get("name") == "thread_name" and event["args"].get("name") == "CrRendererMain":
            return event["pid"], event["tid"]
    raise RuntimeError("no renderer main thread in the trace")


def _script(event: dict[str, Any]) -> str:
    data = event.get("args", {}).get("data", {})
    url = data.get("url") or data.get("scriptName") or ""
    name = url.rsplit("/", 1)[-1].split("?")[0]
    return name or "(inline or unknown)"


def summarise(events: list[dict[str, Any]]) -> dict[str, float]:
    """ms of the renderer main thread's top-level work per kind; scripting
    per script file. Nested events are counted once, in their outermost."""
    pid, tid = _main_thread(events)
    spans = sorted(
        (e for e in events if e.get("ph") == "X" and e["pid"] == pid and e["tid"] == tid),
        key=lambda e: (e["ts"], -e.get("dur", 0)),
    )
    totals: collections.Counter[str] = collections.Counter()
    open_until = -1.0
    for event in spans:
        kind = KINDS.get(event["name"])
        end = event["ts"] + event.get("dur", 0)
        if kind is None:
            continue
        if event["ts"] < open_until:  # inside a counted event
            continue
        if kind == "scripting":
            kind = f"scripting {_script(event)}"
        totals[kind] += event.get("dur", 0) / 1000
        open_until = end
    return dict(totals.most_common())


def trace(
    url: str, path: Path, year: str
) -> tuple[dict[str, float], dict[str, float], float, float]:
    """The page at ``url`` opened, then its year changed to ``year``: the
    main thread's work for each, and the times the two took to settle."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chrome = chromium(pw)
        try:
            context = chrome.new_context(viewport={"width": 1400, "height": 1000})
            context.add_init_script(browser.WATCH)
            page = context.new_page()
            parts = []
            times = []
            for step in ("open", "year"):
                with tempfile.NamedTemporaryFile(suffix=".json") as out:
                    chrome.start_tracing(page=page, path=out.name, categories=CATEGORIES)
                    if step == "open":
                        times.append(browser.open_page(page, url))
                    else:
                        times.append(browser.change(page, browser.choose, "filter-year", year))
                    chrome.stop_tracing()
                    data = json.loads(Path(out.name).read_text())
                if step == "open":
                    path.write_text(json.dumps(data))
                parts.append(summarise(data["traceEvents"]))
        finally:
            chrome.close()
    return parts[0], parts[1], times[0], times[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--page", choices=list(PAGES), default="distribution")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--year", default="2025", help="the year to change to")
    parser.add_argument("--out", type=Path, default=Path("trace.json"))
    args = parser.parse_args(argv)
    db = dataset(args.scale)
    with Gunicorn("app:server", db, config=ROOT / "gunicorn.conf.py") as app:
        opened, changed, open_ms, change_ms = trace(app.url + PAGES[args.page], args.out, args.year)
    for title, parts, took in (("opened", opened, open_ms), ("year changed", changed, change_ms)):
        print(f"{args.page} {title}: settled after {took:.0f} ms; main thread, ms:")
        for kind, ms in parts.items():
            if ms >= 1:
                print(f"  {kind:48} {ms:8.0f}")
        print(f"  {'(all of the above)':48} {sum(parts.values()):8.0f}")
    print(f"the trace of the page opened: {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
