"""The money facts: entitlement per owner and year (core.rules.allocation),
awards with what was paid and confirmed by the date, owner-years,
forum-years and money per month."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from core.data.store import Snapshot
from core.rules.allocation import OwnerFte, entitlements

if TYPE_CHECKING:
    import pyarrow as pa

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
    scope (core.rules.allocation). Independent of the date."""
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
