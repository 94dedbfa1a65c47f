"""The first load draws every chart with the app's partial plotly.js bundle
(dashboard/assets/plotly-dekomp.min.js, built by scripts/build_plotly_bundle.sh)
instead of the full plotly.js that dcc.Graph would otherwise fetch: Dash's
plotly chunk is never requested, the bundle is the plotly.js version Dash
ships, it comes compressed and cache-busted, the charts (the map included)
draw and hover in Norwegian number formats, and the console stays clean."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, Request, Response
from plotly.offline import get_plotlyjs_version

from bench.harness import scroll_through
from tests.conftest import ROOT

pytestmark = pytest.mark.browser

BUNDLE = ROOT / "dashboard" / "assets" / "plotly-dekomp.min.js"
DASH_PLOTLY_CHUNK = "/_dash-component-suites/plotly/"
DRAWN = 20_000  # ms: a page's callbacks on a cold worker, then plotly drawing
# Every dcc.Graph on the page has drawn a figure with traces (before its
# callback answers, a graph draws an empty figure; Dash marks a graph whose
# drawing is under way with dash-graph--pending).
ALL_GRAPHS_DRAWN = """() => {
    const graphs = [...document.querySelectorAll('.dash-graph')];
    return graphs.length > 0 && graphs.every(g => {
        const plot = g.querySelector('.js-plotly-plot');
        return plot && plot.data && plot.data.length > 0 && g.querySelector('.main-svg')
            && !g.classList.contains('dash-graph--pending');
    });
}"""
MAP_DRAWN = """() => {
    const plot = document.querySelector('#dist-map-graph .js-plotly-plot');
    const shapes = plot.querySelectorAll('.choroplethlocation').length;
    return shapes > 0 && shapes === plot.data[0].locations.length;
}"""
CHART_PAGES = {"/": 1, "/etterlevelse": 2, "/prosjekter": 3}  # /fordeling: test_load002


def _bundle_version() -> str:
    header = BUNDLE.read_text(encoding="utf-8")[:400]
    match = re.search(r"plotly\.js v(\d+\.\d+\.\d+)", header)
    assert match, f"{BUNDLE.name} has no plotly.js version in its header"
    return match.group(1)


def _record(page: Page) -> tuple[list[str], list[Response]]:
    requested: list[str] = []
    responses: list[Response] = []

    def on_request(request: Request) -> None:
        requested.append(request.url)

    def on_response(response: Response) -> None:
        responses.append(response)

    page.on("request", on_request)
    page.on("response", on_response)
    return requested, responses


def test_load001_bundle_matches_dash_plotly() -> None:
    """The bundle is built from the plotly.js Dash would serve, so figures from
    the Python plotly package draw the same."""
    assert _bundle_version() == get_plotlyjs_version()
    body = BUNDLE.read_text(encoding="utf-8")
    # No generated code: it runs under a Content-Security-Policy without 'unsafe-eval'.
    assert "new Function" not in body[body.index("*/") :]
    assert re.search(r"[^\w.$]eval\(", body) is None


def test_load002_distribution_draws_with_the_bundle(
    page: Page, db: Path, serve, console_errors: list[str]
) -> None:
    url = serve(db)
    requested, responses = _record(page)
    page.goto(url + "/fordeling")
    page.wait_for_selector(".chart-card")
    scroll_through(page)
    page.wait_for_function(ALL_GRAPHS_DRAWN, timeout=DRAWN)
    page.wait_for_function(MAP_DRAWN, timeout=DRAWN)  # after the boundaries' fetch

    assert [u for u in requested if DASH_PLOTLY_CHUNK in u] == []
    bundle = [r for r in responses if "/assets/plotly-dekomp.min.js" in r.url]
    assert len(bundle) == 1
    assert re.search(r"\?m=\d", bundle[0].url), bundle[0].url  # Dash's cache-busting
    assert bundle[0].status == 200
    assert bundle[0].header_value("content-encoding") in {"zstd", "br", "gzip"}
    assert page.evaluate("window.Plotly.version") == _bundle_version()

    # The five charts, each drawn; the map draws one shape per municipality it names.
    assert page.locator(".dash-graph .main-svg").count() >= 5
    map_data = page.evaluate(
        "() => { const d = document.querySelector('#dist-map-graph .js-plotly-plot').data[0];"
        " return {type: d.type, text: d.text, z: d.z, locations: d.locations}; }"
    )
    assert map_data["type"] == "choropleth"
    assert len(map_data["locations"]) > 0
    shapes = page.locator("#dist-map-graph .choroplethlocation")
    assert shapes.count() == len(map_data["locations"])
    assert page.locator("#dist-treemap-graph .treemaplayer path.surface").count() > 1
    assert page.locator("#dist-forums-graph .barlayer .point").count() > 0

    # Hover on a municipality: its name and value, thousands grouped by a space.
    shapes.nth(len(map_data["locations"]) // 2).hover(force=True)
    label = page.locator("#dist-map-graph .hoverlayer .hovertext")
    label.wait_for(timeout=DRAWN)
    hovered = label.text_content() or ""
    values = dict(zip(map_data["text"], map_data["z"], strict=True))
    name = next((n for n in values if hovered.startswith(n)), None)
    assert name is not None, f"hover label {hovered!r} names no municipality of the map"
    number = re.fullmatch(r"(\d{1,3}(?: \d{3})*) kr", hovered[len(name) :])
    assert number, f"hover label {hovered!r} is not «<name><n nnn> kr»"
    assert abs(int(number.group(1).replace(" ", "")) - values[name]) <= 0.5


@pytest.mark.parametrize("path", list(CHART_PAGES))
def test_load003_chart_pages_never_fetch_dash_plotly(
    path: str, page: Page, db: Path, serve, console_errors: list[str]
) -> None:
    url = serve(db, workers=1)
    requested, _ = _record(page)
    page.goto(url + path)
    page.wait_for_selector(".chart-card")
    scroll_through(page)
    page.wait_for_function(ALL_GRAPHS_DRAWN, timeout=DRAWN)
    assert page.locator(".dash-graph").count() == CHART_PAGES[path]
    assert page.locator(".dash-graph .js-plotly-plot .main-svg").count() >= CHART_PAGES[path]
    assert [u for u in requested if DASH_PLOTLY_CHUNK in u] == []
    assert sum("/assets/plotly-dekomp.min.js" in u for u in requested) == 1


def test_load004_a_chart_below_the_screen_is_drawn_when_scrolled_to(
    page: Page, db: Path, serve, console_errors: list[str]
) -> None:
    """Fordeling's charts below the screen cost its opening nothing: the map
    has no traces until the reader scrolls to it, then it is drawn."""
    url = serve(db)
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(url + "/fordeling")
    page.wait_for_function(
        "() => { const p = document.querySelector('#dist-forums-graph .js-plotly-plot');"
        " return p && p.data && p.data.length > 0; }",
        timeout=DRAWN,
    )
    page.wait_for_timeout(1000)
    traces = "() => (document.querySelector('#dist-map-graph .js-plotly-plot')?.data || []).length"
    assert page.evaluate(traces) == 0
    page.locator("#dist-map-card").scroll_into_view_if_needed()
    page.wait_for_function(MAP_DRAWN, timeout=DRAWN)
    assert page.evaluate(traces) == 1
