"""The views the dashboard draws and ``dekomp export`` writes: each is a
function of a snapshot and the filter state that returns a tidy DataFrame
with documented columns (docs/exports.md).

Aggregation happens in DuckDB; the pure rules (apportionment, compliance) run
in Python on the small frames the queries return. Filters select rows: they
never change how a number is computed, so an owner's entitlement is the same
whatever else is filtered.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pandas as pd
import pyarrow as pa

from core import compliance as rules
from core import derived, selection
from core.allocation import OwnerFte, entitlements
from core.filters import Filters, combine, forum_condition, owner_condition, year_condition
from core.store import Snapshot

# The as-of date and the statements that export without pandas live in
# core.viewsql; the views use the same ones.
from core.viewsql import data_date, status_history_sql
from core.viewsql import project_where as _project_where

# --- Derived tables or live queries --------------------------------------------

_live = contextvars.ContextVar("live", default=False)


@contextlib.contextmanager
def live() -> Iterator[None]:
    """Answer from the data tables only, never from derived tables (how the
    derived tables are built, and what tests compare them with)."""
    token = _live.set(True)
    try:
        yield
    finally:
        _live.reset(token)


def _derived(snap: Snapshot, f: Filters) -> bool:
    """Whether the version's derived tables answer for ``f``'s as-of date."""
    if _live.get():
        return False
    found = derived.meta(snap)
    return found is not None and found.as_of == f.as_of


def _params(snap: Snapshot, f: Filters) -> tuple[selection.Selection, dict[str, object]]:
    """The owner filters as keys for the derived tables, and the parameters
    of a derived query (the filter state's and the keys')."""
    chosen = selection.select(snap, f)
    return chosen, {**f.sql_params(), **chosen.params()}


def _select(
    name: str,
    alias: str,
    where: str,
    ordered: bool = True,
    limit: int = 0,
    hidden: tuple[str, ...] = (),
) -> str:
    """The rows of ``derived_<name>`` that ``where`` selects, in live order
    (unordered for a subquery that aggregates them).

    A derived table is stored in live order, and DuckDB keeps a table's order
    through WHERE and SELECT on that one table (its "order preservation"
    rules), so only a long list of keys, hashed by a semi-join
    (core.selection), needs the sort, which was a third of such a query's time."""
    sort = ordered and not selection.keeps_order(where)
    order = f" ORDER BY {alias}._pos" if sort else ""
    cut = f" LIMIT {int(limit)}" if limit else ""
    left_out = ", ".join(("_pos", *hidden))  # the row order, and selection columns
    return (
        f"SELECT {alias}.* EXCLUDE ({left_out}) FROM derived_{name} {alias} "
        f"WHERE {where}{order}{cut}"
    )


_COLUMN = re.compile(r"[a-z_][a-z0-9_]*")
HEAD_MIN_ROWS = 10_000  # a derived table this small is read whole by ``head``'s caller


# A view computed at publish for every filter state of a year, a forum, both
# or neither (``derived_<name>_states``): ``year_key`` 0 and ``forum_key`` ''
# stand for no filter. Without owner filters such a view depends on nothing
# else, so a first answer reads its rows instead of grouping thousands.


def _state_keys(year: str, forum: str) -> str:
    """The key columns of a state table built with ``_state_sets``."""
    return (
        f"CASE WHEN grouping({year}) = 1 THEN 0 ELSE {year} END AS year_key, "
        f"CASE WHEN grouping({forum}) = 1 THEN '' ELSE {forum} END AS forum_key"
    )


def _state_sets(by: str, year: str, forum: str) -> str:
    """Groups by ``by`` within every state: all, the year, the forum, both."""
    return f"GROUPING SETS (({by}), ({by}, {year}), ({by}, {forum}), ({by}, {year}, {forum}))"


def _read_state(snap: Snapshot, name: str, f: Filters) -> pd.DataFrame:
    """The rows of ``derived_<name>`` for ``f``'s year and forum."""
    where = "s.year_key = $year_key AND s.forum_key = $forum_key"
    sql = _select(name, "s", where, hidden=("year_key", "forum_key"))
    return snap.df(sql, {"year_key": f.year or 0, "forum_key": f.forum or ""})


def head(
    snap: Snapshot, view: str, f: Filters, n: int, equal: dict[str, object] | None = None
) -> tuple[pa.Table, int] | None:
    """The first ``n`` rows of ``view`` (a name of ``TABLES``) under ``f``
    and ``equal`` (column = value), and how many rows there are, read from
    the derived table without fetching the rest: the table of every year
    shows 500 of 57,000 rules' rows. As Arrow (``store.frame`` makes the
    view's DataFrame of it): a table card turns it into rows without pandas,
    which took as long as the query (dashboard.present).

    The count is a second query only when there are ``n`` rows or more; a
    filter that leaves fewer is one query. Against building the whole view
    and cutting it (national data, the 24 filter states of ``make bench``):
    the rules 3.3 against 4.0 ms at the median, 7 against 18 ms at most.

    None for a table small enough to read whole (HEAD_MIN_ROWS), and for a
    date filter, which the derived table does not answer: the caller then
    builds the view."""
    f = resolve(snap, f)
    if not _derived(snap, f):
        return None
    chosen, params = _params(snap, f)
    name, alias, where = TABLES[view](f, chosen)
    size = snap.memo(
        ("derived-rows", name), lambda: snap.scalar(f"SELECT count(*) FROM derived_{name}")
    )
    if size <= HEAD_MIN_ROWS:
        return None
    for i, (column, value) in enumerate(sorted((equal or {}).items())):
        if not _COLUMN.fullmatch(column):
            raise ValueError(f"not a column: {column!r}")
        where = combine(where, f"{alias}.{column} = $equal_{i}")
        params[f"equal_{i}"] = value
    rows = snap.arrow(_select(name, alias, where, limit=n), params)
    if rows.num_rows < n:
        return rows, rows.num_rows
    if where == "TRUE":  # no filter at all: the table's size, read once per version
        return rows, int(size)
    unordered = _select(name, alias, where, ordered=False)
    return rows, int(snap.scalar(f"SELECT count(*) FROM ({unordered})", params))


# --- The date the data runs to ----------------------------------------------


@dataclass(frozen=True)
class Resolved(Filters):
    """A filter state whose as-of date is known."""

    as_of: dt.date = dt.date(2017, 1, 1)


def resolve(snap: Snapshot, f: Filters) -> Resolved:
    """The filter state with its as-of date filled in (the data's last date)."""
    if f.as_of is not None:
        as_of = f.as_of
    else:
        found = None if _live.get() else derived.meta(snap)
        as_of = found.as_of if found is not None else data_date(snap)
    return Resolved(f.year, f.forum, f.municipality, f.owner_type, as_of)


# --- Entitlement and distribution -------------------------------------------

_OWNER_YEARS = """
SELECT sy.year, sy.region_id, sy.frame_nok, sy.nonparticipant_policy::VARCHAR AS policy,
       o.owner_id,
       coalesce((
           SELECT sum(t.fte) FROM teacher_fte t
           WHERE t.owner_id = o.owner_id AND t.year = sy.year
             AND list_contains(sy.levels_in_scope, t.school_level)
             AND list_contains(sy.owner_types_in_scope, o.owner_type)
       ), 0) AS fte,
       m.forum_id IS NOT NULL AS takes_part
FROM scheme_year sy
JOIN school_owner o ON o.region_id = sy.region_id
 AND sy.year BETWEEN o.active_from AND coalesce(o.active_to, 9999)
LEFT JOIN forum_member m ON m.owner_id = o.owner_id AND m.year = sy.year
WHERE {year}
ORDER BY sy.year, sy.region_id, o.owner_id
"""


def entitlement_frame(snap: Snapshot, f: Filters) -> pd.DataFrame:
    """Every active owner of every scheme year in the filter, with its FTE in
    the year's scope and its entitlement. Ignores the owner filters on
    purpose: the frame is shared among all owners in scope. Independent of
    the as-of date, so the derived table answers for every date."""
    if not _live.get() and derived.meta(snap) is not None:
        return snap.df(_select("entitlement", "e", year_condition(f, "e.year")), f.sql_params())
    base = snap.df(_OWNER_YEARS.format(year=year_condition(f, "sy.year")), f.sql_params())
    rows = []
    for (year, region), group in base.groupby(["year", "region_id"], sort=True):
        frame_nok = int(group["frame_nok"].iloc[0])
        policy = group["policy"].iloc[0]
        owners = [
            OwnerFte(r.owner_id, r.fte, bool(r.takes_part)) for r in group.itertuples(index=False)
        ]
        for e in entitlements(frame_nok, owners, policy):
            rows.append(
                (year, region, e.owner_id, e.fte, e.takes_part, e.entitlement_nok, e.withheld_nok)
            )
    return pd.DataFrame(
        rows,
        columns=[
            "year",
            "region_id",
            "owner_id",
            "fte",
            "takes_part",
            "entitlement_nok",
            "withheld_nok",
        ],
    ).astype({"year": "int64", "entitlement_nok": "int64", "withheld_nok": "int64"})


