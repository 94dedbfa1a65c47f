"""The shell around every page: navbar built from the page registry, the
demo-data notice, and the page container."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html


def navbar() -> dbc.Navbar:
    links = [
        dbc.NavItem(dbc.NavLink(page["name"], href=page["relative_path"], active="exact"))
        for page in dash.page_registry.values()
    ]
    return dbc.Navbar(
        dbc.Container(
            [
                dbc.NavbarBrand("Dekomp monitor", href="/"),
                dbc.Nav(links, navbar=True),
            ]
        ),
        color="dark",
        dark=True,
        class_name="mb-3",
    )


def shell() -> html.Div:
    return html.Div(
        [
            dcc.Location(id="url"),
            navbar(),
            dbc.Container(html.Main(dash.page_container, id="main")),
        ]
    )
