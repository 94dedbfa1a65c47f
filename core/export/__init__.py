"""CSV exports of the views: the bytes that ``dekomp export`` writes and the
dashboard's download buttons send are made here, by the same functions.

Two dialects. ``excel`` (the UI's default) opens cleanly in Norwegian
Excel: UTF-8 with BOM, ``;``, decimal comma, Norwegian column headers
(core.columns). ``csv`` is for Python and R: UTF-8 without BOM, ``,``,
decimal point, the views' snake_case column names. Both: CRLF line ends as
RFC 4180 says (so a CR or LF inside a value is quoted), empty cells for no
value, dates as YYYY-MM-DD, booleans as true/false.

In every dialect a text cell that begins with ``=``, ``+``, ``-``, ``@``, TAB,
CR or LF gets a leading ``'`` so a spreadsheet never runs it as a formula
(OWASP "CSV injection"); numbers are never touched.

Every view is one SQL statement (core.views), written by DuckDB's own CSV
writer (``COPY``): the statement is wrapped in a SELECT that does in SQL what
``cell`` does in Python (formula safety per text column, decimal comma) and
names the columns by their headers, so no row passes through Python and the
command needs no pandas. A column type the SQL wrapper does not cover makes
the rows stream through ``write_rows`` (Python's csv module) instead; the
tests hold both writers to the same bytes, which also write the import
problem reports and the templates.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

import duckdb

from core import views
from core.columns import header
from core.filters import Filters

if TYPE_CHECKING:
    from core.data.problems import Problem
    from core.data.store import Snapshot

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


@dataclass(frozen=True)
class Dialect:
    name: str
    delimiter: str
    decimal: str
    bom: bool
    norwegian_headers: bool


DIALECTS: dict[str, Dialect] = {
    "csv": Dialect("csv", ",", ".", bom=False, norwegian_headers=False),
    "excel": Dialect("excel", ";", ",", bom=True, norwegian_headers=True),
}
CSV = DIALECTS["csv"]


# --- The Python writer: rows of Python values -----------------------------------


def cell(value: Any, dialect: Dialect = CSV) -> str:
    """One value as CSV text in ``dialect``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        text = "" if value != value else repr(value)
        return text.replace(".", dialect.decimal)
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", dialect.decimal)
    if isinstance(value, dt.datetime):
        if value.hour == value.minute == value.second == value.microsecond == 0:
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def headers(columns: Iterable[str], dialect: Dialect) -> list[str]:
    if dialect.norwegian_headers:
        return [header(c, "nb") for c in columns]
    return list(columns)


def write_rows(
    header: Sequence[str], rows: Iterable[Iterable[Any]], out: BinaryIO, dialect: Dialect = CSV
) -> int:
    """Write a header and rows of Python values; returns the number of rows."""
    if dialect.bom:
        out.write(b"\xef\xbb\xbf")
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    writer = csv.writer(text, delimiter=dialect.delimiter, lineterminator="\r\n")
    writer.writerow(header)
    count = 0
    for row in rows:
        writer.writerow([cell(v, dialect) for v in row])
        count += 1
    text.flush()
    text.detach()
    return count


PROBLEM_HEADER = ("Fil", "Rad", "Kolonne", "Verdi", "Regel", "Melding")


def _as_written(value: str | None) -> str | None:
    """A refused value as the file had it: a spreadsheet would read 450.000 as
    450 or 03/02/2019 as a date, the very misreadings being reported, so a
    value it could take for a number or a date keeps a leading '."""
    if value and (value[0].isdigit() or value[0] in ".,"):
        return "'" + value
    return value


def write_problems(problems: Iterable[Problem], out: BinaryIO) -> int:
    """Every problem of a refused import, for the adviser to sort, filter and
    fix in Norwegian Excel (``dekomp import --errors``); returns the count."""
    rows = (
        [p.file, p.row, p.column, _as_written(p.value), p.rule_name, p.message] for p in problems
    )
    return write_rows(PROBLEM_HEADER, rows, out, DIALECTS["excel"])


# --- DuckDB's writer: one SQL statement, written by COPY -----------------------

# Column types DuckDB writes as ``cell`` does: integers as digits, dates as
# YYYY-MM-DD, booleans as true/false. DECIMAL keeps its scale in both.
_AS_WRITTEN = {
    "BOOLEAN",
    "TINYINT",
    "SMALLINT",
    "INTEGER",
    "BIGINT",
    "HUGEINT",
    "UTINYINT",
    "USMALLINT",
    "UINTEGER",
    "UBIGINT",
    "UHUGEINT",
    "DATE",
}
_DECIMAL = re.compile(r"DECIMAL\(\d+, ?\d+\)")
_NAMED_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def cell_sql(column: str, column_type: str, dialect: Dialect = CSV) -> str | None:
    """SQL giving the text DuckDB's CSV writer must write for ``column`` (an
    SQL expression of type ``column_type``) to match ``cell``, or None for a
    type this does not cover (the Python writer then writes the view)."""
    if column_type in _AS_WRITTEN:
        return column
    if _DECIMAL.fullmatch(column_type):
        if dialect.decimal == ".":
            return column
        return f"replace(CAST({column} AS VARCHAR), '.', {_literal(dialect.decimal)})"
    if column_type == "VARCHAR" or column_type.startswith("ENUM("):
        text = column if column_type == "VARCHAR" else f"CAST({column} AS VARCHAR)"
        # ascii() is the first character's code point. Equalities joined by OR,
        # not IN: DuckDB plans an IN list as a join, which does not keep the
        # rows in the view's order.
        formula = " OR ".join(f"ascii({text}) = {ord(c)}" for c in FORMULA_START)
        # DuckDB quotes an empty string ("") to tell it from NULL; cell() writes
        # both as an empty cell, hence nullif.
        return f"CASE WHEN {formula} THEN '''' || {text} ELSE nullif({text}, '') END"
    return None


