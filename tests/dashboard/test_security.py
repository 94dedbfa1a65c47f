"""Security headers, the request size limit and error answers
(dashboard/security.py): the same headers on every page, asset, callback
and error; a Content-Security-Policy whose script hashes are exactly those
of the index's inline scripts; 413 for a big body; no traceback, path or
library list in any error answer, a raising callback included."""

from __future__ import annotations

import base64
import hashlib
import io
import re
from pathlib import Path

import flask
import pytest

from dashboard import create_app
from dashboard.security import STATIC_HEADERS
from dashboard.settings import Settings
from tests.dashboard.test_auth import (  # noqa: F401 - shell_callbacks is an autouse fixture
    CALLBACK,
    PAGES,
    route_requests,
    shell_callbacks,
)

EXPECTED_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}
# What no error answer may show: a traceback, a file of the app or its
# libraries, an exception's name, Dash's list of registered libraries.
LEAKS = re.compile(
    r"Traceback|File \"|\.py\b|/work/|site-packages|Error\b|Exception|Registered libraries",
)


@pytest.fixture
def server(db: Path) -> flask.Flask:
    return create_app(Settings(db=db)).server


def directives(policy: str) -> dict[str, list[str]]:
    out = {}
    for part in policy.split(";"):
        name, *values = part.split()
        out[name] = values
    return out


def inline_script_hashes(index: str) -> set[str]:
    """sha256 of every inline script the browser would run (not JSON data,
    not IE conditional comments)."""
    visible = re.sub(r"<!--.*?-->", "", index, flags=re.S)
    hashes = set()
    for attrs, body in re.findall(r"<script([^>]*)>(.*?)</script>", visible, flags=re.S):
        if "src=" in attrs or "application/json" in attrs:
            continue
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        hashes.add(f"'sha256-{digest}'")
    return hashes


def assert_security_headers(response, what: str) -> None:
    for name, value in EXPECTED_HEADERS.items():
        assert response.headers.get(name) == value, f"{what}: {name}"
    policy = directives(response.headers["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"], what
    assert policy["frame-ancestors"] == ["'none'"], what
    assert policy["object-src"] == ["'none'"], what
    assert policy["img-src"] == ["'self'", "data:", "blob:"], what
    assert "'unsafe-eval'" not in policy["script-src"], what
    assert "'unsafe-inline'" not in policy["script-src"], what


def test_sec001_headers_on_every_route(server: flask.Flask) -> None:
    client = server.test_client()
    index = client.get("/").get_data(as_text=True)
    requests = [r for rs in route_requests(server, index).values() for r in rs]
    for method, url in requests:
        response = client.post(url, json=CALLBACK) if method == "POST" else client.get(url)
        assert response.status_code == 200, url
        assert_security_headers(response, url)
    assert STATIC_HEADERS.items() >= EXPECTED_HEADERS.items()


def test_sec002_policy_names_exactly_the_inline_scripts(server: flask.Flask) -> None:
    client = server.test_client()
    for page in PAGES:
        response = client.get(page)
        scripts = inline_script_hashes(response.get_data(as_text=True))
        assert len(scripts) >= 2, "the renderer and the clientside callbacks"
        policy = directives(response.headers["Content-Security-Policy"])
        assert set(policy["script-src"]) == {"'self'"} | scripts, page
    # The policy is the same on an asset or a JSON answer as on the page.
    asset = client.get("/assets/app.css")
    assert asset.headers["Content-Security-Policy"] == response.headers["Content-Security-Policy"]


def test_sec003_style_exception_is_the_only_inline_one(server: flask.Flask) -> None:
    policy = directives(server.test_client().get("/").headers["Content-Security-Policy"])
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
    unsafe = {name for name, values in policy.items() if any("unsafe" in v for v in values)}
    assert unsafe == {"style-src"}


def test_sec004_dash_dev_tools_and_flask_debugger_are_off(server: flask.Flask) -> None:
    assert server.debug is False
    index = server.test_client().get("/").get_data(as_text=True)
    config = re.search(r'<script id="_dash-config" type="application/json">(.*?)</script>', index)
    assert config is not None
    assert '"ui":false' in config.group(1)
    assert '"props_check":false' in config.group(1)
    assert server.test_client().get("/console").status_code == 200  # a Dash page, no debugger
    assert "Werkzeug" not in server.test_client().get("/console").get_data(as_text=True)


@pytest.mark.parametrize(
    ("method", "url", "body", "status", "message"),
    [
        ("GET", "/assets/nothing.css", None, 404, "Siden finnes ikke.\n"),
        ("GET", "/geo/../../etc/passwd", None, 404, "Siden finnes ikke.\n"),
        ("GET", "/_dash-component-suites/nothing/x.js", None, 404, "Siden finnes ikke.\n"),
        ("GET", "/_dash-component-suites/dash/nothing.js", None, 404, "Siden finnes ikke.\n"),
        ("PUT", "/", None, 405, "Metoden er ikke tillatt her.\n"),
        ("POST", "/_dash-update-component", b"{not json", 400, "Ugyldig forespørsel.\n"),
        ("POST", "/_dash-update-component", b"[]", 500, None),
        ("POST", "/_dash-update-component", b'{"output": "nothing.children"}', 500, None),
    ],
)
def test_sec010_errors_are_short_norwegian_and_carry_the_headers(
    server: flask.Flask,
    method: str,
    url: str,
    body: bytes | None,
    status: int,
    message: str | None,
) -> None:
    response = server.test_client().open(
        url, method=method, data=body, content_type="application/json"
    )
    assert response.status_code == status
    text = response.get_data(as_text=True)
    assert text == (message or "Det oppsto en intern feil. Feilen er logget.\n")
    assert response.mimetype == "text/plain"
    assert not LEAKS.search(text)
    assert_security_headers(response, url)
    if status == 405:
        assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}