_DISTRIBUTION = """
WITH awarded AS (
    SELECT year, recipient_owner_id AS owner_id, sum(amount_nok) AS awarded_nok
    FROM award WHERE recipient_owner_id IS NOT NULL AND coalesce(decision_date <= $as_of, TRUE)
    GROUP BY ALL
), paid AS (
    SELECT a.year, a.recipient_owner_id AS owner_id, sum(p.amount_nok) AS paid_nok
    FROM payment p JOIN award a USING (award_id)
    WHERE a.recipient_owner_id IS NOT NULL AND p.paid_date <= $as_of
      AND coalesce(a.decision_date <= $as_of, TRUE)
    GROUP BY ALL
)
SELECT e.year, o.owner_id, o.name AS owner_name, o.owner_type::VARCHAR AS owner_type,
       o.knr AS municipality_number, mu.name AS municipality_name,
       m.forum_id, fo.name AS forum_name, e.takes_part,
       CAST(e.fte AS DECIMAL(9, 1)) AS teacher_fte,
       e.entitlement_nok, e.withheld_nok,
       coalesce(a.awarded_nok, 0)::BIGINT AS awarded_nok,
       (coalesce(a.awarded_nok, 0) - e.entitlement_nok)::BIGINT AS deviation_nok,
       CASE WHEN e.entitlement_nok > 0 THEN CAST(
           100.0 * (coalesce(a.awarded_nok, 0) - e.entitlement_nok) / e.entitlement_nok
           AS DECIMAL(9, 1))
       END AS deviation_pct,
       coalesce(p.paid_nok, 0)::BIGINT AS paid_nok,
       CASE WHEN e.fte > 0 THEN round(e.entitlement_nok / e.fte)::BIGINT END
           AS entitlement_per_fte_nok,
       CASE WHEN e.fte > 0 THEN round(coalesce(a.awarded_nok, 0) / e.fte)::BIGINT END
           AS awarded_per_fte_nok
FROM entitlement e
JOIN school_owner o USING (owner_id)
LEFT JOIN municipality mu ON mu.knr = o.knr
LEFT JOIN forum_member m ON m.owner_id = e.owner_id AND m.year = e.year
LEFT JOIN forum fo ON fo.forum_id = m.forum_id
LEFT JOIN awarded a ON a.owner_id = e.owner_id AND a.year = e.year
LEFT JOIN paid p ON p.owner_id = e.owner_id AND p.year = e.year
WHERE (e.fte > 0 OR e.takes_part OR a.awarded_nok IS NOT NULL) AND {owners}
ORDER BY e.year, m.forum_id NULLS LAST, o.name, o.owner_id
"""


def distribution(snap: Snapshot, f: Filters) -> pd.DataFrame:
    """One row per owner and year: FTE in scope, entitlement, awarded, paid."""
    f = resolve(snap, f)
    if _derived(snap, f):
        chosen, params = _params(snap, f)
        return snap.df(_distribution_derived(f, chosen), params)
    snap.register("entitlement", entitlement_frame(snap, f))
    owners = owner_condition(f, "o", year="e.year")
    return snap.df(_DISTRIBUTION.format(owners=owners), f.sql_params())


def _distribution_derived(f: Filters, chosen: selection.Selection, ordered: bool = True) -> str:
    # An owner is in one forum a year: the row's forum is its membership.
    where = combine(
        year_condition(f, "e.year"), forum_condition(f, "e.forum_id"), chosen.owner("e.owner_id")
    )
    return _select("distribution", "e", where, ordered)


# --- Awards with their confirmed use ----------------------------------------

# A recipient confirms use once per year, not per award: split its confirmed
# and repaid amounts over its awards of the year by largest remainder, so that
# forum figures add up to the krone.
_AWARD_FIGURES = """
WITH a AS (
    SELECT a.*, coalesce(a.recipient_owner_id, a.recipient_institution_id) AS recipient,
           sum(a.amount_nok::HUGEINT) OVER (PARTITION BY a.year, recipient) AS recipient_total
    FROM award a WHERE coalesce(a.decision_date <= $as_of, TRUE)
), c AS (
    SELECT year, coalesce(recipient_owner_id, recipient_institution_id) AS recipient,
           amount_used_nok, amount_repaid_nok
    FROM confirmation WHERE received_date <= $as_of
), split AS (
    SELECT a.award_id,
           c.amount_used_nok * a.amount_nok AS used_x,
           c.amount_repaid_nok * a.amount_nok AS repaid_x,
           a.recipient_total, a.year, a.recipient, c.amount_used_nok, c.amount_repaid_nok
    FROM a JOIN c ON c.year = a.year AND c.recipient = a.recipient
), ranked AS (
    SELECT award_id,
           used_x // recipient_total AS used_floor,
           repaid_x // recipient_total AS repaid_floor,
           amount_used_nok - sum(used_x // recipient_total)
               OVER (PARTITION BY year, recipient) AS used_left,
           amount_repaid_nok - sum(repaid_x // recipient_total)
               OVER (PARTITION BY year, recipient) AS repaid_left,
           row_number() OVER (PARTITION BY year, recipient
                              ORDER BY used_x % recipient_total DESC, award_id) AS used_rank,
           row_number() OVER (PARTITION BY year, recipient
                              ORDER BY repaid_x % recipient_total DESC, award_id) AS repaid_rank
    FROM split
), confirmed AS (
    SELECT award_id,
           (used_floor + CASE WHEN used_rank <= used_left THEN 1 ELSE 0 END)::BIGINT AS used,
           (repaid_floor + CASE WHEN repaid_rank <= repaid_left THEN 1 ELSE 0 END)::BIGINT AS repaid
    FROM ranked
), paid AS (
    SELECT award_id, sum(amount_nok)::BIGINT AS paid, min(paid_date) AS first_paid
    FROM payment WHERE paid_date <= $as_of GROUP BY award_id
)
SELECT a.award_id, a.year, a.forum_id, a.recipient_owner_id, a.recipient_institution_id,
       a.amount_nok, a.decision_date, coalesce(p.paid, 0) AS paid_nok, p.first_paid,
       coalesce(c.used, 0) AS confirmed_used_nok, coalesce(c.repaid, 0) AS repaid_nok
FROM a LEFT JOIN paid p USING (award_id) LEFT JOIN confirmed c USING (award_id)
"""


