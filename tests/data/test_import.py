"""Importing files: good files publish a new version with the right values;
bad files are refused with every problem named and change nothing."""

from __future__ import annotations

import datetime as dt
import subprocess
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from core import cli
from core.data import ingest, store, versions
from tests.conftest import VENV_BIN, folder_state

OSLO = "958935420"  # Oslo kommune, the one real organisation number in the demo


def write(path: Path, text: str, *, bom: bool = False, crlf: bool = False) -> Path:
    if crlf:
        text = text.replace("\n", "\r\n")
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
    return path


def xlsx(path: Path, rows: list[list[object]]) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def fte_of(db: Path, owner: str, year: int) -> list[tuple]:
    with store.Store(db).snapshot() as snap:
        return snap.rows(
            "SELECT school_level::VARCHAR, fte, source FROM teacher_fte "
            "WHERE owner_id = ? AND year = ? ORDER BY school_level",
            [owner, year],
        )


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# --- Good files -----------------------------------------------------------


def test_demo_is_one_version_with_the_2018_frame(demo_folder: Path) -> None:
    db = demo_folder / "dekomp.duckdb"
    history = versions.list_versions(db)
    assert [v.version_id for v in history] == [1]
    assert history[0].description == "demodata"
    assert len(history[0].files) == 16
    with store.Store(db).snapshot() as snap:
        assert snap.scalar("SELECT frame_nok FROM scheme_year WHERE year = 2018") == 39_700_000
        assert snap.scalar(
            "SELECT sum(fte) FROM teacher_fte WHERE year = 2018 AND school_level = 'compulsory'"
        ) == Decimal("12331.4")


def test_norwegian_excel_csv_imports(db: Path, tmp_path: Path, capsys) -> None:
    """UTF-8 with BOM, semicolons, decimal comma and CRLF, as Excel saves it."""
    path = write(
        tmp_path / "lærerårsverk.csv",
        "owner_id;year;school_level;fte;source\n"
        f"{OSLO};2022;grunnskole;5 123,4;Skoleporten 2021–22\n"
        f"{OSLO};2022;videregående;2 410,5;Skoleporten 2021–22\n",
        bom=True,
        crlf=True,
    )
    code, out, _ = run(capsys, "import", "fte", str(path), "--db", str(db))
    assert code == 0
    assert "Publiserte versjon 2" in out
    assert fte_of(db, OSLO, 2022) == [
        ("compulsory", Decimal("5123.4"), "Skoleporten 2021–22"),
        ("upper_secondary", Decimal("2410.5"), "Skoleporten 2021–22"),
    ]


def test_xlsx_imports_with_typed_cells(db: Path, tmp_path: Path, capsys) -> None:
    path = xlsx(
        tmp_path / "fte.xlsx",
        [
            ["owner_id", "year", "school_level", "fte", "source"],
            [int(OSLO), 2023, "grunnskole", 5200.5, "Skoleporten"],
        ],
    )
    code, _, err = run(capsys, "import", "fte", str(path), "--db", str(db))
    assert code == 0, err
    assert fte_of(db, OSLO, 2023) == [("compulsory", Decimal("5200.5"), "Skoleporten")]


def test_same_file_twice_changes_nothing(db: Path, tmp_path: Path, capsys) -> None:
    path = write(
        tmp_path / "fte.csv",
        f"owner_id,year,school_level,fte,source\n{OSLO},2022,compulsory,5100.0,x\n",
    )
    assert run(capsys, "import", "fte", str(path), "--db", str(db))[0] == 0
    before = folder_state(db.parent)
    code, out, _ = run(capsys, "import", "fte", str(path), "--db", str(db))
    assert code == 0
    assert "allerede importert i versjon 2" in out
    assert folder_state(db.parent) == before
    assert [v.version_id for v in versions.list_versions(db)] == [2, 1]


def test_versions_lists_file_hash_and_rows(db: Path, tmp_path: Path, capsys) -> None:
    path = write(
        tmp_path / "fte.csv",
        f"owner_id,year,school_level,fte,source\n{OSLO},2022,compulsory,5100.0,x\n",
    )
    run(capsys, "import", "fte", str(path), "--db", str(db))
    code, out, _ = run(capsys, "versions", "--db", str(db))
    assert code == 0
    assert "gjeldende" in out.splitlines()[1]
    assert ingest.sha256_of(path) in out
    assert "1 rader" in out


