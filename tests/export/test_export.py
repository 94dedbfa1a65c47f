"""dekomp export: the CSV read back gives the values of the views, to the
krone; stdout and --out are the same bytes; the same data gives the same
bytes; bad filters are refused with a Norwegian message."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import random
import signal
import subprocess
import threading
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from core import cli, export, views
from core.columns import header
from core.data import facts, store
from core.filters import Filters
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
    for view in views.VIEWS:
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


def test_the_console_script_exits_with_everything_written(demo_db, tmp_path: Path) -> None:
    """``dekomp`` (core.cli.run) leaves an export without Python's teardown:
    stdout and stderr must still be whole, and the exit code kept."""
    with store.Store(demo_db).snapshot() as snap:
        expected = export.view_bytes(snap, "status-history", Filters())
    command = [str(VENV_BIN / "dekomp"), "export", "status-history", "--db", str(demo_db)]
    piped = subprocess.run(command, capture_output=True, timeout=120)
    assert (piped.returncode, piped.stdout) == (0, expected)
    target = tmp_path / "history.csv"
    written = subprocess.run([*command, "--out", str(target)], capture_output=True, timeout=120)
    rows = expected.count(b"\r\n") - 1
    assert written.returncode == 0
    assert written.stderr.decode() == f"Skrev {rows} rader til {target}\n"
    assert target.read_bytes() == expected
    refused = subprocess.run([*command, "--year", "20x"], capture_output=True, timeout=120)
    assert refused.returncode == 2
    assert "ugyldig år" in refused.stderr.decode()


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
    for view in views.VIEWS:
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


# --- DuckDB's writer against an independent reference ------------------------------

FORMULA_START = {"=", "+", "-", "@", "\t", "\r", "\n"}


def reference_text(value: object, excel: bool) -> str:
    """A value as the contract in docs/exports.md says, written anew here."""
    if hasattr(value, "item") and not isinstance(value, Decimal):
        value = value.item()  # a numpy scalar from a frame
    if value is None or value is pd.NaT or value is pd.NA:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        text = "" if value != value else repr(value)
        return text.replace(".", ",") if excel else text
    if isinstance(value, Decimal):
        text = format(value, "f")
        return text.replace(".", ",") if excel else text
    if isinstance(value, dt.datetime):
        assert value.time() == dt.time(0), value
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    assert isinstance(value, str), type(value)
    return "'" + value if value[:1] in FORMULA_START else value


def reference_csv(columns: list[str], rows: Iterable[Iterable[object]], dialect: str) -> bytes:
    """What ``dialect`` must give for these rows, by Python's csv module."""
    excel = dialect == "excel"
    text = io.StringIO(newline="")
    writer = csv.writer(text, delimiter=";" if excel else ",", lineterminator="\r\n")
    writer.writerow([header(c, "nb") for c in columns] if excel else columns)
    for row in rows:
        writer.writerow([reference_text(v, excel) for v in row])
    return (b"\xef\xbb\xbf" if excel else b"") + text.getvalue().encode("utf-8")


def frame_rows(frame: pd.DataFrame) -> list[list[object]]:
    return frame.astype(object).where(frame.notna(), None).values.tolist()


DIALECT_NAMES = ["csv", "excel"]
SOME_FILTERS = [
    Filters(),
    Filters(year=2019, forum="follo"),
    Filters(municipality="3207", owner_type="municipality", as_of=dt.date(2020, 6, 30)),
    Filters(year=2018, owner_type="private"),
]


