"""Import CSV and Excel files: read, validate every row, and build a new data
version, or refuse the file with every problem named.

Three passes, all problems of a file collected before anything is published:

1. read: the file as a table of raw cells (``core.data.reader``);
2. parse: the header's columns by their English keys or Norwegian headers
   (``core.data.headers``), then each row through the kind's pydantic model
   (``core.data.kinds``): types, required columns, ranges, codes, formulas where
   numbers belong, slash dates only where the column proves day first;
3. check (``core.data.checks``): in the staging copy of the database, inside the
   import's transaction: duplicates within the file and against the
   database, references, years in which owners and municipalities exist, one
   municipal owner per municipality at a time.

Only then are the rows written and the new version published
(``core.data.versions.build_version``), with warnings for what is plausible but
surprising (``core.data.checks.warnings``). Problems are reported as
``core.data.problems`` tells them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
from pydantic import TypeAdapter, ValidationError

from core.data import headers, store, versions
from core.data import parse as p
from core.data.checks import ROW, ParsedFile, check, shown, warnings, write
from core.data.kinds import DAY_FIRST, KINDS, LOAD_ORDER, Kind
from core.data.parse import is_blank
from core.data.problems import ImportRejected, Problem
from core.data.reader import UNNAMED, RawTable, check_file, file_problem, read_table

__all__ = ["ImportRejected", "ImportResult", "Problem", "import_files"]


@dataclass(frozen=True)
class ImportResult:
    version_id: int | None  # None when nothing changed
    rows: dict[str, int]
    message: str
    # Worth a second look, not wrong: a change of more than half from the year before.
    warnings: tuple[Problem, ...] = ()


# --- 2. Parsing -----------------------------------------------------------


def _columns(kind: Kind, table: RawTable) -> list[str]:
    """Each header cell's column key, or the header as written if it names none."""
    return [headers.column_of(kind.name, name) or name for name in table.header]


def _header_problems(kind: Kind, path: Path, table: RawTable, columns: list[str]) -> list[Problem]:
    problems: list[Problem] = []
    first: dict[str, str] = {}

    def add(column: str, rule: str, message: str) -> None:
        problems.append(Problem(path.name, 1, column, None, rule, message))

    # Excel leaves formatted but empty columns to the right of the data, and
    # a trailing ; gives an unnamed column: harmless while they hold nothing.
    for index, (column, name) in enumerate(zip(columns, table.header, strict=True)):
        if name.startswith(UNNAMED) and all(
            index >= len(row) or is_blank(row[index]) for row in table.rows
        ):
            continue
        if column in first:
            same = "" if first[column] == name else f" («{first[column]}» og «{name}» er samme)"
            add(name, "duplicate", f"kolonnen finnes to ganger{same}")
        first.setdefault(column, name)
        if column not in kind.columns:
            add(
                name,
                "unknown_column",
                "kolonnen har verdier, men ikke noe navn"
                if name.startswith(UNNAMED)
                else f"ukjent kolonne for {kind.name}; gyldige kolonner: "
                + ", ".join(headers.described(kind.name, c) for c in kind.columns),
            )
    for column in kind.required_columns:
        if column not in first:
            add(
                column,
                "missing_column",
                "påkrevd kolonne mangler; overskriften er "
                f"«{headers.template_header(kind.name, column)}» eller {column}",
            )
    return problems


def _header_row_below(kind: Kind, table: RawTable) -> int | None:
    """The row (2-6) that holds the header when a title stands above it: it
    names more of the kind's columns than row 1 does, and two at least."""

    def named(cells: Sequence[str]) -> int:
        return len({headers.column_of(kind.name, c) for c in cells if c} - {None})

    least = max(min(2, len(kind.columns)), named(table.top[0]) + 1 if table.top else 0)
    for number, cells in enumerate(table.top[1:], start=2):
        if named(cells) >= least:
            return number
    return None


