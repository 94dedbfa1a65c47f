"""The floor of the browser figures (bench/browser.py): the smallest page of
the kind the app draws, written the plain Dash way: one dropdown (the
year), one chart and one 100-row grid, answered by one callback from data
in memory. Dash's dcc.Graph loads the full plotly.js bundle.

    gunicorn bench.minimal_page:server
"""

from __future__ import annotations

import dash
import dash_ag_grid as dag
from dash import Input, Output, dcc, html

YEARS = list(range(2018, 2027))
ROWS = 100


def rows(year: int) -> list[dict[str, object]]:
    """The year's 100 rows, made up but the same on every call."""
    return [
        {
            "owner": f"Skoleeier {i:03d}",
            "fte": round(5 + (i * 37 + year) % 400 / 3, 1),
            "entitlement_nok": (i * 7919 + year * 104_729) % 900_000 + 10_000,
            "awarded_nok": (i * 6_007 + year * 99_991) % 900_000 + 10_000,
        }
        for i in range(ROWS)
    ]


app = dash.Dash(__name__)
app.layout = html.Main(
    [
        html.Label("År", htmlFor="year"),
        dcc.Dropdown(id="year", options=YEARS, value=YEARS[-1], clearable=False),
        dcc.Graph(id="chart"),
        dag.AgGrid(
            id="grid",
            columnDefs=[{"field": f} for f in ("owner", "fte", "entitlement_nok", "awarded_nok")],
        ),
    ]
)
server = app.server
# Dash fills its registry of scripts at the first request and can refuse the
# scripts of a first page load under threaded workers (plotly/dash #3971):
# served once here, as dashboard.create_app does for the app.
server.test_client().get("/")


@app.callback(Output("chart", "figure"), Output("grid", "rowData"), Input("year", "value"))
def show(year: int) -> tuple[dict, list[dict[str, object]]]:
    data = rows(year)
    figure = {
        "data": [
            {
                "type": "bar",
                "x": [r["owner"] for r in data],
                "y": [r["entitlement_nok"] for r in data],
                "name": "Andel etter nøkkel",
            }
        ],
        "layout": {"title": {"text": f"Andel etter nøkkel {year}"}},
    }
    return figure, data
