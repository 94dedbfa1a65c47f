"""CSV exports of the views: the bytes that ``dekomp export`` writes and the
dashboard's download buttons send are made here, by the same function.

Two dialects. ``excel`` (the UI's default) opens cleanly in Norwegian
Excel: UTF-8 with BOM, ``;``, decimal comma, Norwegian column headers
(core.columns). ``csv`` is for Python and R: UTF-8 without BOM, ``,``,
decimal point, the views' snake_case column names. Both: CRLF line ends as
RFC 4180 says (so a CR or LF inside a value is quoted), empty cells for no
value, dates as YYYY-MM-DD, booleans as true/false.

In every dialect a text cell that begins with ``=``, ``+``, ``-``, ``@``, TAB,
CR or LF gets a leading ``'`` so a spreadsheet never runs it as a formula
(OWASP "CSV injection"); numbers are never touched.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, BinaryIO

import pandas as pd

from core import views
from core.columns import header
from core.filters import Filters
from core.store import Snapshot

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


@dataclass(frozen=True)
class View:
    name: str
    build: Callable[[Snapshot, Filters], pd.DataFrame]
    description: str
    # Rows repeat a level (spent to date per report or month): money there
    # does not add up, so a snapshot's totals leave these views out.
    summable: bool = True


VIEWS: dict[str, View] = {
    v.name: v
    for v in [
        View("distribution", views.distribution, "one row per owner and year"),
        View("forums", views.forums, "one row per forum and year"),
        View("compliance", views.compliance, "one row per rule and subject"),
        View("projects", views.projects, "latest status of every project as of the date"),
        View(
            "status-history",
            views.status_history,
            "every status report up to the date",
            summable=False,
        ),
        View("status-by-month", views.status_by_month, "projects per status at each month end"),
        View(
            "funding-over-time",
            views.funding_over_time,
            "awarded, paid, spent, confirmed per month",
        ),
        View("municipalities", views.municipalities, "the distribution per municipality"),
        View("compliance-summary", views.compliance_summary, "statuses per forum and rule"),
        View("compliance-owners", views.compliance_owners, "statuses per owner"),
        View(
            "spending-over-time",
            views.spending_over_time,
            "spent and budget per forum, month",
            summable=False,
        ),
        View("scheme-years", views.scheme_years, "the scheme's parameters per year"),
    ]
}


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


def cell(value: Any, dialect: Dialect = CSV) -> str:
    """One value as CSV text in ``dialect``."""
    if value is None or value is pd.NaT or value is pd.NA:
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
    if isinstance(value, pd.Timestamp | dt.datetime):
        if value.hour == value.minute == value.second == value.microsecond == 0:
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def python_rows(frame: pd.DataFrame) -> Iterator[list[Any]]:
    """Rows as Python values: nullable integer and boolean columns give
    ints and bools, never floats."""
    columns = [frame[c].astype(object).where(frame[c].notna(), None) for c in frame.columns]
    for values in zip(*columns, strict=True):
        yield [v.item() if hasattr(v, "item") and not isinstance(v, Decimal) else v for v in values]


def headers(columns: Iterable[str], dialect: Dialect) -> list[str]:
    if dialect.norwegian_headers:
        return [header(c, "nb") for c in columns]
    return list(columns)


def write_rows(
    columns: list[str], rows: Iterable[Iterable[Any]], out: BinaryIO, dialect: Dialect = CSV
) -> int:
    """Write a header and rows of Python values; returns the number of rows."""
    if dialect.bom:
        out.write(b"\xef\xbb\xbf")
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    writer = csv.writer(text, delimiter=dialect.delimiter, lineterminator="\r\n")
    writer.writerow(headers(columns, dialect))
    count = 0
    for row in rows:
        writer.writerow([cell(v, dialect) for v in row])
        count += 1
    text.flush()
    text.detach()
    return count


def write_csv(frame: pd.DataFrame, out: BinaryIO, dialect: Dialect = CSV) -> int:
    """Write ``frame`` in ``dialect``; returns the number of data rows."""
    return write_rows(list(frame.columns), python_rows(frame), out, dialect)


def csv_bytes(frame: pd.DataFrame, dialect: Dialect = CSV) -> bytes:
    buffer = io.BytesIO()
    write_csv(frame, buffer, dialect)
    return buffer.getvalue()


def export(snap: Snapshot, view: str, f: Filters, out: BinaryIO, dialect: Dialect = CSV) -> int:
    """Build ``view`` under the filters and write it; returns the row count.
    The long status history is streamed from DuckDB in batches."""
    if view == "status-history":
        f = views.resolve(snap, f)
        result = snap.relation(views.status_history_sql(f), f.sql_params())
        columns = [d[0] for d in result.description]
        return write_rows(columns, _batches(result), out, dialect)
    return write_csv(VIEWS[view].build(snap, f), out, dialect)


def view_bytes(snap: Snapshot, view: str, f: Filters, dialect: Dialect = CSV) -> bytes:
    buffer = io.BytesIO()
    export(snap, view, f, buffer, dialect)
    return buffer.getvalue()


def _batches(result: Any, size: int = 50_000) -> Iterator[tuple]:
    while rows := result.fetchmany(size):
        yield from rows


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