def _without_known_columns(
    kind: Kind, path: Path, table: RawTable, problems: list[Problem]
) -> ImportRejected:
    """Why a header holds none of the kind's columns, as one refusal."""
    sheets = ""
    if len(table.sheets) > 1:
        sheets = (
            f"bare det første arket («{table.sheets[0]}») leses; regnearket har arkene "
            f"{', '.join(table.sheets)}"
        )
    if table.sheets and all(name.startswith(UNNAMED) for name in table.header):
        message = (
            f"rad 1 i regnearkets første ark («{table.sheets[0]}») skal ha kolonnenavn, men er tom"
        )
        return file_problem(path, message + (f"; {sheets}" if sheets else ""))
    hint = None
    if sheets:
        hint = sheets + ": flytt dataene til det første arket"
    elif not table.sheets and len(table.header) == 1 and len(kind.columns) > 1:
        hint = "overskriften har bare én kolonne; skill kolonnene med ; eller , (eller TAB)"
    hints = [Problem(path.name, 1, None, None, "file", hint)] if hint else []
    return ImportRejected([*problems, *hints])


_ADAPTERS: dict[str, TypeAdapter[Any]] = {}


def _adapter(kind: Kind) -> TypeAdapter[Any]:
    if kind.name not in _ADAPTERS:
        _ADAPTERS[kind.name] = TypeAdapter(list[kind.model])  # type: ignore[name-defined]
    return _ADAPTERS[kind.name]


def parse_file(kind: Kind, path: Path) -> ParsedFile:
    """Read and type-check a file. Problems are collected, not raised, except
    when the file cannot be read as a table of the kind's columns at all."""
    table = read_table(path, lambda name: headers.column_of(kind.name, name) is not None)
    data_hash = sha256_of(path)
    columns = _columns(kind, table)
    written: dict[str, str] = {}
    for column, name in zip(columns, table.header, strict=True):
        written.setdefault(column, name)
    below = _header_row_below(kind, table)
    if below is not None:
        raise file_problem(path, f"overskriftene står i rad {below}; slett radene over", row=1)
    problems = _header_problems(kind, path, table, columns)

    def add(index: int, column: str | None, value: str | None, rule: str, message: str) -> None:
        problems.append(Problem(path.name, table.row_numbers[index], column, value, rule, message))

    if not set(columns) & set(kind.columns):
        raise _without_known_columns(kind, path, table, problems)
    if not table.rows and not problems:
        raise file_problem(path, "filen har overskrift, men ingen rader med data")
    missing = {p.column for p in problems if p.rule == "missing_column"}
    rows = [dict(zip(columns, values, strict=False)) for values in table.rows]
    bad_rows: set[int] = set()
    reported: set[tuple[int, str | None]] = set()
    for index, at, formula in table.unsaved_formulas:
        bad_rows.add(index)
        reported.add((index, columns[at]))
        add(
            index,
            table.header[at],
            formula,
            "formula",
            "cellen har en formel uten lagret verdi; åpne og lagre filen i "
            "Excel, eller lim inn verdiene i stedet for formlene",
        )
    for index, values in enumerate(table.rows):
        if len(values) <= len(columns):
            continue
        extra = [str(v) for v in values[len(columns) :] if not is_blank(v)]
        if extra:
            bad_rows.add(index)
            message = "raden har flere celler enn overskriften har kolonner"
            add(index, None, "; ".join(extra), "format", message)
    # 03/02/2020 is read day first only where the column proves it.
    context = {
        DAY_FIRST: frozenset(
            c for c in kind.columns_of(dt.date) if p.slash_dates_day_first(r.get(c) for r in rows)
        )
    }
    models: list[Any] = []
    try:
        models = _adapter(kind).validate_python(rows, context=context)
    except ValidationError as err:
        for error in err.errors():
            position = error["loc"][0]
            assert isinstance(position, int)
            bad_rows.add(position)
            field = str(error["loc"][1]) if len(error["loc"]) > 1 else None
            if field in missing or (position, field) in reported:
                continue  # reported once, for the header or by the reader
            if error["type"] == "missing":
                message, rule, value = "mangler verdi", "required", None
            else:
                message, rule = error["msg"], error["type"]
                value = shown(rows[position].get(field)) if field else None
            named = written.get(field, field) if field else None
            add(position, named, value, rule, message)
    numbers = table.row_numbers
    if bad_rows:
        # The good rows on their own, so that they are still checked against
        # the database and all problems are reported in one run.
        good = [i for i in range(len(rows)) if i not in bad_rows]
        models = _adapter(kind).validate_python([rows[i] for i in good], context=context)
        numbers = [table.row_numbers[i] for i in good]
    frame = _to_frame(kind, models, numbers)
    return ParsedFile(kind, path, data_hash, frame, tuple(problems), written)


