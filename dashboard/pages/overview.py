"""Oversikt: where the year's money went and what needs attention. The user
sees the key figures (frame, entitlement, awarded, paid, co-financing,
owners taking part, projects per status, breaches per rule), each with the
CSV it is the sum of, the data version, funding over time, and links on."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, callback, dcc, html
from dash.exceptions import PreventUpdate

from core import fmt
from core.data.store import StoreError
from core.data.summary import data_summary
from core.views import key_figures
from dashboard import ids, present
from dashboard.components import Card, card, download_button, kpi, register, text
from dashboard.data import snapshot
from dashboard.i18n import translator
from dashboard.outputs import OUTPUTS
from dashboard.state import read_state

dash.register_page(__name__, path="/", name="Oversikt", title="Oversikt – Dekomp monitor", order=0)

FUNDING = Card("ov-funding", "funding-over-time", "funding_over_time", "chart.funding_over_time")
register(FUNDING)

KPIS = [
    ("kpi.frame", "ov-frame"),
    ("kpi.entitlement", "ov-entitlement"),
    ("kpi.awarded", "ov-awarded"),
    ("kpi.paid", "ov-paid"),
    ("kpi.cofinancing", "ov-cofinancing"),
    ("kpi.owners", "ov-owners"),
]
SOURCES = [
    ("scheme-years", "ov-src-years"),
    ("forums", "ov-src-forums"),
    ("distribution", "ov-src-dist"),
    ("projects", "ov-src-projects"),
    ("compliance", "ov-src-compliance"),
]


def _panel(title_key: str, body_id: str) -> dbc.Col:
    """A half-width card: a heading and what the callback fills in."""
    body = dbc.CardBody([text(title_key, html.H2, className="h6"), html.Div(id=body_id)])
    return dbc.Col(dbc.Card(body, className="h-100 shadow-sm"), md=6, className="mb-3")


def layout(**_: object) -> html.Div:
    return html.Div(
        [
            text("page.overview.title", html.H1, className="h3"),
            html.Div(id="ov-demo"),
            dbc.Row([kpi(label, value_id, f"{value_id}-note") for label, value_id in KPIS]),
            dbc.Row([_panel("kpi.projects", "ov-projects"), _panel("kpi.breaches", "ov-breaches")]),
            html.Div(
                [text("overview.sources", html.Span, className="small me-2")]
                + [download_button(view, card_id, f"download.{view}") for view, card_id in SOURCES],
                className="mb-4",
            ),
            card(FUNDING),
            html.Nav(html.Ul(id="ov-links", className="list-inline"), **{"aria-label": "sider"}),
        ]
    )


@callback(
    *[Output(value_id, "children") for _, value_id in KPIS],
    Output("ov-cofinancing-note", "children"),
    Output("ov-projects", "children"),
    Output("ov-breaches", "children"),
    Output("ov-links", "children"),
    Output("ov-demo", "children"),
    Input(ids.STATE, "data"),
)
def show(state: dict | None) -> tuple:
    filters, lang = read_state(state)
    query = (state or {}).get("url_query", "")
    try:
        with snapshot() as snap:

            def compute() -> tuple[tuple, bool]:
                figures = key_figures(snap, filters)
                return render(figures, data_summary(snap).is_demo, query, lang), True

            return OUTPUTS.get_or_compute((snap.path, "ov-kpis", filters, lang, query), compute)
    except StoreError:
        raise PreventUpdate from None  # the shell shows what is wrong


def render(k, is_demo: bool, query: str, lang: str) -> tuple:
    tr = translator(lang)
    loc = present.locale(lang)
    share = k.cofinancing_committed_nok / k.awarded_nok if k.awarded_nok else 0
    projects = [
        dbc.Badge(
            f"{tr('status.' + s)}: {n}",
            color="light",
            text_color="dark",
            className=f"me-2 mb-1 border project-{s}",
        )
        for s, n in sorted(k.projects_by_status.items())
    ] or [tr("empty.no_data")]
    breaches = [
        html.Span(
            [
                dbc.Badge(f"{rule} {tr('rule.' + rule)}", className="me-1 status-breach"),
                f"{n} {tr('status.breach').lower()}",
            ],
            className="me-3 d-inline-block mb-1",
        )
        for rule, n in sorted(k.breaches_by_rule.items(), key=lambda item: int(item[0][1:]))
    ] or [html.Span(tr("overview.no_breaches"), className="status-ok px-2 rounded")]
    suffix = f"?{query}" if query else ""
    links = [
        html.Li(dcc.Link(tr(f"nav.{page}"), href=f"{path}{suffix}"), className="list-inline-item")
        for page, path in (
            ("distribution", "/fordeling"),
            ("compliance", "/etterlevelse"),
            ("projects", "/prosjekter"),
            ("about", "/om"),
        )
    ]
    demo = (
        dbc.Alert(tr("overview.demo_notice"), color="info", id="demo-notice") if is_demo else None
    )
    return (
        fmt.nok_short(k.frame_nok, loc),
        fmt.nok_short(k.entitlement_nok, loc),
        fmt.nok_short(k.awarded_nok, loc),
        fmt.nok_short(k.paid_nok, loc),
        fmt.nok_short(k.cofinancing_committed_nok, loc),
        fmt.number(k.owners_taking_part, 0, loc),
        tr(
            "kpi.cofinancing_note",
            share=fmt.percent(share, loc),
            required=fmt.nok_short(k.cofinancing_required_nok, loc),
        ),
        projects,
        breaches,
        links,
        demo,
    )