@pytest.mark.parametrize("dialect", DIALECT_NAMES)
@pytest.mark.parametrize("f", SOME_FILTERS, ids=["all", "2019-follo", "3207-2020", "2018-private"])
def test_every_view_gives_the_reference_bytes(demo_db: Path, dialect: str, f: Filters) -> None:
    """Every view is written by DuckDB (COPY) with what the reference writer
    makes of the view's frame, the same frame the dashboard's table shows."""
    with store.Store(demo_db).snapshot() as snap:
        for name in views.VIEWS:
            frame = views.frame(snap, name, f)
            expected = reference_csv(list(frame.columns), frame_rows(frame), dialect)
            data = export.view_bytes(snap, name, f, export.DIALECTS[dialect])
            assert data == expected, name
            sql, params = views.statement(snap, name, f)
            columns = [(r[0], r[1]) for r in snap.rows(f"DESCRIBE {sql}", params)]
            copy = export.copy_statement(columns, sql, Path("x.csv"), export.DIALECTS[dialect])
            assert copy is not None, name


def test_status_history_is_written_by_duckdb(demo_db: Path) -> None:
    with store.Store(demo_db).snapshot() as snap:
        sql, params = views.statement(snap, "status-history", Filters())
        columns = [(r[0], r[1]) for r in snap.rows(f"DESCRIBE {sql}", params)]
    assert [t for _, t in columns] == [
        "VARCHAR",
        "VARCHAR",
        "VARCHAR",
        "VARCHAR",
        "DATE",
        "VARCHAR",
        "BIGINT",
        "INTEGER",
        "VARCHAR",
    ]
    for dialect in export.DIALECTS.values():
        assert export.copy_statement(columns, sql, Path("x.csv"), dialect) is not None


def test_status_history_golden_lines(demo_db: Path) -> None:
    with store.Store(demo_db).snapshot() as snap:
        plain = export.view_bytes(snap, "status-history", Filters(forum="oslo"), export.CSV)
        excel = export.view_bytes(
            snap, "status-history", Filters(forum="oslo"), export.DIALECTS["excel"]
        )
    lines = plain.split(b"\r\n")
    assert lines[0] == (
        b"project_id,title,forum_id,lead_owner_id,report_date,status,"
        b"spent_to_date_nok,participants,note"
    )
    assert (
        lines[1]
        == (
            "P2018-01,Underveisvurdering og elevmedvirkning – Oslo,oslo,958935420,"
            "2019-01-02,started,260000,631,Oppstartssamling gjennomført"
        ).encode()
    )
    assert plain.endswith(b"\r\n") and not plain.endswith(b"\r\n\r\n")
    excel_lines = excel.split(b"\r\n")
    assert (
        excel_lines[0]
        == (
            "\ufeffProsjekt-id;Prosjekt;Forum-id;Ansvarlig org.nr.;Rapportdato;Status;"
            "Brukt hittil (kr);Deltakere;Merknad"
        ).encode()
    )
    assert excel_lines[1] == lines[1].replace(b",", b";")
    assert len(excel_lines) == len(lines)


AWKWARD = [
    "=1+1",
    "+47 22 00 00 00",
    "-5 reserve",
    "@SUM(A1)",
    "\t=cmd",
    "\rx",
    "\nx",
    'a "quoted" word',
    "semi;colon",
    "comma, here",
    "line\r\nbreak",
    "#hash first",
    "",
    " leading and trailing ",
    "'already quoted",
    "Ærlig talt – «sitat»",
    "=\u0301 combining",
    "\u0301=",
    "back\\slash",
]


@pytest.fixture
def awkward_db(db: Path) -> Path:
    """The demo data with notes and titles no file would normally hold."""
    version = store.Paths(db).published()
    with duckdb.connect(str(version)) as conn:
        ids = [r[0] for r in conn.execute("SELECT project_id FROM project ORDER BY 1").fetchall()]
        for i, text in enumerate(AWKWARD):
            conn.execute(
                "UPDATE status_report SET note = ? WHERE project_id = ?", [text, ids[i % len(ids)]]
            )
            if text:  # a title is never empty
                conn.execute(
                    "UPDATE project SET title = ? WHERE project_id = ?", [text, ids[-1 - i]]
                )
    return db


