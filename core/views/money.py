"""The money views: per owner, per forum, per municipality on the map, and
over time."""

from __future__ import annotations

from core.filters import Filters, combine, forum_condition, owner_condition, year_condition
from core.views.sql import View, cumulative, forum_years_where, owner_years_where


def _distribution(f: Filters) -> str:
    return f"SELECT * FROM fact_owner_years d WHERE {owner_years_where(f)}"


def _forums(f: Filters) -> str:
    return f"SELECT * FROM fact_forum_years fy WHERE {forum_years_where(f)}"


# The owners summed per municipality as drawn on the map (2020 boundaries):
# 2018 numbers through their 2020 successors, 2024 numbers through their 2020
# predecessors. Owners abroad and county authorities have no municipality.
_MUNICIPALITIES = """
SELECT d.year, mp.map_knr AS map_municipality_number, mp.map_name AS map_municipality_name,
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
FROM fact_owner_years d
JOIN fact_map_numbers mp ON mp.knr = d.municipality_number
WHERE {where}
GROUP BY ALL
"""


def _municipalities(f: Filters) -> str:
    return _MUNICIPALITIES.format(where=owner_years_where(f))


def _funding(f: Filters) -> str:
    """The year filter takes the awards of that scheme year (their payments
    and confirmations) and the projects started that year; owner filters
    keep owner awards only, to members of the chosen forum."""
    where = combine(year_condition(f, "e.year"), forum_condition(f, "e.forum_id"))
    if f.selects_owners:
        members = combine("e.owner_id IS NOT NULL", forum_condition(f, "e.member_forum_id"))
        where = combine(
            where,
            owner_condition(f, "e.owner_type", "e.knr"),
            f"e.source = 'project' OR ({members})",
        )
    return (
        f"SELECT month, {cumulative('awarded', 'paid', 'spent', 'confirmed')} "
        f"FROM fact_money_events e WHERE {where} "
        "GROUP BY month WINDOW w AS (ORDER BY month)"
    )


VIEWS = [
    View(
        "distribution",
        "one row per owner and year",
        _distribution,
        "d.year, d.forum_id NULLS LAST, d.owner_name, d.owner_id",
        ("owner_years", "related"),
    ),
    View(
        "forums",
        "one row per forum and year",
        _forums,
        "fy.year, fy.forum_name, fy.forum_id",
        ("forum_years", "members", "related"),
    ),
    View(
        "funding-over-time",
        "awarded, paid, spent, confirmed per month",
        _funding,
        "month",
        ("money_events", "related"),
    ),
    View(
        "municipalities",
        "the distribution per municipality",
        _municipalities,
        "d.year, mp.map_knr",
        ("owner_years", "map_numbers", "related"),
    ),
]
