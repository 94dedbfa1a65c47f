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
import os
import re
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

# Limits on what one file may hold, so that garbage cannot exhaust memory.
# The largest file of the national-scale test data (bench/generate.py,
# status.csv at scale 1.0) is about 30 MB.
MAX_FILE_MB = 100  # override with $DEKOMP_MAX_IMPORT_MB
MAX_CELL_CHARS = 100_000  # text columns hold at most 2,000 characters
MAX_COLUMNS = 200  # the widest kind has 11 columns
MAX_XLSX_UNPACKED_MB = 1000  # an .xlsx is a zip: its unpacked size, not only its own

CSV_SUFFIXES = ("", ".csv", ".txt", ".tsv")
XLSX_SUFFIXES = (".xlsx", ".xlsm")


def max_file_bytes() -> int:
    try:
        megabytes = float(os.environ.get("DEKOMP_MAX_IMPORT_MB") or MAX_FILE_MB)
    except ValueError:
        megabytes = MAX_FILE_MB
    return int(megabytes * 1024 * 1024)


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
        where = [_printable(self.file)]
        if self.row is not None:
            where.append(f"rad {self.row}")
        if self.column:
            where.append(f"kolonne «{_printable(self.column)}»")
        if self.value is not None:
            shown = self.value if len(self.value) <= 60 else self.value[:57] + "..."
            where.append(f"verdi «{_printable(shown)}»")
        rule = RULES.get(self.rule, self.rule)
        return f"{', '.join(where)}: {_printable(self.message)} (regel: {rule})"


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _printable(text: str) -> str:
    """Control characters as \\xNN: a value must not drive the terminal
    (an ESC sequence) or hide behind a NUL."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


class ImportRejected(Exception):
    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__(f"{len(problems)} feil")
        self.problems = list(problems)


@dataclass(frozen=True)
class RawTable:
    header: list[str]
    rows: list[dict[str, Any]]
    row_numbers: list[int]
    # Cells the reader already knows are wrong (an Excel formula without a
    # saved value), by index into ``rows``.
    problems: tuple[tuple[int, Problem], ...] = ()
    sheets: tuple[str, ...] = ()  # an .xlsx file's worksheets, first one read


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


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB" if size >= 1024 * 1024 else f"{size} byte"


def check_file(path: Path) -> None:
    """Refuse a file by its name and size alone, before reading it."""
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise _file_problem(path, "gammelt Excel-format (.xls) støttes ikke; lagre som .xlsx")
    if suffix == ".ods":
        raise _file_problem(
            path, "OpenDocument-regneark (.ods) støttes ikke; lagre som .xlsx eller CSV UTF-8"
        )
    if suffix not in CSV_SUFFIXES + XLSX_SUFFIXES:
        raise _file_problem(
            path, f"filtypen «{suffix}» støttes ikke; bruk CSV (.csv) eller Excel (.xlsx)"
        )
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise _file_problem(path, "filen finnes ikke") from None
    except OSError as err:
        raise _file_problem(path, f"filen kan ikke leses: {err.strerror}") from None
    if size > max_file_bytes():
        raise _file_problem(
            path,
            f"filen er for stor ({_megabytes(size)}; høyst {_megabytes(max_file_bytes())}); "
            "del den opp i flere filer",
        )


def read_table(path: Path) -> RawTable:
    check_file(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise _file_problem(path, "filen finnes ikke") from None
    except OSError as err:
        raise _file_problem(path, f"filen kan ikke leses: {err.strerror}") from None
    if len(data) > max_file_bytes():  # grew since check_file
        raise _file_problem(path, f"filen er for stor (høyst {_megabytes(max_file_bytes())})")
    if not data.strip(b"\xef\xbb\xbf \t\r\n"):
        raise _file_problem(path, "filen er tom")
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(path, data)
    if path.suffix.lower() in XLSX_SUFFIXES:
        raise _file_problem(
            path,
            "filen er ikke et gyldig Excel-regneark (.xlsx)"
            + ("; den ser ut som tekst (CSV): gi den endelsen .csv" if _is_text(data) else ""),
        )
    return _read_csv(path, data)


def _is_text(data: bytes) -> bool:
    """Whether the start of the file looks like text (few control bytes)."""
    head = data[:8192]
    control = sum(1 for b in head if b < 9 or 13 < b < 32 or b == 127)
    return control <= len(head) // 20


def _is_utf16(data: bytes) -> bool:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    head = data[:8192]
    # ASCII text in UTF-16 has a NUL in every other byte.
    odd, even = head[1::2].count(0), head[0::2].count(0)
    return max(odd, even) > len(head) // 4 and min(odd, even) < len(head) // 40


def _read_xlsx(path: Path, data: bytes) -> RawTable:
    from openpyxl import load_workbook

    not_xlsx = (
        "filen er ikke et gyldig Excel-regneark (.xlsx)"
        if path.suffix.lower() in XLSX_SUFFIXES
        else "filen er en ZIP-fil, men ikke et Excel-regneark (.xlsx)"
    )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise _file_problem(path, not_xlsx + "; er den avkortet?") from None
    if unpacked > MAX_XLSX_UNPACKED_MB * 1024 * 1024:
        raise _file_problem(
            path,
            f"regnearket er for stort utpakket ({_megabytes(unpacked)}; "
            f"høyst {MAX_XLSX_UNPACKED_MB} MB); del det opp i flere filer",
        )
    try:
        # Twice: the values Excel saved, and the formulas (a formula written
        # by a program other than Excel has no saved value).
        values = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        formulas = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many types (KeyError, InvalidFileException, ...)
        raise _file_problem(path, not_xlsx) from None
    try:
        sheets = tuple(values.sheetnames)
        if not sheets:
            raise _file_problem(path, "regnearket har ingen ark")
        sheet, formula_sheet = values.worksheets[0], formulas.worksheets[0]
        if (sheet.max_column or 0) > MAX_COLUMNS:
            raise _too_many_columns(path, sheet.max_column)
        cells = list(sheet.iter_rows(values_only=True))
        formula_cells = list(formula_sheet.iter_rows(values_only=True))
    except ImportRejected:
        raise
    except Exception:  # openpyxl raises many types on damaged sheets
        raise _file_problem(path, "Excel-regnearket er skadet og kan ikke leses") from None
    finally:
        values.close()
        formulas.close()
    if not cells or all(v is None for v in cells[0]):
        where = f"første ark («{sheets[0]}»)"
        message = f"rad 1 i regnearkets {where} skal ha kolonnenavn, men er tom"
        if len(sheets) > 1:
            message += f"; bare det første arket leses (regnearket har arkene {', '.join(sheets)})"
        raise _file_problem(path, message)
    header = _header_names(["" if v is None else str(v) for v in cells[0]])
    if len(header) > MAX_COLUMNS:
        raise _too_many_columns(path, len(header))
    rows: list[dict[str, Any]] = []
    numbers: list[int] = []
    problems: list[tuple[int, Problem]] = []
    for number, row_values in enumerate(cells[1:], start=2):
        written = formula_cells[number - 1] if number - 1 < len(formula_cells) else ()
        row = dict(zip(header, row_values, strict=False))
        for column, value, formula in zip(header, row_values, written, strict=False):
            if value is None and isinstance(formula, str) and formula.startswith("="):
                problems.append(
                    (
                        len(rows),
                        Problem(
                            path.name,
                            number,
                            column,
                            formula,
                            "formula",
                            "cellen har en formel uten lagret verdi; åpne og lagre filen i "
                            "Excel, eller lim inn verdiene i stedet for formlene",
                        ),
                    )
                )
                row[column] = formula
        if all(is_blank(v) for v in row.values()):
            continue
        rows.append(row)
        numbers.append(number)
    return RawTable(header, rows, numbers, tuple(problems), sheets)


def _too_many_columns(path: Path, count: int) -> ImportRejected:
    return ImportRejected(
        [
            Problem(
                path.name,
                1,
                None,
                None,
                "file",
                f"filen har {count} kolonner; høyst {MAX_COLUMNS} er tillatt",
            )
        ]
    )


# csv's messages, in the words an adviser can act on.
_CSV_ERRORS = (
    ("unexpected end of data", "filen slutter inne i en celle med anførselstegn; er den avkortet?"),
    (
        "field larger than field limit",
        f"en celle er for stor (over {MAX_CELL_CHARS:,} tegn)".replace(",", " "),
    ),
    ("expected after", "tegn etter et avsluttende anførselstegn i en celle"),
    ("line contains nul", "filen inneholder et NUL-tegn (byte 0x00)"),
    ("new-line character seen in unquoted field", "linjeskift midt i en celle uten anførselstegn"),
)


def _csv_error(err: csv.Error) -> str:
    text = str(err).lower()
    for fragment, message in _CSV_ERRORS:
        if fragment in text:
            return f"filen er ikke gyldig CSV: {message}"
    return "filen er ikke gyldig CSV; er den avkortet?"


def _read_csv(path: Path, data: bytes) -> RawTable:
    if _is_utf16(data):
        raise _file_problem(
            path,
            "filen er kodet som UTF-16 (Excels «Unicode-tekst»); lagre den som «CSV UTF-8»",
        )
    if not _is_text(data):
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
    lines = text[:65536].splitlines()  # LF, CRLF and the old Mac CR alike
    first_line = lines[0] if lines else ""
    delimiter = max((";", ",", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    old_limit = csv.field_size_limit(MAX_CELL_CHARS)
    records: list[list[str]] = []
    try:
        for record in reader:
            if len(records) == 0 and len(record) > MAX_COLUMNS:
                raise _too_many_columns(path, len(record))
            records.append(record)
    except csv.Error as err:
        # The record being read is the next row (blank lines are records too).
        raise _file_problem(path, _csv_error(err), len(records) + 1) from None
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


def _header_hints(kind: Kind, path: Path, table: RawTable) -> list[Problem]:
    """Why a header may hold none of the kind's columns."""
    hints = []
    if len(table.sheets) > 1:
        hints.append(
            Problem(
                path.name,
                1,
                None,
                None,
                "file",
                f"bare det første arket («{table.sheets[0]}») leses; regnearket har arkene "
                f"{', '.join(table.sheets)}: flytt dataene til det første arket",
            )
        )
    elif not table.sheets and len(table.header) == 1 and len(kind.columns) > 1:
        hints.append(
            Problem(
                path.name,
                1,
                None,
                None,
                "file",
                "overskriften har bare én kolonne; skill kolonnene med ; eller , (eller TAB)",
            )
        )
    return hints


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
    table = read_table(path)
    data_hash = hashlib.sha256(path.read_bytes()).hexdigest()
    problems = _header_problems(kind, path, table)
    if any(p.rule in ("missing_column", "unknown_column") for p in problems) and not (
        set(table.header) & set(kind.columns)
    ):
        raise ImportRejected([*problems, *_header_hints(kind, path, table)])
    if not table.rows and not problems:
        raise _file_problem(path, "filen har overskrift, men ingen rader med data")
    missing = {p.column for p in problems if p.rule == "missing_column"}
    bad_rows: set[int] = set()
    for index, problem in table.problems:
        bad_rows.add(index)
        problems.append(problem)
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
            if any(i == position and p.column == column for i, p in table.problems):
                continue  # reported by the reader
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
        if path.is_dir():
            raise _file_problem(path, "er en mappe, ikke en fil")
        if path.exists() and not path.is_file():
            raise _file_problem(path, "er ikke en vanlig fil (en enhet eller et rør?)")
        if not path.is_file():
            raise _file_problem(path, "filen finnes ikke")
        check_file(path)  # before hashing: a huge file is refused unread

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