@pytest.mark.parametrize("dialect", DIALECT_NAMES)
def test_awkward_text_is_quoted_and_neutralised(awkward_db: Path, dialect: str) -> None:
    with store.Store(awkward_db).snapshot() as snap:
        sql, params = views.statement(snap, "status-history", Filters())
        result = snap.relation(sql, params)
        columns = [d[0] for d in result.description]
        rows = result.fetchall()
        data = export.view_bytes(snap, "status-history", Filters(), export.DIALECTS[dialect])
    assert {r[-1] for r in rows} >= set(AWKWARD) - {""}
    assert data == reference_csv(columns, rows, dialect)
    sep = ";" if dialect == "excel" else ","
    parsed = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=sep))
    notes = {r[-1] for r in parsed[1:]}
    assert {"'=1+1", "'+47 22 00 00 00", "'-5 reserve", "'@SUM(A1)", "'\t=cmd"} <= notes
    assert {"'\rx", "'\nx", "line\r\nbreak", 'a "quoted" word', "#hash first"} <= notes
    assert {"'=\u0301 combining", "\u0301=", "'already quoted"} <= notes
    assert b'"a ""quoted"" word"' in data
    assert b",#hash first\r\n" in data or b";#hash first\r\n" in data  # '#' is not quoted
    if dialect == "excel":
        assert b';"semi;colon"\r\n' in data and b";comma, here\r\n" in data
    else:
        assert b",semi;colon\r\n" in data and b',"comma, here"\r\n' in data


TYPED = """
SELECT * FROM (VALUES
    (1, 'Ås kommune', CAST(12.5 AS DECIMAL(9, 1)), CAST(0.3 AS DECIMAL(5, 4)), 57600000::BIGINT,
     CAST(-904937 AS HUGEINT), TRUE, DATE '2019-03-15',
     'withhold'::ENUM('withhold', 'redistribute'), CAST(-40.8 AS DECIMAL(9, 1))),
    (2, '-5', CAST(0 AS DECIMAL(9, 1)), CAST(1 AS DECIMAL(5, 4)), 0::BIGINT,
     CAST(0 AS HUGEINT), FALSE, DATE '2100-12-31', 'redistribute', CAST(-0.5 AS DECIMAL(9, 1))),
    (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)
) t(year, owner_name, teacher_fte, cofinancing_rate, frame_nok, deviation_nok, takes_part,
    needs_deadline, nonparticipant_policy, deviation_pct)
ORDER BY year
"""


@pytest.mark.parametrize(
    ("dialect", "expected"),
    [
        (
            "csv",
            "year,owner_name,teacher_fte,cofinancing_rate,frame_nok,deviation_nok,takes_part,"
            "needs_deadline,nonparticipant_policy,deviation_pct\r\n"
            "1,Ås kommune,12.5,0.3000,57600000,-904937,true,2019-03-15,withhold,-40.8\r\n"
            "2,'-5,0.0,1.0000,0,0,false,2100-12-31,redistribute,-0.5\r\n"
            "3,,,,,,,,,\r\n",
        ),
        (
            "excel",
            "\ufeffÅr;Skoleeier;Lærerårsverk;Egenfinansieringssats;Ramme (kr);Avvik (kr);Deltar;"
            "Frist behovsmelding;Regel for andelen til dem som ikke deltar;Avvik (%)\r\n"
            "1;Ås kommune;12,5;0,3000;57600000;-904937;true;2019-03-15;withhold;-40,8\r\n"
            "2;'-5;0,0;1,0000;0;0;false;2100-12-31;redistribute;-0,5\r\n"
            "3;;;;;;;;;\r\n",
        ),
    ],
)
def test_each_type_is_written_as_the_contract_says(
    demo_db: Path, tmp_path: Path, dialect: str, expected: str
) -> None:
    target = tmp_path / "typed.csv"
    with store.Store(demo_db).snapshot() as snap:
        columns = [(r[0], r[1]) for r in snap.rows(f"DESCRIBE {TYPED}")]
        assert export.copy_statement(columns, TYPED, target, export.DIALECTS[dialect])
        count = export.write_query(snap, TYPED, {}, target, export.DIALECTS[dialect])
        rows = snap.rows(TYPED)
    assert count == 3
    names = [c for c, _ in columns]
    assert target.read_bytes() == expected.encode("utf-8")
    assert target.read_bytes() == reference_csv(names, rows, dialect)


