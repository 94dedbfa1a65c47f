"""The rules' results as of the date (core.rules.compliance), from their
inputs read here."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from core.data.facts.money import AWARD_FIGURES
from core.data.store import Snapshot
from core.rules import compliance

if TYPE_CHECKING:
    import pyarrow as pa

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
        SELECT * EXCLUDE (start_year, lead_owner_type, lead_knr) FROM fact_projects
        ORDER BY start_date, project_id""",
}


def rule_inputs(snap: Snapshot, as_of: dt.date) -> compliance.Inputs:
    """What the rules read, as of the date, for every year."""
    params = {"as_of": as_of}
    frames = {name: snap.df(sql, params) for name, sql in _RULE_INPUTS.items()}
    awards = snap.df(_RULE_AWARDS.format(awards=AWARD_FIGURES), params)
    return compliance.Inputs(as_of=as_of, awards=awards, **frames)


def rule_rows(snap: Snapshot, as_of: dt.date) -> pa.Table:
    """Every rule's row per subject as of the date (core.rules.compliance), in the
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