_FORUMS = """
WITH af AS ({awards}),
members AS (
    SELECT m.year, m.forum_id, o.owner_id FROM forum_member m JOIN school_owner o USING (owner_id)
), spent AS (
    SELECT p.forum_id, year(p.start_date) AS year, sum(s.spent_to_date_nok) AS spent_nok
    FROM project p JOIN (
        SELECT * FROM status_report WHERE report_date <= $as_of
        QUALIFY row_number() OVER (PARTITION BY project_id ORDER BY report_date DESC) = 1
    ) s USING (project_id)
    GROUP BY ALL
), cofin AS (
    SELECT mb.year, mb.forum_id,
           sum(c.amount_nok) FILTER (WHERE c.kind = 'cash') AS cash,
           sum(c.amount_nok) FILTER (WHERE c.kind = 'in_kind') AS in_kind
    FROM cofinancing c JOIN members mb ON mb.owner_id = c.owner_id AND mb.year = c.year
    GROUP BY ALL
), ent AS (
    SELECT mb.year, mb.forum_id, count(*) AS owners, sum(e.fte) AS fte,
           sum(e.entitlement_nok) AS entitlement_nok
    FROM members mb JOIN entitlement e ON e.owner_id = mb.owner_id AND e.year = mb.year
    GROUP BY ALL
), aw AS (
    SELECT year, forum_id,
           sum(amount_nok) AS awarded,
           sum(amount_nok) FILTER (WHERE recipient_institution_id IS NOT NULL) AS inst,
           sum(amount_nok) FILTER (WHERE recipient_owner_id IS NOT NULL) AS own,
           sum(paid_nok) AS paid, sum(confirmed_used_nok) AS used, sum(repaid_nok) AS repaid
    FROM af GROUP BY ALL
)
SELECT fy.year, fy.forum_id, fo.name AS forum_name,
       coalesce(ent.owners, 0)::BIGINT AS owners,
       CAST(coalesce(ent.fte, 0) AS DECIMAL(9, 1)) AS teacher_fte,
       coalesce(ent.entitlement_nok, 0)::BIGINT AS entitlement_nok,
       coalesce(aw.awarded, 0)::BIGINT AS awarded_nok,
       (coalesce(aw.awarded, 0) - coalesce(ent.entitlement_nok, 0))::BIGINT AS deviation_nok,
       CASE WHEN ent.entitlement_nok > 0 THEN CAST(
           100.0 * (coalesce(aw.awarded, 0) - ent.entitlement_nok) / ent.entitlement_nok
           AS DECIMAL(9, 1))
       END AS deviation_pct,
       coalesce(aw.inst, 0)::BIGINT AS institution_awarded_nok,
       coalesce(aw.own, 0)::BIGINT AS owner_awarded_nok,
       fy.institution_share AS institution_share_agreed,
       CASE WHEN aw.awarded > 0
            THEN CAST(coalesce(aw.inst, 0) / aw.awarded AS DECIMAL(5, 4)) END
           AS institution_share_actual,
       coalesce(aw.paid, 0)::BIGINT AS paid_nok,
       coalesce(spent.spent_nok, 0)::BIGINT AS spent_nok,
       coalesce(aw.used, 0)::BIGINT AS confirmed_used_nok,
       coalesce(aw.repaid, 0)::BIGINT AS repaid_nok,
       round(sy.cofinancing_rate * coalesce(aw.awarded, 0))::BIGINT AS cofinancing_required_nok,
       (coalesce(cofin.cash, 0) + coalesce(cofin.in_kind, 0))::BIGINT AS cofinancing_committed_nok,
       coalesce(cofin.cash, 0)::BIGINT AS cofinancing_cash_nok,
       coalesce(cofin.in_kind, 0)::BIGINT AS cofinancing_in_kind_nok
FROM forum_year fy
JOIN forum fo USING (forum_id)
JOIN scheme_year sy ON sy.year = fy.year AND sy.region_id = fo.region_id
LEFT JOIN ent ON ent.year = fy.year AND ent.forum_id = fy.forum_id
LEFT JOIN aw ON aw.year = fy.year AND aw.forum_id = fy.forum_id
LEFT JOIN spent ON spent.year = fy.year AND spent.forum_id = fy.forum_id
LEFT JOIN cofin ON cofin.year = fy.year AND cofin.forum_id = fy.forum_id
WHERE {where}
ORDER BY fy.year, fo.name, fy.forum_id
"""


def forums(snap: Snapshot, f: Filters) -> pd.DataFrame:
    """One row per forum and year: its members' FTE and entitlement, what was
    awarded (to institutions and owners), paid, spent and confirmed, and its
    co-financing. Owner filters choose forums; a forum's figures stay whole."""
    f = resolve(snap, f)
    if _derived(snap, f):
        chosen, params = _params(snap, f)
        return snap.df(_forums_derived(f, chosen), params)
    snap.register("entitlement", entitlement_frame(snap, f))
    sql = _FORUMS.format(awards=_AWARD_FIGURES, where=_forums_where(f))
    return snap.df(sql, f.sql_params())


def _forums_where(f: Filters) -> str:
    """Forum-years by year and forum; owner filters keep the forums with at
    least one member owner they select."""
    owners = owner_condition(f, "o", year="m.year")
    return combine(
        year_condition(f, "fy.year"),
        forum_condition(f, "fy.forum_id"),
        "(fy.year, fy.forum_id) IN (SELECT m.year, m.forum_id FROM forum_member m "
        f"JOIN school_owner o USING (owner_id) WHERE {owners})"
        if f.has_owner_filter
        else "TRUE",
    )


def _forums_derived(f: Filters, chosen: selection.Selection, ordered: bool = True) -> str:
    where = combine(
        year_condition(f, "fy.year"),
        forum_condition(f, "fy.forum_id"),
        chosen.forum_year("fy.forum_id", "fy.year"),
    )
    return _select("forums", "fy", where, ordered=ordered)


# --- Projects --------------------------------------------------------------------

_PROJECTS = """
WITH latest AS (
    SELECT * FROM status_report WHERE report_date <= $as_of
    QUALIFY row_number() OVER (PARTITION BY project_id ORDER BY report_date DESC) = 1
)
SELECT p.project_id, p.title, p.forum_id, fo.name AS forum_name,
       p.lead_owner_id, o.name AS lead_owner_name, p.institution_id, i.name AS institution_name,
       p.development_area, p.sector_goal::VARCHAR AS sector_goal, p.school_based,
       p.start_date, p.planned_end, p.budget_nok,
       CASE WHEN s.status IS NOT NULL THEN s.status::VARCHAR ELSE 'planned' END AS status,
       s.report_date AS last_report_date,
       coalesce(s.spent_to_date_nok, 0) AS spent_to_date_nok,
       CASE WHEN p.budget_nok > 0
            THEN CAST(coalesce(s.spent_to_date_nok, 0) / p.budget_nok AS DECIMAL(9, 4))
       END AS spent_share,
       s.participants,
       date_diff('day', coalesce(s.report_date, p.start_date), $as_of::DATE) AS days_since_report,
       (SELECT sy.stale_after_days FROM scheme_year sy WHERE sy.region_id = fo.region_id
         -- the as-of year's limit; else the latest year before it; else the first
         ORDER BY sy.year > year($as_of::DATE), abs(sy.year - year($as_of::DATE))
         LIMIT 1) AS stale_after_days
FROM project p
JOIN forum fo USING (forum_id)
JOIN school_owner o ON o.owner_id = p.lead_owner_id
LEFT JOIN institution i ON i.institution_id = p.institution_id
LEFT JOIN latest s USING (project_id)
WHERE {where}
ORDER BY p.start_date, p.project_id
"""


def projects(snap: Snapshot, f: Filters) -> pd.DataFrame:
    """Every project with its latest status as of the date, spending against
    budget and whether its status is stale. The year filter is the year a
    project started; owner filters apply to the lead owner."""
    f = resolve(snap, f)
    if _derived(snap, f):
        chosen, params = _params(snap, f)
        return snap.df(_projects_derived(f, chosen), params)
    frame = snap.df(_PROJECTS.format(where=_project_where(f)), f.sql_params())
    running = frame["status"].isin(["planned", "started", "ongoing", "delayed"]) & (
        frame["start_date"] <= f.as_of
    )
    frame["stale"] = running & (frame["days_since_report"] > frame["stale_after_days"])
    return frame


def _projects_derived(f: Filters, chosen: selection.Selection, ordered: bool = True) -> str:
    return _select(*_project_parts(f, chosen), ordered=ordered)


def _project_parts(f: Filters, chosen: selection.Selection) -> tuple[str, str, str]:
    """The derived table, its alias and the rows ``f`` selects (as
    ``_project_where``: the lead owner's type and municipality)."""
    where = combine(
        "p.start_date <= $as_of",
        # The start year as a range of dates: the table is stored by start
        # date, so DuckDB skips the row groups outside it (2.4 against 4 ms).
        "TRUE"
        if f.year is None
        else "p.start_date BETWEEN make_date($year, 1, 1) AND make_date($year, 12, 31)",
        forum_condition(f, "p.forum_id"),
        chosen.owner("p.lead_owner_id"),
    )
    return "projects", "p", where


def status_history(snap: Snapshot, f: Filters) -> pd.DataFrame:
    f = resolve(snap, f)
    return snap.df(status_history_sql(f), f.sql_params())


_STATUS_BY_MONTH = """
WITH chosen AS (
    SELECT p.project_id, p.start_date FROM project p
    JOIN school_owner o ON o.owner_id = p.lead_owner_id WHERE {where}
), months AS (
    SELECT last_day(m::DATE) AS month_end
    FROM range(date_trunc('month', (SELECT min(start_date) FROM chosen)),
               $as_of::DATE + INTERVAL 1 DAY, INTERVAL 1 MONTH) t(m)
), at_month AS (
    SELECT m.month_end, c.project_id,
           (SELECT s.status::VARCHAR FROM status_report s
             WHERE s.project_id = c.project_id AND s.report_date <= least(m.month_end, $as_of::DATE)
             ORDER BY s.report_date DESC LIMIT 1) AS status
    FROM months m JOIN chosen c ON c.start_date <= m.month_end
)
SELECT strftime(month_end, '%Y-%m') AS month, coalesce(status, 'planned') AS status,
       count(*) AS projects
FROM at_month GROUP BY ALL ORDER BY month, status
"""


