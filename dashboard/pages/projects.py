"""Prosjekter: projects per status over time, a timeline of the projects
coloured by status, spending against budget per forum over time, and the
latest status of every project with stale ones marked. "Per dato" moves
every view on the page to that date."""

from __future__ import annotations

import dash
from dash import html

from dashboard.components import Card, card, register, table_card, text

dash.register_page(
    __name__, path="/prosjekter", name="Prosjekter", title="Prosjekter – Dekomp monitor", order=3
)

STATUS = Card("proj-status", "status-by-month", "status_by_month", "chart.status_by_month")
TIMELINE = Card("proj-timeline", "projects", "timeline", "chart.timeline")
SPENDING = Card("proj-spending", "spending-over-time", "spending", "chart.spending")
LATEST = Card(
    "proj-latest",
    "projects",
    None,
    "chart.projects_table",
    first=(
        "title",
        "status",
        "stale",
        "last_report_date",
        "forum_name",
        "lead_owner_name",
        "spent_to_date_nok",
        "budget_nok",
        "spent_share",
    ),
    hidden=("forum_id", "lead_owner_id", "institution_id"),
)
for spec in (STATUS, TIMELINE, SPENDING, LATEST):
    register(spec)


def layout(**_: object) -> html.Div:
    return html.Div(
        [
            text("page.projects.title", html.H1, className="h3"),
            text("page.projects.intro", html.P, className="text-muted"),
            card(STATUS),
            card(TIMELINE),
            card(SPENDING),
            table_card(LATEST),
        ]
    )