def _to_frame(kind: Kind, models: Iterable[Any], numbers: list[int]) -> pd.DataFrame:
    """The rows as Python values in object columns: an optional year stays an
    int (pandas would make its column float), and a Decimal becomes its text,
    which DuckDB casts exactly on INSERT (a float would round)."""
    decimal = kind.columns_of(Decimal)
    records = [m.model_dump() for m in models]
    columns: dict[str, Any] = {}
    for column in kind.columns:
        values = [r[column] for r in records]
        if column in decimal:
            values = [None if v is None else str(v) for v in values]
        columns[column] = pd.Series(values, dtype=object)
    columns[ROW] = numbers
    return pd.DataFrame(columns)


# --- Putting it together --------------------------------------------------


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _already_imported(db: Path, files: Sequence[tuple[str, Path]]) -> int | None:
    """The version that already holds exactly these files, if any."""
    paths = store.Paths(db)
    if paths.published() is None:
        return None
    hashes = [(kind, sha256_of(path)) for kind, path in files]
    with store.Store(db).snapshot() as snap:
        found = [
            snap.scalar(
                "SELECT max(version_id) FROM import_file WHERE kind = ? AND sha256 = ?",
                [kind, sha],
            )
            for kind, sha in hashes
        ]
    if all(v is not None for v in found):
        return max(found)
    return None


def import_files(
    db: Path | str,
    files: Sequence[tuple[str, Path]],
    *,
    description: str | None = None,
    keep: int = versions.DEFAULT_KEEP_VERSIONS,
    dry_run: bool = False,
) -> ImportResult:
    """Validate ``files`` (kind, path) and publish them as one new version.

    Raises ImportRejected with every problem found; the published version is
    untouched then. Files already imported (same kind and content) change
    nothing.
    """
    db = Path(db)
    for kind_name, _ in files:
        if kind_name not in KINDS:
            message = f"ukjent importtype; bruk en av: {', '.join(KINDS)}"
            raise ImportRejected([Problem(str(kind_name), None, None, None, "file", message)])
    ordered = sorted(files, key=lambda f: LOAD_ORDER.index(f[0]))
    for _, path in ordered:
        if path.is_dir():
            raise file_problem(path, "er en mappe, ikke en fil")
        if path.exists() and not path.is_file():
            raise file_problem(path, "er ikke en vanlig fil (en enhet eller et rør?)")
        if not path.is_file():
            raise file_problem(path, "filen finnes ikke")
        check_file(path)  # before hashing: a huge file is refused unread

    previous = _already_imported(db, ordered)
    if previous is not None:
        return ImportResult(
            None, {}, f"Filene er allerede importert i versjon {previous}; ingenting er endret."
        )

    parsed = [parse_file(KINDS[kind], path) for kind, path in ordered]
    counts = {p.path.name: len(p.frame) for p in parsed}

    warned: list[Problem] = []

    def build(conn: duckdb.DuckDBPyConnection, version_id: int) -> None:
        problems: list[Problem] = []
        for item in parsed:
            conn.register("incoming", item.frame)  # replaces the previous file's view
            found = [*item.problems, *check(conn, item)]
            problems.extend(sorted(found, key=lambda p: p.row or 0))
            if problems:
                break  # later files may refer to rows of this one
            try:
                write(conn, item)
            except (duckdb.ConstraintException, duckdb.ConversionException) as err:
                # The models check what the schema checks; this is the last guard.
                message = f"databasen avviste filen: {err}"
                problems.append(Problem(item.path.name, None, None, None, "database", message))
                break
            warned.extend(warnings(conn, item))
            conn.execute(
                "INSERT INTO import_file VALUES (?, ?, ?, ?, ?)",
                [version_id, item.kind.name, item.path.name, item.sha256, len(item.frame)],
            )
        if problems:
            raise ImportRejected(problems)
        if dry_run:
            raise versions.Unchanged()

    what = description or "import " + ", ".join(f"{k} {p.name}" for k, p in ordered)
    try:
        published = versions.build_version(db, what, build, keep=keep)
    except versions.Unchanged:
        return ImportResult(
            None,
            counts,
            "Filene er gyldige (prøvekjøring); ingenting er lagret.",
            tuple(warned),
        )
    return ImportResult(
        published.version_id,
        counts,
        f"Publiserte versjon {published.version_id}: "
        + ", ".join(f"{n} ({c} rader)" for n, c in counts.items()),
        tuple(warned),
    )