def test_sec011_a_raising_callback_shows_no_traceback(
    server: flask.Flask, caplog: pytest.LogCaptureFixture
) -> None:
    """The filter-state callback reads the date picker's value as text; a
    number makes it raise inside the callback. The answer is the short
    message; the traceback goes to the log, where operators need it."""
    inputs = [
        {**i, "value": 20240101} if i["id"] == "filter-as-of" else i for i in CALLBACK["inputs"]
    ]
    body = {**CALLBACK, "inputs": inputs}
    response = server.test_client().post("/_dash-update-component", json=body)
    assert response.status_code == 500
    assert response.get_data(as_text=True) == "Det oppsto en intern feil. Feilen er logget.\n"
    assert_security_headers(response, "raising callback")
    logged = [r for r in caplog.records if r.levelname == "ERROR"]
    assert len(logged) == 1
    assert logged[0].getMessage() == "Unhandled error in POST /_dash-update-component"
    assert logged[0].exc_info is not None and logged[0].exc_info[0] is TypeError


def test_sec012_prevent_update_still_answers_204(tmp_path: Path) -> None:
    """Dash's PreventUpdate keeps its own answer under the catch-all error
    handler: the Om dataene callback, with no database, raises it."""
    from core.rules.common import RULES

    server = create_app(Settings(db=tmp_path / "nothing" / "dekomp.duckdb")).server
    outputs = [
        {"id": i, "property": "children"}
        for i in ("about-versions", "about-demo", *(f"about-rule-{r}" for r in RULES))
    ]
    body = {
        "output": ".." + "...".join(f"{o['id']}.children" for o in outputs) + "..",
        "outputs": outputs,
        "inputs": [{"id": "language", "property": "value", "value": "nb"}],
        "changedPropIds": ["language.value"],
        "state": [],
    }
    response = server.test_client().post("/_dash-update-component", json=body)
    assert response.status_code == 204
    assert response.get_data() == b""
    assert_security_headers(response, "204")


def test_sec020_oversized_body_gets_413(db: Path) -> None:
    server = create_app(Settings(db=db, max_request_bytes=4096)).server
    client = server.test_client()
    big = {**CALLBACK, "padding": "x" * 5000}
    response = client.post("/_dash-update-component", json=big)
    assert response.status_code == 413
    assert response.get_data(as_text=True) == (
        "Forespørselen er for stor. Største tillatte størrelse er 4096 byte.\n"
    )
    assert_security_headers(response, "413")
    # Just under the limit is served.
    small = {**CALLBACK, "padding": "x" * 3000}
    assert client.post("/_dash-update-component", json=small).status_code == 200


