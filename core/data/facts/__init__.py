"""The base facts of a data version, as of a date: what every view reads.

A view (core.views) is one query over these tables. They are computed here,
by one function per fact, for one as-of date:

- when a version is published, for the data's last date (the default of the
  date filter), and stored in the version file as ``fact_<name>``;
- when someone asks for another date, by the same functions for that date,
  kept per version and date (the store's result cache) and registered on the
  request's cursor under the same names, where they shadow the stored ones.

So a number has one path from the data tables to a chart, whatever the date.
Facts that do not depend on the date (``dated=False``: entitlement, forum
members, municipality numbers) are read from the version file at any date.
A version file without facts of this shape (published by an older release)
is answered the same way as another date, from facts computed on demand;
``dekomp derive`` publishes it again with stored facts.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from core.data.facts.money import entitlement, forum_years, money_events, owner_years
from core.data.facts.places import map_numbers, members, related_municipalities, scheme_years
from core.data.facts.projects import latest_status, project_months
from core.data.facts.rules import rule_rows
from core.data.store import Snapshot

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa

# The shape of the fact tables: bump when a fact's columns or meaning change,
# so that a version file with facts of another shape is never read as this one.
SHAPE = 2
META = "fact_meta"

# The default as-of date: the last date anything in the data happened, so an
# export gives the same bytes whenever it is made.
_DATA_DATE = """
SELECT greatest(
    (SELECT max(report_date) FROM status_report), (SELECT max(paid_date) FROM payment),
    (SELECT max(decision_date) FROM award), (SELECT max(received_date) FROM needs_report),
    (SELECT max(received_date) FROM confirmation))
"""


def data_date(snap: Snapshot) -> dt.date:
    """The data's last date (2017-01-01 for a version with no dated rows)."""
    return snap.scalar(_DATA_DATE) or dt.date(2017, 1, 1)


# --- Stored at publish, computed for another date --------------------------------


@dataclass(frozen=True)
class Fact:
    build: Callable[[Snapshot, dt.date], pa.Table]
    dated: bool = True  # depends on the as-of date
    needs: tuple[str, ...] = ()  # facts it reads
    # Long text a table card shows row by row, stored uncompressed: reading
    # one forum's or municipality's rows out of DuckDB's FSST-compressed
    # segments was a quarter of the rules card's first answer (5.1 -> 4.0 ms
    # median over 48 filter states at national scale; the file no larger).
    uncompressed: tuple[str, ...] = ()


# In the order they are computed: a fact after those it reads.
FACTS: dict[str, Fact] = {
    "scheme_years": Fact(scheme_years, dated=False),
    "related": Fact(related_municipalities, dated=False),
    "map_numbers": Fact(map_numbers, dated=False),
    "members": Fact(members, dated=False),
    "entitlement": Fact(entitlement, dated=False),
    "owner_years": Fact(owner_years, needs=("entitlement",)),
    "forum_years": Fact(forum_years, needs=("entitlement",)),
    "projects": Fact(latest_status),
    "rules": Fact(
        rule_rows,
        needs=("entitlement", "projects"),
        uncompressed=("subject_name", "measured", "required", "explanation"),
    ),
    "project_months": Fact(project_months),
    "money_events": Fact(money_events),
}


def stored_date(snap: Snapshot) -> dt.date | None:
    """The date the version's stored facts are for, or None when it has
    none of this shape (read once per version)."""
    return snap.memo(("fact-date",), lambda: _stored_date(snap))


def _stored_date(snap: Snapshot) -> dt.date | None:
    found = snap.scalar(
        "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'main' AND table_name = $name",
        {"name": META},
    )
    if not found:
        return None
    rows = snap.rows(f"SELECT as_of, shape FROM {META}")
    return rows[0][0] if rows and rows[0][1] == SHAPE else None


def default_date(snap: Snapshot) -> dt.date:
    """The as-of date when none is chosen: the data's last date."""
    return stored_date(snap) or snap.memo(("data-date",), lambda: data_date(snap))


def use(snap: Snapshot, as_of: dt.date, names: tuple[str, ...]) -> None:
    """Make the facts ``names`` (and those they read) as of ``as_of`` what
    the snapshot's queries read as ``fact_<name>``: the stored tables when
    they are for that date, else the facts computed for it (once per version
    and date) registered in their place."""
    stored = stored_date(snap)
    for name in _with_needs(names):
        fact = FACTS[name]
        if stored is not None and (stored == as_of or not fact.dated):
            snap.unregister(f"fact_{name}")
            continue
        key = ("fact", name, as_of if fact.dated else None)
        table = snap.memo(key, functools.partial(fact.build, snap, as_of))
        snap.register(f"fact_{name}", table)


def _with_needs(names: tuple[str, ...]) -> list[str]:
    wanted: set[str] = set()

    def add(name: str) -> None:
        if name not in wanted:
            wanted.add(name)
            for need in FACTS[name].needs:
                add(need)

    for name in names:
        add(name)
    return [name for name in FACTS if name in wanted]  # needs first


def refresh(conn: duckdb.DuckDBPyConnection, snap: Snapshot) -> None:
    """Compute and store every fact as of the data's last date, inside the
    publishing transaction: a version is published with its facts or not
    at all. ``snap`` reads the version being built."""
    conn.execute("SET enable_progress_bar = false")  # a long build prints none to the CLI
    as_of = data_date(snap)
    for (table,) in conn.execute(
        "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' "
        "AND (table_name LIKE 'fact\\_%' ESCAPE '\\' OR table_name LIKE 'derived\\_%' ESCAPE '\\')"
    ).fetchall():
        conn.execute(f'DROP TABLE "{table}"')  # an earlier release's tables too
    for name, fact in FACTS.items():
        snap.register("new_fact", fact.build(snap, as_of))
        columns = ", ".join(
            f'"{column}" {kind}'
            + (" USING COMPRESSION uncompressed" if column in fact.uncompressed else "")
            for column, kind, *_ in conn.execute("DESCRIBE SELECT * FROM new_fact").fetchall()
        )
        conn.execute(f"CREATE TABLE fact_{name} ({columns})")
        conn.execute(f"INSERT INTO fact_{name} SELECT * FROM new_fact")
        snap.unregister("new_fact")
    conn.execute(
        f"CREATE TABLE {META} AS SELECT $as_of::DATE AS as_of, $shape AS shape",
        {"as_of": as_of, "shape": SHAPE},
    )
