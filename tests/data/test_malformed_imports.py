"""Garbage in, nothing changed: every malformed file of tests/fixtures/malformed/
(and the large ones written at test time) is refused through the real import
path with a Norwegian message naming file, row, column, value and rule, and
the database folder is exactly as before. The CLI refuses with exit status 1
and no traceback."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import duckdb
import pytest

from core import export
from core.data import ingest, reader, store
from tests.conftest import VENV_BIN, folder_state
from tests.fixtures import make_malformed

FIXTURES = make_malformed.HERE

# fixture -> (kind it is imported as, fragments the report must hold). Row
# numbers are as Excel shows them (the header is row 1). "regel: X" is the
# rule's Norwegian name (core.data.problems.RULES).
REFUSED: dict[str, tuple[str, list[str]]] = {
    # encodings
    "utf16-bom.csv": ("fte", ["UTF-16", "lagre den som «CSV UTF-8»", "regel: lesbar fil"]),
    "utf16-no-bom.csv": ("fte", ["UTF-16", "«CSV UTF-8»"]),
    "latin1-aeoeaa.csv": ("fte", ["ikke UTF-8", "ugyldig byte 0xe5 på linje 2", "CSV UTF-8"]),
    "cp1252-quotes.csv": ("fte", ["ikke UTF-8", "ugyldig byte 0x93 på linje 2"]),
    "mixed-encoding.csv": ("fte", ["ikke UTF-8", "ugyldig byte 0xe5 på linje 3"]),
    # truncated, empty
    "truncated-mid-row.csv": (
        "fte",
        ["rad 3, kolonne «school_level», verdi «videreg»", "rad 3, kolonne «fte»: mangler verdi"],
    ),
    "truncated-mid-quote.csv": (
        "projects",
        ["rad 3:", "slutter inne i en celle med anførselstegn", "avkortet", "regel: lesbar fil"],
    ),
    "truncated.xlsx": ("fte", ["ikke et gyldig Excel-regneark", "avkortet"]),
    "empty.csv": ("fte", ["filen er tom"]),
    "bom-only.csv": ("fte", ["filen er tom"]),
    "header-only.csv": ("fte", ["overskrift, men ingen rader med data"]),
    "header-and-blank-lines.csv": ("fte", ["overskrift, men ingen rader med data"]),
    # not a CSV
    "binary-garbage.csv": ("fte", ["binær, ikke tekst"]),
    "csv-named.xlsx": ("fte", ["ikke et gyldig Excel-regneark", "ser ut som tekst (CSV)"]),
    "xlsx-named.csv": ("fte", ["rad 2, kolonne «fte», verdi «-5»", "kan ikke være negativt"]),
    "zip-named.csv": ("fte", ["ZIP-fil, men ikke et Excel-regneark"]),
    "fte.ods": ("fte", ["OpenDocument-regneark (.ods) støttes ikke"]),
    "fte.json": ("fte", ["filtypen «.json» støttes ikke", "CSV (.csv) eller Excel (.xlsx)"]),
    # structure
    "wrong-delimiter.csv": (
        "fte",
        ["kolonne «owner_id|year|school_level|fte|source»", "bare én kolonne", "; eller ,"],
    ),
    "missing-column.csv": ("fte", ["rad 1, kolonne «fte»: påkrevd kolonne mangler"]),
    "duplicate-column.csv": ("fte", ["rad 1, kolonne «year»: kolonnen finnes to ganger"]),
    "extra-column.csv": ("fte", ["rad 1, kolonne «kommentar»: ukjent kolonne for fte"]),
    # Norwegian headers are read (år, skoleslag, årsverk, kilde); «skoleeier»
    # names an owner, not an organisation number, so owner_id is missing.
    "norwegian-header.csv": (
        "fte",
        [
            "rad 1, kolonne «skoleeier»: ukjent kolonne for fte",
            "rad 1, kolonne «owner_id»: påkrevd kolonne mangler; overskriften er «Org.nr.»",
        ],
    ),
    "no-header.csv": ("fte", ["rad 1, kolonne «958935420»: ukjent kolonne"]),
    "extra-cells.csv": ("fte", ["rad 2, verdi «x; y»", "flere celler enn overskriften"]),
    "bad-quote.csv": ("fte", ["rad 2:", "tegn etter et avsluttende anførselstegn"]),
    "cr-only.csv": ("fte", ["rad 3, kolonne «fte», verdi «-1»", "regel: gyldig område"]),
    "nul-early.csv": ("fte", ["rad 2, kolonne «source», verdi «G\\x00SI»", "NUL"]),
    "nul-late.csv": ("fte", ["rad 42, kolonne «source», verdi «G\\x00SI»", "NUL"]),
    # wrong types
    "text-in-amount.csv": (
        "awards",
        ["rad 2, kolonne «amount_nok», verdi «mye penger»", "regel: hele kroner"],
    ),
    "decimal-in-integer.csv": (
        "status",
        ["rad 2, kolonne «participants», verdi «12.5»: er ikke et heltall (regel: heltall)"],
    ),
    "dates-wrong-format.csv": (
        "payments",
        [
            "rad 2, kolonne «paid_date», verdi «2019/13/45»: er ikke en dato",
            "rad 3, kolonne «paid_date», verdi «03-15-2019»",
            "rad 4, kolonne «paid_date», verdi «15. mars 2019»",
            "rad 5, kolonne «paid_date», verdi «31.02.2019»",
            "regel: dato",
        ],
    ),
    "negative-amount.csv": (
        "payments",
        ["rad 2, kolonne «amount_nok», verdi «-1000»: beløp kan ikke være negativt"],
    ),
    "year-out-of-range.csv": (
        "fte",
        ["rad 2, kolonne «year», verdi «1999»", "rad 3, kolonne «year», verdi «2101»", "årstall"],
    ),
    "nan-inf.csv": (
        "fte",
        [
            "rad 2, kolonne «fte», verdi «NaN»: er ikke et tall",
            "rad 3, kolonne «fte», verdi «inf»",
            "rad 4, kolonne «fte», verdi «-Infinity»",
            "rad 5, kolonne «fte», verdi «sNaN»",
        ],
    ),
    "thousands-separators.csv": (
        "awards",
        [
            "rad 2, kolonne «amount_nok», verdi «1.234.567»",
            "rad 3, kolonne «amount_nok», verdi «1,234,567»",
            "rad 4, kolonne «amount_nok», verdi «1'234'567»",
        ],
    ),
    # injection payloads where text does not belong
    "injection-in-number.csv": (
        "fte",
        [
            "rad 2, kolonne «fte», verdi «=cmd|' /C calc'!A0»",
            "rad 3, kolonne «fte», verdi «@SUM(1)»",
            "regel: ingen formler",
        ],
    ),
    "injection-in-key.csv": (
        "status",
        [
            "rad 2, kolonne «project_id», verdi «'); DROP TABLE school_owner;--»",
            "rad 3, kolonne «project_id», verdi «<script>alert(1)</script>»",
            "regel: format",
        ],
    ),
    "injection-in-date.csv": (
        "payments",
        ["rad 2, kolonne «paid_date», verdi «=NOW()»: er en formel, ikke en dato"],
    ),
    "injection-in-code.csv": (
        "cofinancing",
        ["rad 2, kolonne «kind», verdi «cash'); DROP TABLE cofinancing;--»", "tillatt verdi"],
    ),
    # duplicates and references
    "duplicate-in-file.csv": (
        "awards",
        ["rad 3, kolonne «award_id», verdi «T2030-001»: samme (award_id) som rad 2"],
    ),
    "duplicate-in-database.csv": (
        "payments",
        ["rad 2, kolonne «payment_id», verdi «U2018-001»: finnes allerede i databasen"],
    ),
    "unknown-owner.csv": (
        "cofinancing",
        ["rad 2, kolonne «owner_id», verdi «974760673»: ukjent skoleeier"],
    ),
    "unknown-forum.csv": (
        "awards",
        ["rad 2, kolonne «forum_id», verdi «finnes-ikke»: ukjent samarbeidsforum"],
    ),
    "unknown-municipality.csv": (
        "owners",
        ["rad 2, kolonne «knr», verdi «9999»: ukjent kommune", "regel: kjent referanse"],
    ),
    "unknown-project.csv": (
        "status",
        ["rad 2, kolonne «project_id», verdi «P2099-99»: ukjent prosjekt"],
    ),
    # spreadsheets
    "formula-in-number.xlsx": (
        "fte",
        ["rad 2, kolonne «fte», verdi «=1+1»", "formel uten lagret verdi", "ingen formler"],
    ),
    "several-sheets.xlsx": (
        "fte",
        ["bare det første arket («Veiledning») leses", "Veiledning, Data"],
    ),
    "empty-sheet.xlsx": ("fte", ["første ark («Ark1»)", "skal ha kolonnenavn, men er tom"]),
    "empty-first-sheet.xlsx": ("fte", ["skal ha kolonnenavn", "arkene Ark1, Ark2"]),
}

# Written at test time by make_malformed.write_large.
LARGE: dict[str, tuple[str, list[str]]] = {
    "huge-cell.csv": ("fte", ["rad 2:", "en celle er for stor (over 100 000 tegn)"]),
    "huge-quoted-cell.csv": ("fte", ["rad 2:", "en celle er for stor"]),
    "huge-cell.xlsx": ("fte", ["rad 2, kolonne «source»", "teksten er for lang"]),
    "many-columns.csv": ("fte", ["rad 1:", "10000 kolonner; høyst 200"]),
}

# Parts of English messages (Python's csv, codecs, DuckDB, pydantic) that must
# never reach an adviser.
ENGLISH = re.compile(
    r"\b(the|is|not|error|expected|unexpected|invalid|field|line|input|value|should|"
    r"must|file|larger|contains|failed)\b",
    re.IGNORECASE,
)

CLI_CASES = [
    "utf16-bom.csv",
    "truncated-mid-quote.csv",
    "binary-garbage.csv",
    "injection-in-number.csv",
    "formula-in-number.xlsx",
    "fte.json",
    "unknown-forum.csv",
]


def table_counts(db: Path) -> dict[str, int]:
    with store.Store(db).snapshot() as snap:
        tables = [
            r[0]
            for r in snap.rows(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'main' AND table_type = 'BASE TABLE' ORDER BY 1"
            )
        ]
        return {t: snap.scalar(f'SELECT count(*) FROM "{t}"') for t in tables}


def state(db: Path) -> tuple:
    """All that an import may change: files, link, version and every table."""
    paths = store.Paths(db)
    with store.Store(db).snapshot() as snap:
        version = snap.version.version_id
    return (
        folder_state(db.parent),
        paths.published(),
        [vid for vid, _ in paths.version_files()],
        version,
        table_counts(db),
    )


def assert_unchanged(db: Path, before: tuple) -> None:
    after = state(db)
    assert after == before
    leftovers = [p.name for p in store.Paths(db).versions_dir.iterdir() if p.name.startswith(".")]
    assert leftovers == [".lock"], leftovers
    assert not [p for p in db.parent.iterdir() if p.name.endswith(".link")]


def assert_report(name: str, problems: list[ingest.Problem], expected: list[str]) -> str:
    report = "\n".join(str(p) for p in problems)
    assert problems
    for problem in problems:
        assert problem.file == name
        assert not ENGLISH.search(problem.message), f"English in: {problem.message}"
        assert "regel: " in str(problem)
    for fragment in expected:
        assert fragment in report, f"{fragment!r} not in report:\n{report}"
    return report


@pytest.fixture(scope="module")
def large_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return make_malformed.write_large(tmp_path_factory.mktemp("large"))


def test_every_fixture_has_an_expectation() -> None:
    on_disk = {p.name for p in FIXTURES.iterdir()}
    assert on_disk == set(REFUSED) | set(make_malformed.ACCEPTED)
    assert len(REFUSED) + len(LARGE) >= 30


def test_the_fixtures_are_what_the_generator_writes(tmp_path: Path) -> None:
    """The committed files are the generator's output, byte for byte."""
    for path in make_malformed.write_all(tmp_path):
        assert path.read_bytes() == (FIXTURES / path.name).read_bytes(), path.name


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_malformed_file_is_refused_and_changes_nothing(db: Path, name: str) -> None:
    kind, expected = REFUSED[name]
    before = state(db)
    with pytest.raises(ingest.ImportRejected) as refused:
        ingest.import_files(db, [(kind, FIXTURES / name)])
    assert_report(name, refused.value.problems, expected)
    assert_unchanged(db, before)


