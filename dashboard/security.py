"""What the server adds to be safe to put in front of many users:
authentication (dashboard/auth.py), a request size limit, security headers
with a Content-Security-Policy that Dash works under, and error answers
that never show a traceback or a path.

The policy and every exception in it are explained in docs/deployment.md:
scripts only from the server itself plus the hashes of Dash's own inline
scripts (``app.csp_hashes()``); no ``unsafe-eval``; ``'unsafe-inline'``
for styles only, because React, Plotly and AG Grid set style attributes and
Plotly adds <style> rules at run time.
"""

from __future__ import annotations

from collections.abc import Iterable

import dash
import flask
from dash.exceptions import DependencyException, InvalidResourceError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from dashboard import auth
from dashboard.auth import INTERNAL_ENVIRON
from dashboard.settings import Settings

MESSAGES = {
    400: "Ugyldig forespørsel.",
    401: "Innlogging kreves.",
    403: "Ingen tilgang.",
    404: "Siden finnes ikke.",
    405: "Metoden er ikke tillatt her.",
    408: "Forespørselen tok for lang tid.",
    413: "Forespørselen er for stor.",
    414: "Adressen er for lang.",
    429: "For mange forespørsler. Prøv igjen senere.",
    431: "For store hoder i forespørselen.",
    500: "Det oppsto en intern feil. Feilen er logget.",
    503: "Tjenesten er ikke tilgjengelig akkurat nå.",
}

STATIC_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
}


def install(app: dash.Dash, settings: Settings) -> None:
    """Authentication, size limit, headers and error pages for ``app``.

    Call it before the first request: the app's warm-up request passes
    authentication with ``INTERNAL_ENVIRON``.
    """
    server = app.server
    server.debug = False
    server.config["MAX_CONTENT_LENGTH"] = settings.max_request_bytes
    auth.install(server, settings)
    server.before_request(_limit_size)

    def add_headers(response: flask.Response) -> flask.Response:
        # Asked per response (a few microseconds): Dash registers the pages'
        # title script on the first request, after the app is built.
        response.headers["Content-Security-Policy"] = content_security_policy(app.csp_hashes())
        response.headers.update(STATIC_HEADERS)
        return response

    server.after_request(add_headers)
    server.register_error_handler(HTTPException, _http_error)
    # Dash answers an unknown component-suite file with its list of libraries.
    for unknown_file in (InvalidResourceError, DependencyException):
        server.register_error_handler(unknown_file, lambda _: _text(404))
    server.register_error_handler(Exception, _internal_error)


def content_security_policy(script_hashes: Iterable[str]) -> str:
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'", *script_hashes],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


def _limit_size() -> None:
    # Werkzeug enforces MAX_CONTENT_LENGTH only when the body is read; answer
    # a declared oversize body before any callback code sees the request.
    limit = flask.current_app.config["MAX_CONTENT_LENGTH"]
    length = flask.request.content_length
    if length is not None and length > limit:
        raise RequestEntityTooLarge()


def _text(status: int, headers: Iterable[tuple[str, str]] = ()) -> flask.Response:
    message = MESSAGES.get(status, f"Feil {status}.")
    if status == 413:
        limit = flask.current_app.config["MAX_CONTENT_LENGTH"]
        message = f"{message} Største tillatte størrelse er {limit} byte."
    response = flask.Response(message + "\n", status, mimetype="text/plain")
    for name, value in headers:
        if name.lower() not in ("content-type", "content-length"):
            response.headers[name] = value
    response.headers["Cache-Control"] = "no-store"
    return response


def _http_error(error: HTTPException) -> flask.Response | HTTPException:
    if error.code is None or error.code < 400:
        return error
    # Keep what the client needs (Allow of a 405, WWW-Authenticate), not the body.
    return _text(error.code, error.get_headers())


def _internal_error(error: Exception) -> flask.Response:
    flask.current_app.logger.error(
        "Unhandled error in %s %s",
        flask.request.method,
        flask.request.path,
        exc_info=(type(error), error, error.__traceback__),
    )
    return _text(500)


__all__ = ["INTERNAL_ENVIRON", "content_security_policy", "install"]
