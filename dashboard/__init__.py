"""The Dash app: ``create_app(settings)`` builds it; pages live in
``dashboard/pages`` and ask ``core`` for data through the store that the app
keeps in its Flask config (opened lazily, per process)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dash
import flask

from core.data.store import NoDatabase, Snapshot, Store
from core.data.summary import data_summary
from dashboard import compression, security
from dashboard.layout import shell
from dashboard.settings import Settings

HERE = Path(__file__).resolve().parent
GEO_DIR = HERE.parent / "data" / "geo"
STORE_KEY = "DEKOMP_STORE"
VERSION_HEADER = "X-Dekomp-Version"


def create_app(settings: Settings | None = None) -> dash.Dash:
    settings = settings or Settings.from_env()
    server = flask.Flask(__name__, static_folder=None)  # Dash serves assets/
    server.config[STORE_KEY] = Store(settings.db)
    # assets/ for a day without asking again: Dash's URLs carry the file's
    # mtime (?m=), so a changed file is a new URL. (Revalidation did not help:
    # flask-compress's ETag of a compressed file never matches, docs/operations.md.)
    server.config["SEND_FILE_MAX_AGE_DEFAULT"] = 86_400
    compression.configure(server)  # Dash's scripts compressed once per worker
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
    server.after_request(_version_header)
    server.add_url_rule("/healthz", "healthz", _healthz)
    server.add_url_rule("/geo/<path:name>", "geo", _geo)
    security.install(app, settings)  # auth, headers, limits, error pages
    armed = _load_the_rest_after_the_first_answer(server)
    if not settings.debug:
        # Dash's dev tools (app.run(debug=True)) add their hooks at the first
        # request, which Flask refuses once the warm-up has answered one.
        _warm_up(app)
    _serialize_without_pandas()
    armed.set()
    return app


def _serialize_without_pandas() -> None:
    """Dash writes its answers with Plotly's JSON writer, which uses orjson
    when it is installed (0.5-0.9 ms less per table of 500 rows). But that
    path looks up pandas' attributes in every value it cleans, and pandas is
    imported in a thread after the first answer (``_load_the_rest``): a page
    served during that import failed with "partially initialized module
    'pandas'". So the built-in writer serves until pandas has loaded."""
    from plotly.io import json as plotly_json

    plotly_json.config.default_engine = "json"


def _load_the_rest_after_the_first_answer(server: flask.Flask) -> threading.Event:
    """Serve first, then load in the background what only callbacks need.

    pandas, pyarrow, core.views and Plotly's template make up most of an
    import of the app but no page's HTML needs them, so a new worker answers
    its first request without them (cold start, docs/performance.md) and a
    thread loads them right after, before the page's callbacks arrive. A
    callback that comes earlier waits for the import like any other. The
    hook starts once the returned event is set (after the built-in warm-up).
    """
    armed, started = threading.Event(), threading.Event()

    def start(response: flask.Response) -> flask.Response:
        if armed.is_set() and not started.is_set():
            started.set()
            threading.Thread(target=_load_the_rest, name="dekomp-load", daemon=True).start()
        return response

    server.after_request(start)
    return armed


def _load_the_rest() -> None:
    import pandas  # noqa: F401
    import pyarrow  # noqa: F401
    from plotly.io import json as plotly_json

    from core import views  # noqa: F401
    from dashboard import charts

    charts.template()
    plotly_json.config.default_engine = "auto"  # orjson, now that pandas is whole


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


def store() -> Store:
    """The store of the app serving the current request."""
    return flask.current_app.config[STORE_KEY]


@contextmanager
def snapshot() -> Iterator[Snapshot]:
    """A snapshot of the served version for this request; the response names
    every version a request read in its X-Dekomp-Version header (one, unless
    a publish landed between two snapshots of the same request)."""
    with store().snapshot() as snap:
        read = flask.g.setdefault("data_versions", [])
        if snap.path.stem not in read:
            read.append(snap.path.stem)
        yield snap


def _version_header(response: flask.Response) -> flask.Response:
    read = flask.g.get("data_versions")
    if read:
        response.headers[VERSION_HEADER] = ",".join(read)
    return response


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


__all__ = ["create_app", "snapshot", "store"]
