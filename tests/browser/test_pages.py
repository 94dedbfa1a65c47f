"""The five pages in Chromium against one served copy of the demo database:
each page loads cleanly and is photographed; the filter bar drives the URL
and the data, and the URL restores the filter bar; every CSV download is
the bytes ``core.export`` (and ``dekomp export``) gives for the same
filters; the language switch; the key figures are the sums of their CSVs;
the as-of date; and a filter without data says so in words."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import shutil
import subprocess
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qsl

import pandas as pd
import pytest
from babel.numbers import format_decimal
from playwright.sync_api import Download, Locator, Page, expect

from core import export, fmt, views
from core.columns import COLUMNS
from core.data.store import Store
from core.filters import Filters
from core.views import filter_options
from dashboard.i18n import catalog
from tests.browser.conftest import screenshot
from tests.conftest import ROOT, VENV_BIN, free_port, wait_for

pytestmark = pytest.mark.browser

NB = catalog("nb")
NN = catalog("nn")
EN = catalog("en")
TIMEOUT = 20_000  # ms: a page's callbacks on a cold worker


# --- one database and one server for the module -------------------------------


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    return {**browser_context_args, "viewport": {"width": 1280, "height": 900}}


@pytest.fixture(scope="module")
def module_db(demo_folder: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the demo database shared by this module's tests (read only)."""
    folder = tmp_path_factory.mktemp("pages") / "data"
    shutil.copytree(demo_folder, folder, symlinks=True)
    return folder / "dekomp.duckdb"


@pytest.fixture(scope="module")
def app_url(module_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app under gunicorn on a free port, serving ``module_db``."""
    port = free_port()
    log_path = tmp_path_factory.mktemp("gunicorn") / "gunicorn.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [
                str(VENV_BIN / "gunicorn"),
                "--workers",
                "2",
                "--threads",
                "4",
                "--bind",
                f"127.0.0.1:{port}",
                "app:server",
            ],
            cwd=ROOT,
            env={**os.environ, "DEKOMP_DB": str(module_db)},
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


@pytest.fixture(scope="module")
def store(module_db: Path) -> Store:
    return Store(module_db)


# --- helpers ------------------------------------------------------------------


def filters_of(query: str) -> Filters:
    """The filters a page URL stands for (``aar=alle`` is every year)."""
    params = dict(parse_qsl(query))
    if params.get("aar") == "alle":
        del params["aar"]
    return Filters.from_query(params)


def frame(store: Store, view: str, f: Filters) -> pd.DataFrame:
    with store.snapshot() as snap:
        return views.frame(snap, view, f)


EXCEL = export.DIALECTS["excel"]  # the UI's default download format


def expected_csv(store: Store, view: str, f: Filters) -> bytes:
    """What a download of ``view`` must be: the export's bytes (Excel dialect)."""
    with store.snapshot() as snap:
        return export.view_bytes(snap, view, f, EXCEL)


def latest_year(store: Store) -> int:
    with store.snapshot() as snap:
        return filter_options(snap).years[-1]


def settle(page: Page) -> None:
    """Wait until the state store has been read (the footer names the
    version) and no Dash callback is pending."""
    expect(page.locator("#data-version-footer")).not_to_be_empty(timeout=TIMEOUT)
    page.wait_for_function(
        "() => document.title !== 'Updating...'"
        " && document.querySelector('[data-dash-is-loading=\"true\"]') === null",
        timeout=TIMEOUT,
    )


def open_page(page: Page, url: str) -> None:
    page.goto(url)
    settle(page)


def choose(page: Page, control_id: str, option: str) -> None:
    page.locator(f"#{control_id}").click()
    page.get_by_role("option", name=option, exact=True).click()


def show_table(card: Locator) -> Locator:
    """Switch a chart card to its table tab; returns the card."""
    card.get_by_role("tab", name=NB["tab.table"]).click()
    return card


def cells(card: Locator, column: str) -> Locator:
    return card.locator(f'.ag-cell[col-id="{column}"]')


def download(page: Page, button: Locator) -> Download:
    with page.expect_download(timeout=TIMEOUT) as info:
        button.click()
    return info.value


def download_bytes(page: Page, button: Locator) -> tuple[str, bytes]:
    d = download(page, button)
    return d.suggested_filename, Path(d.path()).read_bytes()


def card_button(page: Page, card: str) -> Locator:
    return page.locator(f"#{card}-card").get_by_role("button", name=NB["action.download_csv"])


NAMES = {column.nb: name for name, column in COLUMNS.items()}


def rows(data: bytes) -> list[dict[str, str]]:
    """A download's rows keyed by the views' column names (the Excel dialect
    has Norwegian headers and ';')."""
    assert data.startswith(b"\xef\xbb\xbf")
    reader = csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";")
    return [{NAMES[k]: v for k, v in row.items()} for row in reader]


