"""Oversikt: for now the shell of the overview page. The user sees which data
version is served and when it was published, how many rows of each kind it
holds and the frame per year. The full overview comes with the dashboard step.
"""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, callback, html

from core import fmt
from core.store import NoDatabase
from core.summary import COUNTED_TABLES, DataSummary, data_summary

dash.register_page(__name__, path="/", name="Oversikt", title="Oversikt – Dekomp monitor")

ID_CONTENT = "overview-content"


def layout(**_: object) -> html.Div:
    return html.Div(
        [
            html.H1("Oversikt", className="h3"),
            html.Div(id=ID_CONTENT, children=dbc.Spinner()),
        ]
    )


@callback(Output(ID_CONTENT, "children"), Input("url", "pathname"))
def show_summary(_pathname: str) -> list:
    from dashboard import store

    try:
        with store().snapshot() as snap:
            summary = data_summary(snap)
    except NoDatabase as err:
        return [dbc.Alert(str(err), color="warning")]
    return render(summary)


def render(summary: DataSummary) -> list:
    version = summary.version
    notice = (
        [
            dbc.Alert(
                "Demodataene er illustrative: de er bygd på offentlige tall "
                "(lærerårsverk fra Skoleporten, rammen for 2018), og noen tall er anslag. "
                "Se «data/README.md».",
                color="info",
                id="demo-notice",
            )
        ]
        if summary.is_demo
        else []
    )
    count_rows = [
        html.Tr(
            [
                html.Th(label, scope="row"),
                html.Td(fmt.integer(summary.counts[table]), className="text-end"),
            ]
        )
        for table, label in COUNTED_TABLES.items()
    ]
    frame_rows = [
        html.Tr(
            [
                html.Td(str(f.year)),
                html.Td(f.region),
                html.Td(fmt.nok(f.frame_nok), className="text-end"),
            ]
        )
        for f in summary.frames
    ]
    return [
        *notice,
        html.P(
            [
                "Dataversjon ",
                html.Strong(str(version.version_id), id="data-version"),
                f", publisert {fmt.datetime(version.created_at)} ({version.description}).",
            ]
        ),
        dbc.Row(
            [
                dbc.Col(
                    [
                        html.H2("Innhold", className="h5"),
                        dbc.Table(html.Tbody(count_rows), id="counts", size="sm"),
                    ],
                    md=5,
                ),
                dbc.Col(
                    [
                        html.H2("Ramme per år", className="h5"),
                        dbc.Table(
                            [
                                html.Thead(
                                    html.Tr(
                                        [
                                            html.Th("År"),
                                            html.Th("Region"),
                                            html.Th("Ramme", className="text-end"),
                                        ]
                                    )
                                ),
                                html.Tbody(frame_rows),
                            ],
                            id="frames",
                            size="sm",
                        ),
                    ],
                    md=7,
                ),
            ]
        ),
    ]
