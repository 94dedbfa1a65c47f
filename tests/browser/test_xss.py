"""Imported text never runs or links: owner, forum and municipality names,
project titles and status notes carrying HTML and ``javascript:`` are
imported through core.data.ingest, served under gunicorn with the app's
Content-Security-Policy, and shown in Chromium literally, in AG Grid cells,
Plotly axis labels, treemap tiles, filter buttons and hover labels alike.
(Status notes reach only the downloads; the pages run with one imported
all the same.)

The first test is the policy's own proof: every page renders its charts and
grids with the policy on and the browser reports no violation."""

from __future__ import annotations

import csv
import html
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from core.data import ingest
from core.data.kinds import LOAD_ORDER
from tests.browser.conftest import screenshot
from tests.conftest import DEMO_DIR, ROOT, VENV_BIN, free_port, wait_for

pytestmark = pytest.mark.browser

TIMEOUT = 20_000  # ms

OWNER = '<img src=x onerror="window.__xss=1">Nes kommune'
FORUM = '<a href="javascript:window.__xss=2">Asker og Bærum</a>'
TITLE = '<a href="javascript:alert(1)">x</a> <b>Underveisvurdering</b>'
LINK_TITLE = '<a href="https://example.org/">Tallforståelse</a>'
BARE_TITLE = "javascript:alert(1)"
NOTE = "<script>window.__xss=4</script><i>Oppstart</i>"
MUNICIPALITY = "<img src=x onerror=window.__xss=5>Nes"

# Collected in the page: CSP violations, and whether a payload ever ran.
PROBE = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
    e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
"""


def _rewrite(path: Path, change: dict[tuple[str, str], dict[str, str]]) -> None:
    """Set columns of the rows whose key column has the given value."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields = list(reader.fieldnames or [])
        rows = list(reader)
    hits = 0
    for row in rows:
        for (key, value), new in change.items():
            if row[key] == value:
                row.update(new)
                hits += 1
    assert hits >= len(change), f"{path.name}: a row to change is missing"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture(scope="module")
def xss_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo data with payloads in every kind of imported text, imported
    through the real import path."""
    source = tmp_path_factory.mktemp("xss-csv")
    for csv_file in DEMO_DIR.glob("*.csv"):
        shutil.copy(csv_file, source / csv_file.name)
    _rewrite(source / "owners.csv", {("owner_id", "902478086"): {"name": OWNER}})
    _rewrite(source / "forums.csv", {("forum_id", "asker-baerum"): {"name": FORUM}})
    _rewrite(
        source / "projects.csv",
        {
            ("project_id", "P2018-01"): {"title": TITLE},
            ("project_id", "P2018-02"): {"title": LINK_TITLE},
            ("project_id", "P2019-01"): {"title": BARE_TITLE},
        },
    )
    _rewrite(source / "status.csv", {("project_id", "P2018-01"): {"note": NOTE}})
    _rewrite(source / "municipalities.csv", {("knr", "3022"): {"name": MUNICIPALITY}})
    db = tmp_path_factory.mktemp("xss-db") / "dekomp.duckdb"
    files = [(k, source / f"{k}.csv") for k in LOAD_ORDER if (source / f"{k}.csv").exists()]
    ingest.import_files(db, files, description="xss")
    return db


@pytest.fixture(scope="module")
def app_url(xss_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app under gunicorn with make serve's configuration."""
    port = free_port()
    log_path = tmp_path_factory.mktemp("gunicorn") / "gunicorn.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "-c", "gunicorn.conf.py"],
            cwd=ROOT,
            env={
                **os.environ,
                "DEKOMP_DB": str(xss_db),
                "PORT": str(port),
                "DEKOMP_WORKERS": "2",
                "DEKOMP_ACCESS_LOG": "",
            },
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            wait_for(url + "/healthz")
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture
def probed(page: Page) -> Page:
    page.add_init_script(PROBE)
    return page


def settle(page: Page) -> None:
    expect(page.locator("#data-version-footer")).not_to_be_empty(timeout=TIMEOUT)
    page.wait_for_function(
        "() => document.title !== 'Updating...'"
        " && document.querySelector('[data-dash-is-loading=\"true\"]') === null",
        timeout=TIMEOUT,
    )


def open_page(page: Page, url: str) -> None:
    page.goto(url)
    settle(page)
    # Plotly draws after the figure arrives; a chart is done when it has its axes or tiles.
    page.wait_for_function(
        "() => [...document.querySelectorAll('.js-plotly-plot')]"
        ".every(g => g.querySelector('.main-svg'))",
        timeout=TIMEOUT,
    )


def assert_nothing_ran(page: Page) -> None:
    assert page.evaluate("window.__xss") is None
    assert page.evaluate("window.__csp") == []
    assert page.locator('a[href^="javascript:"]').count() == 0
    assert page.locator('img[src="x"]').count() == 0
    assert page.locator("#react-entry-point script").count() == 0
    # Plotly turns <a href> in labels into SVG links and <b>/<i> into styled
    # tspans; escaped text gives neither.
    assert page.locator(".js-plotly-plot svg a").count() == 0
    bold = page.locator(".js-plotly-plot tspan[style*='font-weight:bold']")
    italic = page.locator(".js-plotly-plot tspan[style*='font-style:italic']")
    assert bold.count() == 0 and italic.count() == 0


def chart_texts(page: Page, selector: str) -> list[str]:
    """The texts of ``selector`` in a chart ("#graph-id ..."), once its card has
    been scrolled to (a chart is drawn when it comes near the screen)."""
    page.locator(selector.split()[0]).scroll_into_view_if_needed()
    page.locator(selector).first.wait_for(state="attached")
    return page.eval_on_selector_all(selector, "els => els.map(e => e.textContent)")