def plain(text: str) -> str:
    """Babel and Intl put no-break spaces in numbers; compare as spaces."""
    return text.replace("\u00a0", " ").replace("\u202f", " ").strip()


def plot_categories(page: Page, graph_id: str) -> set[str]:
    """The y categories of every trace of a Plotly chart, as drawn."""
    return set(
        page.evaluate(
            "id => document.querySelector(`#${id} .js-plotly-plot`).data"
            ".flatMap(t => Array.from(t.y || []))",
            graph_id,
        )
    )


# --- 1. every page ------------------------------------------------------------

PAGES = {
    # name: (path, heading key, something that is there once the data is drawn)
    "overview": ("/", "page.overview.title", "#ov-funding-graph .main-svg"),
    "distribution": ("/fordeling", "page.distribution.title", "#dist-map-graph .main-svg"),
    "compliance": ("/etterlevelse", "page.compliance.title", "#comp-rules-grid .ag-cell"),
    "projects": ("/prosjekter", "page.projects.title", "#proj-latest-grid .ag-cell"),
    "about": ("/om", "page.about.title", "#versions-table td"),
}


@pytest.mark.parametrize("name", list(PAGES))
def test_page001_every_page_loads_and_is_photographed(
    page: Page, app_url: str, store: Store, console_errors, name: str
) -> None:
    """Each page loads with no console error, shows its heading and its
    data, and a full-page screenshot at 1280x900 is saved under its name."""
    path, heading, drawn = PAGES[name]
    open_page(page, app_url + path)
    expect(page.get_by_role("heading", level=1)).to_have_text(NB[heading])
    expect(page.locator(drawn).first).to_be_visible(timeout=TIMEOUT)
    expect(page.locator("#filter-year")).to_have_text(str(latest_year(store)))
    if name == "overview":
        expect(page.locator("#ov-entitlement")).not_to_have_text("–", timeout=TIMEOUT)
    settle(page)
    assert page.viewport_size == {"width": 1280, "height": 900}
    shot = screenshot(page, name)
    assert shot.stat().st_size > 10_000


# --- 2. a forum chosen in the filter bar ----------------------------------------


def test_page002_forum_choice_updates_url_and_data(
    page: Page, app_url: str, store: Store, console_errors
) -> None:
    """Choosing Follo on /fordeling puts forum=follo in the URL, narrows the
    forums chart and table to Follo, and the owners table to Follo's members."""
    year = latest_year(store)
    open_page(page, app_url + "/fordeling")
    assert "forum=" not in page.url
    choose(page, "filter-forum", "Follo")
    expect(page).to_have_url(f"{app_url}/fordeling?aar={year}&forum=follo")
    expect(page.locator("#filter-forum")).to_have_text("Follo")
    settle(page)

    assert plot_categories(page, "dist-forums-graph") == {"Follo"}
    forums = show_table(page.locator("#dist-forums-card"))
    expect(cells(forums, "forum_name")).to_have_text(["Follo"])
    expect(cells(forums, "forum_id")).to_have_text(["follo"])

    members = frame(store, "distribution", Filters(year=year, forum="follo"))
    assert "Nesodden kommune" in set(members["owner_name"])
    owners = show_table(page.locator("#dist-owners-card"))
    expect(cells(owners, "owner_name")).to_have_text(list(members["owner_name"]))
    expect(cells(owners, "owner_name").filter(has_text="Nesodden kommune")).to_have_count(1)
    expect(cells(owners, "owner_name").filter(has_text="Oslo kommune")).to_have_count(0)


# --- 3. the URL restores the filter bar -----------------------------------------