def status_by_month(snap: Snapshot, f: Filters) -> pd.DataFrame:
    """How many projects stood in each status at the end of each month."""
    f = resolve(snap, f)
    if _derived(snap, f) and not f.selects_owners:
        return _read_state(snap, "status_states", f)
    if _derived(snap, f):
        chosen, params = _params(snap, f)
        sql = (
            "SELECT strftime(p.month_end, '%Y-%m') AS month, p.status, "
            "sum(p.projects)::BIGINT AS projects "
            f"FROM derived_status_month p WHERE {_project_where_derived(f, chosen)} "
            "GROUP BY ALL ORDER BY month, status"
        )
        return snap.df(sql, params)
    where = _project_where(f)
    return snap.df(_STATUS_BY_MONTH.format(where=where), f.sql_params())


# The month series by the dimensions the filters select on (a project's start
# year and forum, its lead owner's municipality and type), for the derived
# tables: a filtered series is the sum of the selected groups.
_PROJECT_MONTHS = """
WITH chosen AS (
    SELECT p.*, year(p.start_date) AS start_year, o.knr, o.owner_type FROM project p
    JOIN school_owner o ON o.owner_id = p.lead_owner_id WHERE p.start_date <= $as_of
), months AS (
    SELECT last_day(m::DATE) AS month_end
    FROM range(date_trunc('month', (SELECT min(start_date) FROM chosen)),
               $as_of::DATE + INTERVAL 1 DAY, INTERVAL 1 MONTH) t(m)
), at_month AS (
    SELECT m.month_end, c.project_id, c.forum_id, c.start_year, c.knr, c.owner_type, c.budget_nok,
           (SELECT s FROM status_report s
             WHERE s.project_id = c.project_id AND s.report_date <= least(m.month_end, $as_of::DATE)
             ORDER BY s.report_date DESC LIMIT 1) AS latest
    FROM months m JOIN chosen c ON c.start_date <= m.month_end
)
"""


def status_month_groups(snap: Snapshot, f: Filters) -> pd.DataFrame:
    """Projects per month end, status and selection group (derived table)."""
    sql = _PROJECT_MONTHS + (
        "SELECT month_end, coalesce(latest.status::VARCHAR, 'planned') AS status, forum_id, "
        "start_year, knr, owner_type, count(*) AS projects FROM at_month GROUP BY ALL "
        "ORDER BY ALL"
    )
    return snap.df(sql, resolve(snap, f).sql_params())


def status_states(snap: Snapshot, f: Filters) -> pd.DataFrame:
    """``status_by_month`` for every filter state of a start year, a forum,
    both or neither (derived table; ``year_key`` 0 and ``forum_key`` '' for
    none), summed from the month series by group: a first answer reads its
    rows instead of summing 286,000 (as ``funding_states``)."""
    snap.register("status_groups", status_month_groups(snap, f))
    return snap.df(
        f"SELECT {_state_keys('start_year', 'forum_id')}, "
        "strftime(month_end, '%Y-%m') AS month, status, sum(projects)::BIGINT AS projects "
        "FROM status_groups "
        f"GROUP BY {_state_sets('month_end, status', 'start_year', 'forum_id')} "
        "ORDER BY year_key, forum_key, month, status"
    )


def spending_month_groups(snap: Snapshot, f: Filters) -> pd.DataFrame:
    """Projects, spending and budgets per month end and selection group."""
    sql = _PROJECT_MONTHS + (
        "SELECT month_end, forum_id, start_year, knr, owner_type, count(*) AS projects, "
        "sum(coalesce(latest.spent_to_date_nok, 0)) AS spent, sum(budget_nok) AS budget "
        "FROM at_month GROUP BY ALL ORDER BY ALL"
    )
    return snap.df(sql, resolve(snap, f).sql_params())


def _project_where_derived(f: Filters, chosen: selection.Selection) -> str:
    """``_project_where`` on a table of selection groups (which carry the
    lead owner's municipality and type)."""
    return combine(
        year_condition(f, "p.start_year"),
        forum_condition(f, "p.forum_id"),
        "TRUE" if f.owner_type is None else "p.owner_type = $owner_type",
        chosen.municipality("p.knr"),
    )


# --- Funding over time -----------------------------------------------------------

_FUNDING = """
WITH af AS ({awards}),
chosen AS (
    SELECT af.* FROM af LEFT JOIN school_owner o ON o.owner_id = af.recipient_owner_id
    WHERE {awards_where}
), events AS (
    SELECT coalesce(decision_date, first_paid, make_date(year, 12, 31)) AS day,
           amount_nok AS awarded, 0 AS paid, 0 AS spent, 0 AS confirmed FROM chosen
    UNION ALL
    SELECT p.paid_date, 0, p.amount_nok, 0, 0 FROM payment p JOIN chosen c USING (award_id)
    WHERE p.paid_date <= $as_of
    UNION ALL
    SELECT c.received_date, 0, 0, 0, sum(ch.confirmed_used_nok)
    FROM confirmation c JOIN chosen ch ON ch.year = c.year
     AND ch.recipient_owner_id IS NOT DISTINCT FROM c.recipient_owner_id
     AND ch.recipient_institution_id IS NOT DISTINCT FROM c.recipient_institution_id
    WHERE c.received_date <= $as_of GROUP BY c.received_date, c.year,
          c.recipient_owner_id, c.recipient_institution_id
    UNION ALL
    SELECT s.report_date, 0, 0,
           s.spent_to_date_nok - coalesce(lag(s.spent_to_date_nok)
               OVER (PARTITION BY s.project_id ORDER BY s.report_date), 0), 0
    FROM status_report s JOIN project p USING (project_id)
    JOIN school_owner o ON o.owner_id = p.lead_owner_id
    WHERE s.report_date <= $as_of AND {projects_where}
)
SELECT strftime(day, '%Y-%m') AS month,
       sum(awarded)::BIGINT AS awarded_nok, sum(paid)::BIGINT AS paid_nok,
       sum(spent)::BIGINT AS spent_nok, sum(confirmed)::BIGINT AS confirmed_nok,
       sum(sum(awarded)) OVER w::BIGINT AS awarded_cumulative_nok,
       sum(sum(paid)) OVER w::BIGINT AS paid_cumulative_nok,
       sum(sum(spent)) OVER w::BIGINT AS spent_cumulative_nok,
       sum(sum(confirmed)) OVER w::BIGINT AS confirmed_cumulative_nok
FROM events WHERE day <= $as_of
GROUP BY month
WINDOW w AS (ORDER BY month)
ORDER BY month
"""


def funding_over_time(snap: Snapshot, f: Filters) -> pd.DataFrame:
    """Per month: awarded (by decision date), paid, spent (growth of the
    projects' reported spending) and confirmed use, with running totals.

    The year filter takes the awards of that scheme year, their payments and
    confirmations, and the projects started that year.
    """
    f = resolve(snap, f)
    if _derived(snap, f) and not f.selects_owners:
        return _read_state(snap, "funding_states", f)
    if _derived(snap, f):
        chosen, params = _params(snap, f)
        awards = combine(
            year_condition(f, "e.year"),
            forum_condition(f, "e.forum_id"),
            # As _funding_awards_where: owner awards only, to members of the forum.
            f"(e.owner_id IS NOT NULL AND {chosen.owner('e.owner_id')} "
            f"AND {chosen.member('e.owner_id', 'e.year')})"
            if f.selects_owners
            else "TRUE",
        )
        projects = combine(
            year_condition(f, "e.year"),
            forum_condition(f, "e.forum_id"),
            chosen.owner("e.owner_id"),
        )
        events = (
            "SELECT e.* FROM derived_funding_events e "
            f"WHERE (e.source = 'award' AND {awards}) OR (e.source = 'project' AND {projects})"
        )
        return snap.df(_FUNDING_DERIVED.format(events=events), params)
    sql = _FUNDING.format(
        awards=_AWARD_FIGURES,
        awards_where=_funding_awards_where(f, "af", "af.recipient_owner_id"),
        projects_where=_project_where(f),
    )
    return snap.df(sql, f.sql_params())


def _funding_awards_where(f: Filters, award: str, owner_id: str) -> str:
    return combine(
        year_condition(f, f"{award}.year"),
        forum_condition(f, f"{award}.forum_id"),
        # Owner filters keep owner awards only; institutions have no municipality.
        f"({owner_id} IS NOT NULL AND {owner_condition(f, 'o', year=f'{award}.year')})"
        if f.selects_owners
        else "TRUE",
    )


