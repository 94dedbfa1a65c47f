"""The rules' results (R1-R10, core.rules.compliance) as of the date: every row,
and counted per forum and rule, and per owner."""

from __future__ import annotations

from core.filters import Filters
from core.views.sql import View, rules_where


def _compliance(f: Filters) -> str:
    return (
        "SELECT * EXCLUDE (position, owner_type, owner_knr, owner_name, forum_name) "
        "FROM fact_rules r "
        f"WHERE {rules_where(f)}"
    )


_COUNTS = """
count(*) FILTER (WHERE r.status = 'breach') AS breach,
count(*) FILTER (WHERE r.status = 'warning') AS warning,
count(*) FILTER (WHERE r.status = 'ok') AS ok,
count(*) FILTER (WHERE r.status = 'not_applicable') AS not_applicable"""


def _summary(f: Filters) -> str:
    return f"""
SELECT r.year, r.forum_id, r.forum_name, r.rule_id, {_COUNTS}
FROM fact_rules r
WHERE {rules_where(f)}
GROUP BY r.year, r.forum_id, r.forum_name, r.rule_id
"""


def _owners(f: Filters) -> str:
    """Owners with breaches first."""
    return f"""
SELECT r.year, r.owner_id, r.owner_name, r.owner_type, {_COUNTS},
       array_to_string(list_transform(list_sort(list_distinct(
           list(CAST(substr(r.rule_id, 2) AS INTEGER)) FILTER (WHERE r.status = 'breach')
       )), lambda n: 'R' || n), ' ') AS rules_breached
FROM fact_rules r
WHERE r.owner_id IS NOT NULL AND {rules_where(f)}
GROUP BY r.year, r.owner_id, r.owner_name, r.owner_type
"""


VIEWS = [
    View(
        "compliance",
        "one row per rule and subject",
        _compliance,
        "r.position",
        ("rules", "related"),
    ),
    View(
        "compliance-summary",
        "statuses per forum and rule",
        _summary,
        "r.year, r.forum_name NULLS LAST, r.forum_id, CAST(substr(r.rule_id, 2) AS INTEGER)",
        ("rules", "related"),
    ),
    View(
        "compliance-owners",
        "statuses per owner",
        _owners,
        "r.year, breach DESC, warning DESC, r.owner_name, r.owner_id",
        ("rules", "related"),
    ),
]
