"""The shell in Chromium: the footer names the data version being served,
and a newly published version is served on reload without a restart."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from core import cli

pytestmark = pytest.mark.browser


def test_shell001_footer_names_the_version(page: Page, db: Path, serve, console_errors) -> None:
    url = serve(db)
    page.goto(url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "nb")
    expect(page.locator("#data-version-footer")).to_contain_text("Dataversjon 1")
    # The demo data says it is illustrative; the boundaries' source is always named.
    expect(page.locator("#data-version-footer")).to_contain_text("· Demodataene er illustrative.")
    expect(page.get_by_role("contentinfo").first).to_contain_text(
        "· Kommunegrenser: © Kartverket, CC BY 4.0."
    )


def test_shell002_new_version_is_served_without_restart(
    page: Page, db: Path, serve, tmp_path: Path, console_errors
) -> None:
    url = serve(db)
    page.goto(url + "/")
    expect(page.locator("#data-version-footer")).to_contain_text("Dataversjon 1")
    path = tmp_path / "fte.csv"
    path.write_text("owner_id,year,school_level,fte,source\n958935420,2022,compulsory,5100,x\n")
    assert cli.main(["import", "fte", str(path), "--db", str(db)]) == 0
    page.reload()
    expect(page.locator("#data-version-footer")).to_contain_text("Dataversjon 2")


def test_shell003_no_database_says_what_to_do(
    page: Page, tmp_path: Path, serve, console_errors
) -> None:
    """Served without a database, every page says how to get one, in words."""
    url = serve(tmp_path / "missing" / "dekomp.duckdb")
    for path in ("/", "/fordeling", "/om"):
        page.goto(url + path)
        expect(page.locator("#store-error")).to_contain_text("Kjør «dekomp demo»")
        expect(page.locator("#data-version-footer")).to_contain_text("Ingen data ennå")