_FUNDING_EVENTS = """
WITH af AS ({awards}),
award_events AS (
    SELECT award_id, coalesce(decision_date, first_paid, make_date(year, 12, 31)) AS day,
           amount_nok AS awarded, 0 AS paid, 0 AS confirmed FROM af
    UNION ALL
    SELECT p.award_id, p.paid_date, 0, p.amount_nok, 0 FROM payment p JOIN af USING (award_id)
    WHERE p.paid_date <= $as_of
    UNION ALL
    SELECT ch.award_id, c.received_date, 0, 0, ch.confirmed_used_nok
    FROM confirmation c JOIN af ch ON ch.year = c.year
     AND ch.recipient_owner_id IS NOT DISTINCT FROM c.recipient_owner_id
     AND ch.recipient_institution_id IS NOT DISTINCT FROM c.recipient_institution_id
    WHERE c.received_date <= $as_of
), spent AS (
    SELECT s.report_date AS day, year(p.start_date) AS year, p.forum_id,
           p.lead_owner_id AS owner_id,
           s.spent_to_date_nok - coalesce(lag(s.spent_to_date_nok)
               OVER (PARTITION BY s.project_id ORDER BY s.report_date), 0) AS spent
    FROM status_report s JOIN project p USING (project_id)
    WHERE s.report_date <= $as_of AND p.start_date <= $as_of
)
SELECT strftime(e.day, '%Y-%m') AS month, 'award' AS source, af.year, af.forum_id,
       af.recipient_owner_id AS owner_id,
       sum(e.awarded) AS awarded, sum(e.paid) AS paid, 0 AS spent, sum(e.confirmed) AS confirmed
FROM award_events e JOIN af USING (award_id) WHERE e.day <= $as_of GROUP BY ALL
UNION ALL
SELECT strftime(day, '%Y-%m'), 'project', year, forum_id, owner_id, 0, 0, sum(spent), 0
FROM spent WHERE day <= $as_of GROUP BY ALL
ORDER BY ALL
"""


def funding_event_groups(snap: Snapshot, f: Filters) -> pd.DataFrame:
    """The funding events per month and selection group (derived table)."""
    return snap.df(_FUNDING_EVENTS.format(awards=_AWARD_FIGURES), resolve(snap, f).sql_params())


def funding_states(snap: Snapshot, f: Filters) -> pd.DataFrame:
    """``funding_over_time`` for every filter state of a year, a forum, both
    or neither (derived table; ``year_key`` 0 and ``forum_key`` '' for
    none): without owner filters, awards and projects are selected alike by
    year and forum, so each state is the events of its group summed, and a
    first answer reads its rows instead of summing 38,000."""
    sql = _FUNDING_STATES.format(
        events=_FUNDING_EVENTS.format(awards=_AWARD_FIGURES),
        keys=_state_keys("year", "forum_id"),
        sets=_state_sets("month", "year", "forum_id"),
    )
    return snap.df(sql, resolve(snap, f).sql_params())


_FUNDING_STATES = """
WITH by_state AS (
    SELECT {keys}, month, sum(awarded) AS awarded, sum(paid) AS paid, sum(spent) AS spent,
           sum(confirmed) AS confirmed
    FROM ({events})
    GROUP BY {sets}
)
SELECT year_key, forum_key, month,
       awarded::BIGINT AS awarded_nok, paid::BIGINT AS paid_nok,
       spent::BIGINT AS spent_nok, confirmed::BIGINT AS confirmed_nok,
       sum(awarded) OVER w::BIGINT AS awarded_cumulative_nok,
       sum(paid) OVER w::BIGINT AS paid_cumulative_nok,
       sum(spent) OVER w::BIGINT AS spent_cumulative_nok,
       sum(confirmed) OVER w::BIGINT AS confirmed_cumulative_nok
FROM by_state
WINDOW w AS (PARTITION BY year_key, forum_key ORDER BY month)
ORDER BY year_key, forum_key, month
"""


_FUNDING_DERIVED = """
WITH events AS ({events})
SELECT month,
       sum(awarded)::BIGINT AS awarded_nok, sum(paid)::BIGINT AS paid_nok,
       sum(spent)::BIGINT AS spent_nok, sum(confirmed)::BIGINT AS confirmed_nok,
       sum(sum(awarded)) OVER w::BIGINT AS awarded_cumulative_nok,
       sum(sum(paid)) OVER w::BIGINT AS paid_cumulative_nok,
       sum(sum(spent)) OVER w::BIGINT AS spent_cumulative_nok,
       sum(sum(confirmed)) OVER w::BIGINT AS confirmed_cumulative_nok
FROM events
GROUP BY month
WINDOW w AS (ORDER BY month)
ORDER BY month
"""


# --- Compliance ------------------------------------------------------------------

_RULE_AWARDS = """
WITH af AS ({awards})
SELECT af.award_id, af.year, fo.region_id, af.forum_id, fo.name AS forum_name,
       af.recipient_owner_id, af.recipient_institution_id,
       coalesce(o.name, i.name) AS recipient_name,
       o.owner_type::VARCHAR AS owner_type, i.kind::VARCHAR AS institution_kind,
       af.amount_nok, af.decision_date, af.paid_nok,
       m.forum_id AS member_forum_id,
       EXISTS (SELECT 1 FROM needs_report n
               WHERE n.owner_id = af.recipient_owner_id AND n.year = af.year
                 AND n.received_date <= $as_of) AS has_needs_report,
       fy.agreement_date,
       e.fte AS fte_in_scope
FROM af
JOIN forum fo ON fo.forum_id = af.forum_id
LEFT JOIN school_owner o ON o.owner_id = af.recipient_owner_id
LEFT JOIN institution i ON i.institution_id = af.recipient_institution_id
LEFT JOIN forum_member m ON m.owner_id = af.recipient_owner_id AND m.year = af.year
LEFT JOIN forum_year fy ON fy.forum_id = af.forum_id AND fy.year = af.year
LEFT JOIN entitlement e ON e.owner_id = af.recipient_owner_id AND e.year = af.year
ORDER BY af.year, af.award_id
"""

_RULE_YEARS = """
SELECT year, region_id, frame_nok, cofinancing_rate,
       levels_in_scope::VARCHAR[] AS levels_in_scope,
       owner_types_in_scope::VARCHAR[] AS owner_types_in_scope,
       needs_deadline, reporting_deadline, stale_after_days,
       nonparticipant_policy::VARCHAR AS nonparticipant_policy
FROM scheme_year ORDER BY year, region_id
"""

_RULE_OWNERS = """
SELECT e.year, e.region_id, e.owner_id, o.name AS owner_name, o.owner_type::VARCHAR AS owner_type,
       e.fte, m.forum_id
FROM entitlement e JOIN school_owner o USING (owner_id)
LEFT JOIN forum_member m ON m.owner_id = e.owner_id AND m.year = e.year
ORDER BY e.year, e.owner_id
"""

_RULE_NEEDS = """
SELECT n.report_id, n.year, o.region_id, n.owner_id, o.name AS owner_name, n.forum_id,
       n.received_date, n.development_area
FROM needs_report n JOIN school_owner o USING (owner_id)
WHERE n.received_date <= $as_of
ORDER BY n.year, n.report_id
"""

_RULE_COFINANCING = """
SELECT year, owner_id,
       coalesce(sum(amount_nok) FILTER (WHERE kind = 'cash'), 0)::BIGINT AS cash,
       coalesce(sum(amount_nok) FILTER (WHERE kind = 'in_kind'), 0)::BIGINT AS in_kind
FROM cofinancing GROUP BY ALL ORDER BY ALL
"""

_RULE_CONFIRMATIONS = """
SELECT year, coalesce(recipient_owner_id, recipient_institution_id) AS recipient,
       received_date, amount_used_nok, amount_repaid_nok
FROM confirmation WHERE received_date <= $as_of ORDER BY ALL
"""


