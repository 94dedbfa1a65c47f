"""The cold-start baseline for bench/run.py: the smallest Dash app, one
html.Div, served by gunicorn exactly as the real app (``bench.minimal_app:server``)."""

from __future__ import annotations

import dash
from dash import html

app = dash.Dash(__name__)
app.layout = html.Div("minimal")
server = app.server
