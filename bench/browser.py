"""What a leader waits for, measured in headless Chromium: a page opened
until it is drawn and settled, and a filter changed until the page is
redrawn.

"Drawn and settled" is the last change to the page before it goes quiet:
every callback answered (no request of the page's own in flight), nothing
loading (no element Dash marks ``data-dash-is-loading``), every chart on
screen drawn by Plotly, and no change to the DOM for ``QUIET_MS``. The time
reported is that of the last DOM change or answer, from the navigation's
start (a page opened) or from the user's pointer or key press (a filter
changed), both on the page's own clock (``performance.now()``), so the quiet
wait itself is not counted.

The same is measured on the floor: ``bench.minimal_page``, one chart, one
100-row grid and one dropdown, served the same way.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.harness import PAGES, ROOT, Gunicorn, chromium, log
from core.data import store
from core.views import filter_options

QUIET_MS = 500
LIMIT_S = 60.0

# Installed before any of the page's scripts: a clock of the page's last DOM
# change, of its requests in flight and last answer, and of the user's last
# press. fetch is wrapped, not replaced: Dash's requests go through it as before.
WATCH = """
(() => {
  const s = (window.__settle = { mutation: 0, inflight: 0, answer: 0, input: null });
  new MutationObserver(() => { s.mutation = performance.now(); })
    .observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
  const fetch = window.fetch;
  window.fetch = function (...args) {
    s.inflight += 1;
    return fetch.apply(this, args).finally(() => {
      s.inflight -= 1;
      s.answer = performance.now();
    });
  };
  for (const type of ["pointerdown", "keydown"]) {
    addEventListener(type, (e) => { s.input = e.timeStamp; }, true);
  }
})();
"""

# Settled now? The time of the last change, or null while something is pending.
SETTLED = """
(quiet) => {
  const s = window.__settle;
  if (!s || s.inflight > 0 || document.readyState !== "complete") return null;
  if (document.querySelector('[data-dash-is-loading="true"]')) return null;
  for (const graph of document.querySelectorAll(".js-plotly-plot")) {
    const shown = graph.offsetParent !== null;
    if (shown && !(graph._fullLayout && graph.querySelector(".main-svg"))) return null;
  }
  const last = Math.max(s.mutation, s.answer);
  return performance.now() - last >= quiet ? last : null;
}
"""


def settled(page: Any, quiet_ms: int = QUIET_MS, limit_s: float = LIMIT_S) -> float:
    """Wait until the page is drawn and settled; the page-clock time (ms) of
    its last change."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        last = page.evaluate(SETTLED, quiet_ms)
        if last is not None:
            return float(last)
        page.wait_for_timeout(50)
    raise TimeoutError(f"{page.url} did not settle within {limit_s} s")


def open_page(page: Any, url: str) -> float:
    """ms from the navigation's start until the page is drawn and settled."""
    page.goto(url, wait_until="commit", timeout=int(LIMIT_S * 1000))
    return settled(page)


def change(page: Any, pick: Callable[[Any, str, str], None], control: str, value: str) -> float:
    """ms from the user's last press in picking ``value`` in ``control``
    (with ``choose`` or ``search``) until the page is redrawn."""
    page.evaluate("() => { window.__settle.input = null; }")
    pick(page, control, value)
    last = settled(page)
    pressed = page.evaluate("() => window.__settle.input")
    if pressed is None:
        raise RuntimeError("the change was made without a pointer or key press")
    return last - float(pressed)


def choose(page: Any, control: str, option: str) -> None:
    """Pick ``option`` in the dcc.Dropdown ``control`` as a user does."""
    page.locator(f"#{control}").click()
    page.get_by_role("option", name=option, exact=True).click()


def search(page: Any, control: str, text: str) -> None:
    """Pick in the dcc.Dropdown ``control`` the first option that matches
    ``text``, typed into its search, with Enter."""
    page.locator(f"#{control}").click()
    page.keyboard.type(text)
    page.keyboard.press("Enter")


# A municipality owner and its forum in a year: the filters a leader narrows to.
_MEMBER = """
SELECT f.name, m.knr FROM fact_members m JOIN forum f USING (forum_id)
WHERE m.year = $year AND m.owner_type = 'municipality'
ORDER BY m.forum_id, m.knr LIMIT 1
"""


def _choices(db: Path) -> tuple[str, str, str]:
    """A year other than the default (the latest), a forum and one of its
    municipalities that year, as a user picks them."""
    with store.Store(db).snapshot() as snap:
        years = filter_options(snap).years
        year = years[-2] if len(years) > 1 else years[-1]
        forum, knr = snap.rows(_MEMBER, {"year": year})[0]
    return str(year), forum, knr


def _median(runs: list[float], floor: list[float] | None = None) -> dict[str, Any]:
    figure: dict[str, Any] = {"median_ms": statistics.median(runs), "runs_ms": runs}
    if floor:
        figure["ratio"] = figure["median_ms"] / statistics.median(floor)
    return figure


def measure(db: Path, repeat: int) -> dict[str, Any]:
    """Every page opened, and a change of year, forum and municipality on it,
    ``repeat`` times each, beside the floor page opened and its year changed;
    each page in a fresh browser context (nothing cached), the app served as
    ``make serve`` serves it (gunicorn.conf.py)."""
    year, forum, knr = _choices(db)
    config = ROOT / "gunicorn.conf.py"
    runs: dict[str, dict[str, list[float]]] = {
        "floor": {"open": [], "year": []},
        **{name: {"open": [], "year": [], "forum": [], "municipality": []} for name in PAGES},
    }
    from playwright.sync_api import sync_playwright

    with (
        Gunicorn("app:server", db, config=config) as app,
        Gunicorn("bench.minimal_page:server", None) as floor,
        sync_playwright() as pw,
    ):
        browser = chromium(pw)
        try:
            for _ in range(repeat):
                context = browser.new_context(viewport={"width": 1400, "height": 1000})
                context.add_init_script(WATCH)
                page = context.new_page()
                runs["floor"]["open"].append(open_page(page, floor.url + "/"))
                runs["floor"]["year"].append(change(page, choose, "year", year))
                context.close()
                for name, path in PAGES.items():
                    context = browser.new_context(viewport={"width": 1400, "height": 1000})
                    context.add_init_script(WATCH)
                    page = context.new_page()
                    steps = runs[name]
                    steps["open"].append(open_page(page, app.url + path))
                    steps["year"].append(change(page, choose, "filter-year", year))
                    steps["forum"].append(change(page, search, "filter-forum", forum))
                    steps["municipality"].append(change(page, search, "filter-municipality", knr))
                    context.close()
        finally:
            browser.close()
    log(f"browser: year {year}, forum {forum}, municipality {knr}, {repeat} runs each")
    pages = {
        name: {
            "open": _median(steps["open"], runs["floor"]["open"]),
            **{
                what: _median(steps[what], runs["floor"]["year"])
                for what in ("year", "forum", "municipality")
            },
        }
        for name, steps in runs.items()
        if name != "floor"
    }
    worst = max(pages, key=lambda name: pages[name]["open"]["ratio"])
    return {
        "quiet_ms": QUIET_MS,
        "repeat": repeat,
        "choices": {"year": year, "forum": forum, "municipality": knr},
        "floor": {what: _median(values) for what, values in runs["floor"].items()},
        "pages": pages,
        "open_ratio": pages[worst]["open"]["ratio"],
        "open_worst": worst,
        "distribution_year_ratio": pages["distribution"]["year"]["ratio"],
    }
