"""The Dash app: ``create_app(settings)`` builds it; pages live in
``dashboard/pages`` and ask ``core`` for data through ``dashboard.data``
(the store that the app keeps in its Flask config, opened lazily, per
process).

The imports point one way: settings, ids, i18n, data -> present, charts ->
components -> layout -> pages -> this module, which only builds the app and
is imported by none of them."""

from __future__ import annotations

from pathlib import Path

import dash
import flask
from dash.fingerprint import check_fingerprint
from flask_compress import DictCache

from core.data.store import NoDatabase, Store
from core.data.summary import data_summary
from dashboard import security
from dashboard.data import STORE_KEY, snapshot, version_header
from dashboard.layout import shell
from dashboard.settings import Settings

HERE = Path(__file__).resolve().parent
GEO_DIR = HERE.parent / "data" / "geo"
# The files Dash serves from its packages: the same bytes for as long as the
# process lives, so flask-compress compresses each once (per algorithm).
DASH_FILES = ("/_dash-component-suites/", "/_favicon.ico")


def create_app(settings: Settings | None = None) -> dash.Dash:
    settings = settings or Settings.from_env()
    server = flask.Flask(__name__, static_folder=None)  # Dash serves assets/
    server.config[STORE_KEY] = Store(settings.db)
    # assets/ for a day without asking again: Dash's URLs carry the file's
    # mtime (?m=), so a changed file is a new URL. (Revalidation did not help:
    # flask-compress's ETag of a compressed file never matches, docs/operations.md.)
    server.config["SEND_FILE_MAX_AGE_DEFAULT"] = 86_400
    # Before Dash sets flask-compress up (compress=True below).
    server.config["COMPRESS_CACHE_KEY"] = _dash_file
    server.config["COMPRESS_CACHE_BACKEND"] = DashFiles
    app = dash.Dash(
        __name__,
        server=server,
        use_pages=True,
        pages_folder=str(HERE / "pages"),
        assets_folder=str(HERE / "assets"),
        external_stylesheets=[],  # Bootstrap is vendored in assets/
        title="Dekomp monitor",
        compress=True,
        suppress_callback_exceptions=False,
        serve_locally=True,
    )
    app.index_string = app.index_string.replace("<html>", '<html lang="nb">')
    app.layout = shell()
    server.after_request(version_header)
    server.add_url_rule("/healthz", "healthz", _healthz)
    server.add_url_rule("/geo/<path:name>", "geo", _geo)
    security.install(app, settings)  # auth, headers, limits, error pages
    if not settings.debug:
        # Dash's dev tools (app.run(debug=True)) add their hooks at the first
        # request, which Flask refuses once the warm-up has answered one.
        _warm_up(app)
    return app


def _warm_up(app: dash.Dash) -> None:
    """Serve the index once before any real request.

    Dash sets up its registry of scripts on the first request and marks it
    done before it is filled, so under threaded workers the script requests
    of a first page load can fail with "not a registered library" (plotly/dash
    #3971). Doing it here, in each process as the app is built, closes that
    gap. The index touches no data, so no database is opened before a fork.
    """
    response = app.server.test_client().get("/", environ_base=security.INTERNAL_ENVIRON)
    if response.status_code != 200:
        raise RuntimeError(f"the app failed to render its index: {response.status_code}")


def _dash_file(request: flask.Request) -> str:
    """flask-compress's cache key: a GET of one of Dash's files, named
    without the version Dash puts in its name (any version serves the same
    file, so a made-up one adds no entry); "" for every other response."""
    if request.method == "GET" and request.path.startswith(DASH_FILES):
        return check_fingerprint(request.path)[0]
    return ""


class DashFiles(DictCache):
    """flask-compress's own cache, holding Dash's files only: without it,
    each page load compressed Dash's scripts again (async-community.js is
    1 MB), the most CPU per request in the load test (docs/operations.md).
    Pages and callback answers (key "") are compressed afresh every time.
    Its size is bounded by the files Dash serves (an unknown file is a 404,
    which flask-compress neither compresses nor keeps): 11 MB per algorithm
    if every file is asked for; the index's scripts are 0.7 MB in br."""

    def get(self, key: str) -> bytes | None:
        return None if key.endswith(";") else super().get(key)

    def set(self, key: str, value: bytes) -> None:
        if not key.endswith(";"):
            super().set(key, value)


def _geo(name: str) -> flask.Response:
    """The map's municipality boundaries (data/geo), cached by the browser."""
    # As JSON: flask-compress leaves application/geo+json uncompressed (575 KB
    # against 177 KB).
    return flask.send_from_directory(GEO_DIR, name, max_age=86_400, mimetype="application/json")


def _healthz() -> tuple[flask.Response, int]:
    try:
        with snapshot() as snap:
            summary = data_summary(snap)
    except NoDatabase as err:
        return flask.jsonify(status="no-data", error=str(err)), 503
    return flask.jsonify(
        status="ok",
        version=summary.version.version_id,
        created_at=summary.version.created_at.isoformat(),
        counts=summary.counts,
    ), 200


__all__ = ["create_app"]