def test_old_versions_are_pruned_to_keep(db: Path, tmp_path: Path, capsys) -> None:
    for year in (2022, 2023, 2024):
        path = write(
            tmp_path / f"fte{year}.csv",
            f"owner_id,year,school_level,fte,source\n{OSLO},{year},compulsory,5100.0,x\n",
        )
        assert run(capsys, "import", "fte", str(path), "--db", str(db), "--keep", "2")[0] == 0
    paths = store.Paths(db)
    assert [vid for vid, _ in paths.version_files()] == [3, 4]
    history = versions.list_versions(db)
    assert [(v.version_id, v.on_disk, v.current) for v in history] == [
        (4, True, True),
        (3, True, False),
        (2, False, False),
        (1, False, False),
    ]


def test_dry_run_validates_without_writing(db: Path, tmp_path: Path, capsys) -> None:
    path = write(
        tmp_path / "fte.csv",
        f"owner_id,year,school_level,fte,source\n{OSLO},2022,compulsory,5100.0,x\n",
    )
    before = folder_state(db.parent)
    code, out, _ = run(capsys, "import", "fte", str(path), "--db", str(db), "--dry-run")
    assert code == 0
    assert "prøvekjøring" in out
    assert folder_state(db.parent) == before


# --- Bad files ------------------------------------------------------------

FTE_HEADER = "owner_id,year,school_level,fte,source\n"

BAD_FILES = [
    # name, kind, file name, content (bytes, str or xlsx rows), expected in the report
    ("empty", "fte", "fte.csv", b"", ["fte.csv", "filen er tom"]),
    ("binary", "fte", "fte.csv", bytes(range(256)) * 4, ["fte.csv", "binær"]),
    (
        "only_unknown_columns",
        "fte",
        "fte.csv",
        "navn,alder\nOla,42\n",
        ["kolonne «navn»", "ukjent kolonne", "kolonne «owner_id»", "påkrevd kolonne mangler"],
    ),
    (
        "missing_required_column",
        "fte",
        "fte.csv",
        f"owner_id,year,school_level,source\n{OSLO},2022,compulsory,x\n",
        ["rad 1", "kolonne «fte»", "påkrevd kolonne mangler"],
    ),
    (
        "negative_fte",
        "fte",
        "fte.csv",
        FTE_HEADER + f"{OSLO},2022,compulsory,-5,x\n",
        ["rad 2", "kolonne «fte»", "verdi «-5»", "kan ikke være negativt"],
    ),
    (
        "unknown_municipality",
        "owners",
        "owners.csv",
        "owner_id,name,owner_type,knr,region_id,abroad,active_from,active_to\n"
        "974760673,Testkommune,kommune,9999,oslo-akershus,nei,2018,\n",
        ["rad 2", "kolonne «knr»", "verdi «9999»", "ukjent kommune"],
    ),
    (
        "unknown_owner",
        "fte",
        "fte.csv",
        FTE_HEADER + "974760673,2022,compulsory,10,x\n",
        ["rad 2", "kolonne «owner_id»", "verdi «974760673»", "ukjent skoleeier"],
    ),
    (
        "duplicate_row",
        "fte",
        "fte.csv",
        FTE_HEADER + f"{OSLO},2022,compulsory,10,x\n{OSLO},2022,compulsory,10,x\n",
        ["rad 3", "samme (owner_id, year, school_level) som rad 2", "ingen duplikater"],
    ),
    (
        "duplicate_of_database_row",
        "fte",
        "fte.csv",
        FTE_HEADER + f"{OSLO},2018,compulsory,10,x\n",
        ["rad 2", "finnes allerede i databasen"],
    ),
    (
        "date_in_1899",
        "payments",
        "payments.csv",
        "payment_id,award_id,paid_date,amount_nok\nU-X,T2018-001,1899-12-31,1000\n",
        ["rad 2", "kolonne «paid_date»", "verdi «1899-12-31»", "ikke troverdig"],
    ),
    (
        "formula_in_number",
        "fte",
        "fte.csv",
        FTE_HEADER + f"{OSLO},2022,compulsory,=1+1,x\n",
        ["rad 2", "kolonne «fte»", "verdi «=1+1»", "formel"],
    ),
    (
        "xlsx_not_a_spreadsheet",
        "fte",
        "fte.xlsx",
        b"this is not a zip file at all",
        ["fte.xlsx", "ikke et gyldig Excel-regneark"],
    ),
    (
        "xlsx_text_in_number",
        "fte",
        "fte.xlsx",
        [
            ["owner_id", "year", "school_level", "fte", "source"],
            [OSLO, 2022, "grunnskole", "mange", "x"],
        ],
        ["fte.xlsx", "rad 2", "kolonne «fte»", "verdi «mange»", "ikke et tall"],
    ),
    (
        "not_utf8",
        "fte",
        "fte.csv",
        (FTE_HEADER + f"{OSLO},2022,compulsory,10,Bærum\n").encode("cp1252"),
        ["fte.csv", "ikke UTF-8", "CSV UTF-8"],
    ),
]


