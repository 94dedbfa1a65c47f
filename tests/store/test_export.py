"""dekomp export: the CSV read back gives the values of the views, to the
krone; stdout and --out are the same bytes; the same data gives the same
bytes; bad filters are refused with a Norwegian message."""

from __future__ import annotations

import csv
import io
import subprocess
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from core import cli, export
from tests.conftest import VENV_BIN


def run(capsysbinary, *args: str) -> tuple[int, bytes, str]:
    code = cli.main(list(args))
    captured = capsysbinary.readouterr()
    return code, captured.out, captured.err.decode()


def read(data: bytes) -> list[dict[str, str]]:
    assert not data.startswith(b"\xef\xbb\xbf")  # the csv dialect has no BOM
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


@pytest.fixture
def demo_db(demo_folder: Path) -> Path:
    return demo_folder / "dekomp.duckdb"


def test_distribution_2018_adds_up_to_the_frame(demo_db, capsysbinary) -> None:
    code, out, _ = run(
        capsysbinary, "export", "distribution", "--year", "2018", "--db", str(demo_db)
    )
    assert code == 0
    rows = read(out)
    required = [
        "owner_id",
        "owner_name",
        "owner_type",
        "municipality_number",
        "forum_id",
        "forum_name",
        "teacher_fte",
        "entitlement_nok",
        "awarded_nok",
        "paid_nok",
    ]
    assert set(required) <= set(rows[0])
    assert sum(int(r["entitlement_nok"]) for r in rows if r["takes_part"] == "true") == 39_700_000
    assert sum(Decimal(r["teacher_fte"]) for r in rows) == Decimal("12331.4")
    oslo = next(r for r in rows if r["owner_id"] == "958935420")
    assert oslo["municipality_number"] == "0301"
    assert oslo["entitlement_per_fte_nok"] == "3219"


def test_forums_columns_and_totals(demo_db, capsysbinary) -> None:
    _, out, _ = run(capsysbinary, "export", "forums", "--year", "2019", "--db", str(demo_db))
    rows = read(out)
    required = [
        "forum_id",
        "forum_name",
        "teacher_fte",
        "entitlement_nok",
        "awarded_nok",
        "institution_awarded_nok",
        "owner_awarded_nok",
        "cofinancing_required_nok",
        "cofinancing_committed_nok",
    ]
    assert set(required) <= set(rows[0])
    for r in rows:
        assert int(r["awarded_nok"]) == int(r["institution_awarded_nok"]) + int(
            r["owner_awarded_nok"]
        )
        rate = Decimal("0.3")
        assert int(r["cofinancing_required_nok"]) == round(rate * int(r["awarded_nok"]))
    _, dist, _ = run(capsysbinary, "export", "distribution", "--year", "2019", "--db", str(demo_db))
    members = [r for r in read(dist) if r["forum_id"]]
    assert sum(int(r["entitlement_nok"]) for r in rows) == sum(
        int(r["entitlement_nok"]) for r in members
    )


def test_compliance_lists_the_breaches_with_values(demo_db, capsysbinary) -> None:
    _, out, _ = run(capsysbinary, "export", "compliance", "--db", str(demo_db))
    rows = read(out)
    assert list(rows[0])[:12] == [
        "year",
        "rule_id",
        "subject_type",
        "subject_id",
        "subject_name",
        "forum_id",
        "owner_id",
        "status",
        "measured",
        "required",
        "unit",
        "explanation",
    ]
    breaches = {(r["rule_id"], r["subject_id"]): r for r in rows if r["status"] == "breach"}
    r5 = breaches[("R5", "N2018-041")]
    assert (r5["measured"], r5["required"], r5["unit"]) == ("2018-07-09", "2018-07-01", "date")
    r1 = breaches[("R1", "978854923")]
    assert (r1["measured"], r1["required"]) == ("0.1199", "0.3000")
    assert len(breaches) == 8


def test_filters_on_the_cli(demo_db, capsysbinary) -> None:
    _, out, _ = run(
        capsysbinary,
        "export",
        "distribution",
        "--municipality",
        "3207",
        "--owner-type",
        "municipality",
        "--db",
        str(demo_db),
    )
    assert {r["owner_name"] for r in read(out)} == {
        "Ski kommune",
        "Oppegård kommune",
        "Nordre Follo kommune",
    }
    _, out, _ = run(
        capsysbinary,
        "export",
        "projects",
        "--forum",
        "follo",
        "--as-of",
        "2019-06-30",
        "--db",
        str(demo_db),
    )
    rows = read(out)
    assert rows and {r["forum_id"] for r in rows} == {"follo"}
    assert all(r["last_report_date"] <= "2019-06-30" for r in rows if r["last_report_date"])


def test_out_file_and_stdout_are_the_same_bytes(demo_db, tmp_path: Path, capsysbinary) -> None:
    for view in export.VIEWS:
        _, stdout, _ = run(capsysbinary, "export", view, "--db", str(demo_db))
        target = tmp_path / f"{view}.csv"
        code, _, err = run(capsysbinary, "export", view, "--db", str(demo_db), "--out", str(target))
        assert code == 0
        assert target.read_bytes() == stdout
        assert f"til {target}" in err
        assert not list(tmp_path.glob("*.partial"))


def test_two_exports_are_byte_identical_in_separate_processes(demo_db, tmp_path: Path) -> None:
    outputs = []
    for _ in range(2):
        result = subprocess.run(
            [str(VENV_BIN / "dekomp"), "export", "compliance", "--db", str(demo_db)],
            capture_output=True,
            timeout=120,
            check=True,
        )
        outputs.append(result.stdout)
    assert outputs[0] == outputs[1]
    assert len(outputs[0]) > 10_000


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--year", "20x"], "ugyldig år"),
        (["--forum", "x'; DROP TABLE award; --"], "ugyldig forum"),
        (["--municipality", "213"], "ugyldig kommunenummer"),
        (["--as-of", "31.12.2021"], "ugyldig dato"),
    ],
)
def test_bad_filter_values_are_refused(demo_db, capsysbinary, args, message) -> None:
    code, out, err = run(capsysbinary, "export", "forums", *args, "--db", str(demo_db))
    assert code == 2
    assert out == b""
    assert message in err


def test_every_view_reads_back_into_pandas_as_exported(demo_db, capsysbinary) -> None:
    for view in export.VIEWS:
        _, out, _ = run(capsysbinary, "export", view, "--db", str(demo_db))
        frame = pd.read_csv(io.BytesIO(out), dtype=str, keep_default_na=False)
        assert len(frame) > 0, view
        assert list(frame.columns) == out.split(b"\r\n", 1)[0].decode().split(",")


def test_formula_like_text_is_neutralised() -> None:
    assert export.cell("=1+1") == "'=1+1"
    assert export.cell("-5 reserve") == "'-5 reserve"
    assert export.cell("\t=cmd") == "'\t=cmd"
    assert export.cell(-5) == "-5"
    assert export.cell(Decimal("-0.5")) == "-0.5"
    assert export.cell("Ås kommune") == "Ås kommune"
