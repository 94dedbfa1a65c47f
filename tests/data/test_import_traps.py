"""Imports that see through the traps of real spreadsheets.

What a file saved from Norwegian Excel (or typed by hand) really holds is
imported as the adviser meant it, or refused with a message that says what
Excel did and how to undo it; never read as something else. Proved here
through the real import path, most of it through the ``dekomp`` command:

- money in every *_nok column of every kind: ``450 000`` with any of the
  spaces that group thousands, ``450000,00``, ``kr 450 000``, ``450 000,-``
  are stored as exactly that many kroner; ``450.000``, ``1,000``,
  ``1.000,5``, ``1.234.567`` and ``1,234,567`` (a thousand times apart by
  locale) are refused as ambiguous, ``1e3`` as a format; in .xlsx a number
  cell is the number and a text cell is read like CSV;
- owners: a second municipality for a municipality number, a second county
  authority in a region, or the same name and number, with overlapping
  years, against the database or within the file; a merger (the old owner
  ends, the new begins the year after) is accepted;
- slash dates: refused unless the column proves day first;
- sanity and Excel hints: a frame of 0 kr, ``1e3`` teacher FTE, an
  organisation number Excel wrote as ``9,58935E+08`` or ``'958935420``, a
  title above the header;
- Norwegian headers (the templates', the Excel export's, variants);
- a 20,000-row file wrong in every row: a short report and every problem in
  an errors CSV for Norwegian Excel;
- warnings (published anyway) for a change of more than half from the year
  before.

Every refusal leaves the database folder byte-identical; through the
command it exits with status 1 and prints nothing on stdout and no
traceback.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

import openpyxl
import pandas as pd
import pytest

from core import cli
from core.columns import COLUMNS
from core.data import headers, ingest, store
from core.data.kinds import KINDS, LOAD_ORDER
from core.data.parse import parse_orgnr
from core.data.problems import RULES
from tests.conftest import DEMO_DIR, ROOT, VENV_BIN, folder_state

TEMPLATES = ROOT / "data" / "templates"
OSLO = "958935420"  # Oslo kommune, knr 0301, active from 1838 with no end
# Valid organisation numbers (mod 11) that no demo owner has.
NEW = ("974760673", "983971636", "974760681", "974760703", "974760711", "974760738")
AVVIST = "Importen ble avvist: {} feil. Ingenting er endret."
OWNER_HEADER = "owner_id;name;owner_type;knr;region_id;abroad;active_from;active_to"
FTE_HEADER = "owner_id;year;school_level;fte;source"
PAYMENT_HEADER = "payment_id;award_id;paid_date;amount_nok"


# --- Files and runs -----------------------------------------------------------


def write_csv(path: Path, header: str, rows: list[list[str]]) -> Path:
    """A CSV file as Norwegian Excel saves «CSV UTF-8»: BOM, ``;``, CRLF."""
    lines = [header, *(";".join(row) for row in rows)]
    path.write_bytes(b"\xef\xbb\xbf" + "\r\n".join([*lines, ""]).encode("utf-8"))
    return path


def write_xlsx(path: Path, rows: list[list[object]]) -> Path:
    """An .xlsx file; ``str`` values are text cells (formatted as text, as
    Excel does for a column formatted «Tekst»), numbers are number cells."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Ark1"
    for row in rows:
        sheet.append(row)
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, str):
                cell.number_format = "@"
    book.save(path)
    return path


def excel_cells(row: list[str]) -> list[object]:
    """Digits as number cells (as Excel keeps them), everything else text."""
    return [int(v) if v.isdigit() and not v.startswith("0") else v for v in row]


