"""Downloads in Chromium: the snapshot button gives the CLI's ZIP (but for the
generation time), and the format switch gives the csv dialect's bytes."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from core import export
from core.data import store
from core.filters import Filters
from tests.conftest import VENV_BIN, zip_entries

pytestmark = pytest.mark.browser


def test_dl001_snapshot_button_equals_the_cli(
    page: Page, db: Path, serve, tmp_path: Path, console_errors
) -> None:
    url = serve(db)
    page.goto(url + "/fordeling?aar=2019&forum=follo")
    expect(page.locator("#filter-forum")).to_have_text("Follo")
    with page.expect_download() as info:
        page.get_by_role("button", name="Last ned øyeblikksbilde").click()
    download = info.value
    assert download.suggested_filename == "dekomp_snapshot_2019_forum-follo_v1.zip"
    browser_zip = zip_entries(Path(download.path()).read_bytes())
    cli_zip = tmp_path / "cli.zip"
    subprocess.run(
        [
            str(VENV_BIN / "dekomp"),
            "snapshot",
            "--year",
            "2019",
            "--forum",
            "follo",
            "--dialect",
            "excel",
            "--db",
            str(db),
            "--out",
            str(cli_zip),
        ],
        check=True,
        timeout=120,
        capture_output=True,
    )
    expected = zip_entries(cli_zip.read_bytes())
    assert set(browser_zip) == set(expected)
    for name, content in expected.items():
        if name == "metadata.json":
            got, want = json.loads(browser_zip[name]), json.loads(content)
            got.pop("generated_at"), want.pop("generated_at")
            assert got == want
        else:
            assert browser_zip[name] == content, name


def test_dl002_format_switch_gives_the_csv_dialect(
    page: Page, db: Path, serve, console_errors
) -> None:
    url = serve(db)
    page.goto(url + "/fordeling?aar=2018")
    page.locator("#download-dialect").select_option("csv")
    card = page.locator("#dist-forums-card")
    expect(card.locator(".ag-cell").first).to_be_attached()
    with page.expect_download() as info:
        card.get_by_role("button", name="Last ned CSV").click()
    data = Path(info.value.path()).read_bytes()
    with store.Store(db).snapshot() as snap:
        assert data == export.view_bytes(snap, "forums", Filters(year=2018), export.CSV)
    assert data.startswith(b"year,forum_id,forum_name")