@pytest.mark.parametrize("name", sorted(LARGE))
def test_large_malformed_file_is_refused(db: Path, large_files: dict[str, Path], name: str):
    kind, expected = LARGE[name]
    before = state(db)
    with pytest.raises(ingest.ImportRejected) as refused:
        ingest.import_files(db, [(kind, large_files[name])])
    report = assert_report(name, refused.value.problems, expected)
    assert len(report) < 2000  # a few lines, not the cell or 10,000 columns
    assert_unchanged(db, before)


@pytest.mark.parametrize("name", CLI_CASES)
def test_cli_refuses_with_exit_1_and_no_traceback(db: Path, name: str) -> None:
    kind, expected = REFUSED[name]
    before = state(db)
    result = subprocess.run(
        [str(VENV_BIN / "dekomp"), "import", kind, str(FIXTURES / name), "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith("Importen ble avvist: ")
    assert "Ingenting er endret." in result.stderr
    for fragment in expected:
        assert fragment in result.stderr
    assert "Traceback" not in result.stderr
    assert_unchanged(db, before)


def test_dry_run_refuses_the_same(db: Path) -> None:
    before = state(db)
    with pytest.raises(ingest.ImportRejected) as refused:
        ingest.import_files(db, [("fte", FIXTURES / "header-only.csv")], dry_run=True)
    assert "ingen rader med data" in str(refused.value.problems[0])
    assert_unchanged(db, before)


def test_a_file_over_the_size_limit_is_refused_unread(db: Path, monkeypatch) -> None:
    """DEKOMP_MAX_IMPORT_MB lowers the limit (default 100 MB)."""
    monkeypatch.setenv("DEKOMP_MAX_IMPORT_MB", "0.005")  # 5242 bytes
    size = (FIXTURES / "nul-late.csv").stat().st_size
    assert size == 8952
    before = state(db)
    with pytest.raises(ingest.ImportRejected) as refused:
        ingest.import_files(db, [("fte", FIXTURES / "nul-late.csv")])
    (problem,) = refused.value.problems
    assert str(problem) == (
        "nul-late.csv: filen er for stor (8952 byte; høyst 5242 byte); "
        "del den opp i flere filer (regel: lesbar fil)"
    )
    assert_unchanged(db, before)
    monkeypatch.delenv("DEKOMP_MAX_IMPORT_MB")
    assert reader.max_file_bytes() == 100 * 1024 * 1024


def test_size_limit_through_the_cli(db: Path) -> None:
    result = subprocess.run(
        [VENV_BIN / "dekomp", "import", "fte", FIXTURES / "nul-late.csv", "--db", db],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "DEKOMP_MAX_IMPORT_MB": "0.005"},
    )
    assert result.returncode == 1
    assert "filen er for stor" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("where", "message"),
    [
        ("folder", "er en mappe, ikke en fil"),
        ("/dev/null", "er ikke en vanlig fil"),
        ("missing.csv", "filen finnes ikke"),
    ],
)
def test_what_is_not_a_file_is_refused(db: Path, tmp_path: Path, where: str, message: str):
    path = Path(where) if where.startswith("/") else tmp_path / where
    if where == "folder":
        path.mkdir()
    before = state(db)
    with pytest.raises(ingest.ImportRejected) as refused:
        ingest.import_files(db, [("fte", path)])
    (problem,) = refused.value.problems
    assert problem.file == path.name
    assert message in problem.message
    assert_unchanged(db, before)


