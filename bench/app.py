"""The app as ``make bench`` serves it (gunicorn ``bench.app:server``): the
production app, built as app.py builds it, with the benchmark's floor
(bench/floor.py) added."""

from __future__ import annotations

from bench.floor import with_floor
from dashboard import create_app
from dashboard.settings import Settings

app = with_floor(create_app(Settings.from_env()))
server = app.server