def dekomp(db: Path, kind: str, path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """``dekomp import KIND FILE --db DB`` as a user runs it, in the file's folder."""
    return subprocess.run(
        [str(VENV_BIN / "dekomp"), "import", kind, str(path), "--db", str(db), *extra],
        capture_output=True,
        encoding="utf-8",
        timeout=120,
        cwd=path.parent,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )


def refused_by_cli(db: Path, kind: str, path: Path, *extra: str) -> list[str]:
    """stderr's lines of a refusal through the command; asserts exit 1,
    nothing on stdout, no traceback and the folder byte-identical."""
    before = folder_state(db.parent)
    result = dekomp(db, kind, path, *extra)
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert re.fullmatch(AVVIST.format(r"[0-9 ]+").replace(".", r"\."), lines[0]), lines[0]
    assert folder_state(db.parent) == before
    return lines


def published_by_cli(db: Path, kind: str, path: Path) -> subprocess.CompletedProcess[str]:
    result = dekomp(db, kind, path)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout.startswith("Publiserte versjon 2: "), result.stdout
    return result


def refused(db: Path, kind: str, path: Path) -> list[ingest.Problem]:
    """The problems of a refusal through ``import_files``; the folder unchanged."""
    before = folder_state(db.parent)
    with pytest.raises(ingest.ImportRejected) as rejected:
        ingest.import_files(db, [(kind, path)])
    assert folder_state(db.parent) == before
    return rejected.value.problems


def line_of(lines: list[str], prefix: str) -> str:
    """The one line that starts with ``prefix``."""
    found = [line for line in lines if line.startswith(prefix)]
    assert len(found) == 1, f"{prefix!r} in:\n" + "\n".join(lines)
    return found[0]


def rows_of(db: Path, sql: str, params: list[object] | None = None) -> list[tuple]:
    with store.Store(db).snapshot() as snap:
        return snap.rows(sql, params)


def scalar_of(db: Path, sql: str, params: list[object] | None = None) -> object:
    with store.Store(db).snapshot() as snap:
        return snap.scalar(sql, params)


def test_trap000_the_new_organisation_numbers_are_valid_and_unknown_to_the_demo() -> None:
    with open(DEMO_DIR / "owners.csv", encoding="utf-8") as owners:
        demo = {row["owner_id"] for row in csv.DictReader(owners)}
    for number in NEW:
        assert parse_orgnr(number) == number
        assert number not in demo
    assert OSLO in demo


# --- Money ----------------------------------------------------------------------


class Money(NamedTuple):
    """A money column: its kind; ``row(i, amount)``, the i-th row of a valid
    file with ``amount`` in the column; the SQL giving the stored amounts of
    rows 0, 1, ... in order."""

    kind: str
    column: str
    row: Callable[[int, str], list[str]]
    stored: str


def _status_date(i: int) -> str:
    return f"{dt.date(2021, 1, 1) + dt.timedelta(days=i):%d.%m.%Y}"


MONEY: dict[str, Money] = {
    m.kind + "." + m.column: m
    for m in [
        Money(
            "frames",
            "frame_nok",
            lambda i, a: [
                str(2022 + i),
                "oslo-akershus",
                a,
                "0,30",
                "grunnskole",
                "kommune",
                f"01.02.{2022 + i}",
                f"15.01.{2023 + i}",
                "180",
                "omfordel",
            ],
            "SELECT frame_nok FROM scheme_year WHERE year >= 2022 ORDER BY year",
        ),
        Money(
            "needs",
            "amount_requested_nok",
            lambda i, a: [
                f"N2099-{i:03d}",
                "2019",
                OSLO,
                "oslo",
                "01.03.2019",
                "Lesing",
                "grunnleggende ferdigheter",
                "Lærere 1.-4. trinn",
                "120",
                a,
            ],
            "SELECT amount_requested_nok FROM needs_report "
            "WHERE report_id LIKE 'N2099-%' ORDER BY report_id",
        ),
        Money(
            "awards",
            "amount_nok",
            lambda i, a: [f"T2099-{i:03d}", "2019", "oslo", OSLO, "", a, "01.10.2019"],
            "SELECT amount_nok FROM award WHERE award_id LIKE 'T2099-%' ORDER BY award_id",
        ),
        Money(
            "payments",
            "amount_nok",
            lambda i, a: [f"U2099-{i:03d}", "T2018-001", "03.01.2019", a],
            "SELECT amount_nok FROM payment WHERE payment_id LIKE 'U2099-%' ORDER BY payment_id",
        ),
        Money(
            "cofinancing",
            "amount_nok",
            lambda i, a: [str(2022 + i // 2), OSLO, ("kontant", "naturalytelse")[i % 2], a, ""],
            f"SELECT amount_nok FROM cofinancing WHERE owner_id = '{OSLO}' AND year >= 2022 "
            "ORDER BY year, kind::VARCHAR",
        ),
        Money(
            "projects",
            "budget_nok",
            lambda i, a: [
                f"P2099-{i:02d}",
                "Lesing i alle fag",
                "oslo",
                OSLO,
                "uio",
                "Lesing",
                "grunnleggende ferdigheter",
                "ja",
                "01.01.2022",
                "30.06.2023",
                a,
            ],
            "SELECT budget_nok FROM project WHERE project_id LIKE 'P2099-%' ORDER BY project_id",
        ),
        Money(
            "status",
            "spent_to_date_nok",
            lambda i, a: ["P2018-01", _status_date(i), "pågår", a, "100", "Samling"],
            "SELECT spent_to_date_nok FROM status_report "
            "WHERE project_id = 'P2018-01' AND report_date >= DATE '2021-01-01' "
            "ORDER BY report_date",
        ),
        Money(
            "confirmations",
            "amount_used_nok",
            lambda i, a: [str(2022 + i), OSLO, "", f"01.03.{2023 + i}", a, "0"],
            f"SELECT amount_used_nok FROM confirmation WHERE recipient_owner_id = '{OSLO}' "
            "AND year >= 2022 ORDER BY year",
        ),
        Money(
            "confirmations",
            "amount_repaid_nok",
            lambda i, a: [str(2022 + i), OSLO, "", f"01.03.{2023 + i}", "0", a],
            f"SELECT amount_repaid_nok FROM confirmation WHERE recipient_owner_id = '{OSLO}' "
            "AND year >= 2022 ORDER BY year",
        ),
    ]
}


def test_trap001_every_money_column_of_every_kind_is_listed() -> None:
    """MONEY names every *_nok column of every kind, no more."""
    in_kinds = {f"{k.name}.{c}" for k in KINDS.values() for c in k.columns if c.endswith("_nok")}
    assert set(MONEY) == in_kinds
    for money in MONEY.values():  # each row fits its kind's columns
        assert len(money.row(0, "1")) == len(KINDS[money.kind].columns)


# The forms a reader could take two ways, with the rule and a piece of the
# message that shows both readings (or says what Excel did).
AMBIGUOUS: dict[str, tuple[str, str]] = {
    "450.000": ("ambiguous", "tusenskille (450 000 kr) eller desimaltegn (450 kr)"),
    "1,000": ("ambiguous", "tusenskille (1 000 kr) eller desimaltegn (1 kr)"),
    "1.000,5": ("ambiguous", "(1000,5 eller 1 000,5)"),
    "1.234.567": ("ambiguous", "(1234567 eller 1 234 567)"),
    "1,234,567": ("ambiguous", "(1234567 eller 1 234 567)"),
    "1e3": ("format", "vitenskapelig notasjon"),
    "4,5E+05": ("format", "vitenskapelig notasjon"),
}

# Forms Norwegian Excel, Babel and typists write, each a different amount so
# that a mix-up of rows shows.
ACCEPTED: list[tuple[str, int]] = [
    ("450000", 450_000),
    ("451 000", 451_000),
    ("452\u00a0000", 452_000),  # no-break space (Excel, Babel)
    ("453\u2009000", 453_000),  # thin space
    ("454\u202f000", 454_000),  # narrow no-break space
    ("455000,00", 455_000),
    ("456000.00", 456_000),
    ("kr 457 000", 457_000),
    ("458 000,-", 458_000),
    ("kr 1\u00a0234\u00a0567,00", 1_234_567),
]


def money_file(path: Path, money: Money, amounts: list[str]) -> Path:
    rows = [money.row(i, amount) for i, amount in enumerate(amounts)]
    return write_csv(path / f"{money.kind}.csv", ";".join(KINDS[money.kind].columns), rows)


def assert_ambiguous_line(line: str, name: str, row: int, column: str, form: str) -> None:
    """A problem line names file, row, column and value, and the rule."""
    rule, hint = AMBIGUOUS[form]
    assert line.startswith(f"{name}, rad {row}, kolonne «{column}», verdi «{form}»: "), line
    assert line.endswith(f"(regel: {RULES[rule]})"), line
    assert hint in line, line


@pytest.mark.parametrize("key", list(MONEY))
def test_trap002_every_money_column_refuses_every_ambiguous_amount_in_csv(
    db: Path, tmp_path: Path, key: str
) -> None:
    """450.000, 1,000, 1.000,5, 1.234.567, 1,234,567 in any money column are
    refused (entydig skrivemåte), not read as 450 or 450 000; 1e3 and
    4,5E+05 as a format. One row per form, each problem on its own row."""
    money = MONEY[key]
    path = money_file(tmp_path, money, list(AMBIGUOUS))
    problems = refused(db, money.kind, path)
    assert [(p.row, p.value, p.rule) for p in problems] == [
        (row, form, rule) for row, (form, (rule, _)) in enumerate(AMBIGUOUS.items(), start=2)
    ]
    for problem in problems:
        assert problem.value is not None and problem.row is not None
        assert_ambiguous_line(str(problem), path.name, problem.row, money.column, problem.value)


@pytest.mark.parametrize(
    "key", ["frames.frame_nok", "payments.amount_nok", "confirmations.amount_repaid_nok"]
)
def test_trap003_the_command_names_every_ambiguous_amount(
    db: Path, tmp_path: Path, key: str
) -> None:
    """Through ``dekomp import``: one line per row, each with its own value."""
    money = MONEY[key]
    path = money_file(tmp_path, money, list(AMBIGUOUS))
    lines = refused_by_cli(db, money.kind, path)
    assert lines[0] == AVVIST.format(len(AMBIGUOUS))
    assert len(lines) == 1 + len(AMBIGUOUS)
    for row, form in enumerate(AMBIGUOUS, start=2):
        line = line_of(lines, f"  {path.name}, rad {row}, ")
        assert_ambiguous_line(line.strip(), path.name, row, money.column, form)
    assert "entydig skrivemåte" in "\n".join(lines)


def ambiguous_xlsx(path: Path, money: Money) -> Path:
    """Every ambiguous form as a text cell, then 450000 as a number cell."""
    header: list[object] = list(KINDS[money.kind].columns)
    rows = [header]
    for i, form in enumerate(AMBIGUOUS):
        rows.append([*excel_cells(money.row(i, "§"))])
        rows[-1][rows[-1].index("§")] = form
    last = excel_cells(money.row(len(AMBIGUOUS), "§"))
    last[last.index("§")] = 450000
    rows.append(last)
    return write_xlsx(path / f"{money.kind}.xlsx", rows)


@pytest.mark.parametrize("key", list(MONEY))
def test_trap004_an_xlsx_text_cell_is_refused_like_csv_and_a_number_cell_is_a_number(
    db: Path, tmp_path: Path, key: str
) -> None:
    """In .xlsx the text «450.000» is as ambiguous as in CSV; the number
    cell 450000 on the last row is no problem."""
    money = MONEY[key]
    path = ambiguous_xlsx(tmp_path, money)
    problems = refused(db, money.kind, path)
    assert [p.row for p in problems] == list(range(2, 2 + len(AMBIGUOUS)))
    for problem, form in zip(problems, AMBIGUOUS, strict=True):
        assert_ambiguous_line(str(problem), path.name, problem.row, money.column, form)


def test_trap005_the_command_refuses_xlsx_text_cells(db: Path, tmp_path: Path) -> None:
    money = MONEY["payments.amount_nok"]
    path = ambiguous_xlsx(tmp_path, money)
    lines = refused_by_cli(db, money.kind, path)
    assert lines[0] == AVVIST.format(len(AMBIGUOUS))
    for row, form in enumerate(AMBIGUOUS, start=2):
        line = line_of(lines, f"  {path.name}, rad {row}, ")
        assert_ambiguous_line(line.strip(), path.name, row, money.column, form)
    assert len(lines) == 1 + len(AMBIGUOUS)  # nothing about row 9, the number cell


def accepted_forms(key: str) -> list[tuple[str, int]]:
    """ACCEPTED, backwards for the second money column of confirmations
    (both are in one file)."""
    return ACCEPTED[::-1] if key == "confirmations.amount_repaid_nok" else ACCEPTED


@pytest.fixture(scope="module")
def accepted_db(demo_folder: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo plus a file of every money kind holding every accepted form,
    imported for real as one version (one publish, not nine)."""
    folder = tmp_path_factory.mktemp("accepted")
    shutil.copytree(demo_folder, folder / "data", symlinks=True)
    files: dict[str, list[list[str]]] = {}
    for key, money in MONEY.items():
        index = KINDS[money.kind].columns.index(money.column)
        forms = [form for form, _ in accepted_forms(key)]
        if money.kind not in files:
            files[money.kind] = [money.row(i, form) for i, form in enumerate(forms)]
        for row, form in zip(files[money.kind], forms, strict=True):
            row[index] = form
    paths = [
        (kind, write_csv(folder / f"{kind}.csv", ";".join(KINDS[kind].columns), rows))
        for kind, rows in files.items()
    ]
    db = folder / "data" / "dekomp.duckdb"
    result = ingest.import_files(db, paths)
    assert result.version_id == 2
    assert result.rows == {f"{kind}.csv": len(ACCEPTED) for kind in files}
    return db


@pytest.mark.parametrize("key", list(MONEY))
def test_trap006_every_money_column_stores_the_accepted_forms_exactly(
    accepted_db: Path, key: str
) -> None:
    """450 000 with any grouping space, 450000,00, 450000.00, kr 450 000,
    450 000,-: published, and stored as exactly that many kroner."""
    stored = [v for (v,) in rows_of(accepted_db, MONEY[key].stored)]
    assert stored == [kroner for _, kroner in accepted_forms(key)]


def test_trap007_the_command_stores_accepted_amounts_from_csv(db: Path, tmp_path: Path) -> None:
    money = MONEY["payments.amount_nok"]
    path = money_file(tmp_path, money, [form for form, _ in ACCEPTED])
    result = published_by_cli(db, "payments", path)
    assert result.stdout == f"Publiserte versjon 2: payments.csv ({len(ACCEPTED)} rader)\n"
    for i, (form, kroner) in enumerate(ACCEPTED):
        stored = scalar_of(
            db, "SELECT amount_nok FROM payment WHERE payment_id = ?", [f"U2099-{i:03d}"]
        )
        assert stored == kroner, form


def test_trap008_the_command_stores_xlsx_number_cells_as_they_are(db: Path, tmp_path: Path) -> None:
    """Number cells (an int, a float, one shown with a thousands format)
    keep their value; a text cell «kr 453 000» is read like CSV."""
    path = tmp_path / "payments.xlsx"
    write_xlsx(
        path,
        [
            PAYMENT_HEADER.split(";"),
            ["U2099-001", "T2018-001", dt.date(2019, 1, 3), 450000],
            ["U2099-002", "T2018-001", dt.date(2019, 1, 3), 451000.0],
            ["U2099-003", "T2018-001", dt.date(2019, 1, 3), 452000],
            ["U2099-004", "T2018-001", dt.date(2019, 1, 3), "kr 453 000"],
            ["U2099-005", "T2018-001", dt.date(2019, 1, 3), 1234567],
        ],
    )
    book = openpyxl.load_workbook(path)
    book.active["D4"].number_format = "#,##0"
    book.active["D6"].number_format = '# ##0 "kr"'
    book.save(path)
    published_by_cli(db, "payments", path)
    assert rows_of(
        db,
        "SELECT payment_id, paid_date, amount_nok FROM payment "
        "WHERE payment_id LIKE 'U2099-%' ORDER BY 1",
    ) == [
        ("U2099-001", dt.date(2019, 1, 3), 450_000),
        ("U2099-002", dt.date(2019, 1, 3), 451_000),
        ("U2099-003", dt.date(2019, 1, 3), 452_000),
        ("U2099-004", dt.date(2019, 1, 3), 453_000),
        ("U2099-005", dt.date(2019, 1, 3), 1_234_567),
    ]


# --- Owners ---------------------------------------------------------------------

A, B, C = NEW[:3]
ONE_KOMMUNE = "bare én kommune kan være skoleeier for et kommunenummer om gangen"
ONE_FYLKE = "bare én fylkeskommune kan være skoleeier i et fylke om gangen"
SAME_NAME = "to skoleeiere kan ikke ha samme navn og nummer samtidig"
ONE_OWNER = "(regel: én skoleeier om gangen)"

# case -> (rows of owners.csv, the one problem line expected)
OWNER_TRAPS: dict[str, tuple[list[str], str]] = {
    "municipality-0301-in-database": (
        [f"{A};Nye Oslo kommune;kommune;0301;oslo-akershus;nei;2020;"],
        "rad 2, kolonne «knr», verdi «0301»: kommunenummer 0301 har allerede en kommune som "
        f"skoleeier: Oslo kommune (958935420, aktiv fra 1838) i databasen; {ONE_KOMMUNE}",
    ),
    "municipality-twice-in-file": (
        [
            f"{A};Vestby kommune;kommune;3019;oslo-akershus;nei;2020;",
            f"{B};Nye Vestby kommune;kommune;3019;oslo-akershus;nei;2021;",
        ],
        "rad 3, kolonne «knr», verdi «3019»: kommunenummer 3019 har allerede en kommune som "
        f"skoleeier: Vestby kommune ({A}, aktiv fra 2020) på rad 2; {ONE_KOMMUNE}",
    ),
    "county-authority-in-database": (
        [f"{A};Oslo og Akershus fylkeskommune;fylkeskommune;;oslo-akershus;nei;2022;"],
        "rad 2, kolonne «region_id», verdi «oslo-akershus»: regionen oslo-akershus har allerede "
        "en fylkeskommune som skoleeier: Viken fylkeskommune (992441194, aktiv 2020–2023) "
        f"i databasen; {ONE_FYLKE}",
    ),
    "county-authority-twice-in-file": (
        [
            f"{A};Akershus fylkeskommune;fylkeskommune;;oslo-akershus;nei;2024;",
            f"{B};Østlandet fylkeskommune;fylkeskommune;;oslo-akershus;nei;2026;",
        ],
        "rad 3, kolonne «region_id», verdi «oslo-akershus»: regionen oslo-akershus har allerede "
        f"en fylkeskommune som skoleeier: Akershus fylkeskommune ({A}, aktiv fra 2024) "
        f"på rad 2; {ONE_FYLKE}",
    ),
    "same-name-and-knr-in-database": (
        [f"{A};Jessheim friskole AS;privat;0235;oslo-akershus;nei;2019;"],
        "rad 2, kolonne «name», verdi «Jessheim friskole AS»: samme navn og kommunenummer som "
        f"Jessheim friskole AS (907336107, aktiv fra 2018) i databasen; {SAME_NAME}",
    ),
    "same-name-and-knr-other-type": (
        [f"{A};Oslo kommune;privat;0301;oslo-akershus;nei;2020;"],
        "rad 2, kolonne «name», verdi «Oslo kommune»: samme navn og kommunenummer som "
        f"Oslo kommune (958935420, aktiv fra 1838) i databasen; {SAME_NAME}",
    ),
    "same-name-and-knr-in-file": (
        [
            f"{A};Vestby friskole AS;privat;3019;oslo-akershus;nei;2020;",
            f"{B};Vestby friskole AS;privat;3019;oslo-akershus;nei;2022;",
        ],
        "rad 3, kolonne «name», verdi «Vestby friskole AS»: samme navn og kommunenummer som "
        f"Vestby friskole AS ({A}, aktiv fra 2020) på rad 2; {SAME_NAME}",
    ),
}


@pytest.mark.parametrize("case", list(OWNER_TRAPS))
def test_trap010_a_second_owner_for_the_same_place_and_years_is_refused(
    db: Path, tmp_path: Path, case: str
) -> None:
    """The message names the owner already there, and where it is."""
    rows, expected = OWNER_TRAPS[case]
    path = tmp_path / "owners.csv"
    write_csv(path, OWNER_HEADER, [row.split(";") for row in rows])
    lines = refused_by_cli(db, "owners", path)
    assert lines == [AVVIST.format(1), f"  owners.csv, {expected} {ONE_OWNER}"]


def test_trap011_owners_that_follow_each_other_are_accepted(db: Path, tmp_path: Path) -> None:
    """A merger: the old owner ends, the new one begins the year after, in
    the file (Vestby 3019) and against the database (Viken fylkeskommune
    ends 2023, a new Akershus fylkeskommune begins 2024)."""
    path = write_csv(
        tmp_path / "owners.csv",
        OWNER_HEADER,
        [
            [A, "Vestby kommune", "kommune", "3019", "oslo-akershus", "nei", "2020", "2021"],
            [B, "Nye Vestby kommune", "kommune", "3019", "oslo-akershus", "nei", "2022", ""],
            [C, "Akershus fylkeskommune", "fylkeskommune", "", "oslo-akershus", "nei", "2024", ""],
        ],
    )
    result = published_by_cli(db, "owners", path)
    assert result.stdout == "Publiserte versjon 2: owners.csv (3 rader)\n"
    assert result.stderr == ""
    assert rows_of(
        db,
        "SELECT owner_id, name, owner_type::VARCHAR, knr, active_from, active_to "
        "FROM school_owner WHERE owner_id IN (?, ?, ?) ORDER BY active_from, owner_id",
        [A, B, C],
    ) == [
        (A, "Vestby kommune", "municipality", "3019", 2020, 2021),
        (B, "Nye Vestby kommune", "municipality", "3019", 2022, None),
        (C, "Akershus fylkeskommune", "county_authority", None, 2024, None),
    ]


def test_trap012_an_owner_earlier_in_the_file_is_named_with_its_years(
    db: Path, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "owners.csv",
        OWNER_HEADER,
        [
            [A, "Vestby kommune", "kommune", "3019", "oslo-akershus", "nei", "2020", "2021"],
            [B, "Nye Vestby kommune", "kommune", "3019", "oslo-akershus", "nei", "2021", ""],
        ],
    )
    (problem,) = refused(db, "owners", path)
    assert problem.row == 3
    assert f"Vestby kommune ({A}, aktiv 2020–2021) på rad 2" in problem.message


# --- Dates ----------------------------------------------------------------------

SLASH_AMBIGUOUS = "(regel: entydig skrivemåte)"


def test_trap020_slash_dates_that_do_not_prove_day_first_are_refused(
    db: Path, tmp_path: Path
) -> None:
    """03/02/2019 is 3 February in Norway and 2 March in the US; 01/15/2019
    proves the column month first. Both refused; the ISO date is fine."""
    path = write_csv(
        tmp_path / "payments.csv",
        PAYMENT_HEADER,
        [
            ["U2099-001", "T2018-001", "03/02/2019", "1000"],
            ["U2099-002", "T2018-001", "01/15/2019", "1000"],
            ["U2099-003", "T2018-001", "2019-04-01", "1000"],
        ],
    )
    lines = refused_by_cli(db, "payments", path)
    assert lines[0] == AVVIST.format(2)
    for row, value, says in [
        (2, "03/02/2019", "dag/måned/år eller måned/dag/år"),
        (3, "01/15/2019", "måned/dag/år (amerikansk rekkefølge)"),
    ]:
        line = line_of(lines, f"  payments.csv, rad {row}, kolonne «paid_date», verdi «{value}»: ")
        assert says in line
        assert line.endswith(SLASH_AMBIGUOUS)
    assert len(lines) == 3


def test_trap021_a_column_that_proves_day_first_is_read_day_first(db: Path, tmp_path: Path) -> None:
    """15/01/2019 can only be day first, so 03/02/2019 in the same column is
    3 February; ISO and DD.MM.ÅÅÅÅ dates beside them as usual."""
    path = write_csv(
        tmp_path / "payments.csv",
        PAYMENT_HEADER,
        [
            ["U2099-001", "T2018-001", "15/01/2019", "1000"],
            ["U2099-002", "T2018-001", "03/02/2019", "2000"],
            ["U2099-003", "T2018-001", "01.03.2019", "3000"],
            ["U2099-004", "T2018-001", "2019-04-01", "4000"],
        ],
    )
    published_by_cli(db, "payments", path)
    assert rows_of(
        db,
        "SELECT payment_id, paid_date FROM payment WHERE payment_id LIKE 'U2099-%' ORDER BY 1",
    ) == [
        ("U2099-001", dt.date(2019, 1, 15)),
        ("U2099-002", dt.date(2019, 2, 3)),
        ("U2099-003", dt.date(2019, 3, 1)),
        ("U2099-004", dt.date(2019, 4, 1)),
    ]


def test_trap022_the_proof_of_day_first_holds_for_its_own_column_only(
    db: Path, tmp_path: Path
) -> None:
    """needs_deadline's 15/02/2022 proves that column; reporting_deadline's
    10/01/2023 is still ambiguous."""
    money = MONEY["frames.frame_nok"]
    rows = [money.row(0, "64000000"), money.row(1, "65000000")]
    rows[0][6:8] = ["15/02/2022", "10/01/2023"]
    rows[1][6:8] = ["01/02/2023", "05/01/2024"]
    path = write_csv(tmp_path / "frames.csv", ";".join(KINDS["frames"].columns), rows)
    problems = refused(db, "frames", path)
    assert [(p.row, p.column, p.value, p.rule) for p in problems] == [
        (2, "reporting_deadline", "10/01/2023", "ambiguous"),
        (3, "reporting_deadline", "05/01/2024", "ambiguous"),
    ]


def test_trap023_the_advice_for_a_month_first_date_is_a_real_date(db: Path, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "payments.csv",
        PAYMENT_HEADER,
        [["U2099-001", "T2018-001", "01/15/2019", "1000"]],
    )
    (problem,) = refused(db, "payments", path)
    assert problem.rule == "ambiguous"
    assert "01.15.2019" not in problem.message
    assert "skriv DD.MM.ÅÅÅÅ (15.01.2019 hvis måneden står først)" in problem.message
    assert "ingen dato i kolonnen viser hvilken" not in problem.message


# --- Sanity and Excel's hands ---------------------------------------------------


def test_trap030_a_frame_of_0_kr_is_refused(db: Path, tmp_path: Path) -> None:
    money = MONEY["frames.frame_nok"]
    path = money_file(tmp_path, money, ["0", "0,00", "64000000"])
    lines = refused_by_cli(db, "frames", path)
    assert lines == [
        AVVIST.format(2),
        "  frames.csv, rad 2, kolonne «frame_nok», verdi «0»: beløpet må være større enn 0 "
        "(regel: gyldig område)",
        "  frames.csv, rad 3, kolonne «frame_nok», verdi «0,00»: beløpet må være større enn 0 "
        "(regel: gyldig område)",
    ]


def test_trap031_what_excel_does_to_numbers_is_refused_with_the_way_back(
    db: Path, tmp_path: Path
) -> None:
    """1e3 teacher FTE; an organisation number shown in scientific notation
    (its last digits lost) or with Excel's apostrophe."""
    path = write_csv(
        tmp_path / "fte.csv",
        FTE_HEADER,
        [
            [OSLO, "2022", "grunnskole", "1e3", "GSI"],
            ["9,58935E+08", "2022", "grunnskole", "5300", "GSI"],
            ["9.58935E+08", "2022", "videregående", "2250", "GSI"],
            ["'958935420", "2023", "grunnskole", "5300", "GSI"],
        ],
    )
    lines = refused_by_cli(db, "fte", path)
    assert lines[0] == AVVIST.format(4)
    fte = line_of(lines, "  fte.csv, rad 2, kolonne «fte», verdi «1e3»: ")
    assert "vitenskapelig notasjon" in fte
    assert fte.endswith("(regel: format)")
    for row, value, what in [
        (3, "9,58935E+08", "vitenskapelig notasjon"),
        (4, "9.58935E+08", "vitenskapelig notasjon"),
        (5, "'958935420", "apostrof"),
    ]:
        line = line_of(lines, f"  fte.csv, rad {row}, kolonne «owner_id», verdi «{value}»: ")
        assert what in line
        assert "Excel" in line
        assert "formater kolonnen som tekst" in line
        assert line.endswith("(regel: format)")
    assert len(lines) == 5


# case -> (file name, how it is written, the row the header is in)
TITLE_ROWS: dict[str, tuple[str, Callable[[Path], object], int]] = {
    "csv-title-with-semicolons": (
        "fte.csv",
        lambda p: p.write_bytes(
            b"\xef\xbb\xbf"
            + f"Lærerårsverk 2022;;;;\r\n{FTE_HEADER}\r\n"
            f"{OSLO};2022;grunnskole;5300;GSI\r\n".encode()
        ),
        2,
    ),
    "csv-title-without-delimiters": (
        "fte.csv",
        lambda p: p.write_text(
            "Lærerårsverk for Oslo kommune\n\nOrg.nr.;År;Skoleslag;Lærerårsverk;Kilde\n"
            f"{OSLO};2022;grunnskole;5300;GSI\n",
            encoding="utf-8",
        ),
        3,
    ),
    "xlsx-title-in-A1": (
        "fte.xlsx",
        lambda p: write_xlsx(
            p,
            [
                ["Lærerårsverk 2022"],
                ["Kilde: GSI"],
                [],
                [],
                [],
                FTE_HEADER.split(";"),
                [int(OSLO), 2022, "grunnskole", 5300, "GSI"],
            ],
        ),
        6,
    ),
}


@pytest.mark.parametrize("case", list(TITLE_ROWS))
def test_trap040_a_title_above_the_header_is_refused_with_where_the_header_is(
    db: Path, tmp_path: Path, case: str
) -> None:
    name, write, header_row = TITLE_ROWS[case]
    path = tmp_path / name
    write(path)
    lines = refused_by_cli(db, "fte", path)
    assert lines == [
        AVVIST.format(1),
        f"  {name}, rad 1: overskriftene står i rad {header_row}; slett radene over "
        "(regel: lesbar fil)",
    ]


@pytest.mark.parametrize(
    ("title", "header"),
    [
        # A comma in the title must not make «,» the delimiter of a ; file.
        ("Lærerårsverk 2022, Oslo kommune", FTE_HEADER),
        # A title that is a column's name is still a title.
        ("Lærerårsverk", "Org.nr.;År;Skoleslag;Lærerårsverk;Kilde"),
    ],
    ids=["trap041-comma", "trap042-column-name"],
)
def test_trap041_a_title_that_looks_like_data_or_a_header_is_still_a_title(
    db: Path, tmp_path: Path, title: str, header: str
) -> None:
    path = tmp_path / "fte.csv"
    path.write_text(f"{title}\n{header}\n{OSLO};2022;grunnskole;5300;GSI\n", encoding="utf-8")
    problems = refused(db, "fte", path)
    assert [str(p) for p in problems] == [
        "fte.csv, rad 1: overskriftene står i rad 2; slett radene over (regel: lesbar fil)"
    ]


# --- Norwegian headers ----------------------------------------------------------


def test_trap050_an_fte_file_with_norwegian_headers_is_imported(db: Path, tmp_path: Path) -> None:
    """Any case, spaces around, å in ÅR: the columns are found, the FTE is
    stored exactly (one decimal)."""
    assert rows_of(db, "SELECT * FROM teacher_fte WHERE owner_id = ? AND year = 2022", [OSLO]) == []
    path = write_csv(
        tmp_path / "fte.csv",
        "Organisasjonsnummer;ÅR;skoleslag; Lærerårsverk ;kilde",
        [
            [OSLO, "2022", "grunnskole", "5300,5", "GSI 2022-23"],
            [OSLO, "2022", "videregående", "2250", "GSI 2022-23"],
        ],
    )
    result = published_by_cli(db, "fte", path)
    assert result.stdout == "Publiserte versjon 2: fte.csv (2 rader)\n"
    assert result.stderr == ""
    assert rows_of(
        db,
        "SELECT school_level::VARCHAR, fte, source FROM teacher_fte "
        "WHERE owner_id = ? AND year = 2022 ORDER BY 1",
        [OSLO],
    ) == [
        ("compulsory", Decimal("5300.5"), "GSI 2022-23"),
        ("upper_secondary", Decimal("2250.0"), "GSI 2022-23"),
    ]


def _mangled(header: str) -> str:
    """Org.nr. -> ' ORG NR ': other case, spacing and punctuation."""
    return " " + re.sub(r"[\W_]+", " ", header).upper() + " "


HEADER_STYLES: dict[str, Callable[[str, str], str]] = {
    "template": headers.template_header,
    "excel-export": lambda kind, c: (
        COLUMNS[c].nb if c in COLUMNS else headers.template_header(kind, c)
    ),
    "alternative": lambda kind, c: headers.norwegian(kind, c)[-1],
    "mangled": lambda kind, c: _mangled(headers.template_header(kind, c)),
    "english-key": lambda kind, c: c,
}


def template_rows(kind: str) -> tuple[list[str], list[str]]:
    """The template's column keys and its data lines as written."""
    header, *lines = (TEMPLATES / f"{kind}.csv").read_text(encoding="utf-8-sig").splitlines()
    return [headers.column_of(kind, name) or name for name in header.split(";")], lines


@pytest.mark.parametrize("style", list(HEADER_STYLES))
@pytest.mark.parametrize("kind", LOAD_ORDER)
def test_trap051_every_kind_reads_its_norwegian_headers(
    tmp_path: Path, kind: str, style: str
) -> None:
    """The template's rows under other headers (the Excel export's, the
    other Norwegian names, mangled, the English keys) parse to the same
    values as under the template's own."""
    columns, lines = template_rows(kind)
    assert set(columns) <= set(KINDS[kind].columns)
    header = ";".join(HEADER_STYLES[style](kind, c) for c in columns)
    path = tmp_path / f"{kind}.csv"
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    parsed = ingest.parse_file(KINDS[kind], path)
    assert parsed.problems == ()
    reference = ingest.parse_file(KINDS[kind], TEMPLATES / f"{kind}.csv")
    assert reference.problems == ()
    assert len(parsed.frame) == len(lines)
    pd.testing.assert_frame_equal(parsed.frame, reference.frame)


@pytest.mark.parametrize(
    ("kind", "header", "row"),
    [
        ("fte", "orgnr;år;skoleslag;lærerårsverk;kilde", f"{OSLO};2022;grunnskole;10;GSI"),
        ("fte", "ORG.NR;Årstall;Skoleslag;Årsverk;Kilde", f"{OSLO};2022;grunnskole;10;GSI"),
        ("payments", "utbetalings id;tildelings id;utbetalingsdato;beløp", "U1;T1;01.02.2019;5"),
        ("cofinancing", "aar;organisasjonsnummer;art;beløp (kr);kommentar", f"2022;{OSLO};cash;5;"),
        (
            "needs",
            "Meldings-id;År;Org.nr.;Forum-id;Mottatt;Utviklingsområde;Sektormål;Beløp",
            f"N1;2022;{OSLO};oslo;01.02.2022;Lesing;gjennomføring;5",
        ),
    ],
)
def test_trap052_common_spellings_of_norwegian_headers_are_read(
    tmp_path: Path, kind: str, header: str, row: str
) -> None:
    path = tmp_path / f"{kind}.csv"
    path.write_text(f"{header}\n{row}\n", encoding="utf-8")
    parsed = ingest.parse_file(KINDS[kind], path)
    assert parsed.problems == ()
    assert len(parsed.frame) == 1


@pytest.mark.parametrize("kind", LOAD_ORDER)
def test_trap053_every_template_is_read_by_the_command(
    db: Path, kind: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """``dekomp import KIND data/templates/KIND.csv --dry-run`` finds every
    column; against the demo it may be refused, but only for its data. (The
    command's ``main`` in this process: sixteen starts of the console script
    would cost some 13 s; the script is ``main`` and an exit.)"""
    before = folder_state(db.parent)
    args = ["import", kind, str(TEMPLATES / f"{kind}.csv"), "--dry-run", "--db", str(db)]
    code = cli.main(args)
    out, err = capsys.readouterr()
    assert code in (0, 1), err
    for rule in ("unknown_column", "missing_column", "file"):
        assert f"(regel: {RULES[rule]})" not in err, err
    if code == 0:
        assert out == "Filene er gyldige (prøvekjøring); ingenting er lagret.\n"
    else:
        assert out == ""
        first, second, *_ = err.splitlines()
        assert re.fullmatch(r"Importen ble avvist: [0-9]+ feil\. Ingenting er endret\.", first)
        assert second.startswith(f"  {kind}.csv, rad ")
    assert folder_state(db.parent) == before


# --- A file wrong in every row --------------------------------------------------

BIG_ROWS = 20_000


@pytest.fixture
def big_file(tmp_path: Path) -> Path:
    """20,000 rows of negative teacher FTE (-1 to -9)."""
    rows = [[OSLO, "2022", "grunnskole", f"-{i % 9 + 1}", "GSI"] for i in range(BIG_ROWS)]
    return write_csv(tmp_path / "fte.csv", FTE_HEADER, rows)


NEGATIVE = "lærerårsverk kan ikke være negativt"


def test_trap060_twenty_thousand_errors_are_a_short_report(db: Path, big_file: Path) -> None:
    lines = refused_by_cli(db, "fte", big_file)
    assert len(lines) <= 300
    assert lines[0] == "Importen ble avvist: 20 000 feil. Ingenting er endret."
    assert (
        lines[1]
        == f"  fte.csv, rad 2, kolonne «fte», verdi «-1»: {NEGATIVE} (regel: gyldig område)"
    )
    assert lines[50].startswith("  fte.csv, rad 51, kolonne «fte», verdi «-5»: ")
    assert lines[51] == "  … og 19 950 feil til. Alle 20 000 feil, per kolonne og regel:"
    assert lines[52] == (
        f"  fte.csv, kolonne «fte», regel «gyldig område»: 20 000 rader: {NEGATIVE}"
    )
    assert lines[-1] == "Skriv alle feilene til en CSV-fil med --errors FIL."


def test_trap061_every_error_is_written_for_norwegian_excel(db: Path, big_file: Path) -> None:
    """--errors errs.csv: BOM, ;, CRLF, one row per problem, a value that
    Excel would take for a formula (-1) written with a leading '."""
    lines = refused_by_cli(db, "fte", big_file, "--errors", "errs.csv")
    assert len(lines) <= 300
    assert "Importen ble avvist: 20 000 feil" in lines[0]
    assert "20 000 rader: lærerårsverk kan ikke være negativt" in "\n".join(lines)
    assert lines[-1] == "Alle 20 000 feil er skrevet til errs.csv."
    data = (big_file.parent / "errs.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.count(b"\r\n") == BIG_ROWS + 1
    assert data.count(b"\n") == BIG_ROWS + 1  # no bare LF
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert len(rows) == BIG_ROWS + 1
    assert rows[0] == ["Fil", "Rad", "Kolonne", "Verdi", "Regel", "Melding"]
    for i, row in enumerate(rows[1:]):
        assert row == ["fte.csv", str(i + 2), "fte", f"'-{i % 9 + 1}", "gyldig område", NEGATIVE]


# --- Warnings -------------------------------------------------------------------


def fte_2022(tmp_path: Path, compulsory: str, upper: str) -> Path:
    """Oslo's 2022 FTE; 2021 in the demo: 5267,3 grunnskole, 2237,6 videregående."""
    return write_csv(
        tmp_path / "fte.csv",
        FTE_HEADER,
        [
            [OSLO, "2022", "grunnskole", compulsory, "GSI"],
            [OSLO, "2022", "videregående", upper, "GSI"],
        ],
    )


def test_trap070_a_change_of_more_than_half_is_published_with_a_warning(
    db: Path, tmp_path: Path
) -> None:
    path = fte_2022(tmp_path, "8000", "1000")  # +52 %, -55 %
    result = published_by_cli(db, "fte", path)
    lines = result.stderr.splitlines()
    assert re.fullmatch(r"2 advarsler \(.+\):", lines[0]), lines[0]
    up = line_of(lines, "  fte.csv, rad 2, kolonne «fte», verdi «")
    down = line_of(lines, "  fte.csv, rad 3, kolonne «fte», verdi «")
    assert "Oslo kommune (grunnskole)" in up
    assert "(+52 %)" in up
    assert "Oslo kommune (videregående)" in down
    assert "(-55 %)" in down
    for line in (up, down):
        assert line.endswith("(regel: rimelig endring fra året før)")
    assert len(lines) == 3
    assert rows_of(
        db, "SELECT fte FROM teacher_fte WHERE owner_id = ? AND year = 2022 ORDER BY 1", [OSLO]
    ) == [(Decimal("1000.0"),), (Decimal("8000.0"),)]


def test_trap071_a_change_of_40_percent_is_no_warning(db: Path, tmp_path: Path) -> None:
    path = fte_2022(tmp_path, "7374,2", "1342,6")  # +40,0 %, -40,0 %
    result = published_by_cli(db, "fte", path)
    assert result.stderr == ""
    assert rows_of(
        db, "SELECT fte FROM teacher_fte WHERE owner_id = ? AND year = 2022 ORDER BY 1", [OSLO]
    ) == [(Decimal("1342.6"),), (Decimal("7374.2"),)]


@pytest.mark.parametrize(
    ("frame", "warned"), [("100 000 000", True), ("87 360 000", False)], ids=["+60%", "+40%"]
)
def test_trap072_a_frame_that_changes_by_more_than_half_is_worth_a_warning(
    db: Path, tmp_path: Path, frame: str, warned: bool
) -> None:
    """2021's frame is 62 400 000 kr."""
    path = money_file(tmp_path, MONEY["frames.frame_nok"], [frame])
    result = ingest.import_files(db, [("frames", path)])
    assert result.version_id == 2
    assert scalar_of(db, "SELECT frame_nok FROM scheme_year WHERE year = 2022") == int(
        frame.replace(" ", "")
    )
    if not warned:
        assert result.warnings == ()
        return
    (warning,) = result.warnings
    assert (warning.row, warning.column, warning.rule) == (2, "frame_nok", "change")
    assert "rammen for oslo-akershus endres fra" in warning.message
    assert "(+60 %)" in warning.message
    assert str(warning).endswith("(regel: rimelig endring fra året før)")
