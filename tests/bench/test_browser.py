"""The browser figures of bench/browser.py on the floor page
(bench/minimal_page.py): a page counts as settled only once its chart and
grid are drawn, a change is timed from the user's press to the redraw, and
the floor page answers the year it is asked for."""

from __future__ import annotations

import pytest

from bench import browser
from bench.harness import Gunicorn, chromium
from bench.minimal_page import ROWS, YEARS, rows, show

playwright = pytest.importorskip("playwright.sync_api")


def test_the_floor_page_has_a_hundred_rows_a_year_the_same_every_time() -> None:
    assert len(rows(2019)) == ROWS == 100
    assert rows(2019) == rows(2019) != rows(2020)
    figure, data = show(2019)
    assert data == rows(2019)
    assert figure["data"][0]["y"] == [r["entitlement_nok"] for r in rows(2019)]


@pytest.fixture(scope="module")
def page():
    with (
        Gunicorn("bench.minimal_page:server", None, workers=1, threads=2) as floor,
        playwright.sync_playwright() as pw,
    ):
        chrome = chromium(pw)
        context = chrome.new_context()
        context.add_init_script(browser.WATCH)
        tab = context.new_page()
        tab.floor_url = floor.url  # type: ignore[attr-defined]
        yield tab
        chrome.close()


def test_a_page_is_settled_once_its_chart_and_grid_are_drawn(page) -> None:
    opened = browser.open_page(page, page.floor_url)
    # The page's clock starts at the navigation: what it drew came after.
    assert 0 < opened < browser.LIMIT_S * 1000
    assert page.locator(".js-plotly-plot .main-svg").count() >= 1
    assert page.locator(".ag-row").count() > 0
    assert page.evaluate("() => window.__settle.inflight") == 0


def test_a_change_is_timed_from_the_press_to_the_redraw(page) -> None:
    browser.open_page(page, page.floor_url)
    year = str(YEARS[0])
    took = browser.change(page, browser.choose, "year", year)
    assert 0 < took < browser.LIMIT_S * 1000
    title = page.locator(".js-plotly-plot .gtitle").text_content()
    assert title is not None and title.endswith(year)  # redrawn for the year picked


def test_a_change_without_a_press_is_refused(page) -> None:
    browser.open_page(page, page.floor_url)

    def without_a_press(tab, control: str, value: str) -> None:
        tab.evaluate("() => document.title = 'changed'")

    with pytest.raises(RuntimeError, match="without a pointer or key press"):
        browser.change(page, without_a_press, "year", "2019")
