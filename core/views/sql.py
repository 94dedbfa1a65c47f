"""What every view is made of: the ``View`` record and the SQL pieces that
more than one view uses.

A view is one parameterised SELECT over the version's facts
(core.data.facts) and data tables, with an explicit ORDER BY; its filter
conditions come from core.filters, where each is written once. The same
statement gives the dashboard's DataFrames and the CSV that DuckDB writes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from core.filters import Filters, combine, forum_condition, owner_condition, year_condition


@dataclass(frozen=True)
class View:
    name: str  # as in ``dekomp export NAME`` and the download file names
    description: str
    sql: Callable[[Filters], str]  # the SELECT for a filter state with its date
    order: str  # its ORDER BY (a table card counts its rows without it)
    facts: tuple[str, ...]  # the facts it reads (core.data.facts.FACTS)
    # Rows repeat a level (spent to date per report or month): money there
    # does not add up, so a snapshot's totals leave these views out.
    summable: bool = True


def cumulative(*columns: str) -> str:
    """Each month's sums of ``columns`` (``awarded`` -> ``awarded_nok``) and
    their running totals, for a SELECT grouped by ``month`` with
    ``WINDOW w AS (ORDER BY month)``."""
    sums = [f"sum({c})::BIGINT AS {c}_nok" for c in columns]
    totals = [f"sum(sum({c})) OVER w::BIGINT AS {c}_cumulative_nok" for c in columns]
    return ", ".join(sums + totals)


def owner_years_where(f: Filters, d: str = "d") -> str:
    """Owner-years (``fact_owner_years``) by year, the forum the owner is a
    member of that year, and the owner's type and municipality."""
    return combine(
        year_condition(f, f"{d}.year"),
        forum_condition(f, f"{d}.forum_id"),
        owner_condition(f, f"{d}.owner_type", f"{d}.municipality_number"),
    )


def forum_years_where(f: Filters, fy: str = "fy") -> str:
    """Forum-years by year and forum; owner filters keep the forum-years
    with at least one member owner they select (a forum's figures stay whole)."""
    selects = f.forum is not None or f.selects_owners
    members = combine(forum_condition(f, "m.forum_id"), owner_condition(f, "m.owner_type", "m.knr"))
    return combine(
        year_condition(f, f"{fy}.year"),
        forum_condition(f, f"{fy}.forum_id"),
        f"({fy}.year, {fy}.forum_id) IN (SELECT m.year, m.forum_id FROM fact_members m "
        f"WHERE {members})"
        if selects
        else "TRUE",
    )


def projects_where(f: Filters, start_year: str, forum: str, owner_type: str, knr: str) -> str:
    """Projects by the year they started, their forum, and their lead owner's
    type and municipality."""
    return combine(
        year_condition(f, start_year),
        forum_condition(f, forum),
        owner_condition(f, owner_type, knr),
    )


def rules_where(f: Filters, r: str = "r") -> str:
    """Rule rows by year and forum; owner filters keep the rows about the
    owners they select."""
    owners = owner_condition(f, f"{r}.owner_type", f"{r}.owner_knr")
    return combine(
        year_condition(f, f"{r}.year"),
        forum_condition(f, f"{r}.forum_id"),
        f"({r}.owner_id IS NOT NULL AND {owners})" if f.selects_owners else "TRUE",
    )
