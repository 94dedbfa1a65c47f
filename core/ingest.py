"""Import CSV and Excel files: read, validate every row, and build a new data
version, or refuse the file with every problem named.

Three passes, all problems of a file collected before anything is published:

1. read: the file as a table of raw cells (CSV with , ; or TAB and UTF-8
   with or without BOM, or the first sheet of an .xlsx), with each row's
   number as Excel shows it;
2. parse: each row through the kind's pydantic model (``core.kinds``): types,
   required columns, ranges, codes, formulas where numbers belong;
3. check: in the staging copy of the database, inside the import's
   transaction: duplicates within the file and against the database,
   references, years in which owners and municipalities exist.

Only then are the rows written and the new version published
(``core.store.build_version``).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
from pydantic import TypeAdapter, ValidationError

from core import store
from core.kinds import KINDS, LOAD_ORDER, Kind
from core.parse import RULES, is_blank

ROW = "__row"  # the Excel row number carried through the checks
EXTRA_CELLS = "__extra"  # cells beyond the header in a CSV row
MAX_CELL_CHARS = 100_000


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an imported file, for the adviser to fix."""

    file: str
    row: int | None
    column: str | None
    value: str | None
    rule: str
    message: str

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"rad {self.row}")
        if self.column:
            where.append(f"kolonne «{self.column}»")
        if self.value is not None:
            shown = self.value if len(self.value) <= 60 else self.value[:57] + "..."
            where.append(f"verdi «{shown}»")
        return f"{', '.join(where)}: {self.message} (regel: {RULES.get(self.rule, self.rule)})"


class ImportRejected(Exception):
    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__(f"{len(problems)} feil")
        self.problems = list(problems)


@dataclass(frozen=True)
class RawTable:
    header: list[str]
    rows: list[dict[str, Any]]
    row_numbers: list[int]


@dataclass(frozen=True)
class ParsedFile:
    kind: Kind
    path: Path
    sha256: str
    frame: pd.DataFrame  # one column per model field plus ROW
    problems: tuple[Problem, ...]


@dataclass(frozen=True)
class ImportResult:
    version_id: int | None  # None when nothing changed
    rows: dict[str, int]
    message: str


# --- 1. Reading -----------------------------------------------------------


def _file_problem(path: Path, message: str, row: int | None = None) -> ImportRejected:
    return ImportRejected([Problem(path.name, row, None, None, "file", message)])


def read_table(path: Path) -> RawTable:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise _file_problem(path, "filen finnes ikke") from None
    except OSError as err:
        raise _file_problem(path, f"filen kan ikke leses: {err.strerror}") from None
    if not data.strip(b"\xef\xbb\xbf \t\r\n"):
        raise _file_problem(path, "filen er tom")
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise _file_problem(path, "gammelt Excel-format (.xls) støttes ikke; lagre som .xlsx")
    if suffix in (".xlsx", ".xlsm") or data.startswith(b"PK\x03\x04"):
        return _read_xlsx(path, data)
    return _read_csv(path, data)


def _read_xlsx(path: Path, data: bytes) -> RawTable:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError):
        raise _file_problem(path, "filen er ikke et gyldig Excel-regneark (.xlsx)") from None
    try:
        sheet = workbook.worksheets[0]
        cells = list(sheet.iter_rows(values_only=True))
    except Exception:  # openpyxl raises many types on damaged sheets
        raise _file_problem(path, "Excel-regnearket er skadet og kan ikke leses") from None
    finally:
        workbook.close()
    if not cells or all(v is None for v in cells[0]):
        raise _file_problem(path, "første rad i regnearket skal ha kolonnenavn, men er tom")
    header = _header_names(["" if v is None else str(v) for v in cells[0]])
    rows, numbers = [], []
    for number, values in enumerate(cells[1:], start=2):
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        rows.append(dict(zip(header, values, strict=False)))
        numbers.append(number)
    return RawTable(header, rows, numbers)