@pytest.mark.parametrize(
    ("kind", "name", "content", "expected"),
    [case[1:] for case in BAD_FILES],
    ids=[case[0] for case in BAD_FILES],
)
def test_bad_file_is_refused_and_changes_nothing(
    db: Path, tmp_path: Path, capsys, kind: str, name: str, content: object, expected: list[str]
) -> None:
    path = tmp_path / name
    if isinstance(content, list):
        xlsx(path, content)
    elif isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        assert isinstance(content, bytes)
        path.write_bytes(content)
    before = folder_state(db.parent)
    versions_before = versions.list_versions(db)

    code, out, err = run(capsys, "import", kind, str(path), "--db", str(db))

    assert code == 1
    assert "Importen ble avvist" in err
    assert "Ingenting er endret" in err
    for text in expected:
        assert text in err, f"{text!r} not in report:\n{err}"
    assert "Traceback" not in err + out
    assert folder_state(db.parent) == before
    assert versions.list_versions(db) == versions_before


def test_three_bad_rows_are_reported_in_one_run(db: Path, tmp_path: Path, capsys) -> None:
    path = write(
        tmp_path / "fte.csv",
        FTE_HEADER
        + f"{OSLO},2022,compulsory,-1,x\n"
        + f"{OSLO},2022,upper_secondary,20,x\n"
        + "974760673,2022,compulsory,10,x\n"
        + f"{OSLO},20x2,compulsory,10,x\n",
    )
    code, _, err = run(capsys, "import", "fte", str(path), "--db", str(db))
    assert code == 1
    problems = [line.strip() for line in err.splitlines()[1:]]
    assert len(problems) == 3
    assert problems[0].startswith("fte.csv, rad 2, kolonne «fte», verdi «-1»")
    assert problems[1].startswith("fte.csv, rad 4, kolonne «owner_id», verdi «974760673»")
    assert problems[2].startswith("fte.csv, rad 5, kolonne «year», verdi «20x2»")


def test_owner_must_exist_in_the_year(db: Path, tmp_path: Path, capsys) -> None:
    """Ski kommune ended with the 2020 reform: no FTE for it in 2021."""
    with store.Store(db).snapshot() as snap:
        ski = snap.scalar(
            "SELECT owner_id FROM school_owner WHERE knr = '0213' AND owner_type = 'municipality'"
        )
    path = write(tmp_path / "fte.csv", FTE_HEADER + f"{ski},2021,compulsory,10,x\n")
    code, _, err = run(capsys, "import", "fte", str(path), "--db", str(db))
    assert code == 1
    assert "Ski kommune fantes ikke som skoleeier i 2021" in err