def test_sec021_default_limit_is_one_megabyte(server: flask.Flask) -> None:
    assert server.config["MAX_CONTENT_LENGTH"] == 1_000_000
    client = server.test_client()
    response = client.post(
        "/_dash-update-component", data=b"x" * 1_000_001, content_type="application/json"
    )
    assert response.status_code == 413
    # Without a declared length (chunked), Werkzeug reads no further than the
    # limit: the cut-off JSON is refused as a bad request, before any callback.
    response = client.post(
        "/_dash-update-component",
        content_type="application/json",
        environ_overrides={
            "wsgi.input": io.BytesIO(b"x" * 1_200_000),
            "wsgi.input_terminated": True,
            "HTTP_TRANSFER_ENCODING": "chunked",
        },
    )
    assert "CONTENT_LENGTH" not in response.request.environ
    assert response.status_code == 400
    assert response.get_data(as_text=True) == "Ugyldig forespørsel.\n"


def test_sec022_headers_with_auth_errors_too(db: Path, tmp_path: Path) -> None:
    from core import users

    path = tmp_path / "users"
    users.set_password(path, "kari", "riktig-passord-123")
    server = create_app(Settings(db=db, auth="basic", users_file=path)).server
    response = server.test_client().get("/fordeling")
    assert response.status_code == 401
    assert_security_headers(response, "401")


def test_sec030_gunicorn_conf_reads_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """make serve's settings: every one from the environment, defaults otherwise."""
    import runpy

    from tests.conftest import ROOT

    for name in ("HOST", "PORT", "DEKOMP_DEBUG", "DEKOMP_AUTH", "DEKOMP_CONTROL_SOCKET"):
        monkeypatch.delenv(name, raising=False)
    for name in ("WORKERS", "THREADS", "TIMEOUT", "MAX_REQUESTS", "ACCESS_LOG"):
        monkeypatch.delenv(f"DEKOMP_{name}", raising=False)
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert conf["bind"] == ["127.0.0.1:8050"]
    assert conf["worker_class"] == "gthread"
    assert conf["workers"] >= 2
    assert (conf["threads"], conf["timeout"], conf["max_requests"]) == (4, 120, 0)
    assert conf["preload_app"] is False  # DuckDB opens in each worker, after the fork
    assert conf["control_socket_disable"] is True
    assert conf["accesslog"] == "-"

    env = {
        "HOST": "0.0.0.0",
        "PORT": "9000",
        "DEKOMP_WORKERS": "6",
        "DEKOMP_THREADS": "8",
        "DEKOMP_TIMEOUT": "30",
        "DEKOMP_MAX_REQUESTS": "1000",
        "DEKOMP_ACCESS_LOG": "",
        "DEKOMP_CONTROL_SOCKET": "/run/dekomp/gunicorn.ctl",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert conf["bind"] == ["0.0.0.0:9000"]
    assert (conf["workers"], conf["threads"], conf["timeout"]) == (6, 8, 30)
    assert (conf["max_requests"], conf["max_requests_jitter"]) == (1000, 100)
    assert conf["accesslog"] is None
    assert conf["control_socket"] == "/run/dekomp/gunicorn.ctl"
    assert conf["control_socket_disable"] is False

    assert conf["access_log_format"].startswith('%(h)s %(u)s "%(r)s" %(s)s')
    monkeypatch.setenv("DEKOMP_AUTH", "proxy")
    monkeypatch.setenv("DEKOMP_TRUSTED_PROXIES", "10.0.0.5")
    monkeypatch.setenv("DEKOMP_PROXY_USER_HEADER", "X-Auth-User")
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert conf["access_log_format"].startswith('%(h)s %({x-auth-user}i)s "%(r)s"')
    assert '"%({x-dekomp-version}o)s"' in conf["access_log_format"]

    monkeypatch.setenv("DEKOMP_WORKERS", "mange")
    with pytest.raises(SystemExit, match="DEKOMP_WORKERS='mange' er ikke et heltall"):
        runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    monkeypatch.setenv("DEKOMP_WORKERS", "2")
    monkeypatch.setenv("DEKOMP_DEBUG", "1")
    with pytest.raises(SystemExit, match="DEKOMP_DEBUG=1 er bare for utvikling"):
        runpy.run_path(str(ROOT / "gunicorn.conf.py"))