def test_page003_url_restores_controls_and_data(
    page: Page, app_url: str, store: Store, console_errors
) -> None:
    """/fordeling?aar=2019&forum=follo&eiertype=municipality sets the year,
    forum and owner-type controls and shows the data for those filters."""
    query = "aar=2019&forum=follo&eiertype=municipality"
    open_page(page, f"{app_url}/fordeling?{query}")
    expect(page.locator("#filter-year")).to_have_text("2019")
    expect(page.locator("#filter-forum")).to_have_text("Follo")
    expect(page.locator("#filter-owner-type")).to_have_text(NB["owner_type.municipality"])
    expect(page.locator("#filter-municipality")).to_have_text(NB["filter.all"])
    expect(page).to_have_url(f"{app_url}/fordeling?{query}")

    f = filters_of(query)
    forum_row = frame(store, "forums", f).iloc[0]
    owners = frame(store, "distribution", f)
    assert set(owners["owner_type"]) == {"municipality"}
    assert "Akershus fylkeskommune" not in set(owners["owner_name"])

    assert plot_categories(page, "dist-forums-graph") == {"Follo"}
    forums = show_table(page.locator("#dist-forums-card"))
    expect(cells(forums, "forum_name")).to_have_text(["Follo"])
    expect(cells(forums, "year")).to_have_text(["2019"])
    expect(cells(forums, "owners")).to_have_text([str(forum_row["owners"])])
    table = show_table(page.locator("#dist-owners-card"))
    expect(cells(table, "owner_name")).to_have_text(list(owners["owner_name"]))


# --- 4. every download is the export's bytes -------------------------------------

# page: (path, query, [(button locator spec, view)], views also checked with the CLI)
DOWNLOADS = {
    "overview": (
        "/",
        "aar=2019&forum=follo",
        [
            (("name", "download.scheme-years"), "scheme-years"),
            (("name", "download.forums"), "forums"),
            (("name", "download.distribution"), "distribution"),
            (("name", "download.projects"), "projects"),
            (("name", "download.compliance"), "compliance"),
            (("card", "ov-funding"), "funding-over-time"),
        ],
        ["forums"],
    ),
    "distribution": (
        "/fordeling",
        "aar=2019&forum=follo",
        [
            (("card", "dist-forums"), "forums"),
            (("card", "dist-split"), "forums"),
            (("card", "dist-owners"), "distribution"),
            (("card", "dist-treemap"), "distribution"),
            (("card", "dist-map"), "municipalities"),
        ],
        ["distribution", "municipalities"],
    ),
    "compliance": (
        "/etterlevelse",
        "aar=2019&forum=follo",
        [
            (("card", "comp-rules"), "compliance"),
            (("card", "comp-summary"), "compliance-summary"),
            (("card", "comp-owners"), "compliance-owners"),
        ],
        ["compliance"],
    ),
    "projects": (
        "/prosjekter",
        "aar=2019&forum=follo&dato=2020-06-30",
        [
            (("card", "proj-status"), "status-by-month"),
            (("card", "proj-timeline"), "projects"),
            (("card", "proj-spending"), "spending-over-time"),
            (("card", "proj-latest"), "projects"),
        ],
        ["projects"],
    ),
    "about": ("/om", "aar=2019", [(("card", "about-years"), "scheme-years")], []),
}


def cli_export(db: Path, view: str, f: Filters) -> subprocess.Popen:
    args = [str(VENV_BIN / "dekomp"), "export", view, "--db", str(db), "--dialect", "excel"]
    for option, value in (
        ("--year", f.year),
        ("--forum", f.forum),
        ("--municipality", f.municipality),
        ("--owner-type", f.owner_type),
        ("--as-of", f.as_of),
    ):
        if value is not None:
            args += [option, str(value)]
    return subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


@pytest.mark.parametrize("name", list(DOWNLOADS))
def test_page004_downloads_equal_the_export(
    page: Page, app_url: str, store: Store, module_db: Path, console_errors, name: str
) -> None:
    """Every download button of the page sends exactly
    csv_bytes(VIEWS[view].build(snapshot, filters)) for the page's filters,
    named dekomp_<view>_..._v1.csv; for some views the bytes are also those
    `dekomp export VIEW --db ... --year ... --forum ...` writes."""
    path, query, buttons, cli_views = DOWNLOADS[name]
    f = filters_of(query)
    cli = {view: cli_export(module_db, view, f) for view in cli_views}  # run meanwhile
    open_page(page, f"{app_url}{path}?{query}")
    expect(page).to_have_url(f"{app_url}{path}?{query}")

    # Every download button of the page is in the list above.
    expect(page.locator("button[id*='download-button']")).to_have_count(len(buttons))
    got: dict[str, bytes] = {}
    for (kind, key), view in buttons:
        if kind == "name":
            button = page.get_by_role("button", name=NB[key], exact=True)
        else:
            button = card_button(page, key)
        file_name, data = download_bytes(page, button)
        assert file_name.startswith(f"dekomp_{view}_"), file_name
        assert file_name.endswith("_v1.csv"), file_name
        assert file_name == export.file_name(view, f, 1)
        expected = expected_csv(store, view, f)
        assert data.count(b"\n") > 1, f"{view}: the filters should give data rows"
        assert data == expected, f"{name}: {key} ({view}) differs from core.export"
        got[view] = data

    for view, process in cli.items():
        stdout, stderr = process.communicate(timeout=60)
        assert process.returncode == 0, stderr.decode()
        assert stdout == got[view], f"dekomp export {view} differs from the download"