def test_cli_exit_code_and_no_traceback_in_a_real_process(db: Path, tmp_path: Path) -> None:
    path = write(tmp_path / "fte.csv", FTE_HEADER + f"{OSLO},2022,compulsory,-5,x\n")
    result = subprocess.run(
        [str(VENV_BIN / "dekomp"), "import", "fte", str(path), "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "kan ikke være negativt" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_new_database_is_created_by_the_first_import(tmp_path: Path, capsys) -> None:
    db = tmp_path / "new" / "dekomp.duckdb"
    db.parent.mkdir()
    path = write(
        tmp_path / "regions.csv",
        "region_id,short_name,name,valid_from,valid_to\n"
        "vestland,Vestland,Statsforvalteren i Vestland,2019,\n",
    )
    code, _, _ = run(capsys, "import", "regions", str(path), "--db", str(db))
    assert code == 0
    assert db.is_symlink()
    with store.Store(db).snapshot() as snap:
        assert snap.rows("SELECT region_id, short_name FROM region") == [("vestland", "Vestland")]
        assert snap.version.version_id == 1
        assert isinstance(snap.version.created_at, dt.datetime)


def test_a_refused_first_import_leaves_no_folder(tmp_path: Path, capsys) -> None:
    db = tmp_path / "new" / "dekomp.duckdb"
    db.parent.mkdir()
    path = write(tmp_path / "regions.csv", "region_id,short_name,name,valid_from\nVestland!,V,,x\n")
    code, _, _ = run(capsys, "import", "regions", str(path), "--db", str(db))
    assert code == 1
    assert list(db.parent.iterdir()) == []


def test_templates_import_as_a_set_into_an_empty_database(tmp_path: Path, capsys) -> None:
    """The templates are examples an adviser can import as they are."""
    from core.data.kinds import LOAD_ORDER
    from core.export import templates

    folder = tmp_path / "templates"
    templates.write_templates(folder)
    db = tmp_path / "db" / "dekomp.duckdb"
    db.parent.mkdir()
    files = [(kind, folder / f"{kind}.csv") for kind in LOAD_ORDER]
    result = ingest.import_files(db, files)
    assert result.version_id == 1
    with store.Store(db).snapshot() as snap:
        assert snap.rows("SELECT owner_id, name, knr FROM school_owner") == [
            ("958935420", "Oslo kommune", "0301")
        ]
        assert snap.scalar("SELECT fte FROM teacher_fte") == Decimal("4841.4")
        assert snap.scalar("SELECT cofinancing_rate FROM scheme_year") == Decimal("0.3")


def test_blank_trailing_columns_from_excel_are_ignored(db: Path, tmp_path: Path, capsys) -> None:
    path = write(
        tmp_path / "fte.csv",
        f"owner_id;year;school_level;fte;source;;\n{OSLO};2022;grunnskole;10,5;x;;\n",
        bom=True,
    )
    code, _, err = run(capsys, "import", "fte", str(path), "--db", str(db))
    assert code == 0, err
    assert fte_of(db, OSLO, 2022) == [("compulsory", Decimal("10.5"), "x")]


def test_a_row_with_extra_cells_is_one_problem_among_others(db: Path, tmp_path: Path, capsys):
    path = write(
        tmp_path / "fte.csv",
        FTE_HEADER + f"{OSLO},2022,compulsory,10,x,surplus\n{OSLO},2022,upper_secondary,1.25,x\n",
    )
    code, _, err = run(capsys, "import", "fte", str(path), "--db", str(db))
    assert code == 1
    assert "rad 2, verdi «surplus»: raden har flere celler enn overskriften har kolonner" in err
    assert "rad 3, kolonne «fte», verdi «1.25»: lærerårsverk skrives med høyst én desimal" in err


def test_rules_of_the_schema_are_reported_with_rows(db: Path, tmp_path: Path, capsys) -> None:
    path = write(
        tmp_path / "owners.csv",
        "owner_id,name,owner_type,knr,region_id,abroad,active_from,active_to\n"
        "974760673,Utlandet AS,kommune,,oslo-akershus,ja,2018,\n"
        "974760673,Sen AS,privat,0301,oslo-akershus,nei,2018,2016\n"
        "974760673,Tidlig AS,privat,3020,oslo-akershus,nei,2000,\n",
    )
    code, _, err = run(capsys, "import", "owners", str(path), "--db", str(db))
    assert code == 1
    assert "rad 2: bare private skoleeiere kan ligge i utlandet" in err
    assert "rad 3: active_to (2016) kan ikke være før active_from (2018)" in err
    assert "rad 4, kolonne «knr», verdi «3020»: kommunenummer 3020" in err
    assert "fantes ikke i 2000" in err
    assert "databasen avviste" not in err


def test_values_in_unnamed_columns_are_reported_not_lost(db: Path, tmp_path: Path, capsys):
    path = write(
        tmp_path / "fte.csv",
        f"owner_id;year;school_level;fte;source;;\n{OSLO};2022;grunnskole;10,5;x;lost;\n",
    )
    code, _, err = run(capsys, "import", "fte", str(path), "--db", str(db))
    assert code == 1
    assert "kolonne «(uten navn, kolonne F)»: kolonnen har verdier, men ikke noe navn" in err
    assert "kolonne G" not in err


def test_float_noise_from_excel_formulas_is_not_an_error(db: Path, tmp_path: Path, capsys):
    path = xlsx(
        tmp_path / "fte.xlsx",
        [
            ["owner_id", "year", "school_level", "fte", "source"],
            [OSLO, 2022, "grunnskole", 0.1 + 0.2, "x"],
        ],
    )
    code, _, err = run(capsys, "import", "fte", str(path), "--db", str(db))
    assert code == 0, err
    assert fte_of(db, OSLO, 2022) == [("compulsory", Decimal("0.3"), "x")]


def test_ctrl_c_inside_duckdb_is_reported_as_an_interrupt(monkeypatch, capsys, db: Path) -> None:
    """Ctrl-C while DuckDB runs a statement (an import's copy, a snapshot's
    queries) raises DuckDB's own InterruptException; every command answers
    it as a KeyboardInterrupt: status 130, one Norwegian line, no traceback."""
    import duckdb

    from core import cli

    def interrupted(args: object) -> int:
        raise duckdb.InterruptException("INTERRUPT Error: Interrupted!")

    monkeypatch.setitem(cli.COMMANDS, "versions", interrupted)
    assert cli.main(["versions", "--db", str(db)]) == 130
    assert capsys.readouterr().err == "Avbrutt. Publisert versjon er uendret.\n"
