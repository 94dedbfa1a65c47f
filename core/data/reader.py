"""Read an imported file as a table of raw cells: CSV with , ; or TAB and
UTF-8 with or without BOM, or the first sheet of an .xlsx, with each row's
number as Excel shows it. A file that cannot be read as a table at all is
refused here with a Norwegian message (``ImportRejected``); what its cells
mean is ``core.data.ingest``'s business.
"""

from __future__ import annotations

import csv
import io
import os
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from core.data.parse import is_blank
from core.data.problems import ImportRejected, Problem

# Limits on what one file may hold, so that garbage cannot exhaust memory.
# The largest file of the national-scale test data (python -m generate national,
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


DELIMITERS = (";", ",", "\t")
HEADER_SEARCH_ROWS = 6  # a header below a title is looked for down to row 6
UNNAMED = "(uten navn, kolonne "


@dataclass(frozen=True)
class RawTable:
    header: list[str]  # the first row as written; unnamed columns get a name
    rows: list[list[Any]]  # the cells of each row that is not blank
    row_numbers: list[int]  # each row's number as Excel shows it (the header is 1)
    # Cells with a formula and no saved value: (index into rows, column, formula).
    unsaved_formulas: tuple[tuple[int, int, str], ...] = ()
    sheets: tuple[str, ...] = ()  # an .xlsx file's worksheets, first one read
    top: tuple[tuple[str, ...], ...] = ()  # the first rows as text, blank ones too


def file_problem(path: Path, message: str, row: int | None = None) -> ImportRejected:
    return ImportRejected([Problem(path.name, row, None, None, "file", message)])


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB" if size >= 1024 * 1024 else f"{size} byte"


def check_file(path: Path) -> None:
    """Refuse a file by its name and size alone, before reading it."""
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise file_problem(path, "gammelt Excel-format (.xls) støttes ikke; lagre som .xlsx")
    if suffix == ".ods":
        raise file_problem(
            path, "OpenDocument-regneark (.ods) støttes ikke; lagre som .xlsx eller CSV UTF-8"
        )
    if suffix not in CSV_SUFFIXES + XLSX_SUFFIXES:
        raise file_problem(
            path, f"filtypen «{suffix}» støttes ikke; bruk CSV (.csv) eller Excel (.xlsx)"
        )
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise file_problem(path, "filen finnes ikke") from None
    except OSError as err:
        raise file_problem(path, f"filen kan ikke leses: {err.strerror}") from None
    if size > max_file_bytes():
        raise file_problem(
            path,
            f"filen er for stor ({_megabytes(size)}; høyst {_megabytes(max_file_bytes())}); "
            "del den opp i flere filer",
        )