# --- 5. the language switch -------------------------------------------------------


def test_page005_language_switch(page: Page, app_url: str, console_errors) -> None:
    """Choosing English relabels the nav, the filter bar and the heading, sets
    <html lang="en"> and lang=en in the URL; Nynorsk gives the nn texts."""
    open_page(page, app_url + "/?aar=2018")
    nav = page.locator("nav.navbar")
    expect(nav.get_by_role("link", name=NB["nav.overview"], exact=True)).to_be_visible()

    page.locator("#language").select_option(label="English")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(f"{app_url}/?aar=2018&lang=en")
    expect(nav.get_by_role("link", name="Overview", exact=True)).to_be_visible()
    expect(nav.get_by_role("link", name=EN["nav.distribution"], exact=True)).to_be_visible()
    expect(page.locator('label[for="filter-year"]')).to_have_text("Year")
    expect(page.locator('label[for="filter-forum"]')).to_have_text(EN["filter.forum"])
    expect(page.get_by_role("heading", level=1)).to_have_text(EN["page.overview.title"])
    expect(page.locator("#ov-entitlement")).to_have_text("39.7m\u00a0kr")
    expect(page.get_by_role("button", name=EN["download.forums"], exact=True)).to_be_visible()
    settle(page)
    screenshot(page, "overview-en")

    page.locator("#language").select_option(label="Nynorsk")
    expect(page.locator("html")).to_have_attribute("lang", "nn")
    expect(page).to_have_url(f"{app_url}/?aar=2018&lang=nn")
    for key in ("nav.overview", "nav.compliance", "nav.about"):
        assert NN[key] != NB[key]
        expect(nav.get_by_role("link", name=NN[key], exact=True)).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(NN["page.overview.title"])
    expect(page.locator('label[for="filter-year"]')).to_have_text(NN["filter.year"])
    settle(page)


# --- 6. the key figures are the sums of their downloads -------------------------------


def test_page006_key_figures_are_sums_of_downloads(
    page: Page, app_url: str, console_errors
) -> None:
    """On Oversikt for 2018 each key figure equals the sum of the CSV its
    button downloads: 39 700 000 kr by key (39,7 mill. kr), awarded, paid,
    co-financing, the frame, the owners taking part, projects per status and
    breaches per rule."""
    open_page(page, app_url + "/?aar=2018")
    expect(page.locator("#ov-entitlement")).not_to_have_text("–", timeout=TIMEOUT)

    def csv_of(key: str) -> list[dict[str, str]]:
        return rows(download_bytes(page, page.get_by_role("button", name=NB[key], exact=True))[1])

    def nok_sum(table: list[dict[str, str]], column: str) -> int:
        return sum(int(r[column]) for r in table)

    def card_text(value_id: str) -> str:
        return plain(page.locator(f"#{value_id}").inner_text())

    forums = csv_of("download.forums")
    assert {r["year"] for r in forums} == {"2018"}
    entitlement = nok_sum(forums, "entitlement_nok")
    assert entitlement == 39_700_000
    assert card_text("ov-entitlement") == "39,7 mill. kr"
    for column, value_id in (
        ("awarded_nok", "ov-awarded"),
        ("paid_nok", "ov-paid"),
        ("cofinancing_committed_nok", "ov-cofinancing"),
    ):
        assert card_text(value_id) == plain(fmt.nok_short(nok_sum(forums, column)))

    years = csv_of("download.scheme-years")
    assert card_text("ov-frame") == plain(fmt.nok_short(nok_sum(years, "frame_nok")))
    assert nok_sum(years, "frame_nok") == 39_700_000

    owners = csv_of("download.distribution")
    assert card_text("ov-owners") == str(sum(r["takes_part"] == "true" for r in owners))

    projects = Counter(r["status"] for r in csv_of("download.projects"))
    badges = page.locator("#ov-projects .badge")
    expect(badges).to_have_text([f"{NB['status.' + s]}: {n}" for s, n in sorted(projects.items())])

    breaches = Counter(
        r["rule_id"] for r in csv_of("download.compliance") if r["status"] == "breach"
    )
    assert breaches, "the 2018 demo data has breaches"
    shown: dict[str, int] = {}
    for item in page.locator("#ov-breaches > span").all():
        badge = item.locator(".badge").inner_text()
        rule = badge.split()[0]
        assert badge == f"{rule} {NB['rule.' + rule]}"
        count_text = item.inner_text()[len(badge) :].strip()
        count, word = count_text.split(" ", 1)
        assert word == NB["status.breach"].lower()
        shown[rule] = int(count)
    assert shown == dict(breaches)


