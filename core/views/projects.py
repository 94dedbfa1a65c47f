"""The project views: the latest status of each, the status reports, and
statuses and spending month by month. The year filter is the year a project
started; the owner filters apply to its lead owner."""

from __future__ import annotations

from core.filters import Filters
from core.views.sql import View, projects_where


def _projects(f: Filters) -> str:
    where = projects_where(f, "p.start_year", "p.forum_id", "p.lead_owner_type", "p.lead_knr")
    return (
        "SELECT * EXCLUDE (start_year, lead_owner_type, lead_knr) FROM fact_projects p "
        f"WHERE {where}"
    )


def _status_history(f: Filters) -> str:
    where = projects_where(f, "year(p.start_date)", "p.forum_id", "o.owner_type", "o.knr")
    return f"""
SELECT s.project_id, p.title, p.forum_id, p.lead_owner_id, s.report_date,
       s.status::VARCHAR AS status, s.spent_to_date_nok, s.participants, s.note
FROM status_report s
JOIN project p USING (project_id)
JOIN school_owner o ON o.owner_id = p.lead_owner_id
WHERE s.report_date <= $as_of AND p.start_date <= $as_of AND {where}
"""


def _months_where(f: Filters) -> str:
    return projects_where(f, "p.start_year", "p.forum_id", "p.owner_type", "p.knr")


def _status_by_month(f: Filters) -> str:
    return (
        "SELECT p.month, p.status, sum(p.projects)::BIGINT AS projects "
        f"FROM fact_project_months p WHERE {_months_where(f)} "
        "GROUP BY ALL"
    )


def _spending(f: Filters) -> str:
    return (
        "SELECT p.month, p.forum_id, p.forum_name, "
        "sum(p.projects)::BIGINT AS projects, sum(p.spent)::BIGINT AS spent_to_date_nok, "
        "sum(p.budget)::BIGINT AS budget_nok "
        f"FROM fact_project_months p WHERE {_months_where(f)} "
        "GROUP BY ALL"
    )


VIEWS = [
    View(
        "projects",
        "latest status of every project as of the date",
        _projects,
        "p.start_date, p.project_id",
        ("projects", "related"),
    ),
    View(
        "status-history",
        "every status report up to the date",
        _status_history,
        "s.project_id, s.report_date",
        ("related",),
        summable=False,
    ),
    View(
        "status-by-month",
        "projects per status at each month end",
        _status_by_month,
        "month, status",
        ("project_months", "related"),
    ),
    View(
        "spending-over-time",
        "spent and budget per forum, month",
        _spending,
        "p.month, p.forum_name, p.forum_id",
        ("project_months", "related"),
        summable=False,
    ),
]