def _read_csv(path: Path, data: bytes) -> RawTable:
    if b"\x00" in data[:8192]:
        raise _file_problem(
            path, "filen ser ut til å være binær, ikke tekst; lagre den som CSV UTF-8 eller .xlsx"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise _file_problem(
            path,
            f"filen er ikke UTF-8 (ugyldig byte 0x{data[err.start]:02x} på linje {line}); "
            "lagre den som «CSV UTF-8» i Excel",
        ) from None
    first_line = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    old_limit = csv.field_size_limit(MAX_CELL_CHARS)
    try:
        records = list(reader)
    except csv.Error as err:
        raise _file_problem(
            path, f"filen er ikke gyldig CSV ({err}); er den avkortet?", reader.line_num
        ) from None
    finally:
        csv.field_size_limit(old_limit)
    header = _header_names(records[0])
    rows, numbers = [], []
    for number, values in enumerate(records[1:], start=2):
        if not any(v.strip() for v in values):
            continue
        row: dict[str, Any] = dict(zip(header, values, strict=False))
        extra = [v for v in values[len(header) :] if v.strip()]
        if extra:
            row[EXTRA_CELLS] = extra  # reported as a problem of this row
        rows.append(row)
        numbers.append(number)
    return RawTable(header, rows, numbers)


# --- 2. Parsing -----------------------------------------------------------


UNNAMED = "(uten navn, kolonne "


def _header_names(cells: list[str]) -> list[str]:
    """Column names as written, lower case; an unnamed column gets a name
    that says where it is, so its values are neither merged nor lost."""
    from openpyxl.utils import get_column_letter

    return [
        name.strip().lower() or f"{UNNAMED}{get_column_letter(i + 1)})"
        for i, name in enumerate(cells)
    ]


def _header_problems(kind: Kind, path: Path, table: RawTable) -> list[Problem]:
    problems = []
    seen: set[str] = set()
    # Excel leaves formatted but empty columns to the right of the data, and
    # a trailing ; gives an unnamed column: harmless while they hold nothing.
    header = [
        c
        for c in table.header
        if not c.startswith(UNNAMED) or any(not is_blank(row.get(c)) for row in table.rows)
    ]
    for column in header:
        if column in seen and column:
            problems.append(
                Problem(path.name, 1, column, None, "duplicate", "kolonnen finnes to ganger")
            )
        seen.add(column)
    known = set(kind.columns)
    for column in header:
        if column not in known:
            problems.append(
                Problem(
                    path.name,
                    1,
                    column,
                    None,
                    "unknown_column",
                    "kolonnen har verdier, men ikke noe navn"
                    if column.startswith(UNNAMED)
                    else f"ukjent kolonne for {kind.name}; "
                    f"gyldige kolonner: {', '.join(kind.columns)}",
                )
            )
    for column in kind.required_columns:
        if column not in seen:
            problems.append(
                Problem(path.name, 1, column, None, "missing_column", "påkrevd kolonne mangler")
            )
    return problems


def _shown(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


_ADAPTERS: dict[str, TypeAdapter[Any]] = {}


def _adapter(kind: Kind) -> TypeAdapter[Any]:
    if kind.name not in _ADAPTERS:
        _ADAPTERS[kind.name] = TypeAdapter(list[kind.model])  # type: ignore[name-defined]
    return _ADAPTERS[kind.name]


def parse_file(kind: Kind, path: Path) -> ParsedFile:
    """Read and type-check a file. Problems are collected, not raised, except
    when the file cannot be read as a table at all."""
    data_hash = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""
    table = read_table(path)
    problems = _header_problems(kind, path, table)
    if any(p.rule in ("missing_column", "unknown_column") for p in problems) and not (
        set(table.header) & set(kind.columns)
    ):
        raise ImportRejected(problems)
    missing = {p.column for p in problems if p.rule == "missing_column"}
    bad_rows: set[int] = set()
    for index, row in enumerate(table.rows):
        if EXTRA_CELLS in row:
            bad_rows.add(index)
            problems.append(
                Problem(
                    path.name,
                    table.row_numbers[index],
                    None,
                    "; ".join(row[EXTRA_CELLS]),
                    "format",
                    "raden har flere celler enn overskriften har kolonner",
                )
            )
    models: list[Any] = []
    try:
        models = _adapter(kind).validate_python(table.rows)
    except ValidationError as err:
        for error in err.errors():
            position = error["loc"][0]
            assert isinstance(position, int)
            bad_rows.add(position)
            column = str(error["loc"][1]) if len(error["loc"]) > 1 else None
            if column in missing:
                continue  # reported once, for the header
            if error["type"] == "missing":
                message, rule, value = "mangler verdi", "required", None
            else:
                message, rule = error["msg"], error["type"]
                value = _shown(table.rows[position].get(column)) if column else None
            problems.append(
                Problem(path.name, table.row_numbers[position], column, value, rule, message)
            )
    numbers = table.row_numbers
    if bad_rows:
        # The good rows on their own, so that they are still checked against
        # the database and all problems are reported in one run.
        good = [i for i in range(len(table.rows)) if i not in bad_rows]
        models = _adapter(kind).validate_python([table.rows[i] for i in good])
        numbers = [table.row_numbers[i] for i in good]
    frame = _to_frame(kind, models, numbers)
    return ParsedFile(kind, path, data_hash, frame, tuple(problems))


def _to_frame(kind: Kind, models: Iterable[Any], numbers: list[int]) -> pd.DataFrame:
    records = [m.model_dump() for m in models]
    frame = pd.DataFrame.from_records(records, columns=list(kind.columns))
    # DuckDB casts these text forms exactly on INSERT; floats would round.
    for column, info in kind.model.model_fields.items():
        if Decimal in _type_args(info.annotation):
            frame[column] = frame[column].map(lambda v: None if v is None else str(v))
    frame[ROW] = numbers
    return frame.astype({c: "object" for c in kind.columns})


def _type_args(annotation: Any) -> tuple[Any, ...]:
    args = getattr(annotation, "__args__", ())
    return (annotation, *args)


# --- 3. Checking against the database ------------------------------------


def _sql_list(columns: Iterable[str], prefix: str = "") -> str:
    return ", ".join(f"{prefix}{c}" for c in columns)


def _not_null(columns: Iterable[str], prefix: str = "") -> str:
    return " AND ".join(f"{prefix}{c} IS NOT NULL" for c in columns)


def _check(conn: duckdb.DuckDBPyConnection, parsed: ParsedFile) -> list[Problem]:
    kind, name = parsed.kind, parsed.path.name
    problems: list[Problem] = []

    def add(row: int, column: str | None, value: Any, rule: str, message: str) -> None:
        problems.append(Problem(name, row, column, _shown(value), rule, message))

    for key in kind.keys:
        cols = _sql_list(key)
        label = ", ".join(key)
        for row, first, *values in conn.execute(
            f"SELECT {ROW}, min({ROW}) OVER w, {cols} FROM incoming WHERE {_not_null(key)} "
            f"WINDOW w AS (PARTITION BY {cols}) "
            f"QUALIFY count(*) OVER w > 1 AND {ROW} <> min({ROW}) OVER w ORDER BY {ROW}"
        ).fetchall():
            add(
                row,
                label,
                " / ".join(map(str, values)),
                "duplicate",
                f"samme ({label}) som rad {first}",
            )
        join = " AND ".join(f"t.{c} = i.{c}" for c in key)
        for row, *values in conn.execute(
            f"SELECT i.{ROW}, {_sql_list(key, 'i.')} FROM incoming i "
            f"JOIN {kind.table} t ON {join} ORDER BY i.{ROW}"
        ).fetchall():
            add(
                row,
                label,
                " / ".join(map(str, values)),
                "exists",
                f"finnes allerede i databasen med samme ({label})",
            )

    if kind.parent:
        parent = kind.parent
        others = [c for c in parent.columns if c not in parent.key]
        key_sql = _sql_list(parent.key)
        for row, *values in conn.execute(
            f"SELECT {ROW}, {key_sql} FROM incoming "
            f"QUALIFY count(DISTINCT ({_sql_list(others)})) OVER (PARTITION BY {key_sql}) > 1 "
            f"AND {ROW} <> min({ROW}) OVER (PARTITION BY {key_sql}) ORDER BY {ROW}"
        ).fetchall():
            add(
                row,
                ", ".join(others),
                " / ".join(map(str, values)),
                "consistent",
                f"{', '.join(others)} skal være lik på alle rader for samme {key_sql}",
            )
        join = " AND ".join(f"t.{c} = i.{c}" for c in parent.key)
        differs = " OR ".join(f"t.{c} IS DISTINCT FROM i.{c}" for c in others)
        for row, *values in conn.execute(
            f"SELECT i.{ROW}, {_sql_list(others, 't.')} FROM incoming i "
            f"JOIN {parent.table} t ON {join} WHERE {differs} ORDER BY i.{ROW}"
        ).fetchall():
            add(
                row,
                ", ".join(others),
                None,
                "consistent",
                f"databasen har allerede {key_sql} med {' / '.join(map(str, values))}",
            )

    for ref in kind.refs:
        join = " AND ".join(
            f"t.{tc} = i.{fc}" for fc, tc in zip(ref.columns, ref.table_columns, strict=True)
        )
        for row, *values in conn.execute(
            f"SELECT i.{ROW}, {_sql_list(ref.columns, 'i.')} FROM incoming i "
            f"WHERE {_not_null(ref.columns, 'i.')} "
            f"AND NOT EXISTS (SELECT 1 FROM {ref.table} t WHERE {join}) ORDER BY i.{ROW}"
        ).fetchall():
            add(
                row,
                ", ".join(ref.columns),
                " / ".join(map(str, values)),
                "reference",
                f"ukjent {ref.label}; importer {ref.label} først eller rett verdien",
            )

    if kind.owner_year:
        owner, year = kind.owner_year
        for row, owner_id, year_value, owner_name, start, end in conn.execute(
            f"SELECT i.{ROW}, i.{owner}, i.{year}, o.name, o.active_from, o.active_to "
            f"FROM incoming i JOIN school_owner o ON o.owner_id = i.{owner} "
            f"WHERE i.{year} < o.active_from OR i.{year} > coalesce(o.active_to, 9999) "
            f"ORDER BY i.{ROW}"
        ).fetchall():
            span = f"{start}–{end}" if end else f"fra {start}"
            add(
                row,
                owner,
                owner_id,
                "owner_active",
                f"{owner_name} fantes ikke som skoleeier i {year_value} (aktiv {span})",
            )

    if kind.name == "owners":
        for row, knr, m_name, start, end, active_from in conn.execute(
            f"SELECT i.{ROW}, i.knr, m.name, m.valid_from, m.valid_to, i.active_from "
            "FROM incoming i JOIN municipality m ON m.knr = i.knr "
            "WHERE i.active_from NOT BETWEEN m.valid_from AND coalesce(m.valid_to, 9999) "
            "ORDER BY i." + ROW
        ).fetchall():
            span = f"{start}–{end}" if end else f"fra {start}"
            add(
                row,
                "knr",
                knr,
                "municipality_year",
                f"kommunenummer {knr} ({m_name}) fantes ikke i {active_from} (gyldig {span})",
            )
    return problems


def _write(conn: duckdb.DuckDBPyConnection, parsed: ParsedFile) -> None:
    kind = parsed.kind
    if kind.parent:
        parent = kind.parent
        conn.execute(
            f"INSERT INTO {parent.table} ({_sql_list(parent.columns)}) "
            f"SELECT DISTINCT {_sql_list(parent.columns)} FROM incoming i WHERE NOT EXISTS "
            f"(SELECT 1 FROM {parent.table} t WHERE "
            + " AND ".join(f"t.{c} = i.{c}" for c in parent.key)
            + ")"
        )
    cols = _sql_list(kind.insert_columns)
    conn.execute(f"INSERT INTO {kind.table} ({cols}) SELECT {cols} FROM incoming ORDER BY {ROW}")


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
    keep: int = store.DEFAULT_KEEP_VERSIONS,
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
            raise ImportRejected(
                [
                    Problem(
                        str(kind_name),
                        None,
                        None,
                        None,
                        "file",
                        f"ukjent importtype; bruk en av: {', '.join(KINDS)}",
                    )
                ]
            )
    ordered = sorted(files, key=lambda f: LOAD_ORDER.index(f[0]))
    for _, path in ordered:
        if not path.is_file():
            raise _file_problem(path, "filen finnes ikke")

    previous = _already_imported(db, ordered)
    if previous is not None:
        return ImportResult(
            None, {}, f"Filene er allerede importert i versjon {previous}; ingenting er endret."
        )

    parsed = [parse_file(KINDS[kind], path) for kind, path in ordered]
    counts = {p.path.name: len(p.frame) for p in parsed}

    def build(conn: duckdb.DuckDBPyConnection, version_id: int) -> None:
        problems: list[Problem] = []
        for item in parsed:
            conn.register("incoming", item.frame)  # replaces the previous file's view
            found = [*item.problems, *_check(conn, item)]
            problems.extend(sorted(found, key=lambda p: p.row or 0))
            if problems:
                break  # later files may refer to rows of this one
            try:
                _write(conn, item)
            except (duckdb.ConstraintException, duckdb.ConversionException) as err:
                # The models check what the schema checks; this is the last guard.
                message = f"databasen avviste filen: {err}"
                problems.append(Problem(item.path.name, None, None, None, "database", message))
                break
            conn.execute(
                "INSERT INTO import_file VALUES (?, ?, ?, ?, ?)",
                [version_id, item.kind.name, item.path.name, item.sha256, len(item.frame)],
            )
        if problems:
            raise ImportRejected(problems)
        if dry_run:
            raise store.Unchanged()

    what = description or "import " + ", ".join(f"{k} {p.name}" for k, p in ordered)
    try:
        published = store.build_version(db, what, build, keep=keep)
    except store.Unchanged:
        return ImportResult(None, counts, "Filene er gyldige (prøvekjøring); ingenting er lagret.")
    return ImportResult(
        published.version_id,
        counts,
        f"Publiserte versjon {published.version_id}: "
        + ", ".join(f"{n} ({c} rader)" for n, c in counts.items()),
    )
