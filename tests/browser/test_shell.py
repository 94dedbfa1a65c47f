"""The shell page in Chromium: it names the data version being served, shows
real counts and frames, notices a newly published version on reload, and
says that the demo data is illustrative."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from core import cli, store
from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser


def test_shell001_shows_version_counts_and_frame(
    page: Page, db: Path, serve, console_errors
) -> None:
    url = serve(db)
    page.goto(url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "nb")
    expect(page.locator("#data-version")).to_have_text("1")
    expect(page.get_by_role("heading", name="Oversikt")).to_be_visible()
    expect(page.locator("#demo-notice")).to_contain_text("illustrative")
    with store.Store(db).snapshot() as snap:
        owners = snap.scalar("SELECT count(*) FROM school_owner")
    owners_row = page.locator("#counts tr", has_text="Skoleeiere")
    expect(owners_row.locator("td")).to_have_text(str(owners))
    frame_2018 = page.locator("#frames tbody tr").first
    expect(frame_2018).to_contain_text("2018")
    expect(frame_2018).to_contain_text("39\u00a0700\u00a0000\u00a0kr")
    screenshot(page, "shell001_overview")


def test_shell002_new_version_is_served_without_restart(
    page: Page, db: Path, serve, tmp_path: Path, console_errors
) -> None:
    url = serve(db)
    page.goto(url + "/")
    expect(page.locator("#data-version")).to_have_text("1")
    path = tmp_path / "fte.csv"
    path.write_text("owner_id,year,school_level,fte,source\n958935420,2022,compulsory,5100,x\n")
    assert cli.main(["import", "fte", str(path), "--db", str(db)]) == 0
    page.reload()
    expect(page.locator("#data-version")).to_have_text("2")
