"""Etterlevelse: the rule results as a table with status badges (text and
colour, never colour alone), filterable by rule and status, each row with
its explanation; and the breaches and warnings per rule and forum."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, callback, html

from core.rules.common import RULES, STATUSES
from dashboard import ids
from dashboard.components import ANY, Card, card, register, table_card, text
from dashboard.i18n import translator, valid

dash.register_page(
    __name__,
    path="/etterlevelse",
    name="Etterlevelse",
    title="Etterlevelse – Dekomp monitor",
    order=2,
)

RULE_SELECT = "comp-rule"
STATUS_SELECT = "comp-status"


SUMMARY = Card(
    "comp-summary", "compliance-summary", "compliance_summary", "chart.compliance_summary"
)
RULES_TABLE = Card(
    "comp-rules",
    "compliance",
    None,
    "chart.compliance_rows",
    wrap=("explanation",),
    hidden=("subject_type", "subject_id", "forum_id", "owner_id", "unit"),
    first=("year", "rule_id", "status", "subject_name", "explanation"),
    narrow_by=(RULE_SELECT, STATUS_SELECT),
    narrow_columns=("rule_id", "status"),
)
OWNERS = Card("comp-owners", "compliance-owners", "compliance_owners", "chart.compliance_owners")
register(SUMMARY)
register(OWNERS)
register(RULES_TABLE)


def _select(label_key: str, select_id: str, options: list, width: int) -> dbc.Col:
    """A labelled select that narrows the rule table (the label names it)."""
    label = html.Label(
        translator("nb")(label_key),
        htmlFor=select_id,
        className="form-label small",
        id=ids.text(label_key),
    )
    return dbc.Col(
        [label, dbc.Select(id=select_id, options=options, value=ANY, size="sm")], md=width
    )


def _controls() -> dbc.Row:
    rules, statuses = _options("nb")
    return dbc.Row(
        [
            _select("filter.rule", RULE_SELECT, rules, 4),
            _select("filter.status", STATUS_SELECT, statuses, 3),
        ],
        className="mb-2 g-2",
    )


def layout(**_: object) -> html.Div:
    return html.Div(
        [
            text("page.compliance.title", html.H1, className="h3"),
            text("page.compliance.intro", html.P, className="text-muted"),
            table_card(RULES_TABLE, _controls()),
            dbc.Row([dbc.Col(card(SUMMARY), lg=6), dbc.Col(card(OWNERS), lg=6)]),
        ]
    )


@callback(
    Output(RULE_SELECT, "options"),
    Output(STATUS_SELECT, "options"),
    Input(ids.LANG, "value"),
)
def options(lang_value: str | None) -> tuple:
    return _options(valid(lang_value))


def _options(lang: str) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """The options of the rule select and of the status select."""
    tr = translator(lang)
    every = [{"label": tr("filter.all"), "value": ANY}]
    rules = [{"label": f"{rule} {tr('rule.' + rule)}", "value": rule} for rule in RULES]
    statuses = [{"label": tr(f"status.{s}"), "value": s} for s in STATUSES]
    return every + rules, every + statuses
