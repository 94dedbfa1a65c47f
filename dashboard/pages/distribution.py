"""Fordeling: per forum, entitlement against awarded and paid and the split
between institutions and owners; per owner, sorted bars and a table with NOK
per teacher FTE and the deviation; a treemap forum -> owner; and a map of the
municipalities (2020 boundaries)."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import html

from dashboard.components import Card, card, register, text

dash.register_page(
    __name__, path="/fordeling", name="Fordeling", title="Fordeling – Dekomp monitor", order=1
)

CARDS = [
    Card("dist-forums", "forums", "forums", "chart.forums"),
    Card("dist-split", "forums", "forum_split", "chart.forum_split"),
    Card("dist-owners", "distribution", "owners", "chart.owners"),
    Card("dist-treemap", "distribution", "treemap", "chart.treemap"),
    Card("dist-map", "municipalities", "map", "chart.map"),
]
for spec in CARDS:
    register(spec)


def layout(**_: object) -> html.Div:
    forums, split, owners, tree, geo = (card(spec) for spec in CARDS)
    return html.Div(
        [
            text("page.distribution.title", html.H1, className="h3"),
            text("page.distribution.intro", html.P, className="text-muted"),
            dbc.Row([dbc.Col(forums, lg=7), dbc.Col(split, lg=5)]),
            owners,
            dbc.Row(
                [
                    dbc.Col(tree, lg=6),
                    dbc.Col(
                        [geo, text("chart.map_note", html.P, className="small text-muted")], lg=6
                    ),
                ]
            ),
        ]
    )
