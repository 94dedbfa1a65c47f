"""Authentication for every route of the server, chosen by ``DEKOMP_AUTH``.

- ``none`` (the default, for local use): nothing is checked.
- ``basic``: HTTP Basic against the users file ``DEKOMP_USERS_FILE`` (see
  core/users.py; ``dekomp user add NAME`` writes it). The file is read again
  when it changes, so adding a user needs no restart.
- ``proxy``: the county governor's login proxy authenticates and names the
  user in a header (``DEKOMP_PROXY_USER_HEADER``, default ``X-Remote-User``);
  the header is believed only from the proxy's own addresses
  (``DEKOMP_TRUSTED_PROXIES``), compared with the TCP peer (REMOTE_ADDR),
  never with X-Forwarded-For.

The check is the first ``before_request`` hook of the Flask server, so it
guards pages, ``/_dash-*``, component suites, assets, ``/geo``, favicon and
``/healthz`` alike. With ``DEKOMP_HEALTHZ_PUBLIC=1`` an unauthenticated
``/healthz`` answers only status and data version (for load balancers).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import os
import secrets
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import MappingProxyType

import flask
from cachetools import TTLCache
from werkzeug.security import check_password_hash, generate_password_hash

from core import users as users_file
from core.data.store import StoreError
from dashboard.data import snapshot
from dashboard.settings import Network, Settings, SettingsError

REALM = 'Basic realm="Dekomp monitor", charset="UTF-8"'
HEALTHZ_ENDPOINT = "healthz"
USER_KEY = "dekomp_user"
# A WSGI environ key no HTTP request can set (headers arrive as HTTP_*): the
# app's own in-process warm-up request (dashboard._warm_up) carries it.
INTERNAL_KEY = "dekomp.internal"
INTERNAL_ENVIRON = MappingProxyType({INTERNAL_KEY: True})

# A correct password is checked with scrypt once, then remembered for a
# while: a page load makes dozens of requests, and scrypt costs ~50 ms each.
VERIFIED_TTL_SECONDS = 300.0
VERIFIED_MAX = 1024

Check = Callable[[], flask.Response | None]


def install(server: flask.Flask, settings: Settings) -> None:
    """Guard every request of ``server`` as ``settings.auth`` says.

    Raises SettingsError (Norwegian) when the mode cannot work, so a server
    never starts unprotected by mistake.
    """
    if settings.auth == "none":
        return
    if settings.auth == "basic":
        assert settings.users_file is not None  # Settings refuses basic auth without one
        authenticate: Check = BasicAuth(settings.users_file)
    else:
        authenticate = ProxyAuth(settings.trusted_proxies, settings.proxy_user_header)

    def guard() -> flask.Response | None:
        if flask.request.environ.get(INTERNAL_KEY) is True:
            return None
        denied = authenticate()
        public = settings.healthz_public and flask.request.endpoint == HEALTHZ_ENDPOINT
        if denied is not None and public:
            return _brief_health()
        return denied

    # First of all hooks: nothing (Dash's own setup included) runs before it.
    server.before_request_funcs.setdefault(None, []).insert(0, guard)


def current_user() -> str | None:
    """The authenticated user of this request, if any."""
    return flask.g.get(USER_KEY)


class BasicAuth:
    """HTTP Basic against a users file that is re-read when it changes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        try:
            self._users = users_file.read(path)
        except users_file.UsersFileError as err:
            raise SettingsError(f"DEKOMP_AUTH=basic: {err}") from None
        if not self._users:
            raise SettingsError(
                f"DEKOMP_AUTH=basic: brukerfila {path} har ingen brukere; "
                "legg til med «dekomp user add NAVN»."
            )
        self._stamp = _stamp(path)
        self._key = secrets.token_bytes(32)
        # Unknown names cost the same scrypt as known ones.
        self._dummy = generate_password_hash(secrets.token_hex(16), method=users_file.HASH_METHOD)
        # Not thread-safe (cachetools): read and written under self._lock.
        self._verified: TTLCache[bytes, bool] = TTLCache(
            maxsize=VERIFIED_MAX, ttl=VERIFIED_TTL_SECONDS, timer=time.monotonic
        )

    def __call__(self) -> flask.Response | None:
        credentials = flask.request.authorization
        if (
            credentials is None
            or credentials.type != "basic"
            or credentials.username is None
            or credentials.password is None
            or not self.verify(credentials.username, credentials.password)
        ):
            return unauthorized()
        setattr(flask.g, USER_KEY, credentials.username)
        return None

    def verify(self, name: str, password: str) -> bool:
        known = self._current_users()
        stored = known.get(name)
        digest = hmac.new(
            self._key, "\0".join((name, password, stored or "")).encode(), hashlib.sha256
        ).digest()
        with self._lock:
            if digest in self._verified:
                return True
        # check_password_hash compares in constant time (hmac.compare_digest).
        ok = check_password_hash(stored or self._dummy, password) and stored is not None
        if ok:
            with self._lock:
                self._verified[digest] = True
        return ok

    def _current_users(self) -> dict[str, str]:
        stamp = _stamp(self.path)
        if stamp == self._stamp:
            return self._users
        with self._lock:
            if stamp != self._stamp:
                try:
                    self._users = users_file.read(self.path)
                except users_file.UsersFileError as err:
                    # Refuse everyone rather than trust a half-edited file.
                    flask.current_app.logger.error("Brukerfila kan ikke leses: %s", err)
                    self._users = {}
                self._stamp = stamp
                self._verified.clear()
            return self._users


class ProxyAuth:
    """Trust the user header only from the login proxy's addresses."""

    def __init__(self, trusted: tuple[Network, ...], header: str) -> None:
        self.trusted = trusted
        self.header = header

    def __call__(self) -> flask.Response | None:
        if not self.is_trusted(flask.request.remote_addr):
            return forbidden("Forespørselen kom ikke gjennom innloggingen.")
        user = flask.request.headers.get(self.header, "").strip()
        if not user:
            return forbidden("Innloggingen oppga ingen bruker.")
        setattr(flask.g, USER_KEY, user)
        return None

    def is_trusted(self, address: str | None) -> bool:
        try:
            ip = ipaddress.ip_address(address or "")
        except ValueError:
            return False  # a Unix socket or an empty peer is not the proxy
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        return any(ip in network for network in self.trusted)


def unauthorized() -> flask.Response:
    response = _text("Innlogging kreves.", 401)
    response.headers["WWW-Authenticate"] = REALM
    return response


def forbidden(message: str) -> flask.Response:
    return _text(message, 403)


def _text(message: str, status: int) -> flask.Response:
    response = flask.Response(message + "\n", status, mimetype="text/plain")
    response.headers["Cache-Control"] = "no-store"
    return response


def _brief_health() -> flask.Response:
    """Status and data version only: what a load balancer needs, no counts."""
    try:
        with snapshot() as snap:
            version = snap.version.version_id
    except StoreError:
        response = flask.jsonify(status="no-data")
        response.status_code = 503
        return response
    return flask.jsonify(status="ok", version=version)


def _stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


__all__ = ["INTERNAL_ENVIRON", "REALM", "BasicAuth", "ProxyAuth", "current_user", "install"]
