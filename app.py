"""Entry point: ``python app.py`` serves the dashboard on $HOST:$PORT with
Flask's development server; ``app:server`` is the WSGI app for gunicorn."""

from __future__ import annotations

from dashboard import create_app
from dashboard.settings import Settings

settings = Settings.from_env()
app = create_app(settings)
server = app.server

if __name__ == "__main__":
    app.run(host=settings.host, port=settings.port, debug=settings.debug)
