"""CSV exports of the views: the bytes that ``dekomp export`` writes and the
dashboard's download buttons send are made here, by the same function.

The ``csv`` dialect is for Python and R: UTF-8 without BOM, ``,``, decimal
point, the views' snake_case column names, CRLF line ends as RFC 4180 says
(so a lone CR inside a value is quoted too), empty cells for no value, dates
as YYYY-MM-DD, booleans as true/false.

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
from core.filters import Filters
from core.store import Snapshot

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


@dataclass(frozen=True)
class View:
    name: str
    build: Callable[[Snapshot, Filters], pd.DataFrame]
    description: str


VIEWS: dict[str, View] = {
    v.name: v
    for v in [
        View("distribution", views.distribution, "one row per owner and year"),
        View("forums", views.forums, "one row per forum and year"),
        View("compliance", views.compliance, "one row per rule and subject"),
        View("projects", views.projects, "latest status of every project as of the date"),
        View("status-history", views.status_history, "every status report up to the date"),
        View("status-by-month", views.status_by_month, "projects per status at each month end"),
        View(
            "funding-over-time",
            views.funding_over_time,
            "awarded, paid, spent, confirmed per month",
        ),
        View("municipalities", views.municipalities, "the distribution per municipality"),
        View("compliance-summary", views.compliance_summary, "statuses per forum and rule"),
        View("compliance-owners", views.compliance_owners, "statuses per owner"),
        View("spending-over-time", views.spending_over_time, "spent and budget per forum, month"),
        View("scheme-years", views.scheme_years, "the scheme's parameters per year"),
    ]
}


def cell(value: Any) -> str:
    """One value as CSV text in the csv dialect."""
    if value is None or value is pd.NaT:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return "" if value != value else repr(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, pd.Timestamp | dt.datetime):
        if value.hour == value.minute == value.second == value.microsecond == 0:
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if value is pd.NA:
        return ""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def python_rows(frame: pd.DataFrame) -> Iterator[list[Any]]:
    """Rows as Python values: nullable integer and boolean columns give
    ints and bools, never floats."""
    columns = [frame[c].astype(object).where(frame[c].notna(), None) for c in frame.columns]
    for values in zip(*columns, strict=True):
        yield [v.item() if hasattr(v, "item") and not isinstance(v, Decimal) else v for v in values]


def write_csv(frame: pd.DataFrame, out: BinaryIO) -> int:
    """Write ``frame`` in the csv dialect; returns the number of data rows."""
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(frame.columns)
    count = 0
    for row in python_rows(frame):
        writer.writerow([cell(v) for v in row])
        count += 1
    text.flush()
    text.detach()
    return count


def csv_bytes(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    write_csv(frame, buffer)
    return buffer.getvalue()


def export(snap: Snapshot, view: str, f: Filters, out: BinaryIO) -> int:
    """Build ``view`` under the filters and write it; returns the row count."""
    return write_csv(VIEWS[view].build(snap, f), out)


def file_name(view: str, f: Filters, version_id: int) -> str:
    """dekomp_fordeling_2018_forum-follo_v12.csv: the view, the filters and
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
    return "_".join(parts) + ".csv"


def rows_of(frame: pd.DataFrame) -> Iterable[list[str]]:
    """The cells of a frame as the export writes them, for tests and totals."""
    return ([cell(v) for v in row] for row in python_rows(frame))