def test_random_text_gives_the_reference_bytes(demo_db: Path, tmp_path: Path) -> None:
    alphabet = [*"aÆ,;\"\r\n\t '=+-@#\\0.", "\u0301", "\ufeff", "\u2028", "\x0b", "\x85"]
    chance = random.Random(20261129)
    rows = [
        (
            i,
            None
            if chance.random() < 0.1
            else "".join(chance.choices(alphabet, k=chance.randint(0, 6))),
            Decimal(chance.randint(-(10**6), 10**6)).scaleb(-1),
        )
        for i in range(3000)
    ]
    target = tmp_path / "random.csv"
    with store.Store(demo_db).snapshot() as snap:
        snap.register("random_rows", pd.DataFrame(rows, columns=["year", "note", "teacher_fte"]))
        sql = (
            "SELECT year, note, CAST(teacher_fte AS DECIMAL(9, 1)) AS teacher_fte"
            " FROM random_rows ORDER BY year"
        )
        for dialect in DIALECT_NAMES:
            export.write_query(snap, sql, {}, target, export.DIALECTS[dialect])
            expected = reference_csv(["year", "note", "teacher_fte"], rows, dialect)
            assert target.read_bytes() == expected, dialect


@pytest.mark.parametrize(
    ("sql", "dialect", "why"),
    [
        ("SELECT 1 AS year, 0.25::DOUBLE AS spent_share", "csv", "a DOUBLE column"),
        ("SELECT 1 AS year, 0.25::DOUBLE AS spent_share", "excel", "a DOUBLE column"),
        ("SELECT CAST(NULL AS VARCHAR) AS note", "csv", 'one column: its empty cell is ""'),
        ("SELECT CAST(NULL AS VARCHAR) AS note", "excel", 'one column: its empty cell is ""'),
        ('SELECT 1 AS "a,b", 2 AS year', "csv", "a header that must be quoted"),
    ],
)
def test_what_duckdb_cannot_write_the_python_writer_does(
    demo_db: Path, tmp_path: Path, sql: str, dialect: str, why: str
) -> None:
    target = tmp_path / "fallback.csv"
    with store.Store(demo_db).snapshot() as snap:
        columns = [(r[0], r[1]) for r in snap.rows(f"DESCRIBE {sql}")]
        assert export.copy_statement(columns, sql, target, export.DIALECTS[dialect]) is None, why
        assert export.write_query(snap, sql, {}, target, export.DIALECTS[dialect]) == 1
        rows = snap.rows(sql)
    assert target.read_bytes() == reference_csv([c for c, _ in columns], rows, dialect)
    if "note" in sql:
        assert target.read_bytes().endswith(b'\r\n""\r\n')


def test_the_copy_keeps_the_order_of_the_view(demo_db: Path, tmp_path: Path) -> None:
    """The SELECT around the view's statement only adds a projection: no join
    (DuckDB plans an IN list as one) that could reorder the rows."""
    with store.Store(demo_db).snapshot() as snap:
        sql, params = views.statement(snap, "status-history", Filters())
        columns = [(r[0], r[1]) for r in snap.rows(f"DESCRIBE {sql}", params)]
        for dialect in export.DIALECTS.values():
            statement = export.copy_statement(columns, sql, tmp_path / "x.csv", dialect)
            assert statement is not None
            plan = snap.rows(f"EXPLAIN {statement}", params)[0][1]
            alone = snap.rows(f"EXPLAIN {sql}", params)[0][1]
            assert plan.count("Join Type") == alone.count("Join Type") == 2
        # Enough rows for both threads: still in the order of the statement.
        big = "SELECT i AS year, '=' || i AS note FROM range(300000) t(i) ORDER BY i DESC"
        target = tmp_path / "big.csv"
        assert export.write_query(snap, big, {}, target, export.CSV) == 300_000
    years = [int(line.split(b",")[0]) for line in target.read_bytes().split(b"\r\n")[1:-1]]
    assert years == list(range(299_999, -1, -1))


