"""Accessibility basics in Chromium: every control is labelled, the page is
usable from the keyboard with a visible focus, and statuses carry text."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

CONTROLS = [
    "filter-year",
    "filter-forum",
    "filter-municipality",
    "filter-owner-type",
    "filter-as-of",
    "language",
]


def test_a11y001_every_control_has_a_label(page: Page, db: Path, serve, console_errors) -> None:
    url = serve(db)
    page.goto(url + "/etterlevelse")
    expect(page.locator("#comp-rules-grid .ag-cell").first).to_be_visible()
    for control in [*CONTROLS, "comp-rule", "comp-status"]:
        label = page.locator(f'label[for="{control}"]')
        expect(label).to_have_count(1)
        assert label.inner_text().strip() or control == "language"


def test_a11y002_keyboard_reaches_and_uses_the_filters(
    page: Page, db: Path, serve, console_errors
) -> None:
    """Tab goes to the skip link first (visible when focused), then on to the
    year filter (with a visible focus ring), which opens with Enter and closes
    with Escape; a select changes with the arrow keys."""
    url = serve(db)
    page.goto(url + "/fordeling")
    expect(page.locator("#dist-forums-grid")).to_be_attached()
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    expect(skip).to_be_focused()
    assert skip.bounding_box()["height"] > 0  # visible when focused
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "filter-year":
            break
    else:
        pytest.fail("the year filter cannot be reached with Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none")
    # Enter opens the list of years, Escape closes it again.
    page.keyboard.press("Enter")
    expect(page.get_by_role("option", name="2019")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_role("option", name="2019")).to_have_count(0)
    # A choice made with the keyboard alone: the download format select.
    page.locator("#download-dialect").focus()
    page.keyboard.press("ArrowDown")
    expect(page.locator("#download-dialect")).to_have_value("csv")


def test_a11y003_status_is_text_not_colour_alone(
    page: Page, db: Path, serve, console_errors
) -> None:
    url = serve(db)
    page.goto(url + "/etterlevelse?aar=2019")
    breach = page.locator('#comp-rules-grid .ag-cell[col-id="status"].status-breach').first
    expect(breach).to_have_text("Brudd")
