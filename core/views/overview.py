"""The scheme's parameters per year, the overview's key figures, and the
values the filter bar offers."""

from __future__ import annotations

from dataclasses import dataclass

from core.data.store import Snapshot
from core.filters import OWNER_TYPES, Filters, year_condition
from core.views.sql import View, forum_years_where, owner_years_where, projects_where, rules_where


def _scheme_years(f: Filters) -> str:
    return f"SELECT * FROM fact_scheme_years sy WHERE {year_condition(f, 'sy.year')}"


VIEWS = [
    View(
        "scheme-years",
        "the scheme's parameters per year",
        _scheme_years,
        "sy.year, sy.region_id",
        ("scheme_years",),
    )
]


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


# The facts key_figures reads (core.data.facts.FACTS).
KEY_FIGURE_FACTS = (
    "scheme_years",
    "forum_years",
    "members",
    "owner_years",
    "projects",
    "rules",
    "related",
)


def key_figures_sql(f: Filters) -> str:
    """The sums of the rows of the views behind the overview's figures, with
    each view's own conditions."""
    project_rows = projects_where(
        f, "p.start_year", "p.forum_id", "p.lead_owner_type", "p.lead_knr"
    )
    return f"""
SELECT (SELECT coalesce(sum(frame_nok), 0) FROM fact_scheme_years sy
        WHERE {year_condition(f, "sy.year")})::BIGINT,
       coalesce(sum(entitlement_nok), 0)::BIGINT, coalesce(sum(awarded_nok), 0)::BIGINT,
       coalesce(sum(paid_nok), 0)::BIGINT, coalesce(sum(cofinancing_committed_nok), 0)::BIGINT,
       coalesce(sum(cofinancing_required_nok), 0)::BIGINT,
       (SELECT count(*) FILTER (WHERE takes_part) FROM fact_owner_years d
        WHERE {owner_years_where(f)}),
       (SELECT histogram(status) FROM fact_projects p WHERE {project_rows}),
       (SELECT histogram(rule_id) FROM fact_rules r
        WHERE r.status = 'breach' AND {rules_where(f)})
FROM fact_forum_years fy WHERE {forum_years_where(f)}
"""


def key_figures_of(row: tuple) -> KeyFigures:
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
        owner_types=list(OWNER_TYPES),
    )
