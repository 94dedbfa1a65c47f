"""Om dataene: how the entitlement is computed, the rounding method, each
rule, the data versions, the sources, and the note that the demo data is
illustrative."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, callback, dcc, html
from dash.exceptions import PreventUpdate

from core import fmt
from core.data.store import StoreError
from core.data.summary import data_summary
from core.data.versions import list_versions
from core.rules.common import RULES
from dashboard import ids, present
from dashboard.components import Card, register, table_card, text
from dashboard.data import snapshot, store
from dashboard.i18n import translator, valid

dash.register_page(
    __name__, path="/om", name="Om dataene", title="Om dataene – Dekomp monitor", order=4
)

YEARS = Card("about-years", "scheme-years", None, "about.parameters")
register(YEARS)


def layout(**_: object) -> html.Div:
    return html.Div(
        [
            text("page.about.title", html.H1, className="h3"),
            html.Div(id="about-demo"),
            text("about.entitlement.title", html.H2, className="h5 mt-3"),
            text("about.entitlement.body", dcc.Markdown),
            text("about.rounding.title", html.H2, className="h5 mt-3"),
            text("about.rounding.body", dcc.Markdown),
            text("about.rules.title", html.H2, className="h5 mt-3"),
            html.Dl(
                [
                    item
                    for rule in RULES
                    for item in (
                        html.Dt(
                            f"{rule} {translator('nb')('rule.' + rule)}", id=f"about-rule-{rule}"
                        ),
                        text(f"about.rule.{rule}", html.Dd),
                    )
                ],
                className="row-cols-1",
            ),
            table_card(YEARS),
            text("about.versions.title", html.H2, className="h5 mt-3"),
            html.Div(id="about-versions"),
            text("about.sources.title", html.H2, className="h5 mt-3"),
            text("about.sources.body", dcc.Markdown),
        ]
    )


@callback(
    Output("about-versions", "children"),
    Output("about-demo", "children"),
    *[Output(f"about-rule-{rule}", "children") for rule in RULES],
    Input(ids.LANG, "value"),
)
def show(lang_value: str | None) -> tuple:
    """The versions and the rules: they follow the language, not the filters."""
    lang = valid(lang_value)
    tr = translator(lang)
    try:
        versions = list_versions(store().paths.db)
        with snapshot() as snap:
            is_demo = data_summary(snap).is_demo
    except StoreError:
        raise PreventUpdate from None  # the shell shows what is wrong
    rows = [
        html.Tr(
            [
                html.Td(str(v.version_id)),
                html.Td(fmt.datetime(v.created_at, present.locale(lang))),
                html.Td(v.description),
                html.Td(tr("about.versions.current") if v.current else ""),
            ]
        )
        for v in versions
    ]
    header = html.Tr([html.Th(tr(f"about.versions.{k}")) for k in ("id", "time", "what", "state")])
    table = dbc.Table(
        [html.Thead(header), html.Tbody(rows)],
        size="sm",
        striped=True,
        id="versions-table",
    )
    demo = dbc.Alert(tr("about.demo_notice"), color="info") if is_demo else None
    return (table, demo, *[f"{rule} {tr('rule.' + rule)}" for rule in RULES])