def test_a_control_character_cannot_drive_the_terminal(db: Path, tmp_path: Path) -> None:
    """An ESC sequence in a value is shown escaped, not sent to the terminal."""
    path = tmp_path / "fte.csv"
    path.write_text(
        "owner_id,year,school_level,fte,source\n958935420,2022,grunnskole,\x1b[2J1,x\n",
        encoding="utf-8",
    )
    with pytest.raises(ingest.ImportRejected) as refused:
        ingest.import_files(db, [("fte", path)])
    shown = str(refused.value.problems[0])
    assert "verdi «\\x1b[2J1»" in shown
    assert "\x1b" not in shown


def test_injection_in_free_text_is_stored_as_text(db: Path) -> None:
    """A formula, a script tag or SQL in a title is text: stored as written,
    never run, and written with a leading ' where a spreadsheet would run it."""
    path = FIXTURES / "injection-in-text.csv"
    result = ingest.import_files(db, [("projects", path)])
    assert result.version_id == 2
    with store.Store(db).snapshot() as snap:
        rows = snap.rows(
            "SELECT project_id, title, development_area FROM project "
            "WHERE project_id LIKE 'P2030-%' ORDER BY 1"
        )
        owners = snap.scalar("SELECT count(*) FROM school_owner")
    assert rows == [
        ("P2030-01", make_malformed.CMD, "<script>alert(1)</script>"),
        ("P2030-02", "@SUM(1)", make_malformed.SQL),
    ]
    assert owners == 51  # the SQL in the cell did not run
    excel = export.DIALECTS["excel"]
    assert export.cell(rows[0][1], excel) == "'" + make_malformed.CMD
    assert export.cell(rows[1][1], excel) == "'@SUM(1)"
    assert export.cell(rows[0][2], excel) == "<script>alert(1)</script>"


def test_refused_files_leave_the_database_usable(db: Path, tmp_path: Path) -> None:
    """After every refusal in a row, a good file still imports as version 2."""
    for name, (kind, _) in sorted(REFUSED.items()):
        with pytest.raises(ingest.ImportRejected):
            ingest.import_files(db, [(kind, FIXTURES / name)])
    good = tmp_path / "fte.csv"
    good.write_text("owner_id,year,school_level,fte,source\n958935420,2022,grunnskole,10,x\n")
    assert ingest.import_files(db, [("fte", good)]).version_id == 2
    with duckdb.connect(str(store.Paths(db).published()), read_only=True) as conn:
        assert conn.execute("SELECT max(version_id) FROM data_version").fetchone() == (2,)
