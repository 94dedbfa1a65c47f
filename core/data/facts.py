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
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from core import compliance
from core.allocation import OwnerFte, entitlements
from core.store import Snapshot

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa

# The shape of the fact tables: bump when a fact's columns or meaning change,
# so that a version file with facts of another shape is never read as this one.
SHAPE = 1
META = "fact_meta"
MAP_YEAR = 2020  # the year of the municipality boundaries in data/geo/

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


# --- The facts -----------------------------------------------------------------

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
ORDER BY sy.year, sy.region_id, o.owner_id
"""


def entitlement(snap: Snapshot, as_of: dt.date) -> pa.Table:
    """Every active owner of every scheme year with its FTE in the year's
    scope and its entitlement: the frame shared by FTE among all owners in
    scope (core.allocation). Independent of the date."""
    import pandas as pd
    import pyarrow as pa

    base = snap.df(_OWNER_YEARS)
    rows = []
    for (year, region), group in base.groupby(["year", "region_id"], sort=True):
        owners = [
            OwnerFte(r.owner_id, r.fte, bool(r.takes_part)) for r in group.itertuples(index=False)
        ]
        frame_nok, policy = int(group["frame_nok"].iloc[0]), group["policy"].iloc[0]
        for e in entitlements(frame_nok, owners, policy):
            rows.append(
                (year, region, e.owner_id, e.fte, e.takes_part, e.entitlement_nok, e.withheld_nok)
            )
    names = ["year", "region_id", "owner_id", "fte", "takes_part", "entitlement_nok"]
    frame = pd.DataFrame(rows, columns=[*names, "withheld_nok"]).astype(
        {"year": "int64", "entitlement_nok": "int64", "withheld_nok": "int64"}
    )
    return pa.Table.from_pandas(frame, preserve_index=False)


# A recipient confirms use once per year, not per award: its confirmed and
# repaid amounts are split over its awards of the year by largest remainder,
# so that forum figures add up to the krone. Awards decided after the date
# are left out; payments and confirmations count up to the date.
AWARD_FIGURES = """
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

_OWNER_YEAR_FIGURES = """
WITH af AS ({awards}), awarded AS (
    SELECT year, recipient_owner_id AS owner_id, sum(amount_nok) AS awarded_nok,
           sum(paid_nok) AS paid_nok
    FROM af WHERE recipient_owner_id IS NOT NULL GROUP BY ALL
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
       coalesce(a.paid_nok, 0)::BIGINT AS paid_nok,
       CASE WHEN e.fte > 0 THEN round(e.entitlement_nok / e.fte)::BIGINT END
           AS entitlement_per_fte_nok,
       CASE WHEN e.fte > 0 THEN round(coalesce(a.awarded_nok, 0) / e.fte)::BIGINT END
           AS awarded_per_fte_nok
FROM fact_entitlement e
JOIN school_owner o USING (owner_id)
LEFT JOIN municipality mu ON mu.knr = o.knr
LEFT JOIN forum_member m ON m.owner_id = e.owner_id AND m.year = e.year
LEFT JOIN forum fo ON fo.forum_id = m.forum_id
LEFT JOIN awarded a ON a.owner_id = e.owner_id AND a.year = e.year
WHERE e.fte > 0 OR e.takes_part OR a.awarded_nok IS NOT NULL
"""


def owner_years(snap: Snapshot, as_of: dt.date) -> pa.Table:
    """Per owner and year: FTE in scope, entitlement, awarded and paid."""
    return snap.arrow(_OWNER_YEAR_FIGURES.format(awards=AWARD_FIGURES), {"as_of": as_of})


_FORUM_YEARS = """
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
    FROM members mb JOIN fact_entitlement e ON e.owner_id = mb.owner_id AND e.year = mb.year
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
"""


def forum_years(snap: Snapshot, as_of: dt.date) -> pa.Table:
    """Per forum and year: its members' FTE and entitlement, what was awarded
    (to institutions and owners), paid, spent and confirmed, co-financing."""
    return snap.arrow(_FORUM_YEARS.format(awards=AWARD_FIGURES), {"as_of": as_of})


