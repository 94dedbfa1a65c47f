"""The views the dashboard draws and ``dekomp export`` writes.

Each view (``VIEWS``) is one parameterised SELECT over the version's facts
(core.data.facts), with the filter conditions of core.filters and an
explicit order; docs/exports.md documents its columns. ``statement`` gives
the SQL and its parameters for a filter state, after making the facts for
its as-of date the ones the snapshot reads; ``frame`` runs it. Filters
select rows: they never change how a number is computed, so an owner's
entitlement is the same whatever else is filtered.

Where to add a view: a function of the filter state returning its SELECT, in
the module of its domain (money, projects, compliance, overview), and a
``View`` in that module's ``VIEWS`` with its ORDER BY and the facts it reads.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any

from core.data import facts
from core.data.store import Snapshot, bind
from core.filters import Filters
from core.views import compliance, money, overview, projects
from core.views.overview import FilterOptions, KeyFigures, filter_options
from core.views.sql import View

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

VIEWS: dict[str, View] = {
    v.name: v for v in [*money.VIEWS, *compliance.VIEWS, *projects.VIEWS, *overview.VIEWS]
}

_COLUMN = re.compile(r"[a-z_][a-z0-9_]*")

__all__ = ["VIEWS", "FilterOptions", "KeyFigures", "View", "filter_options"]


def as_of(snap: Snapshot, f: Filters) -> dt.date:
    """``f``'s as-of date: the data's last date if it sets none."""
    return f.as_of if f.as_of is not None else facts.default_date(snap)


def statement(snap: Snapshot, view: str, f: Filters) -> tuple[str, dict[str, Any]]:
    """The view's SQL under ``f`` and the parameters it uses; the facts it
    reads are those of ``f``'s as-of date on ``snap``."""
    sql, params = _unordered(snap, view, f)
    return f"{sql} ORDER BY {VIEWS[view].order}", params


def _unordered(snap: Snapshot, view: str, f: Filters) -> tuple[str, dict[str, Any]]:
    """The view's SELECT without its ORDER BY, and the parameters it uses."""
    f = _with_facts(snap, f, VIEWS[view].facts)
    sql = VIEWS[view].sql(f)
    return sql, dict(bind(sql, f.sql_params()))


def _with_facts(snap: Snapshot, f: Filters, names: tuple[str, ...]) -> Filters:
    """``f`` with its as-of date filled in, once the facts ``names`` of that
    date are what ``snap`` reads."""
    day = as_of(snap, f)
    facts.use(snap, day, names)
    return f.with_as_of(day)


def frame(snap: Snapshot, view: str, f: Filters) -> pd.DataFrame:
    """The view's rows as a DataFrame with exact types (core.data.store)."""
    return snap.df(*statement(snap, view, f))


def table(snap: Snapshot, view: str, f: Filters) -> pa.Table:
    """The view's rows as Arrow (a card makes its table's rows of it)."""
    return snap.arrow(*statement(snap, view, f))


def page(
    snap: Snapshot, view: str, f: Filters, size: int, equal: dict[str, object] | None = None
) -> tuple[pa.Table, int]:
    """The first ``size`` rows of the view under ``f`` whose columns equal
    ``equal``'s values, as Arrow (a table card makes its rows without
    pandas), and how many there are in all (counted only when the page is
    full, without sorting them). The rows keep the view's order: filtering
    and cutting an ordered result preserve it."""
    sql, params = _unordered(snap, view, f)
    conditions = ["TRUE"]
    for i, (column, value) in enumerate(sorted((equal or {}).items())):
        if not _COLUMN.fullmatch(column):
            raise ValueError(f"not a column: {column!r}")
        conditions.append(f"v.{column} = $equal_{i}")
        params[f"equal_{i}"] = value
    where = " AND ".join(conditions)
    ordered = f"SELECT * FROM ({sql} ORDER BY {VIEWS[view].order}) v WHERE {where}"
    rows = snap.arrow(f"{ordered} LIMIT {int(size)}", params)
    if rows.num_rows < size:
        return rows, rows.num_rows
    return rows, int(snap.scalar(f"SELECT count(*) FROM ({sql}) v WHERE {where}", params))


def key_figures(snap: Snapshot, f: Filters) -> KeyFigures:
    """The overview's figures under ``f``: the sums of the views behind them."""
    f = _with_facts(snap, f, overview.KEY_FIGURE_FACTS)
    sql = overview.key_figures_sql(f)
    return overview.key_figures_of(snap.rows(sql, f.sql_params())[0])
