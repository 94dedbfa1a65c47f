"""Derived tables: the views' unfiltered results, computed once when a
version is published and stored in the version file beside the data.

A version never changes, and nearly every request asks for the data "as of"
its last date (the default). So the expensive parts (entitlement by largest
remainder, the compliance rules, the latest status of every project, the
month-by-month series) are computed at publish time for that date, and a
filter click only selects rows from a table of a few thousand rows.

Every derived table is made by the same code that answers a request live
(``core.views``), with no filter but the as-of date, plus a ``_pos`` column
that keeps the live order. A filtered read of a derived table selects the rows
the live query would have produced: the filters never change how a number is
computed (see core.views), and tests/store/test_derived.py checks, view by
view and filter by filter, that both give the same frame.

A request with another as-of date (the date filter) is answered live.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import duckdb

    from core.store import Snapshot

META = "derived_meta"
# Bump when a derived table's definition changes: a version file built with
# another layout is read live, never through tables of the wrong shape.
LAYOUT = 12


@dataclass(frozen=True)
class Meta:
    as_of: dt.date  # the date the tables were computed for: the data's last date


def meta(snap: Snapshot) -> Meta | None:
    """The derived tables' date for this version, or None when it has none
    (a version published before they existed, or of another layout); read
    once per version (the store's result cache)."""
    return snap.memo(("derived-meta",), lambda: _read_meta(snap))


def _read_meta(snap: Snapshot) -> Meta | None:
    has_meta = snap.scalar(
        "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'main' AND table_name = $name",
        {"name": META},
    )
    if not has_meta:
        return None
    row = snap.rows(f"SELECT as_of, layout FROM {META}")
    return Meta(row[0][0]) if row and row[0][1] == LAYOUT else None


# Long text that a table card shows row by row, stored uncompressed: opening
# DuckDB's FSST-compressed segments of it was the largest fixed cost of the
# rules card's first answer (0.3-1.3 ms less under every kind of filter at
# national scale; a few MB more per version).
UNCOMPRESSED = {"compliance": ("subject_name", "measured", "required", "explanation")}


def _columns(conn: duckdb.DuckDBPyConnection, name: str) -> str:
    """The column definitions of ``derived_<name>``: those of the frame."""
    plain = UNCOMPRESSED.get(name, ())
    return ", ".join(
        f'"{column}" {kind}' + (" USING COMPRESSION uncompressed" if column in plain else "")
        for column, kind, *_ in conn.execute("DESCRIBE SELECT * FROM derived_frame").fetchall()
    )


def refresh(conn: duckdb.DuckDBPyConnection, path: Path) -> None:
    """(Re)compute every derived table inside the publishing transaction."""
    from core import views
    from core.filters import Filters
    from core.store import Snapshot

    snap = Snapshot(conn, path)  # the staging copy, no cache
    conn.execute("SET enable_progress_bar = false")  # a long build prints none to the CLI
    with views.live():
        as_of = views.data_date(snap)
        everything = Filters(as_of=as_of)
        for name, build in views.DERIVED.items():
            frame = build(snap, everything)
            snap.register("derived_frame", frame.assign(_pos=range(len(frame))))
            conn.execute(f"CREATE OR REPLACE TABLE derived_{name} ({_columns(conn, name)})")
            # Stored in live order: a plain filtered read keeps it (core.views._select).
            conn.execute(f"INSERT INTO derived_{name} SELECT * FROM derived_frame ORDER BY _pos")
            conn.unregister("derived_frame")
    conn.execute(
        f"CREATE OR REPLACE TABLE {META} AS SELECT $as_of::DATE AS as_of, $layout AS layout",
        {"as_of": as_of, "layout": LAYOUT},
    )