def members(snap: Snapshot, as_of: dt.date) -> pa.Table:
    """The forums' member owners per year, with what the owner filters ask."""
    return snap.arrow(
        "SELECT m.year, m.forum_id, m.owner_id, o.owner_type::VARCHAR AS owner_type, o.knr "
        "FROM forum_member m JOIN school_owner o USING (owner_id)"
    )


_PROJECTS = """
WITH latest AS (
    SELECT * FROM status_report WHERE report_date <= $as_of
    QUALIFY row_number() OVER (PARTITION BY project_id ORDER BY report_date DESC) = 1
), figures AS (
    SELECT p.project_id, p.title, p.forum_id, fo.name AS forum_name,
           p.lead_owner_id, o.name AS lead_owner_name, p.institution_id,
           i.name AS institution_name, p.development_area, p.sector_goal::VARCHAR AS sector_goal,
           p.school_based, p.start_date, p.planned_end, p.budget_nok,
           CASE WHEN s.status IS NOT NULL THEN s.status::VARCHAR ELSE 'planned' END AS status,
           s.report_date AS last_report_date,
           coalesce(s.spent_to_date_nok, 0) AS spent_to_date_nok,
           CASE WHEN p.budget_nok > 0
                THEN CAST(coalesce(s.spent_to_date_nok, 0) / p.budget_nok AS DECIMAL(9, 4))
           END AS spent_share,
           s.participants,
           date_diff('day', coalesce(s.report_date, p.start_date), $as_of::DATE)
               AS days_since_report,
           (SELECT sy.stale_after_days FROM scheme_year sy WHERE sy.region_id = fo.region_id
             -- the as-of year's limit; else the latest year before it; else the first
             ORDER BY sy.year > year($as_of::DATE), abs(sy.year - year($as_of::DATE))
             LIMIT 1) AS stale_after_days,
           o.owner_type::VARCHAR AS lead_owner_type, o.knr AS lead_knr
    FROM project p
    JOIN forum fo USING (forum_id)
    JOIN school_owner o ON o.owner_id = p.lead_owner_id
    LEFT JOIN institution i ON i.institution_id = p.institution_id
    LEFT JOIN latest s USING (project_id)
    WHERE p.start_date <= $as_of
)
SELECT * EXCLUDE (lead_owner_type, lead_knr),
       status IN ('planned', 'started', 'ongoing', 'delayed')
           AND days_since_report > stale_after_days AS stale,
       lead_owner_type, lead_knr
FROM figures
ORDER BY start_date, project_id
"""


