"""gunicorn settings for ``make serve``, every one read from the environment
(the table in docs/deployment.md). ``gunicorn -c gunicorn.conf.py app:server``.

Workers are forked before the app opens any database: the app is loaded in
each worker (no ``preload_app``), and the Store opens DuckDB lazily, read
only, on the worker's first request. The app's settings (auth, limits) are
checked here first, so a misconfigured server stops at once with one clear
message instead of every worker failing to boot.
"""

from __future__ import annotations

import multiprocessing
import os
import sys


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        sys.exit(f"Dekomp: {name}={value!r} er ikke et heltall.")


def _check_app_settings() -> None:
    from dashboard.auth import BasicAuth
    from dashboard.settings import Settings, SettingsError

    if os.environ.get("DEKOMP_DEBUG", "") == "1":
        sys.exit("Dekomp: DEKOMP_DEBUG=1 er bare for utvikling (python app.py), ikke for gunicorn.")
    try:
        settings = Settings.from_env()
        if settings.auth == "basic" and settings.users_file is not None:
            BasicAuth(settings.users_file)  # reads and checks the users file
    except SettingsError as err:
        sys.exit(f"Dekomp: {err}")


_check_app_settings()

wsgi_app = "app:server"
bind = [f"{os.environ.get('HOST', '127.0.0.1')}:{_int('PORT', 8050)}"]
# Two per core: a worker's threads share one interpreter lock, and the load
# test (docs/operations.md) served more, faster, with 4 workers on 2 cores than with 2.
workers = _int("DEKOMP_WORKERS", 2 * multiprocessing.cpu_count())
threads = _int("DEKOMP_THREADS", 4)
worker_class = "gthread"
timeout = _int("DEKOMP_TIMEOUT", 120)
graceful_timeout = _int("DEKOMP_GRACEFUL_TIMEOUT", 30)
keepalive = _int("DEKOMP_KEEPALIVE", 5)
# Restart a worker after this many requests (0: never), spread by the jitter
# so that the workers do not all restart at once.
max_requests = _int("DEKOMP_MAX_REQUESTS", 0)
max_requests_jitter = _int("DEKOMP_MAX_REQUESTS_JITTER", max_requests // 10)
preload_app = False
proc_name = "dekomp"
# gunicorn's control socket (gunicornc) only where asked for: by default it
# sits at one path per user, which several instances on a machine would share.
control_socket = os.environ.get("DEKOMP_CONTROL_SOCKET", "")
control_socket_disable = not control_socket
accesslog = os.environ.get("DEKOMP_ACCESS_LOG", "-") or None
errorlog = os.environ.get("DEKOMP_ERROR_LOG", "-")
loglevel = os.environ.get("DEKOMP_LOG_LEVEL", "info")
# The user basic auth or the login proxy's header named, in the access log.
_user = "%(u)s"
if os.environ.get("DEKOMP_AUTH", "").strip().lower() == "proxy":
    _header = os.environ.get("DEKOMP_PROXY_USER_HEADER", "X-Remote-User").strip().lower()
    _user = "%({" + _header + "}i)s"
access_log_format = f'%(h)s {_user} "%(r)s" %(s)s %(b)s %(M)sms "%({{x-dekomp-version}}o)s" "%(a)s"'
# Long request lines and many headers are refused by gunicorn itself.
limit_request_line = _int("DEKOMP_LIMIT_REQUEST_LINE", 8190)
limit_request_fields = _int("DEKOMP_LIMIT_REQUEST_FIELDS", 100)
