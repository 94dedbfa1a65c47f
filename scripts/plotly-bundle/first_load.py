"""Every request of each page's first load, largest first, as Chromium
received it (encoded body + headers, ``request.sizes()``): the table of
docs/performance.md, "First load, request by request".

    .venv/bin/dekomp demo --db /tmp/fl/dekomp.duckdb
    .venv/bin/python scripts/plotly-bundle/first_load.py --db /tmp/fl/dekomp.duckdb
    .venv/bin/python scripts/plotly-bundle/first_load.py --db /tmp/fl/dekomp.duckdb --markdown

Serves the app with gunicorn on a free loopback port through bench/harness.py
(as bench/run.py does, with its pages and settle rule), loads each page in a fresh
browser context, prints one table per page and, with ``--json``, writes every
request. ``--screenshots DIR`` saves a full-page screenshot of each page.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.harness import PAGES, Gunicorn, appender, chromium, settle  # noqa: E402


def _short(url: str) -> str:
    parts = urlsplit(url)
    path = parts.path
    for prefix in ("/_dash-component-suites/", "/assets/"):
        if path.startswith(prefix):
            path = path[len(prefix) :]
    return path


def first_loads(url: str, screenshots: Path | None) -> dict[str, list[dict]]:
    from playwright.sync_api import sync_playwright

    pages: dict[str, list[dict]] = {}
    with sync_playwright() as pw:
        browser = chromium(pw)
        try:
            for name, path in PAGES.items():
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                page = context.new_page()
                finished: list = []
                sent: list = []
                page.on("request", appender(sent))
                page.on("requestfinished", appender(finished))
                page.goto(url + path, wait_until="networkidle", timeout=60_000)
                settle(page, sent)
                rows = []
                for request in finished:
                    size = request.sizes()
                    response = request.response()
                    headers = response.headers if response else {}
                    rows.append(
                        {
                            "url": _short(request.url),
                            "type": request.resource_type,
                            "encoding": headers.get("content-encoding", ""),
                            "body": size["responseBodySize"],
                            "headers": size["responseHeadersSize"],
                            "bytes": size["responseBodySize"] + size["responseHeadersSize"],
                        }
                    )
                rows.sort(key=lambda r: -r["bytes"])
                pages[name] = rows
                if screenshots is not None:
                    screenshots.mkdir(parents=True, exist_ok=True)
                    page.screenshot(path=str(screenshots / f"{name}.png"), full_page=True)
                context.close()
        finally:
            browser.close()
    return pages


def table(name: str, rows: list[dict]) -> str:
    total = sum(r["bytes"] for r in rows)
    lines = [f"{name}: {total / 1e6:.2f} MB in {len(rows)} requests"]
    for r in rows:
        lines.append(f"  {r['bytes'] / 1e3:9.1f} KB  {r['encoding'] or '-':5} {r['url']}")
    return "\n".join(lines)


def markdown(pages: dict[str, list[dict]]) -> str:
    """One table: a row per resource (repeated requests of one URL summed, with
    their count), a column per page, in KB; largest first."""
    names = list(pages)
    sizes: dict[str, dict[str, float]] = {}
    counts: dict[str, dict[str, int]] = {}
    for name, rows in pages.items():
        for r in rows:
            url = r["url"].split("?")[0]
            sizes.setdefault(url, {}).setdefault(name, 0)
            sizes[url][name] += r["bytes"]
            counts.setdefault(url, {}).setdefault(name, 0)
            counts[url][name] += 1
    lines = [
        "| request | " + " | ".join(names) + " |",
        "|---|" + "---:|" * len(names),
    ]
    for url in sorted(sizes, key=lambda u: -max(sizes[u].values())):
        cells = []
        for name in names:
            if name not in sizes[url]:
                cells.append("")
                continue
            n = counts[url][name]
            cells.append(f"{sizes[url][name] / 1e3:.1f}" + (f" ({n}x)" if n > 1 else ""))
        lines.append(f"| `{url}` | " + " | ".join(cells) + " |")
    totals = [f"**{sum(r['bytes'] for r in pages[n]) / 1e3:.1f}**" for n in names]
    lines.append("| **total (KB)** | " + " | ".join(totals) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="the published database")
    parser.add_argument("--json", type=Path, help="write every request here")
    parser.add_argument("--markdown", action="store_true", help="print one Markdown table")
    parser.add_argument("--from-json", type=Path, help="tabulate a --json file, serve nothing")
    parser.add_argument("--screenshots", type=Path, help="save each page's screenshot here")
    args = parser.parse_args(argv)
    if args.from_json:
        pages = json.loads(args.from_json.read_text(encoding="utf-8"))
    elif args.db:
        with Gunicorn("app:server", args.db, workers=2, threads=4) as server:
            pages = first_loads(server.url, args.screenshots)
    else:
        parser.error("--db or --from-json is needed")
    if args.markdown:
        print(markdown(pages))
    else:
        for name, rows in pages.items():
            print(table(name, rows))
    if args.json:
        args.json.write_text(json.dumps(pages, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
