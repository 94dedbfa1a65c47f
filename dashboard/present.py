"""Turning a view's DataFrame into what the browser shows: table columns and
rows for AG Grid in the user's language (``locale(lang)`` gives the Babel
locale for core.fmt), and a column's values, texts and labels for a chart
(dashboard.charts draws them).

The table twin of a chart shows the same rows and columns as its CSV
download; only the headers are translated and the numbers formatted.
"""

from __future__ import annotations

import functools
import html
import math
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from core.filters import OWNER_TYPES
from dashboard.i18n import BABEL_LOCALES, translator, valid

SHARE_COLUMNS = {
    "institution_share_agreed",
    "institution_share_actual",
    "spent_share",
    "cofinancing_rate",
}
STATUS_COLUMNS = {"status"}
STATUS_CLASSES = {
    "breach": "status-breach",
    "warning": "status-warning",
    "ok": "status-ok",
    "not_applicable": "status-na",
}


def locale(lang: str) -> str:
    return BABEL_LOCALES[valid(lang)]


def records(rows: pa.Table) -> list[dict[str, Any]]:
    """Rows as JSON-ready dicts: exact numbers as numbers, dates as ISO text,
    no value as None. Column by column, from Arrow (three times faster than
    Arrow to pandas to rows): a card's table is up to MAX_TABLE_ROWS rows of
    twenty columns on every filter click."""
    names = list(rows.column_names)
    columns = [_json_values(c) for c in rows.columns]
    return [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]


def _json_values(column: pa.ChunkedArray) -> list[Any]:
    """An Arrow column (with core.data.store's types) as JSON values."""
    kind = column.type
    if pa.types.is_decimal(kind):
        numbers, scale = unscaled(column)
        return [None if n is None else n / scale for n in numbers]
    if pa.types.is_date32(kind):
        return column.cast(pa.string()).to_pylist()
    values = column.to_pylist()
    if pa.types.is_date(kind) or pa.types.is_timestamp(kind):
        return [None if v is None else v.isoformat() for v in values]
    if pa.types.is_floating(kind):
        return [None if v is None or v != v else v for v in values]
    return values


def unscaled(column: pa.Array | pa.ChunkedArray) -> tuple[list[int | None], int]:
    """A DECIMAL column as integers and the power of ten they are over.
    ``n / scale`` is float(Decimal) without making Decimals (one correctly
    rounded division; Arrow's own cast to float is off by one unit in the
    last place for some values), and a table's DECIMAL columns took most of
    its rows' time as Decimal objects."""
    scale = 10**column.type.scale
    return pc.cast(pc.multiply(column, pa.scalar(scale)), pa.int64()).to_pylist(), scale


def column_defs(
    rows: pa.Table,
    lang: str,
    wrap: tuple[str, ...] = (),
    hidden: tuple[str, ...] = (),
    first: tuple[str, ...] = (),
) -> list[dict[str, Any]]:
    """AG Grid columns: translated headers, numbers right-aligned and
    formatted, statuses as text with a coloured badge class. They depend
    only on the columns' kinds and the language, so they are made once per
    kind of table: the same list is handed out each time, to be read only
    (Dash writes it to JSON; a deep copy took 0.25 ms a call)."""
    number = (pa.types.is_integer, pa.types.is_floating, pa.types.is_decimal)
    kinds = tuple(
        (field.name, "number" if any(test(field.type) for test in number) else "other")
        for field in rows.schema
    )
    return _column_defs(kinds, valid(lang), wrap, hidden, first)