# --- 7. the as-of date -----------------------------------------------------------------


def test_page007_projects_as_of_date(
    page: Page, app_url: str, store: Store, console_errors
) -> None:
    """/prosjekter?aar=alle&dato=2019-06-30 shows 30.06.2019 in the date
    picker, and the latest-status table (and its CSV) has no report after
    that date."""
    query = "aar=alle&dato=2019-06-30"
    as_of = dt.date(2019, 6, 30)
    open_page(page, f"{app_url}/prosjekter?{query}")
    expect(page.locator("#filter-as-of")).to_have_value("30.06.2019")
    expect(page.locator("#filter-year")).to_have_text(NB["filter.all_years"])
    expect(page).to_have_url(f"{app_url}/prosjekter?{query}")

    file_name, data = download_bytes(page, card_button(page, "proj-latest"))
    assert file_name == "dekomp_projects_dato-2019-06-30_v1.csv"
    projects = rows(data)
    assert projects, "projects were running in mid-2019"
    dates = [
        dt.date.fromisoformat(r["last_report_date"]) for r in projects if r["last_report_date"]
    ]
    assert dates and max(dates) <= as_of
    assert data == expected_csv(store, "projects", Filters(as_of=as_of))

    table = page.locator("#proj-latest-card")
    expect(cells(table, "title").first).to_be_visible()
    # The column is far right: AG Grid draws it only once it is scrolled to.
    page.evaluate("dash_ag_grid.getApi('proj-latest-grid').ensureColumnVisible('last_report_date')")
    expect(cells(table, "last_report_date").first).to_be_visible()
    shown = cells(table, "last_report_date").all_inner_texts()
    assert shown and all(d and dt.date.fromisoformat(d) <= as_of for d in shown), shown


# --- 8. a filter without data ------------------------------------------------------------


def test_page008_filter_without_data_says_so(page: Page, app_url: str, console_errors) -> None:
    """/fordeling?aar=2018&forum=videregaende (a forum with no 2018 row)
    keeps the page whole and every chart says in words that there is no data."""
    open_page(page, app_url + "/fordeling?aar=2018&forum=videregaende")
    expect(page.get_by_role("heading", level=1)).to_have_text(NB["page.distribution.title"])
    expect(page.locator("#filter-forum")).to_have_text("Videregående opplæring (fylkeskommunen)")
    # The message is wrapped over lines (<br>), which join without a space.
    words = re.compile(r"\s*".join(map(re.escape, NB["empty.no_data"].split())))
    for card in ("dist-forums", "dist-split", "dist-owners", "dist-treemap", "dist-map"):
        page.locator(f"#{card}-card").scroll_into_view_if_needed()  # drawn when scrolled to
        expect(page.locator(f"#{card}-graph")).to_contain_text(words)
    expect(page.get_by_text(NB["error.callback"])).to_have_count(0)
    expect(page.locator("#filter-notice")).to_be_empty()
    screenshot(page, "distribution-empty")


def test_page009_empty_table_says_so_in_the_language(
    page: Page, app_url: str, console_errors
) -> None:
    """An empty table says empty.no_rows in the page's language."""
    open_page(page, app_url + "/fordeling?aar=2018&forum=videregaende")
    forums = show_table(page.locator("#dist-forums-card"))
    expect(forums.locator("#dist-forums-empty")).to_have_text(NB["empty.no_rows"], timeout=3_000)