def test_the_export_command_needs_no_pandas(demo_db: Path, tmp_path: Path) -> None:
    """The start of `dekomp export` is the interpreter, DuckDB and the light
    core modules: no pandas, pyarrow, pydantic, openpyxl or numpy."""
    target = tmp_path / "history.csv"
    program = (
        "import sys; from core import cli; "
        f"code = cli.main(['export', 'status-history', '--db', {str(demo_db)!r}, "
        f"'--out', {str(target)!r}]); "
        "heavy = ('pandas', 'pyarrow', 'pydantic', 'openpyxl', 'numpy'); "
        "print(code, sorted(m for m in sys.modules if m.split('.')[0] in heavy))"
    )
    result = subprocess.run(
        [str(VENV_BIN / "python"), "-c", program],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert result.stdout.strip() == "0 []"
    assert result.stderr.startswith("Skrev ") and f"til {target}" in result.stderr
    assert target.read_bytes().startswith(b"project_id,title,")


def test_the_default_date_is_the_datas_last_date(demo_db: Path) -> None:
    """Without a date filter every view is as of the data's last date, the
    date the version's facts are stored for."""
    with store.Store(demo_db).snapshot() as snap:
        assert facts.data_date(snap) == facts.stored_date(snap) == dt.date(2022, 1, 14)
        assert views.as_of(snap, Filters()) == dt.date(2022, 1, 14)
        _, params = views.statement(snap, "status-history", Filters(year=2019))
    assert params == {"as_of": dt.date(2022, 1, 14), "year": 2019}


def test_a_closed_pipe_leaves_no_scratch_file(db: Path, tmp_path: Path) -> None:
    """`dekomp export status-history | head` ends the command by SIGPIPE,
    which runs no cleanup: DuckDB's scratch file must already be gone."""
    with duckdb.connect(str(store.Paths(db).published())) as conn:
        conn.execute("UPDATE status_report SET note = repeat('lang merknad ', 150)")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    process = subprocess.Popen(
        [str(VENV_BIN / "dekomp"), "export", "status-history", "--db", str(db)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "TMPDIR": str(scratch)},
    )
    assert process.stdout is not None
    assert process.stdout.read(100).startswith(b"project_id,title,")
    process.stdout.close()  # more than a pipe's buffer is still to come
    assert process.wait(timeout=120) == -signal.SIGPIPE
    assert list(scratch.iterdir()) == []


def test_an_interrupted_copy_is_a_keyboard_interrupt(demo_db: Path, tmp_path: Path) -> None:
    """Ctrl-C during DuckDB's COPY reaches Python as DuckDB's "Query
    interrupted"; the export turns it into KeyboardInterrupt, which the CLI
    reports as «Avbrutt» with status 130 (and --out is left unchanged)."""
    endless = "SELECT sum(i) AS year, 'x' AS note FROM range(10000000000000) t(i)"
    done = threading.Event()
    with store.Store(demo_db).snapshot() as snap:

        def interrupt_until_done() -> None:
            while not done.wait(0.01):
                snap._cursor.interrupt()

        worker = threading.Thread(target=interrupt_until_done)
        worker.start()
        try:
            with pytest.raises(KeyboardInterrupt):
                export.write_query(snap, endless, {}, tmp_path / "endless.csv", export.CSV)
        finally:
            done.set()
            worker.join()
        assert snap.rows("SELECT 42") == [(42,)]  # the cursor is usable again