# --- the policy -------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/fordeling", "/etterlevelse", "/prosjekter", "/om"])
def test_xss000_every_page_renders_under_the_policy(
    probed: Page, app_url: str, console_errors: list[str], path: str
) -> None:
    page = probed
    response = page.goto(f"{app_url}{path}?aar=alle")
    assert response is not None
    policy = response.headers["content-security-policy"]
    assert "'unsafe-eval'" not in policy
    settle(page)
    expected_graphs = {"/": 1, "/fordeling": 5, "/etterlevelse": 2, "/prosjekter": 3, "/om": 0}
    expected_grids = {"/": 1, "/fordeling": 5, "/etterlevelse": 3, "/prosjekter": 4, "/om": 1}
    page.wait_for_function(
        f"() => document.querySelectorAll('.js-plotly-plot .main-svg').length >= "
        f"{expected_graphs[path]} && document.querySelectorAll('.ag-root').length >= "
        f"{expected_grids[path]} && document.querySelectorAll('.ag-cell').length > 0",
        timeout=TIMEOUT,
    )
    assert page.evaluate("window.__csp") == []
    screenshot(page, f"xss000{path.replace('/', '-') or '-oversikt'}")


# --- imported text ----------------------------------------------------------------


def test_xss001_owner_and_forum_names_are_text(
    probed: Page, app_url: str, console_errors: list[str]
) -> None:
    """Fordeling for Asker og Bærum: the forum's name in the filter, the
    forum bars, the treemap; the owner Nes kommune in bars, tiles, grid."""
    page = probed
    open_page(page, f"{app_url}/fordeling?aar=2019&forum=asker-baerum")
    assert FORUM in chart_texts(page, "#dist-forums-graph .ytick text")
    tiles = chart_texts(page, "#dist-treemap-graph .slicetext")
    assert any(FORUM in t for t in tiles)
    open_page(page, f"{app_url}/fordeling?aar=2019&kommune=0236")
    assert OWNER in chart_texts(page, "#dist-owners-graph .ytick text")
    expect(page.locator("#dist-owners-grid").get_by_text(OWNER, exact=True)).to_have_count(
        1, timeout=TIMEOUT
    )
    tiles = chart_texts(page, "#dist-treemap-graph .slicetext")
    assert any(OWNER in t for t in tiles), tiles
    # The hover label of the owner's bar shows the name as text too.
    page.locator("#dist-owners-graph .bars .point path").first.hover(force=True)
    hover = page.locator("#dist-owners-graph .hoverlayer")
    expect(hover).to_contain_text(OWNER, timeout=TIMEOUT)
    assert_nothing_ran(page)
    screenshot(page, "xss001-fordeling")


def test_xss002_project_titles_and_notes_are_text(
    probed: Page, app_url: str, console_errors: list[str]
) -> None:
    page = probed
    open_page(page, f"{app_url}/prosjekter?aar=alle&forum=oslo")
    ticks = chart_texts(page, "#proj-timeline-graph .ytick text")
    for title in (TITLE, LINK_TITLE, BARE_TITLE):
        assert title in ticks, ticks
    grid = page.locator("#proj-latest-grid")
    for title in (TITLE, LINK_TITLE, BARE_TITLE):
        expect(grid.get_by_text(title, exact=True)).to_have_count(1, timeout=TIMEOUT)
    # The hover label of the title's own bar (found in the figure's data,
    # where the title is escaped, and hovered through Plotly, not by
    # pointing at pixels that a neighbouring bar may cover) is plain text.
    found = page.evaluate(
        """(label) => {
            const gd = document.querySelector('#proj-timeline-graph .js-plotly-plot');
            for (let c = 0; c < gd.data.length; c++) {
                const i = Array.from(gd.data[c].y).indexOf(label);
                if (i >= 0) {
                    Plotly.Fx.hover(gd, [{curveNumber: c, pointNumber: i}]);
                    return true;
                }
            }
            return false;
        }""",
        html.escape(TITLE, quote=False),
    )
    assert found
    hover = page.locator("#proj-timeline-graph .hoverlayer")
    expect(hover).to_contain_text(TITLE, timeout=TIMEOUT)
    assert hover.locator("a").count() == 0
    assert_nothing_ran(page)
    screenshot(page, "xss002-prosjekter")


def test_xss003_municipality_names_are_text(
    probed: Page, app_url: str, console_errors: list[str]
) -> None:
    page = probed
    open_page(page, f"{app_url}/fordeling?aar=2021&kommune=3022")
    button = page.locator("button#filter-municipality")
    expect(button).to_contain_text(MUNICIPALITY, timeout=TIMEOUT)
    # The table tab is hidden behind the chart; its cells are there all the same,
    # once the card has been scrolled to (it is filled when near the screen).
    page.locator("#dist-map-card").scroll_into_view_if_needed()
    cells = page.locator("#dist-map-grid .ag-cell", has_text=MUNICIPALITY)
    expect(cells.first).to_be_attached(timeout=TIMEOUT)
    assert cells.first.text_content() == MUNICIPALITY
    assert_nothing_ran(page)


def test_xss004_compliance_and_overview_stay_clean(
    probed: Page, app_url: str, console_errors: list[str]
) -> None:
    page = probed
    for path in ("/", "/etterlevelse", "/om"):
        open_page(page, f"{app_url}{path}?aar=alle")
        assert_nothing_ran(page)
