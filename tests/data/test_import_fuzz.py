"""Random input to the importer: random bytes under any file name, and random
CSV and Excel files built from each kind's real header. The only outcomes
allowed are a published version holding the file's rows, or ImportRejected
with Norwegian problems naming the file; on rejection nothing changed.

The store is a small one (the templates imported into an empty database),
shared by the examples of a test, so an example that publishes is followed
by examples that build on it. Bounded: 150 random byte strings and 100
random tables, about 30 s in all."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import shutil
import string
import tempfile
from collections.abc import Iterator
from pathlib import Path

import duckdb
import openpyxl
import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from core.data import ingest, store
from core.data.kinds import KINDS, LOAD_ORDER
from core.data.problems import RULES
from core.export import templates

FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,  # the same examples on every run: a failure is reproducible
)


@pytest.fixture(scope="module")
def small_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    # In memory where there is a tmpfs: every publish copies and fsyncs an
    # 18 MB version file, which on disk is most of this module's time.
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        folder = Path(tempfile.mkdtemp(prefix="dekomp-fuzz-", dir=shm))
    else:
        folder = tmp_path_factory.mktemp("fuzz")
    templates.write_templates(folder / "templates")
    db = folder / "data" / "dekomp.duckdb"
    db.parent.mkdir()
    files = [(kind, folder / "templates" / f"{kind}.csv") for kind in LOAD_ORDER]
    assert ingest.import_files(db, files).version_id == 1
    yield db
    shutil.rmtree(folder, ignore_errors=True)


def count_rows(version_file: Path, table: str) -> int:
    with duckdb.connect(str(version_file), read_only=True) as conn:
        row = conn.execute(f"SELECT count(*) FROM {table}").fetchone()
    assert row is not None
    return int(row[0])


def cheap_state(folder: Path) -> dict[str, tuple]:
    """Every file and link with size, mtime and inode: any write shows (and,
    unlike hashing the 18 MB version files, it costs no time per example).
    A folder's own mtime is left out: a staging file made and removed is no
    change."""
    state: dict[str, tuple] = {}
    for path in sorted(folder.rglob("*")):
        if path.is_dir() and not path.is_symlink():
            state[str(path.relative_to(folder))] = ("dir",)
            continue
        info = path.lstat()
        target = os.readlink(path) if path.is_symlink() else None
        state[str(path.relative_to(folder))] = (target, info.st_size, info.st_mtime_ns, info.st_ino)
    return state


def import_and_judge(db: Path, kind: str, path: Path) -> str:
    """Import ``path``; check that the outcome is one of the allowed ones."""
    paths = store.Paths(db)
    before = cheap_state(db.parent)
    version_before, file_before = paths.version_files()[-1]
    try:
        result = ingest.import_files(db, [(kind, path)], keep=2)
    except ingest.ImportRejected as refused:
        assert refused.problems
        for problem in refused.problems:
            assert problem.file == path.name
            assert problem.rule in RULES
            assert problem.message
            assert not CONTROL.search(str(problem)), str(problem)
        assert cheap_state(db.parent) == before
        return "refused"
    if result.version_id is None:  # the same bytes were imported before
        assert "allerede importert" in result.message
        assert cheap_state(db.parent) == before
        return "unchanged"
    assert result.version_id == version_before + 1
    table = KINDS[kind].table
    added = count_rows(paths.version_file(result.version_id), table) - count_rows(
        file_before, table
    )
    assert added == result.rows[path.name]
    assert not [p for p in paths.versions_dir.iterdir() if ".staging-" in p.name]
    return "published"


CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
SUFFIXES = [".csv", ".xlsx", ".txt", ".tsv", "", ".json", ".xls"]
PREFIXES = [b"", b"\xef\xbb\xbf", b"\xff\xfe", b"PK\x03\x04", b"owner_id,year\n"]


@FUZZ
@given(
    prefix=st.sampled_from(PREFIXES),
    body=st.binary(max_size=3000),
    suffix=st.sampled_from(SUFFIXES),
    kind=st.sampled_from(sorted(KINDS)),
)
def test_random_bytes_are_refused_cleanly(
    small_db: Path, tmp_path: Path, prefix: bytes, body: bytes, suffix: str, kind: str
) -> None:
    path = tmp_path / f"tilfeldig{suffix}"
    path.write_bytes(prefix + body)
    outcome = import_and_judge(small_db, kind, path)
    # Random bytes never make a valid file of any kind: no row would parse.
    assert outcome == "refused"


# Cell values: what the columns expect, and what they do not.
REAL = [
    "958935420",
    "974760673",
    "oslo-akershus",
    "follo",
    "oslomet",
    "0301",
    "3020",
    "2018",
    "2019",
    "2030",
    "grunnskole",
    "videregående",
    "kommune",
    "privat",
    "ja",
    "nei",
    "30 %",
    "0,45",
    "T2018-001",
    "P2018-01",
    "startet",
    "omfordel",
    "kontant",
    "læringsmiljø",
]
cells = st.one_of(
    st.sampled_from(REAL),
    st.just(""),
    st.integers(min_value=-(10**13), max_value=10**13).map(str),
    st.decimals(allow_nan=True, allow_infinity=True, places=3).map(str),
    st.decimals(min_value=0, max_value=10**6, places=2).map(lambda d: str(d).replace(".", ",")),
    st.dates(dt.date(1800, 1, 1), dt.date(2200, 12, 31)).flatmap(
        lambda d: st.sampled_from(
            [d.isoformat(), f"{d:%d.%m.%Y}", f"{d:%d/%m/%Y}", f"{d:%m-%d-%y}"]
        )
    ),
    st.text(alphabet=string.printable + "æøåÆØÅ–“”\u00a0\u202f\u200b\ufeff", max_size=40),
    st.text(max_size=20),  # any unicode, control characters included
    st.sampled_from(["=1+1", "@SUM(1)", "+47", "'); DROP TABLE award;--", '"', ";", ",", "\n"]),
)


def _xlsx_safe(value: str) -> bool:
    return all(c in "\t\n\r" or ord(c) >= 32 for c in value)


# Valid rows for three kinds, against the templates' owner and project, so
# that some random files are published; a cell may then be spoiled.
good_text = st.text(alphabet=string.ascii_letters + "æøå ,;\"'=", min_size=1, max_size=30)
GOOD_ROWS = {
    "fte": st.tuples(
        st.just("958935420"),
        st.integers(2017, 2050).map(str),
        st.sampled_from(["grunnskole", "videregående", "compulsory"]),
        st.decimals(0, 100_000, places=1).map(lambda d: str(d).replace(".", ",")),
        good_text,
    ),
    "cofinancing": st.tuples(
        st.integers(2017, 2050).map(str),
        st.just("958935420"),
        st.sampled_from(["kontant", "naturalytelse", "cash"]),
        st.integers(0, 10**9).map(str),
        st.one_of(st.just(""), good_text),
    ),
    "status": st.tuples(
        st.just("P2018-01"),
        st.dates(dt.date(2015, 1, 1), dt.date(2050, 12, 31)).map(lambda d: f"{d:%d.%m.%Y}"),
        st.sampled_from(["planlagt", "pågår", "fullført", "delayed"]),
        st.integers(0, 10**9).map(str),
        st.integers(0, 1_000_000).map(str),
        st.one_of(st.just(""), good_text),
    ),
}


@st.composite
def csv_files(draw: st.DrawFn) -> tuple[str, str, bytes]:
    if draw(st.integers(0, 2)) == 0:
        return draw(good_files(draw(st.sampled_from(sorted(GOOD_ROWS)))))
    kind = draw(st.sampled_from(sorted(KINDS)))
    columns = list(KINDS[kind].columns)
    if draw(st.booleans()):
        columns = draw(st.permutations(columns))
    if draw(st.integers(0, 9)) == 0:  # now and then a column missing or added
        columns = draw(st.lists(st.sampled_from([*columns, "kommentar"]), min_size=1))
    rows = draw(st.lists(st.lists(cells, min_size=len(columns), max_size=len(columns)), max_size=5))
    if draw(st.integers(0, 4)) == 0:  # a row of another length
        rows.append(draw(st.lists(cells, max_size=len(columns) + 2)))
    return kind, *draw(encoded(columns, rows))


@st.composite
def good_files(draw: st.DrawFn, kind: str) -> tuple[str, str, bytes]:
    columns = list(KINDS[kind].columns)
    rows = [list(r) for r in draw(st.lists(GOOD_ROWS[kind], min_size=1, max_size=4))]
    if draw(st.booleans()):  # spoil one cell
        row, col = draw(st.integers(0, len(rows) - 1)), draw(st.integers(0, len(columns) - 1))
        rows[row][col] = draw(cells)
    return kind, *draw(encoded(columns, rows))


@st.composite
def encoded(draw: st.DrawFn, columns: list[str], rows: list[list[str]]) -> tuple[str, bytes]:
    """The table as .xlsx (one in five) or as CSV in any accepted dialect."""
    if draw(st.integers(0, 4)) == 0:
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        assert sheet is not None
        assume(all(_xlsx_safe(v) for row in rows for v in row))
        for row in [columns, *rows]:
            sheet.append(row)
        buffer = io.BytesIO()
        workbook.save(buffer)
        return ".xlsx", buffer.getvalue()
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    ending = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    text = io.StringIO()
    writer = csv.writer(text, delimiter=delimiter, lineterminator=ending)
    writer.writerows([columns, *rows])
    bom = draw(st.sampled_from(["", "\ufeff"]))
    return ".csv", (bom + text.getvalue()).encode("utf-8", "surrogatepass")


@settings(FUZZ, max_examples=100)  # most reach the database: about 0.25 s each
@given(file=csv_files())
def test_random_tables_of_every_kind_are_imported_or_refused(
    small_db: Path, tmp_path: Path, file: tuple[str, str, bytes]
) -> None:
    kind, suffix, data = file
    path = tmp_path / f"{kind}{suffix}"
    path.write_bytes(data)
    event(import_and_judge(small_db, kind, path))  # see --hypothesis-show-statistics


def test_a_valid_random_table_is_published(small_db: Path, tmp_path: Path) -> None:
    """The fuzzer's judge accepts a good file (so 'refused' is not all it sees)."""
    folder = tmp_path / "copy"
    shutil.copytree(small_db.parent, folder, symlinks=True)
    db = folder / small_db.name
    path = tmp_path / "fte.csv"
    path.write_text("owner_id;year;school_level;fte;source\n958935420;2031;grunnskole;1,5;x\n")
    assert import_and_judge(db, "fte", path) == "published"
    assert import_and_judge(db, "fte", path) == "unchanged"
