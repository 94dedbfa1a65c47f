"""The benchmark's floor: a Dash callback that does nothing, on the app that
``make bench`` serves (bench/app.py), so every callback can be measured
beside the cost of a round trip through the same server, endpoint and Dash
machinery. It lives here, not in the production app.

Its ids are the benchmark's own (``bench-floor-*``); the callback is
registered on the one app instance (``app.callback``), never in Dash's
global registry, so an app built without ``with_floor`` has none of it.
"""

from __future__ import annotations

from typing import Any

import dash
from dash import Input, Output, dcc, html

FLOOR_IN = "bench-floor-in"
FLOOR_OUT = "bench-floor-out"


def with_floor(app: dash.Dash) -> dash.Dash:
    """``app`` with the floor: two stores after its layout, and the no-op
    callback between them. It never fires in a browser (no initial call),
    so a page's first load sends nothing more than without it."""
    stores = [dcc.Store(id=FLOOR_IN), dcc.Store(id=FLOOR_OUT)]
    layout = app.layout
    if callable(layout):
        app.layout = lambda: html.Div([layout(), *stores])
    else:
        app.layout = html.Div([layout, *stores])

    @app.callback(Output(FLOOR_OUT, "data"), Input(FLOOR_IN, "data"), prevent_initial_call=True)
    def floor(data: object) -> object:
        return data

    return app


def floor_request(value: Any) -> dict[str, Any]:
    """The body of a POST /_dash-update-component that calls the floor with
    ``value`` (it answers with the same value)."""
    return {
        "output": f"{FLOOR_OUT}.data",
        "outputs": {"id": FLOOR_OUT, "property": "data"},
        "inputs": [{"id": FLOOR_IN, "property": "data", "value": value}],
        "changedPropIds": [f"{FLOOR_IN}.data"],
        "state": [],
    }