def _needs_quotes(text: str, dialect: Dialect) -> bool:
    return any(c in text for c in (dialect.delimiter, '"', "\r", "\n"))


def copy_statement(
    columns: list[tuple[str, str]], sql: str, target: Path, dialect: Dialect = CSV
) -> str | None:
    """The COPY that writes the result of ``sql`` (whose columns and DuckDB
    types are ``columns``) to ``target`` with the bytes ``write_rows`` would
    write, or None where DuckDB cannot give them."""
    names = headers([name for name, _ in columns], dialect)
    # csv.writer writes a row of one empty cell as "", DuckDB as nothing; and
    # the byte-order mark goes into the first header, which must stay unquoted.
    if len(columns) < 2 or any(_needs_quotes(name, dialect) for name in names):
        return None
    select = []
    for index, ((column, column_type), name) in enumerate(zip(columns, names, strict=True)):
        expression = cell_sql(f"v.{_identifier(column)}", column_type, dialect)
        if expression is None:
            return None
        alias = ("\ufeff" if dialect.bom and index == 0 else "") + name
        select.append(f"{expression} AS {_identifier(alias)}")
    options = ", ".join(
        [
            "FORMAT csv",
            "HEADER true",
            f"DELIMITER {_literal(dialect.delimiter)}",
            "QUOTE '\"'",
            "ESCAPE '\"'",
            r"NEW_LINE '\r\n'",
            "COMMENT ''",  # else DuckDB quotes any value containing '#'
            "USE_TMP_FILE false",  # the caller makes the file appear whole
        ]
    )
    return (
        f"COPY (SELECT {', '.join(select)} FROM ({sql}) AS v)"
        f" TO {_literal(str(target))} ({options})"
    )


def write_query(
    snap: Snapshot, sql: str, params: dict[str, Any], target: Path, dialect: Dialect
) -> int:
    """Write the result of ``sql`` to ``target`` (replacing it); returns the
    row count. DuckDB writes it where it can, else the Python writer."""
    columns = [(row[0], row[1]) for row in snap.rows(f"DESCRIBE {sql}", params)]
    statement = copy_statement(columns, sql, target, dialect)
    if statement is not None:
        try:
            return int(snap.scalar(statement, params))
        except duckdb.InterruptException as err:
            raise KeyboardInterrupt from err
        except RuntimeError as err:
            # DuckDB answers Ctrl-C during the COPY with this, not with
            # KeyboardInterrupt: make it one, as the Python writer would get.
            if str(err) == "Query interrupted":
                raise KeyboardInterrupt from err
            raise
    result = snap.relation(sql, params)
    with target.open("wb") as out:
        return write_rows(
            headers([name for name, _ in columns], dialect), _batches(result), out, dialect
        )


def _batches(result: Any, size: int = 50_000) -> Iterator[tuple]:
    while rows := result.fetchmany(size):
        yield from rows


@contextlib.contextmanager
def _scratch_file() -> Iterator[Path]:
    handle, name = tempfile.mkstemp(prefix="dekomp-export-", suffix=".csv")
    os.close(handle)
    try:
        yield Path(name)
    finally:
        Path(name).unlink(missing_ok=True)


# --- Exports --------------------------------------------------------------------


def export_file(snap: Snapshot, view: str, f: Filters, target: Path, dialect: Dialect = CSV) -> int:
    """Write ``view`` under the filters to the file ``target``, replacing
    what is there (the caller makes that atomic); returns the row count."""
    return write_query(snap, *views.statement(snap, view, f), target, dialect)


def export(snap: Snapshot, view: str, f: Filters, out: BinaryIO, dialect: Dialect = CSV) -> int:
    """Write ``view`` under the filters to the stream ``out``; returns the
    row count. DuckDB writes it to a scratch file first."""
    with _scratch_file() as scratch:
        count = export_file(snap, view, f, scratch, dialect)
        with scratch.open("rb") as data:
            # Gone before the first byte goes out: `dekomp export ... | head`
            # ends by SIGPIPE, which runs no cleanup.
            scratch.unlink()
            shutil.copyfileobj(data, out, 1 << 20)
    return count


def view_bytes(snap: Snapshot, view: str, f: Filters, dialect: Dialect = CSV) -> bytes:
    with _scratch_file() as scratch:
        export_file(snap, view, f, scratch, dialect)
        return scratch.read_bytes()


def file_name(view: str, f: Filters, version_id: int, suffix: str = "csv") -> str:
    """dekomp_distribution_2018_forum-follo_v12.csv: the view, the filters and
    the data version, so a file says what it holds."""
    parts = ["dekomp", view]
    if f.year is not None:
        parts.append(str(f.year))
    for key, value in (
        ("forum", f.forum),
        ("kommune", f.municipality),
        ("eiertype", f.owner_type),
        ("dato", f.as_of.isoformat() if f.as_of else None),
    ):
        if value is not None:
            parts.append(f"{key}-{value}")
    parts.append(f"v{version_id}")
    return "_".join(parts) + f".{suffix}"