def compliance_inputs(snap: Snapshot, f: Filters) -> rules.Inputs:
    """What the rules read, as of the date: every year, or with a year filter
    that year (and the year before, whose development areas R9 compares)."""
    f = resolve(snap, f)
    scope = Filters(year=f.year, as_of=f.as_of)
    snap.register("entitlement", entitlement_frame(snap, scope))
    params = Filters(as_of=f.as_of).sql_params()
    awards = snap.df(_RULE_AWARDS.format(awards=_AWARD_FIGURES), params)
    owners_year = snap.df(_RULE_OWNERS)
    cofinancing = snap.df(_RULE_COFINANCING)
    needs = snap.df(_RULE_NEEDS, params)
    confirmations = snap.df(_RULE_CONFIRMATIONS, params)
    if f.year is not None:
        awards = awards[awards["year"] == f.year]
        cofinancing = cofinancing[cofinancing["year"] == f.year]
        confirmations = confirmations[confirmations["year"] == f.year]
        needs = needs[needs["year"].isin([f.year - 1, f.year])]
    return rules.Inputs(
        as_of=f.as_of,
        years=snap.df(_RULE_YEARS),
        awards=awards,
        owners_year=owners_year,
        cofinancing=cofinancing,
        needs=needs,
        confirmations=confirmations,
        projects=projects(snap, scope),
    )


_COMPLIANCE = """
SELECT r.year, r.rule_id, r.subject_type, r.subject_id, r.subject_name, r.forum_id, r.owner_id,
       r.status, r.measured, r.required, r.unit, r.explanation
FROM rule_rows r LEFT JOIN school_owner o ON o.owner_id = r.owner_id
WHERE {where}
ORDER BY r.position
"""


def compliance(snap: Snapshot, f: Filters) -> pd.DataFrame:
    """One row per rule and subject. Owner filters keep the rows about
    owners they select (and their awards and projects). Without a date the
    rows come from the version's derived table; with one, the rules are
    evaluated once per version, year and date (see ``_rule_rows``)."""
    f = resolve(snap, f)
    if _derived(snap, f):
        chosen, params = _params(snap, f)
        return snap.df(_compliance_derived(f, chosen), params)
    return _compliance(snap, f)


def _rule_rows(snap: Snapshot, f: Resolved) -> pd.DataFrame:
    """The rules evaluated as of the date, for the year (or every year): the
    forum and owner filters only select among these rows, so one evaluation
    serves them all."""
    scope = resolve(snap, Filters(year=f.year, as_of=f.as_of))
    return snap.memo(("rule_rows", scope), lambda: rules.evaluate(compliance_inputs(snap, scope)))


def _compliance_derived(f: Filters, chosen: selection.Selection, ordered: bool = True) -> str:
    return _select(*_compliance_parts(f, chosen), ordered=ordered)


def _compliance_parts(f: Filters, chosen: selection.Selection) -> tuple[str, str, str]:
    """The derived table, its alias and the rows ``f`` selects (as
    ``_compliance_where``)."""
    return "compliance", "r", _compliance_where(f, owners=chosen.owner("r.owner_id"))


def _compliance_where(f: Filters, owners: str | None = None) -> str:
    """Rows by year and forum; owner filters keep the rows about the owners
    they select (``owners``: that condition on ``r.owner_id``; by default on
    the joined owner ``o``)."""
    if owners is None:
        owners = owner_condition(_without_forum(f), "o")
    return combine(
        year_condition(f, "r.year"),
        forum_condition(f, "r.forum_id"),
        f"(r.owner_id IS NOT NULL AND {owners})" if f.selects_owners else "TRUE",
    )


def _compliance(snap: Snapshot, f: Resolved) -> pd.DataFrame:
    frame = _rule_rows(snap, f)
    snap.register("rule_rows", frame.assign(position=range(len(frame))))
    return snap.df(_COMPLIANCE.format(where=_compliance_where(f)), f.sql_params())


def _without_forum(f: Filters) -> Filters:
    return Filters(municipality=f.municipality, owner_type=f.owner_type)


# --- Views for the dashboard's other charts ---------------------------------------

_MAP_NUMBERS = """
WITH RECURSIVE forward(knr, map_knr) AS (
    -- Each number to its successors until a number valid in the map's year.
    SELECT knr, knr FROM municipality
    UNION
    SELECT f.knr, s.successor_knr FROM forward f
    JOIN municipality_successor s ON s.knr = f.map_knr AND s.year <= $map_year
), map_number AS (
    SELECT f.knr, f.map_knr FROM forward f JOIN municipality m ON m.knr = f.map_knr
    WHERE $map_year BETWEEN m.valid_from AND coalesce(m.valid_to, 9999)
), backward AS (
    -- 2024 numbers back to their 2020 predecessor.
    SELECT s.successor_knr AS knr, s.knr AS map_knr FROM municipality_successor s
    JOIN municipality m ON m.knr = s.knr
    WHERE $map_year BETWEEN m.valid_from AND coalesce(m.valid_to, 9999)
), mapped AS (
    SELECT * FROM map_number UNION SELECT * FROM backward
)
"""

_MUNICIPALITY_SUMS = """
SELECT {by}d.year, mp.map_knr AS map_municipality_number, m.name AS map_municipality_name,
       count(*) AS owners,
       CAST(sum(d.teacher_fte) AS DECIMAL(9, 1)) AS teacher_fte,
       sum(d.entitlement_nok)::BIGINT AS entitlement_nok,
       sum(d.awarded_nok)::BIGINT AS awarded_nok,
       sum(d.paid_nok)::BIGINT AS paid_nok,
       CASE WHEN sum(d.teacher_fte) > 0
            THEN round(sum(d.entitlement_nok) / sum(d.teacher_fte))::BIGINT END
           AS entitlement_per_fte_nok,
       CASE WHEN sum(d.teacher_fte) > 0
            THEN round(sum(d.awarded_nok) / sum(d.teacher_fte))::BIGINT END
           AS awarded_per_fte_nok
FROM {dist} d
JOIN mapped mp ON mp.knr = d.municipality_number
JOIN municipality m ON m.knr = mp.map_knr
GROUP BY ALL
ORDER BY {by}d.year, mp.map_knr
"""

MAP_YEAR = 2020  # the year of the boundaries in data/geo/


def municipalities(snap: Snapshot, f: Filters) -> pd.DataFrame:
    """The owners of the distribution summed per municipality as drawn on the
    map (2020 boundaries): 2018 numbers through their 2020 successors, 2024
    numbers through their 2020 predecessors. Owners abroad and county
    authorities have no municipality and are left out."""
    f = resolve(snap, f)
    if _derived(snap, f) and not f.selects_owners:
        # The whole view, or its sums per forum (an owner is in one forum a
        # year): a plain read by year and forum, no sums to plan.
        year = year_condition(f, "m.year")
        if f.forum is None:
            return snap.df(_select("municipalities", "m", year), f.sql_params())
        where = combine("m.forum_id = $forum", year)
        sql = _select("municipality_forums", "m", where, hidden=("forum_id",))
        return snap.df(sql, f.sql_params())
    if _derived(snap, f) and not (f.forum or f.owner_type):  # a municipality alone
        where = combine("m.knr_key = $knr", year_condition(f, "m.year"))
        sql = _select("municipality_knrs", "m", where, hidden=("knr_key",))
        return snap.df(sql, f.sql_params())
    if _derived(snap, f):
        chosen, params = _params(snap, f)
        mapped = "WITH mapped AS (SELECT knr, map_knr FROM derived_map_numbers)"
        dist = f"({_distribution_derived(f, chosen, False)})"
        return snap.df(mapped + _MUNICIPALITY_SUMS.format(dist=dist, by=""), params)
    snap.register("dist", distribution(snap, f))
    sql = _MAP_NUMBERS + _MUNICIPALITY_SUMS.format(dist="dist", by="")
    return snap.df(sql, {"map_year": MAP_YEAR})


def municipality_knr_groups(snap: Snapshot, f: Filters) -> pd.DataFrame:
    """``municipalities`` for each municipality filter (derived table, by
    ``knr_key``): the owners in the number or one related to it by the
    reforms, summed per municipality on the map."""
    snap.register("dist", distribution(snap, f))
    snap.register("related", related_municipalities(snap, f))
    chosen = (
        ", chosen AS (SELECT r.knr AS knr_key, d.* FROM dist d "
        "JOIN related r ON r.related = d.municipality_number)"
    )
    sql = _MAP_NUMBERS + chosen + _MUNICIPALITY_SUMS.format(dist="chosen", by="d.knr_key, ")
    return snap.df(sql, {"map_year": MAP_YEAR})


def municipality_forum_groups(snap: Snapshot, f: Filters) -> pd.DataFrame:
    """``municipalities`` per forum (derived table): the owners of a forum
    summed per municipality, what a forum filter alone selects."""
    snap.register("dist", distribution(snap, f))
    sql = _MAP_NUMBERS + _MUNICIPALITY_SUMS.format(dist="dist", by="d.forum_id, ")
    return snap.df(sql, {"map_year": MAP_YEAR})