@functools.lru_cache(maxsize=256)
def _column_defs(
    kinds: tuple[tuple[str, str], ...],
    lang: str,
    wrap: tuple[str, ...],
    hidden: tuple[str, ...],
    first: tuple[str, ...],
) -> list[dict[str, Any]]:
    tr = translator(lang)
    tag = locale(lang).replace("_", "-")  # "nb-NO", as the browser's Intl writes it
    defs = []
    kind_of = dict(kinds)
    ordered = [c for c in first if c in kind_of]
    ordered += [c for c in kind_of if c not in ordered]
    for column in ordered:
        spec: dict[str, Any] = {"field": column, "headerName": tr(f"col.{column}")}
        if column in SHARE_COLUMNS:
            formatter = f"formatPercent(params.value, '{tag}')"
            spec |= {"type": "rightAligned", "valueFormatter": {"function": formatter}}
        elif column == "year":
            spec |= {"width": 90}
        elif kind_of[column] == "number":
            digits = 1 if column.endswith("fte") or column == "deviation_pct" else 0
            formatter = f"formatNumber(params.value, '{tag}', {digits})"
            spec |= {"type": "rightAligned", "valueFormatter": {"function": formatter}}
        if column in STATUS_COLUMNS:
            spec |= {
                "valueFormatter": _label_formatter(tr, "status.", STATUS_CODES),
                "cellClassRules": {
                    css: f"params.value === '{code}'" for code, css in STATUS_CLASSES.items()
                },
            }
        if column == "owner_type":
            spec["valueFormatter"] = _label_formatter(tr, "owner_type.", OWNER_TYPES)
        if column == "title":
            spec |= {"minWidth": 340, "tooltipField": "title"}
        if column in wrap:
            spec |= {
                "wrapText": True,
                "autoHeight": True,
                "minWidth": 360,
                "flex": 1,
                # AG Grid's row line height is too tall for wrapped prose.
                "cellStyle": {"lineHeight": "1.35", "paddingTop": "6px", "paddingBottom": "6px"},
            }
        if column in hidden:
            spec["hide"] = True
        defs.append(spec)
    return defs


PROJECT_STATUSES = ("planned", "started", "ongoing", "completed", "delayed", "cancelled")
STATUS_CODES = (*STATUS_CLASSES, *PROJECT_STATUSES)  # a "status" column holds either


def _label_formatter(tr: Any, prefix: str, codes: Iterable[str]) -> dict[str, str]:
    """A cell's code shown as its label (catalog key ``prefix + code``)."""
    pairs = ", ".join(f"'{code}': '{tr(prefix + code)}'" for code in codes)
    return {"function": f"({{{pairs}}})[params.value] || params.value"}


# --- a chart's columns -------------------------------------------------------


def items(column: Iterable[Any]) -> Iterable[Any]:
    """A column's values: a pandas column converted at once (iterating an
    Arrow-backed column value by value is several times slower)."""
    tolist = getattr(column, "tolist", None)
    return tolist() if tolist is not None else column


def values(column: Iterable[Any]) -> list[Any]:
    """A chart's column as JSON values: numbers as int or float, no value as
    None (a table's cells: ``records``)."""
    if isinstance(column, pd.Series) and column.dtype.kind in "iuf":
        # Integers and floats (numpy's or pandas' nullable) through Arrow,
        # NA and NaN as None: the loop below takes several times as long.
        return pa.Array.from_pandas(column.array).to_pylist()
    if (
        isinstance(column, pd.Series)
        and isinstance(column.dtype, pd.ArrowDtype)
        and pa.types.is_decimal(column.dtype.pyarrow_dtype)  # DECIMAL (core.data.store)
    ):
        return _decimal_values(pa.Array.from_pandas(column.array))
    out: list[Any] = []
    for v in items(column):
        if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
            out.append(None)
        elif isinstance(v, bool | str):
            out.append(v)
        elif isinstance(v, Decimal):
            out.append(int(v) if v == v.to_integral_value() else float(v))
        elif hasattr(v, "__index__"):  # int, numpy integers
            out.append(int(v))
        elif hasattr(v, "__float__"):  # float, numpy floats
            out.append(float(v))
        else:
            out.append(str(v))
    return out


def _decimal_values(array: pa.Array) -> list[Any]:
    """A DECIMAL column as ``values`` gives it: whole numbers as int, others
    as float(Decimal) would (``unscaled``)."""
    numbers, scale = unscaled(array)
    return [None if n is None else n // scale if n % scale == 0 else n / scale for n in numbers]


def texts(column: Iterable[Any]) -> list[str]:
    return [str(v) for v in items(column)]


def plain(column: Iterable[Any]) -> list[str]:
    """Imported text for labels, legends and hover, shown literally: Plotly
    reads <b>, <a href> and <br> in them, so <, > and & are escaped."""
    return [html.escape(str(v), quote=False) for v in items(column)]