def test_page010_table_numbers_are_formatted(
    page: Page, app_url: str, store: Store, console_errors
) -> None:
    """The table twin formats numbers in the page's language: 1 529,9
    teacher FTE, not 1529.9."""
    open_page(page, app_url + "/fordeling?aar=2018&forum=follo")
    fte = frame(store, "forums", Filters(year=2018, forum="follo")).iloc[0]["teacher_fte"]
    forums = show_table(page.locator("#dist-forums-card"))
    expect(cells(forums, "forum_name")).to_have_text(["Follo"])
    shown = plain(cells(forums, "teacher_fte").first.inner_text())
    assert shown == plain(format_decimal(fte, format="#,##0.0", locale="nb_NO"))


def test_page011_empty_chart_message_is_readable_in_full(
    page: Page, app_url: str, console_errors
) -> None:
    """The no-data message of every chart on /fordeling fits inside its chart."""
    open_page(page, app_url + "/fordeling?aar=2018&forum=videregaende")
    clipped = []
    for card in ("dist-forums", "dist-split", "dist-owners", "dist-treemap", "dist-map"):
        page.locator(f"#{card}-card").scroll_into_view_if_needed()  # drawn when scrolled to
        graph = page.locator(f"#{card}-graph .main-svg").first
        message = page.locator(f"#{card}-graph .annotation-text").first
        # Wrapped over lines (<br>), so the words run together in textContent.
        expect(message).to_contain_text(NB["empty.no_data"].split()[0])
        outer, inner = graph.bounding_box(), message.bounding_box()
        assert outer and inner
        if inner["x"] < outer["x"] or inner["x"] + inner["width"] > outer["x"] + outer["width"]:
            clipped.append(card)
    assert clipped == []


def test_page012_rule_and_status_narrow_the_rule_table_on_the_server(
    page: Page, app_url: str, store: Store, console_errors
) -> None:
    """Choosing a rule and a status narrows the table's rows before they are
    cut to the first MAX_TABLE_ROWS, so a cut table never hides them."""
    open_page(page, app_url + "/etterlevelse?aar=2019")
    rows = frame(store, "compliance", Filters(year=2019))
    expected = rows[(rows["rule_id"] == "R1") & (rows["status"] == "breach")]
    assert 0 < len(expected) < len(rows)
    page.locator("#comp-rule").select_option("R1")
    page.locator("#comp-status").select_option("breach")
    table = page.locator("#comp-rules-card")
    names = cells(table, "subject_name")
    expect(names).to_have_count(len(expected), timeout=TIMEOUT)
    expect(names).to_have_text([str(n) for n in expected["subject_name"]])
    expect(cells(table, "rule_id")).to_have_text(["R1"] * len(expected))


def test_page013_a_filter_click_asks_only_for_the_cards(
    page: Page, app_url: str, store: Store, console_errors
) -> None:
    """A filter click sends the filter-state callback (which also names the
    data version) and the page's cards, nothing that follows only the
    language; the nav links keep the filters in the browser, and following
    one opens the next page with the same filters."""
    year = latest_year(store)
    open_page(page, app_url + "/fordeling")
    outputs: list[str] = []

    def record(request) -> None:
        if "/_dash-update-component" in request.url:
            outputs.append(json.loads(request.post_data)["output"])

    page.on("request", record)
    choose(page, "filter-forum", "Follo")
    expect(page).to_have_url(f"{app_url}/fordeling?aar={year}&forum=follo")
    settle(page)
    page.remove_listener("request", record)
    assert outputs[0] == "..filter-state.data...data-version-footer.children.."
    cards = sorted(o.strip(".").split(".")[0] for o in outputs[1:])
    graphs = ("forums", "map", "owners", "split", "treemap")
    assert cards == [f"dist-{name}-graph" for name in graphs]
    nav = page.locator("nav.navbar")
    link = nav.get_by_role("link", name=NB["nav.compliance"], exact=True)
    expect(link).to_have_attribute("href", f"/etterlevelse?aar={year}&forum=follo")
    link.click()
    expect(page).to_have_url(f"{app_url}/etterlevelse?aar={year}&forum=follo")
    settle(page)
    expect(page.locator("#filter-forum")).to_have_text("Follo")
    expect(page.get_by_role("heading", level=1)).to_have_text(NB["page.compliance.title"])
    expect(page.locator("#data-version-footer")).to_contain_text("Dataversjon 1")