def read_table(path: Path, is_column: Callable[[str], bool]) -> RawTable:
    """The file as a table. ``is_column`` tells a header cell of the kind
    being imported: it picks a CSV file's delimiter when a title stands above
    the header."""
    check_file(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise file_problem(path, "filen finnes ikke") from None
    except OSError as err:
        raise file_problem(path, f"filen kan ikke leses: {err.strerror}") from None
    if len(data) > max_file_bytes():  # grew since check_file
        raise file_problem(path, f"filen er for stor (høyst {_megabytes(max_file_bytes())})")
    if not data.strip(b"\xef\xbb\xbf \t\r\n"):
        raise file_problem(path, "filen er tom")
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(path, data)
    if path.suffix.lower() in XLSX_SUFFIXES:
        raise file_problem(
            path,
            "filen er ikke et gyldig Excel-regneark (.xlsx)"
            + ("; den ser ut som tekst (CSV): gi den endelsen .csv" if _is_text(data) else ""),
        )
    return _read_csv(path, data, is_column)


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
    not_xlsx = (
        "filen er ikke et gyldig Excel-regneark (.xlsx)"
        if path.suffix.lower() in XLSX_SUFFIXES
        else "filen er en ZIP-fil, men ikke et Excel-regneark (.xlsx)"
    )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise file_problem(path, not_xlsx + "; er den avkortet?") from None
    if unpacked > MAX_XLSX_UNPACKED_MB * 1024 * 1024:
        raise file_problem(
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
        raise file_problem(path, not_xlsx) from None
    try:
        sheets = tuple(values.sheetnames)
        if not sheets:
            raise file_problem(path, "regnearket har ingen ark")
        sheet, formula_sheet = values.worksheets[0], formulas.worksheets[0]
        if (sheet.max_column or 0) > MAX_COLUMNS:
            raise _too_many_columns(path, sheet.max_column)
        cells = [list(row) for row in sheet.iter_rows(values_only=True)]
        formula_cells = list(formula_sheet.iter_rows(values_only=True))
    except ImportRejected:
        raise
    except Exception:  # openpyxl raises many types on damaged sheets
        raise file_problem(path, "Excel-regnearket er skadet og kan ikke leses") from None
    finally:
        values.close()
        formulas.close()
    header = _header_names(cells[0] if cells else [])
    if len(header) > MAX_COLUMNS:
        raise _too_many_columns(path, len(header))
    rows: list[list[Any]] = []
    numbers: list[int] = []
    unsaved: list[tuple[int, int, str]] = []
    for number, row in enumerate(cells[1:], start=2):
        written = formula_cells[number - 1] if number - 1 < len(formula_cells) else ()
        for column, (value, formula) in enumerate(zip(row, written, strict=False)):
            if value is None and isinstance(formula, str) and formula.startswith("="):
                unsaved.append((len(rows), column, formula))
                row[column] = formula
        if all(is_blank(v) for v in row):
            continue
        rows.append(row)
        numbers.append(number)
    return RawTable(header, rows, numbers, tuple(unsaved), sheets, _top(cells))


def _too_many_columns(path: Path, count: int) -> ImportRejected:
    return file_problem(path, f"filen har {count} kolonner; høyst {MAX_COLUMNS} er tillatt", row=1)


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


def _delimiter(lines: list[str], is_column: Callable[[str], bool]) -> str:
    """The delimiter that splits a line among the first into the most column
    names (two at least); else the one found most often in the first line
    that has one (a title above the header may have none)."""
    named, found = 1, ""
    for line in lines[:HEADER_SEARCH_ROWS]:
        for delimiter in DELIMITERS:
            names = sum(is_column(cell.strip(' "')) for cell in line.split(delimiter))
            if names > named:
                named, found = names, delimiter
    if found:
        return found
    for line in lines[:HEADER_SEARCH_ROWS]:
        if any(d in line for d in DELIMITERS):
            return max(DELIMITERS, key=line.count)
    return DELIMITERS[0]


def _read_csv(path: Path, data: bytes, is_column: Callable[[str], bool]) -> RawTable:
    if _is_utf16(data):
        raise file_problem(
            path,
            "filen er kodet som UTF-16 (Excels «Unicode-tekst»); lagre den som «CSV UTF-8»",
        )
    if not _is_text(data):
        raise file_problem(
            path, "filen ser ut til å være binær, ikke tekst; lagre den som CSV UTF-8 eller .xlsx"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise file_problem(
            path,
            f"filen er ikke UTF-8 (ugyldig byte 0x{data[err.start]:02x} på linje {line}); "
            "lagre den som «CSV UTF-8» i Excel",
        ) from None
    # LF, CRLF and the old Mac CR alike.
    delimiter = _delimiter(text[:65536].splitlines(), is_column)
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
        raise file_problem(path, _csv_error(err), len(records) + 1) from None
    finally:
        csv.field_size_limit(old_limit)
    header = _header_names(records[0])
    rows: list[list[Any]] = []
    numbers: list[int] = []
    for number, values in enumerate(records[1:], start=2):
        if any(v.strip() for v in values):
            rows.append(list(values))
            numbers.append(number)
    return RawTable(header, rows, numbers, top=_top(records))


def _header_names(cells: Sequence[Any]) -> list[str]:
    """Column names as written; an unnamed column gets a name that says where
    it is, so its values are neither merged nor lost."""
    names = ["" if v is None else str(v).strip() for v in cells]
    return [name or f"{UNNAMED}{get_column_letter(i + 1)})" for i, name in enumerate(names)]


def _top(records: Sequence[Sequence[Any]]) -> tuple[tuple[str, ...], ...]:
    return tuple(
        tuple("" if v is None else str(v).strip() for v in record)
        for record in records[:HEADER_SEARCH_ROWS]
    )