def map_numbers(snap: Snapshot, f: Filters) -> pd.DataFrame:
    """Each municipality number and the number it is drawn as on the map."""
    return snap.df(
        _MAP_NUMBERS + "SELECT knr, map_knr FROM mapped ORDER BY ALL", {"map_year": MAP_YEAR}
    )


def compliance_summary(snap: Snapshot, f: Filters) -> pd.DataFrame:
    """Per forum and rule: how many subjects are in each status."""
    return snap.df(*_over_compliance(snap, f, _COMPLIANCE_SUMMARY))


def _over_compliance(snap: Snapshot, f: Filters, sql: str) -> tuple[str, dict]:
    """``sql`` over the compliance rows under ``f`` (its ``{rows}``)."""
    f = resolve(snap, f)
    if _derived(snap, f):
        chosen, params = _params(snap, f)
        return sql.format(rows=f"({_compliance_derived(f, chosen, False)})"), params
    snap.register("compliance_rows", compliance(snap, f))
    return sql.format(rows="compliance_rows"), {}


_COMPLIANCE_SUMMARY = """
        SELECT r.year, r.forum_id, fo.name AS forum_name, r.rule_id,
               count(*) FILTER (WHERE status = 'breach') AS breach,
               count(*) FILTER (WHERE status = 'warning') AS warning,
               count(*) FILTER (WHERE status = 'ok') AS ok,
               count(*) FILTER (WHERE status = 'not_applicable') AS not_applicable
        FROM {rows} r LEFT JOIN forum fo USING (forum_id)
        GROUP BY r.year, r.forum_id, fo.name, r.rule_id
        ORDER BY r.year, fo.name NULLS LAST, r.forum_id, CAST(substr(r.rule_id, 2) AS INTEGER)
"""


def compliance_owners(snap: Snapshot, f: Filters) -> pd.DataFrame:
    """Per owner: how many of the rules' rows about it are in each status,
    owners with breaches first."""
    return snap.df(*_over_compliance(snap, f, _COMPLIANCE_OWNERS))


_COMPLIANCE_OWNERS = """
        SELECT r.year, r.owner_id, o.name AS owner_name, o.owner_type::VARCHAR AS owner_type,
               count(*) FILTER (WHERE status = 'breach') AS breach,
               count(*) FILTER (WHERE status = 'warning') AS warning,
               count(*) FILTER (WHERE status = 'ok') AS ok,
               count(*) FILTER (WHERE status = 'not_applicable') AS not_applicable,
               array_to_string(list_transform(list_sort(list_distinct(
                   list(CAST(substr(r.rule_id, 2) AS INTEGER)) FILTER (WHERE status = 'breach')
               )), lambda n: 'R' || n), ' ') AS rules_breached
        FROM {rows} r JOIN school_owner o USING (owner_id)
        GROUP BY r.year, r.owner_id, o.name, o.owner_type
        ORDER BY r.year, breach DESC, warning DESC, o.name, r.owner_id
"""


_SPENDING = """
WITH chosen AS (
    SELECT p.* FROM project p JOIN school_owner o ON o.owner_id = p.lead_owner_id WHERE {where}
), months AS (
    SELECT last_day(m::DATE) AS month_end
    FROM range(date_trunc('month', (SELECT min(start_date) FROM chosen)),
               $as_of::DATE + INTERVAL 1 DAY, INTERVAL 1 MONTH) t(m)
), at_month AS (
    SELECT m.month_end, c.forum_id, c.project_id, c.budget_nok,
           (SELECT s.spent_to_date_nok FROM status_report s
             WHERE s.project_id = c.project_id AND s.report_date <= least(m.month_end, $as_of::DATE)
             ORDER BY s.report_date DESC LIMIT 1) AS spent
    FROM months m JOIN chosen c ON c.start_date <= m.month_end
)
SELECT strftime(a.month_end, '%Y-%m') AS month, a.forum_id, fo.name AS forum_name,
       count(*) AS projects,
       sum(coalesce(a.spent, 0))::BIGINT AS spent_to_date_nok,
       sum(a.budget_nok)::BIGINT AS budget_nok
FROM at_month a JOIN forum fo USING (forum_id)
GROUP BY ALL ORDER BY month, fo.name, a.forum_id
"""


def spending_over_time(snap: Snapshot, f: Filters) -> pd.DataFrame:
    """Per month and forum: the projects' reported spending to date against
    their budgets (projects that have started by the month)."""
    f = resolve(snap, f)
    if _derived(snap, f):
        chosen, params = _params(snap, f)
        sql = (
            "SELECT strftime(p.month_end, '%Y-%m') AS month, p.forum_id, fo.name AS forum_name, "
            "sum(p.projects)::BIGINT AS projects, sum(p.spent)::BIGINT AS spent_to_date_nok, "
            "sum(p.budget)::BIGINT AS budget_nok "
            f"FROM derived_spending_month p JOIN forum fo USING (forum_id) "
            f"WHERE {_project_where_derived(f, chosen)} "
            "GROUP BY ALL ORDER BY month, fo.name, p.forum_id"
        )
        return snap.df(sql, params)
    return snap.df(_SPENDING.format(where=_project_where(f)), f.sql_params())


def scheme_years(snap: Snapshot, f: Filters) -> pd.DataFrame:
    """The scheme's parameters per year: frame, rate, scope, deadlines. A
    hundred rows or so, read once per version (the query's planning cost more
    than the rows): a year filter selects among them."""
    frame = snap.memo(("scheme-years",), lambda: _scheme_years(snap))
    if f.year is not None:
        frame = frame[frame["year"] == f.year].reset_index(drop=True)
    return frame


def _scheme_years(snap: Snapshot) -> pd.DataFrame:
    return snap.df(
        """
        SELECT sy.year, sy.region_id, r.short_name AS region_name, sy.frame_nok,
               sy.cofinancing_rate,
               array_to_string(sy.levels_in_scope::VARCHAR[], '+') AS levels_in_scope,
               array_to_string(sy.owner_types_in_scope::VARCHAR[], '+') AS owner_types_in_scope,
               sy.needs_deadline, sy.reporting_deadline, sy.stale_after_days,
               sy.nonparticipant_policy::VARCHAR AS nonparticipant_policy
        FROM scheme_year sy JOIN region r USING (region_id)
        ORDER BY sy.year, sy.region_id
        """
    )


@dataclass(frozen=True)
class FilterOptions:
    years: list[int]
    forums: list[tuple[str, str]]  # id, name
    municipalities: list[tuple[str, str, int, int | None]]  # knr, name, from, to
    owner_types: list[str]


def filter_options(snap: Snapshot) -> FilterOptions:
    """The values the filter bar offers, from the data (read once per
    version: every page load and followed link asks for them)."""
    return snap.memo(("filter-options",), lambda: _filter_options(snap))


def _filter_options(snap: Snapshot) -> FilterOptions:
    return FilterOptions(
        years=[r[0] for r in snap.rows("SELECT DISTINCT year FROM scheme_year ORDER BY 1")],
        forums=snap.rows("SELECT forum_id, name FROM forum ORDER BY name"),
        municipalities=snap.rows(
            "SELECT m.knr, m.name, m.valid_from, m.valid_to FROM municipality m "
            "WHERE m.knr IN (SELECT knr FROM school_owner WHERE knr IS NOT NULL) "
            "   OR m.valid_from >= (SELECT min(year) FROM scheme_year) "
            "   OR m.knr IN (SELECT successor_knr FROM municipality_successor) "
            "ORDER BY m.name, m.valid_from"
        ),
        owner_types=["municipality", "county_authority", "private"],
    )


@dataclass(frozen=True)
class KeyFigures:
    """The overview's figures, each the sum of a view the page offers as CSV."""

    frame_nok: int  # scheme-years
    entitlement_nok: int  # forums
    awarded_nok: int  # forums
    paid_nok: int  # forums
    cofinancing_committed_nok: int  # forums
    cofinancing_required_nok: int  # forums
    owners_taking_part: int  # distribution: owner-years that take part
    projects_by_status: dict[str, int]  # projects
    breaches_by_rule: dict[str, int]  # compliance


