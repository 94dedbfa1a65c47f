"""The third pass of an import: a parsed file's rows checked against each
other and against the database, inside the import's transaction, then
written; and the warnings a plausible but surprising file deserves.

The file's rows are the DuckDB view ``incoming`` (one column per model field
plus ``ROW``, the row's number as Excel shows it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from core import fmt
from core.data.kinds import Kind
from core.data.problems import Problem

ROW = "__row"  # the Excel row number carried through the checks
CHANGE_WARNED = Decimal("0.5")  # a year-over-year change above this share is worth a look


@dataclass(frozen=True)
class ParsedFile:
    kind: Kind
    path: Path
    sha256: str
    frame: pd.DataFrame  # one column per model field plus ROW
    problems: tuple[Problem, ...]
    written: dict[str, str]  # column key -> its header as written in the file

    def shown(self, columns: Iterable[str]) -> str:
        """Columns named as the file names them, for messages."""
        return ", ".join(self.written.get(c, c) for c in columns)


def shown(value: Any) -> str | None:
    """A value as a problem report shows it."""
    if value is None:
        return None
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


def _sql_list(columns: Iterable[str], prefix: str = "") -> str:
    return ", ".join(f"{prefix}{c}" for c in columns)


def _not_null(columns: Iterable[str], prefix: str = "") -> str:
    return " AND ".join(f"{prefix}{c} IS NOT NULL" for c in columns)


def check(conn: duckdb.DuckDBPyConnection, parsed: ParsedFile) -> list[Problem]:
    """The problems of the file's rows (view ``incoming``) against each other
    and against the database, in the import's transaction."""
    kind, name = parsed.kind, parsed.path.name
    problems: list[Problem] = []

    def add(row: int, columns: Sequence[str], value: Any, rule: str, message: str) -> None:
        problems.append(Problem(name, row, parsed.shown(columns), shown(value), rule, message))

    for key in kind.keys:
        cols = _sql_list(key)
        label = parsed.shown(key)
        for row, first, *values in conn.execute(
            f"SELECT {ROW}, min({ROW}) OVER w, {cols} FROM incoming WHERE {_not_null(key)} "
            f"WINDOW w AS (PARTITION BY {cols}) "
            f"QUALIFY count(*) OVER w > 1 AND {ROW} <> min({ROW}) OVER w ORDER BY {ROW}"
        ).fetchall():
            add(
                row,
                key,
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
                key,
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
                others,
                " / ".join(map(str, values)),
                "consistent",
                f"{parsed.shown(others)} skal være lik på alle rader for samme {key_sql}",
            )
        join = " AND ".join(f"t.{c} = i.{c}" for c in parent.key)
        differs = " OR ".join(f"t.{c} IS DISTINCT FROM i.{c}" for c in others)
        for row, *values in conn.execute(
            f"SELECT i.{ROW}, {_sql_list(others, 't.')} FROM incoming i "
            f"JOIN {parent.table} t ON {join} WHERE {differs} ORDER BY i.{ROW}"
        ).fetchall():
            add(
                row,
                others,
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
                ref.columns,
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
            add(
                row,
                [owner],
                owner_id,
                "owner_active",
                f"{owner_name} fantes ikke som skoleeier i {year_value} "
                f"(aktiv {_span(start, end)})",
            )

    if kind.name == "owners":
        for row, knr, m_name, start, end, active_from in conn.execute(
            f"SELECT i.{ROW}, i.knr, m.name, m.valid_from, m.valid_to, i.active_from "
            "FROM incoming i JOIN municipality m ON m.knr = i.knr "
            "WHERE i.active_from NOT BETWEEN m.valid_from AND coalesce(m.valid_to, 9999) "
            "ORDER BY i." + ROW
        ).fetchall():
            add(
                row,
                ["knr"],
                knr,
                "municipality_year",
                f"kommunenummer {knr} ({m_name}) fantes ikke i {active_from} "
                f"(gyldig {_span(start, end)})",
            )
        for row, column, value, message in _one_owner_at_a_time(conn):
            add(row, [column], value, "one_owner", message)
    return problems


def write(conn: duckdb.DuckDBPyConnection, parsed: ParsedFile) -> None:
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


def _span(start: int, end: int | None) -> str:
    return f"{start}–{end}" if end else f"fra {start}"


# Owners of the file (i) against every other owner, in the database or on an
# earlier row of the file (o), whose active years overlap. What they must not
# share: a municipality's number (two municipal owners), a county's region
# (two county authorities; a county authority has no municipality number, and
# its region is the county it serves), or the same name and number.
_OTHER = "o.owner_id, o.name, o.active_from, o.active_to, o.other_row"
_OVERLAPPING = f"""
    o.owner_id <> i.owner_id
    AND (o.other_row IS NULL OR o.other_row < i.{ROW})
    AND i.active_from <= coalesce(o.active_to, 9999)
    AND o.active_from <= coalesce(i.active_to, 9999)
"""
_OWNER_CONFLICTS = f"""
WITH others AS (
    SELECT owner_id, name, owner_type::VARCHAR AS owner_type, knr, region_id,
           active_from, active_to, NULL::BIGINT AS other_row
    FROM school_owner
    UNION ALL
    SELECT owner_id, name, owner_type, knr, region_id, active_from, active_to, {ROW}
    FROM incoming
), pairs AS (
    SELECT i.{ROW} AS row, 1 AS conflict, {_OTHER}
    FROM incoming i JOIN others o ON o.knr = i.knr
    WHERE i.owner_type = 'municipality' AND o.owner_type = 'municipality' AND {_OVERLAPPING}
    UNION ALL
    SELECT i.{ROW}, 2, {_OTHER}
    FROM incoming i JOIN others o ON o.region_id = i.region_id
    WHERE i.owner_type = 'county_authority' AND o.owner_type = 'county_authority'
      AND {_OVERLAPPING}
    UNION ALL
    SELECT i.{ROW}, 3, {_OTHER}
    FROM incoming i JOIN others o ON lower(trim(o.name)) = lower(trim(i.name))
    WHERE o.knr IS NOT DISTINCT FROM i.knr AND (i.knr IS NOT NULL OR o.region_id = i.region_id)
      AND {_OVERLAPPING}
)
SELECT p.row, p.conflict, i.knr, i.region_id, i.name, {_OTHER.replace("o.", "p.")}
FROM pairs p JOIN incoming i ON i.{ROW} = p.row
QUALIFY row_number() OVER (PARTITION BY p.row ORDER BY p.conflict, p.other_row NULLS FIRST) = 1
ORDER BY p.row
"""


def _one_owner_at_a_time(
    conn: duckdb.DuckDBPyConnection,
) -> Iterable[tuple[int, str, str, str]]:
    """(row, column, value, message) for each owner that duplicates another."""
    for (
        row,
        conflict,
        knr,
        region,
        owner_name,
        other_id,
        other,
        start,
        end,
        other_row,
    ) in conn.execute(_OWNER_CONFLICTS).fetchall():
        where = f"på rad {other_row}" if other_row is not None else "i databasen"
        existing = f"{other} ({other_id}, aktiv {_span(start, end)}) {where}"
        if conflict == 1:
            yield (
                row,
                "knr",
                knr,
                f"kommunenummer {knr} har allerede en kommune som skoleeier: {existing}; "
                "bare én kommune kan være skoleeier for et kommunenummer om gangen",
            )
        elif conflict == 2:
            yield (
                row,
                "region_id",
                region,
                f"regionen {region} har allerede en fylkeskommune som skoleeier: {existing}; "
                "bare én fylkeskommune kan være skoleeier i et fylke om gangen",
            )
        else:
            yield (
                row,
                "name",
                owner_name,
                f"samme navn og kommunenummer som {existing}; to skoleeiere kan ikke ha "
                "samme navn og nummer samtidig",
            )


# Year-over-year pairs of a table with at least one side in the file, and a
# change of more than CHANGE_WARNED; the row reported is the later year's if
# it is in the file, else the earlier year's.
def _changes(table: str, key: Sequence[str], value: str) -> str:
    same = " AND ".join(f"b.{c} = a.{c}" for c in key)
    at = " AND ".join(f"{{i}}.{c} = p.{c}" for c in key)
    return f"""
WITH pairs AS (
    SELECT {_sql_list(key, "a.")}, a.year AS y0, a.{value} AS v0, b.year AS y1, b.{value} AS v1
    FROM {table} a JOIN {table} b ON {same} AND b.year = a.year + 1
    WHERE abs(b.{value} - a.{value}) > $share * a.{value} OR (a.{value} = 0 AND b.{value} > 0)
)
SELECT coalesce(i1.{ROW}, i0.{ROW}) AS row, {_sql_list(key, "p.")}, y0, v0, y1, v1,
       i1.{ROW} IS NOT NULL AS later
FROM pairs p
LEFT JOIN incoming i1 ON {at.format(i="i1")} AND i1.year = p.y1
LEFT JOIN incoming i0 ON {at.format(i="i0")} AND i0.year = p.y0
WHERE i1.{ROW} IS NOT NULL OR i0.{ROW} IS NOT NULL
ORDER BY row
"""


def _percent(before: Decimal, after: Decimal) -> str:
    if before == 0:
        return "fra 0"
    return f"{(after - before) / before:+.0%}".replace("%", " %")


def warnings(conn: duckdb.DuckDBPyConnection, parsed: ParsedFile) -> list[Problem]:
    """Teacher FTE of an owner and school level, or a region's frame, that
    changes by more than half from one year to the next, where the file
    holds either year. Written already: the pairs may span file and database."""
    found: list[Problem] = []
    share = {"share": CHANGE_WARNED}
    name = parsed.path.name

    def warn(row: int, column: str, value: str, message: str) -> None:
        found.append(Problem(name, row, parsed.shown([column]), value, "change", message))

    if parsed.kind.name == "fte":
        names = dict(conn.execute("SELECT owner_id, name FROM school_owner").fetchall())
        levels = {"compulsory": "grunnskole", "upper_secondary": "videregående"}
        query = _changes("teacher_fte", ("owner_id", "school_level"), "fte")
        for row, owner, level, y0, v0, y1, v1, later in conn.execute(query, share).fetchall():
            warn(
                row,
                "fte",
                fmt.number(v1 if later else v0),
                f"lærerårsverk for {names.get(owner, owner)} ({levels.get(level, level)}) "
                f"endres fra {fmt.number(v0)} i {y0} til {fmt.number(v1)} i {y1} "
                f"({_percent(v0, v1)}); sjekk at tallet er riktig",
            )
    if parsed.kind.name == "frames":
        query = _changes("scheme_year", ("region_id",), "frame_nok")
        for row, region, y0, v0, y1, v1, later in conn.execute(query, share).fetchall():
            warn(
                row,
                "frame_nok",
                fmt.number(v1 if later else v0, digits=0),
                f"rammen for {region} endres fra {fmt.nok(v0)} i {y0} til {fmt.nok(v1)} "
                f"i {y1} ({_percent(Decimal(v0), Decimal(v1))}); sjekk at tallet er riktig",
            )
    return found