def projects(snap: Snapshot, as_of: dt.date) -> pa.Table:
    """Every project started by the date with its latest status, spending
    against budget and whether its status is stale; its lead owner's type
    and municipality, for the owner filters."""
    return snap.arrow(_PROJECTS, {"as_of": as_of})


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
LEFT JOIN fact_entitlement e ON e.owner_id = af.recipient_owner_id AND e.year = af.year
ORDER BY af.year, af.award_id
"""

_RULE_INPUTS = {
    "years": """
        SELECT year, region_id, frame_nok, cofinancing_rate,
               levels_in_scope::VARCHAR[] AS levels_in_scope,
               owner_types_in_scope::VARCHAR[] AS owner_types_in_scope,
               needs_deadline, reporting_deadline, stale_after_days,
               nonparticipant_policy::VARCHAR AS nonparticipant_policy
        FROM scheme_year ORDER BY year, region_id""",
    "owners_year": """
        SELECT e.year, e.region_id, e.owner_id, o.name AS owner_name,
               o.owner_type::VARCHAR AS owner_type, e.fte, m.forum_id
        FROM fact_entitlement e JOIN school_owner o USING (owner_id)
        LEFT JOIN forum_member m ON m.owner_id = e.owner_id AND m.year = e.year
        ORDER BY e.year, e.owner_id""",
    "cofinancing": """
        SELECT year, owner_id,
               coalesce(sum(amount_nok) FILTER (WHERE kind = 'cash'), 0)::BIGINT AS cash,
               coalesce(sum(amount_nok) FILTER (WHERE kind = 'in_kind'), 0)::BIGINT AS in_kind
        FROM cofinancing GROUP BY ALL ORDER BY ALL""",
    "needs": """
        SELECT n.report_id, n.year, o.region_id, n.owner_id, o.name AS owner_name, n.forum_id,
               n.received_date, n.development_area
        FROM needs_report n JOIN school_owner o USING (owner_id)
        WHERE n.received_date <= $as_of
        ORDER BY n.year, n.report_id""",
    "confirmations": """
        SELECT year, coalesce(recipient_owner_id, recipient_institution_id) AS recipient,
               received_date, amount_used_nok, amount_repaid_nok
        FROM confirmation WHERE received_date <= $as_of ORDER BY ALL""",
    "projects": """
        SELECT * EXCLUDE (lead_owner_type, lead_knr) FROM fact_projects
        ORDER BY start_date, project_id""",
}


def rule_inputs(snap: Snapshot, as_of: dt.date) -> compliance.Inputs:
    """What the rules read, as of the date, for every year."""
    params = {"as_of": as_of}
    frames = {name: snap.df(sql, params) for name, sql in _RULE_INPUTS.items()}
    awards = snap.df(_RULE_AWARDS.format(awards=AWARD_FIGURES), params)
    return compliance.Inputs(as_of=as_of, awards=awards, **frames)


def rules(snap: Snapshot, as_of: dt.date) -> pa.Table:
    """Every rule's row per subject as of the date (core.compliance), in the
    rules' order (``position``), with the owner's type, municipality and
    name and the forum's name."""
    import pyarrow as pa

    frame = compliance.evaluate(rule_inputs(snap, as_of))
    frame = frame.assign(position=range(len(frame)))
    snap.register("rule_rows", pa.Table.from_pandas(frame, preserve_index=False))
    return snap.arrow(
        "SELECT r.*, "
        "o.owner_type::VARCHAR AS owner_type, o.knr AS owner_knr, o.name AS owner_name, "
        "fo.name AS forum_name "
        "FROM rule_rows r LEFT JOIN school_owner o USING (owner_id) "
        "LEFT JOIN forum fo USING (forum_id) ORDER BY r.position"
    )


# Each project at each month end from its start to the date: its latest
# status and spending by then, with what the filters select on.
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
SELECT strftime(month_end, '%Y-%m') AS month,
       coalesce(latest.status::VARCHAR, 'planned') AS status, a.forum_id, fo.name AS forum_name,
       start_year, knr, owner_type::VARCHAR AS owner_type, count(*) AS projects,
       sum(coalesce(latest.spent_to_date_nok, 0)) AS spent, sum(budget_nok) AS budget
FROM at_month a JOIN forum fo USING (forum_id) GROUP BY ALL
"""


def project_months(snap: Snapshot, as_of: dt.date) -> pa.Table:
    """Projects, their spending and budgets per month end, status and the
    groups the filters select (start year, forum, lead owner's municipality
    and type)."""
    return snap.arrow(_PROJECT_MONTHS, {"as_of": as_of})


_MONEY_EVENTS = """
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
), events AS (
    SELECT strftime(e.day, '%Y-%m') AS month, 'award' AS source, af.year, af.forum_id,
           af.recipient_owner_id AS owner_id,
           sum(e.awarded) AS awarded, sum(e.paid) AS paid, 0 AS spent,
           sum(e.confirmed) AS confirmed
    FROM award_events e JOIN af USING (award_id) WHERE e.day <= $as_of GROUP BY ALL
    UNION ALL
    SELECT strftime(day, '%Y-%m'), 'project', year, forum_id, owner_id, 0, 0, sum(spent), 0
    FROM spent WHERE day <= $as_of GROUP BY ALL
)
SELECT e.*, o.owner_type::VARCHAR AS owner_type, o.knr,
       CASE WHEN e.source = 'award' THEN m.forum_id END AS member_forum_id