_KEY_FIGURES = """
WITH fo AS ({forums}), di AS ({distribution})
SELECT (SELECT coalesce(sum(frame_nok), 0) FROM scheme_year sy WHERE {year})::BIGINT,
       coalesce(sum(entitlement_nok), 0)::BIGINT, coalesce(sum(awarded_nok), 0)::BIGINT,
       coalesce(sum(paid_nok), 0)::BIGINT, coalesce(sum(cofinancing_committed_nok), 0)::BIGINT,
       coalesce(sum(cofinancing_required_nok), 0)::BIGINT,
       (SELECT count(*) FILTER (WHERE takes_part) FROM di),
       (SELECT map(list(status), list(n)) FROM
           (SELECT status, count(*) AS n FROM ({projects}) GROUP BY status)),
       (SELECT map(list(rule_id), list(n)) FROM
           (SELECT rule_id, count(*) AS n FROM ({compliance}) WHERE status = 'breach'
            GROUP BY rule_id))
FROM fo
"""


def key_figures(snap: Snapshot, f: Filters) -> KeyFigures:
    """The sums of the views behind the overview's figures: without an owner
    filter from sums per scheme year and forum read once per version; with
    one from the derived tables in one query; else by building the views."""
    f = resolve(snap, f)
    if _derived(snap, f) and not f.selects_owners:
        by_year_forum = snap.memo(
            ("key-figures", f.as_of), lambda: _key_figures_by_year_forum(snap, f)
        )
        found = by_year_forum.get((f.year, f.forum))
        if found is not None:
            return found
        frame = int(scheme_years(snap, Filters(year=f.year))["frame_nok"].sum())
        return KeyFigures(frame, 0, 0, 0, 0, 0, 0, {}, {})  # nothing in the year or forum
    if _derived(snap, f):
        chosen, params = _params(snap, f)
        row = snap.rows(
            _KEY_FIGURES.format(
                forums=_forums_derived(f, chosen, False),
                distribution=_distribution_derived(f, chosen, False),
                projects=_projects_derived(f, chosen, False),
                compliance=_compliance_derived(f, chosen, False),
                year=year_condition(f, "sy.year"),
            ),
            params,
        )[0]
        frame, entitlement, awarded, paid, committed, required, taking_part = map(int, row[:7])
        statuses, breaches = row[7] or {}, row[8] or {}
        return KeyFigures(
            frame_nok=frame,
            entitlement_nok=entitlement,
            awarded_nok=awarded,
            paid_nok=paid,
            cofinancing_committed_nok=committed,
            cofinancing_required_nok=required,
            owners_taking_part=taking_part,
            projects_by_status={k: int(n) for k, n in statuses.items()},
            breaches_by_rule={k: int(n) for k, n in breaches.items()},
        )
    years = scheme_years(snap, f)
    forum_rows = forums(snap, f)
    dist = distribution(snap, f)
    project_rows = projects(snap, f)
    rule_rows = compliance(snap, f)
    breaches = rule_rows[rule_rows["status"] == "breach"]["rule_id"].value_counts()
    return KeyFigures(
        frame_nok=int(years["frame_nok"].sum()),
        entitlement_nok=int(forum_rows["entitlement_nok"].sum()),
        awarded_nok=int(forum_rows["awarded_nok"].sum()),
        paid_nok=int(forum_rows["paid_nok"].sum()),
        cofinancing_committed_nok=int(forum_rows["cofinancing_committed_nok"].sum()),
        cofinancing_required_nok=int(forum_rows["cofinancing_required_nok"].sum()),
        owners_taking_part=int(dist["takes_part"].sum()),
        projects_by_status={k: int(v) for k, v in project_rows["status"].value_counts().items()},
        breaches_by_rule={k: int(v) for k, v in breaches.items()},
    )


# The derived tables' sums per scheme year and forum (forum_id NULL: rows of
# no forum), each row: year, forum, then its figures.
_KEY_FIGURE_SUMS = {
    "forums": "SELECT year, forum_id, sum(entitlement_nok), sum(awarded_nok), sum(paid_nok), "
    "sum(cofinancing_committed_nok), sum(cofinancing_required_nok) "
    "FROM derived_forums GROUP BY ALL",
    "taking_part": "SELECT year, forum_id, count(*) FILTER (WHERE takes_part) "
    "FROM derived_distribution GROUP BY ALL",
    "projects": "SELECT year(start_date), forum_id, status, count(*) "
    "FROM derived_projects WHERE start_date <= $as_of GROUP BY ALL",
    "breaches": "SELECT year, forum_id, rule_id, count(*) "
    "FROM derived_compliance WHERE status = 'breach' GROUP BY ALL",
}


def _key_figures_by_year_forum(snap: Snapshot, f: Resolved) -> dict[tuple, KeyFigures]:
    """``key_figures`` of every filter state of a year, a forum, both or
    neither: the views' rows summed per scheme year and forum, then added up
    for each state (exact: the figures are whole kroner and counts).

    The first answer of the overview took 2.7 ms in ``_KEY_FIGURES``' one
    query, mostly DuckDB planning it; this reads four small sums once per
    version. As in ``forums``, a forum filter keeps the forum's years that
    have a member owner (core.selection's ``forum_years``)."""
    with_members = {(year, forum) for year, forum, _ in selection.facts(snap).memberships}
    figures: dict[tuple, list] = {}

    def states(year: int, forum: str | None) -> list[list]:
        keys: list[tuple[int | None, str | None]] = [(year, None), (None, None)]
        if forum is not None:
            keys += [(year, forum), (None, forum)]
        return [figures.setdefault(k, [0, 0, 0, 0, 0, 0, {}, {}]) for k in keys]

    params = f.sql_params()
    for year, forum, *sums in snap.rows(_KEY_FIGURE_SUMS["forums"]):
        for figure in states(year, None):
            _add(figure, sums)
        if forum is not None and (year, forum) in with_members:
            for figure in states(year, forum)[2:]:
                _add(figure, sums)
    for year, forum, n in snap.rows(_KEY_FIGURE_SUMS["taking_part"]):
        for figure in states(year, forum):
            figure[5] += n
    for column, sql in ((6, _KEY_FIGURE_SUMS["projects"]), (7, _KEY_FIGURE_SUMS["breaches"])):
        for year, forum, what, n in snap.rows(sql, params):
            for figure in states(year, forum):
                figure[column][what] = figure[column].get(what, 0) + n
    frames = scheme_years(snap, Filters())
    frame_by_year = frames.groupby("year")["frame_nok"].sum().astype(int).to_dict()
    frame_by_year[None] = sum(frame_by_year.values())
    return {
        (year, forum): KeyFigures(
            frame_nok=int(frame_by_year.get(year, 0)),
            entitlement_nok=int(v[0]),
            awarded_nok=int(v[1]),
            paid_nok=int(v[2]),
            cofinancing_committed_nok=int(v[3]),
            cofinancing_required_nok=int(v[4]),
            owners_taking_part=int(v[5]),
            projects_by_status={k: int(n) for k, n in v[6].items()},
            breaches_by_rule={k: int(n) for k, n in v[7].items()},
        )
        for (year, forum), v in figures.items()
    }


def _add(figure: list, sums: list) -> None:
    for i, value in enumerate(sums):
        figure[i] += value or 0


def related_municipalities(snap: Snapshot, f: Filters) -> pd.DataFrame:
    """Every municipality number with each number related to it by the
    reforms (as core.filters.related_municipalities_sql, for all at once)."""
    return snap.df(
        """
        WITH RECURSIVE later(start, knr) AS (
            SELECT knr, knr FROM municipality
            UNION SELECT l.start, s.successor_knr FROM municipality_successor s
            JOIN later l ON s.knr = l.knr
        ), earlier(start, knr) AS (
            SELECT start, knr FROM later
            UNION SELECT e.start, s.knr FROM municipality_successor s
            JOIN earlier e ON s.successor_knr = e.knr
        )
        SELECT start AS knr, knr AS related FROM earlier ORDER BY ALL
        """
    )


# The views computed once per version, unfiltered, at publish (core.derived).
DERIVED: dict[str, Callable[[Snapshot, Filters], pd.DataFrame]] = {
    "related_municipalities": related_municipalities,
    "map_numbers": map_numbers,
    "entitlement": entitlement_frame,
    "distribution": distribution,
    "forums": forums,
    "projects": projects,
    "compliance": compliance,
    "status_month": status_month_groups,
    "spending_month": spending_month_groups,
    "funding_events": funding_event_groups,
    "funding_states": funding_states,
    "status_states": status_states,
    "municipalities": municipalities,
    "municipality_forums": municipality_forum_groups,
    "municipality_knrs": municipality_knr_groups,
}


# The views whose first rows ``head`` reads on their own (the tables with no
# chart: a chart needs every row).
TABLES: dict[str, Callable[[Filters, selection.Selection], tuple[str, str, str]]] = {
    "compliance": _compliance_parts,
    "projects": _project_parts,
}