FROM events e
LEFT JOIN school_owner o USING (owner_id)
LEFT JOIN forum_member m ON m.owner_id = e.owner_id AND m.year = e.year
"""


def money_events(snap: Snapshot, as_of: dt.date) -> pa.Table:
    """Money per month: awarded (by decision date), paid, confirmed per
    award's year, forum and recipient owner (and the recipient's forum that
    year); spent (the growth of a project's reported spending) per project's
    start year, forum and lead owner."""
    return snap.arrow(_MONEY_EVENTS.format(awards=AWARD_FIGURES), {"as_of": as_of})


def related_municipalities(snap: Snapshot, as_of: dt.date) -> pa.Table:
    """Every municipality number with each number related to it by the
    reforms: itself, the numbers that took over from it, and every number
    those took over from. Nordre Follo (3020 or 3207) gives 0213 Ski and 0217
    Oppegård; Ski gives Nordre Follo and, through it, Oppegård."""
    return snap.arrow(
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
        SELECT start AS knr, knr AS related FROM earlier
        """
    )


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
    -- Numbers of later reforms back to their predecessor valid in the map's year.
    SELECT s.successor_knr AS knr, s.knr AS map_knr FROM municipality_successor s
    JOIN municipality m ON m.knr = s.knr
    WHERE $map_year BETWEEN m.valid_from AND coalesce(m.valid_to, 9999)
)
SELECT mp.knr, mp.map_knr, m.name AS map_name
FROM (SELECT * FROM map_number UNION SELECT * FROM backward) mp
JOIN municipality m ON m.knr = mp.map_knr
"""


def map_numbers(snap: Snapshot, as_of: dt.date) -> pa.Table:
    """Each municipality number and the number (and name) it is drawn as on
    the map (boundaries of MAP_YEAR)."""
    return snap.arrow(_MAP_NUMBERS, {"map_year": MAP_YEAR})


def scheme_years(snap: Snapshot, as_of: dt.date) -> pa.Table:
    """The scheme's parameters per year and region, as the export shows them."""
    return snap.arrow(
        """
        SELECT sy.year, sy.region_id, r.short_name AS region_name, sy.frame_nok,
               sy.cofinancing_rate,
               array_to_string(sy.levels_in_scope::VARCHAR[], '+') AS levels_in_scope,
               array_to_string(sy.owner_types_in_scope::VARCHAR[], '+') AS owner_types_in_scope,
               sy.needs_deadline, sy.reporting_deadline, sy.stale_after_days,
               sy.nonparticipant_policy::VARCHAR AS nonparticipant_policy
        FROM scheme_year sy JOIN region r USING (region_id)
        """
    )


# --- Stored at publish, computed for another date --------------------------------


@dataclass(frozen=True)
class Fact:
    build: Callable[[Snapshot, dt.date], pa.Table]
    dated: bool = True  # depends on the as-of date
    needs: tuple[str, ...] = ()  # facts it reads


# In the order they are computed: a fact after those it reads.
FACTS: dict[str, Fact] = {
    "scheme_years": Fact(scheme_years, dated=False),
    "related": Fact(related_municipalities, dated=False),
    "map_numbers": Fact(map_numbers, dated=False),
    "members": Fact(members, dated=False),
    "entitlement": Fact(entitlement, dated=False),
    "owner_years": Fact(owner_years, needs=("entitlement",)),
    "forum_years": Fact(forum_years, needs=("entitlement",)),
    "projects": Fact(projects),
    "rules": Fact(rules, needs=("entitlement", "projects")),
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
        table = snap.memo(key, lambda fact=fact: fact.build(snap, as_of))
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
        conn.execute(f"CREATE TABLE fact_{name} AS SELECT * FROM new_fact")
        snap.unregister("new_fact")
    conn.execute(
        f"CREATE TABLE {META} AS SELECT $as_of::DATE AS as_of, $shape AS shape",
        {"as_of": as_of, "shape": SHAPE},
    )
