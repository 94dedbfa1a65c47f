"""Authentication guards every route of the server (dashboard/auth.py).

The routes are enumerated from ``server.url_map``; each gets concrete URLs
(every script and stylesheet the rendered index names, every page, a real
callback that reads data), and every one is proven: 401 without or with
wrong credentials, 200 with right ones; in proxy mode 200 only through a
trusted proxy naming a user. A route added later without a URL here fails
the enumeration test, so protecting it is a deliberate decision."""

from __future__ import annotations

import base64
import os
import re
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import flask
import pytest
import requests
from dash import _callback as dash_callback
from werkzeug.security import check_password_hash

from core import cli
from core import users as users_file
from dashboard import create_app
from dashboard.auth import REALM, current_user
from dashboard.settings import Settings, SettingsError, parse_networks
from tests.conftest import FOOTER_CALLBACK, ROOT, VENV_BIN, free_port, wait_for

PASSWORD = "riktig-passord-123"
PAGES = ("/", "/fordeling", "/etterlevelse", "/prosjekter", "/om")

CALLBACK = FOOTER_CALLBACK

Request = tuple[str, str]  # (method, url)


def basic(name: str, password: str) -> dict[str, str]:
    token = base64.b64encode(f"{name}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


@pytest.fixture
def users(tmp_path: Path) -> Path:
    path = tmp_path / "users"
    users_file.set_password(path, "kari", PASSWORD)
    return path


def route_requests(server: flask.Flask, index: str) -> dict[str, list[Request]]:
    """Concrete requests for every rule of the server's url_map, by rule.

    Scripts and stylesheets come from the rendered index, so the lists are
    the ones a browser fetches."""
    suites = re.findall(r'src="(/_dash-component-suites/[^"]+)"', index)
    assets = re.findall(r'(?:src|href)="(/assets/[^"]+)"', index)
    assert len(suites) >= 5 and len(assets) >= 3
    by_rule: dict[str, list[Request]] = {
        "/": [("GET", "/")],
        "/<path:path>": [("GET", p) for p in PAGES[1:]],
        "/_dash-layout": [("GET", "/_dash-layout")],
        "/_dash-dependencies": [("GET", "/_dash-dependencies")],
        "/_dash-update-component": [("POST", "/_dash-update-component")],
        "/_dash-component-suites/<string:package_name>/<path:fingerprinted_path>": [
            ("GET", s) for s in suites
        ],
        "/assets/<path:filename>": [("GET", a) for a in assets],
        "/_reload-hash": [("GET", "/_reload-hash")],
        "/_favicon.ico": [("GET", "/_favicon.ico")],
        "/healthz": [("GET", "/healthz")],
        "/geo/<path:name>": [("GET", "/geo/kommuner-2020.geojson")],
    }
    rules = {rule.rule for rule in server.url_map.iter_rules()}
    assert rules == set(by_rule), "a route without a request here: decide how it is protected"
    return by_rule


def statuses(client, requests: list[Request], headers: dict[str, str]) -> dict[Request, int]:
    out = {}
    for method, url in requests:
        if method == "POST":
            response = client.post(url, json=CALLBACK, headers=headers)
        else:
            response = client.get(url, headers=headers)
        out[(method, url)] = response.status_code
    return out


def every_request(server: flask.Flask, **index_kwargs: Any) -> list[Request]:
    index = server.test_client().get("/", **index_kwargs)
    assert index.status_code == 200
    by_rule = route_requests(server, index.get_data(as_text=True))
    return [r for requests in by_rule.values() for r in requests]


# Dash moves the callbacks registered with ``dash.callback`` at import
# (dashboard/layout.py: the shell's) into the first app that serves a
# request; every app of these tests gets them afresh, and the tests after
# these find them as they were.
def _dash_globals() -> tuple[dict, list, list]:
    return (
        dict(dash_callback.GLOBAL_CALLBACK_MAP),
        list(dash_callback.GLOBAL_CALLBACK_LIST),
        list(dash_callback.GLOBAL_INLINE_SCRIPTS),
    )


def _set_dash_globals(state: tuple[dict, list, list]) -> None:
    callback_map, callback_list, inline_scripts = state
    dash_callback.GLOBAL_CALLBACK_MAP.clear()
    dash_callback.GLOBAL_CALLBACK_MAP.update(callback_map)
    dash_callback.GLOBAL_CALLBACK_LIST[:] = callback_list
    dash_callback.GLOBAL_INLINE_SCRIPTS[:] = inline_scripts


SHELL_CALLBACKS = _dash_globals()  # at collection, before any app took them


@pytest.fixture(autouse=True)
def shell_callbacks() -> Iterator[None]:
    before = _dash_globals()
    _set_dash_globals(SHELL_CALLBACKS)
    yield
    _set_dash_globals(before)


# --- basic ----------------------------------------------------------------------


def test_auth001_basic_guards_every_route(db: Path, users: Path) -> None:
    server = create_app(Settings(db=db, auth="basic", users_file=users)).server
    requests = every_request(server, headers=basic("kari", PASSWORD))
    client = server.test_client()
    assert statuses(client, requests, {}) == {r: 401 for r in requests}
    assert statuses(client, requests, basic("kari", "galt-passord-123")) == {
        r: 401 for r in requests
    }
    assert statuses(client, requests, basic("ola", PASSWORD)) == {r: 401 for r in requests}
    assert statuses(client, requests, basic("kari", PASSWORD)) == {r: 200 for r in requests}


def test_auth002_basic_challenge_and_malformed_credentials(db: Path, users: Path) -> None:
    client = create_app(Settings(db=db, auth="basic", users_file=users)).server.test_client()
    response = client.get("/")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == REALM
    assert response.headers["WWW-Authenticate"] == ('Basic realm="Dekomp monitor", charset="UTF-8"')
    assert response.get_data(as_text=True) == "Innlogging kreves.\n"
    assert response.headers["Cache-Control"] == "no-store"
    # The check runs before anything else: a refused request reads no data.
    assert "X-Dekomp-Version" not in client.get("/healthz").headers
    for header in (
        "Bearer abc",
        "Basic !!!notbase64",
        "Basic " + base64.b64encode(b"kari").decode(),  # no colon
        "Basic " + base64.b64encode(f"kari:{PASSWORD}x".encode()).decode(),
        "Digest username=kari",
    ):
        assert client.get("/", headers={"Authorization": header}).status_code == 401, header


def test_auth003_the_data_is_served_to_the_right_user(db: Path, users: Path) -> None:
    client = create_app(Settings(db=db, auth="basic", users_file=users)).server.test_client()
    response = client.post(
        "/_dash-update-component", json=CALLBACK, headers=basic("kari", PASSWORD)
    )
    assert response.status_code == 200
    assert response.headers["X-Dekomp-Version"] == "v000001"
    footer = response.get_json()["response"]["data-version-footer"]["children"]
    assert footer.startswith("Dataversjon 1, publisert ")
    with client:
        health = client.get("/healthz", headers=basic("kari", PASSWORD)).get_json()
        assert current_user() == "kari"
    assert health["status"] == "ok" and health["version"] == 1 and health["counts"]["award"] > 0


def test_auth004_no_http_request_can_pose_as_the_warm_up(db: Path, users: Path) -> None:
    """The warm-up passes by a WSGI environ key; a header of that name arrives
    as HTTP_DEKOMP.INTERNAL and changes nothing."""
    client = create_app(Settings(db=db, auth="basic", users_file=users)).server.test_client()
    assert client.get("/", headers={"dekomp.internal": "True"}).status_code == 401


def test_auth005_users_file_changes_apply_without_restart(db: Path, users: Path) -> None:
    client = create_app(Settings(db=db, auth="basic", users_file=users)).server.test_client()
    assert client.get("/healthz", headers=basic("ola", "olas-passord-456")).status_code == 401
    users_file.set_password(users, "ola", "olas-passord-456")
    assert client.get("/healthz", headers=basic("ola", "olas-passord-456")).status_code == 200
    assert client.get("/healthz", headers=basic("kari", PASSWORD)).status_code == 200
    users_file.set_password(users, "kari", "nytt-passord-789")
    assert client.get("/healthz", headers=basic("kari", PASSWORD)).status_code == 401
    assert client.get("/healthz", headers=basic("kari", "nytt-passord-789")).status_code == 200
    users_file.remove(users, "ola")
    assert client.get("/healthz", headers=basic("ola", "olas-passord-456")).status_code == 401
    # A file that cannot be read any more lets nobody in.
    users.write_text("dette er ikke en brukerfil\n", encoding="utf-8")
    assert client.get("/healthz", headers=basic("kari", "nytt-passord-789")).status_code == 401


def test_auth006_public_healthz_tells_status_and_version_only(db: Path, users: Path) -> None:
    settings = Settings(db=db, auth="basic", users_file=users, healthz_public=True)
    client = create_app(settings).server.test_client()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "version": 1}
    assert "X-Content-Type-Options" in response.headers
    full = client.get("/healthz", headers=basic("kari", PASSWORD)).get_json()
    assert set(full) == {"status", "version", "created_at", "counts"}
    # Every other route stays closed.
    assert client.get("/").status_code == 401
    assert client.get("/healthz/x").status_code == 401


def test_auth007_public_healthz_without_data(tmp_path: Path, users: Path) -> None:
    settings = Settings(
        db=tmp_path / "nothing" / "dekomp.duckdb",
        auth="basic",
        users_file=users,
        healthz_public=True,
    )
    response = create_app(settings).server.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "no-data"}


# --- proxy ----------------------------------------------------------------------


def proxy_settings(db: Path) -> Settings:
    return Settings(
        db=db, auth="proxy", trusted_proxies=parse_networks("10.0.0.5, 192.168.10.0/24")
    )


def test_auth010_proxy_guards_every_route(db: Path) -> None:
    server = create_app(proxy_settings(db)).server
    requests = every_request(
        server, headers={"X-Remote-User": "kari"}, environ_base={"REMOTE_ADDR": "10.0.0.5"}
    )
    client = server.test_client()

    def from_addr(addr: str, headers: dict[str, str]) -> dict[Request, int]:
        client.environ_base["REMOTE_ADDR"] = addr
        return statuses(client, requests, headers)

    user = {"X-Remote-User": "kari"}
    assert from_addr("10.0.0.5", user) == {r: 200 for r in requests}
    assert from_addr("192.168.10.77", user) == {r: 200 for r in requests}
    assert from_addr("10.0.0.6", user) == {r: 403 for r in requests}
    assert from_addr("127.0.0.1", user) == {r: 403 for r in requests}
    assert from_addr("10.0.0.5", {}) == {r: 403 for r in requests}
    assert from_addr("10.0.0.5", {"X-Remote-User": "  "}) == {r: 403 for r in requests}


@pytest.mark.parametrize(
    ("addr", "headers", "status"),
    [
        ("::ffff:10.0.0.5", {"X-Remote-User": "kari"}, 200),  # IPv4 through an IPv6 socket
        ("2001:db8::1", {"X-Remote-User": "kari"}, 200),
        ("2001:db8:1::1", {"X-Remote-User": "kari"}, 403),
        ("", {"X-Remote-User": "kari"}, 403),  # a Unix socket has no address
        ("10.0.0.9", {"X-Remote-User": "kari", "X-Forwarded-For": "10.0.0.5"}, 403),
        ("10.0.0.5", {"X-Auth-User": "kari"}, 403),  # another header than the configured one
    ],
)
def test_auth011_proxy_trusts_the_peer_address_only(
    db: Path, addr: str, headers: dict[str, str], status: int
) -> None:
    settings = Settings(
        db=db, auth="proxy", trusted_proxies=parse_networks("10.0.0.5,2001:db8::/48")
    )
    client = create_app(settings).server.test_client()
    response = client.get("/healthz", headers=headers, environ_base={"REMOTE_ADDR": addr})
    assert response.status_code == status


def test_auth013_proxy_user_header_is_configurable(db: Path) -> None:
    settings = Settings(
        db=db,
        auth="proxy",
        proxy_user_header="X-Auth-User",
        trusted_proxies=parse_networks("10.0.0.5"),
    )
    client = create_app(settings).server.test_client()
    proxy = {"REMOTE_ADDR": "10.0.0.5"}
    assert client.get("/", headers={"X-Auth-User": "kari"}, environ_base=proxy).status_code == 200
    assert client.get("/", headers={"X-Remote-User": "kari"}, environ_base=proxy).status_code == 403


def test_auth012_proxy_denial_says_why_in_norwegian(db: Path) -> None:
    client = create_app(proxy_settings(db)).server.test_client()
    outside = client.get(
        "/", headers={"X-Remote-User": "kari"}, environ_base={"REMOTE_ADDR": "8.8.8.8"}
    )
    assert outside.get_data(as_text=True) == "Forespørselen kom ikke gjennom innloggingen.\n"
    nobody = client.get("/", environ_base={"REMOTE_ADDR": "10.0.0.5"})
    assert nobody.get_data(as_text=True) == "Innloggingen oppga ingen bruker.\n"
    assert "WWW-Authenticate" not in nobody.headers


# --- misconfiguration fails at start --------------------------------------------


def test_auth020_misconfiguration_fails_at_start(db: Path, tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="DEKOMP_USERS_FILE"):
        Settings(db=db, auth="basic")
    with pytest.raises(SettingsError, match="DEKOMP_TRUSTED_PROXIES"):
        Settings(db=db, auth="proxy")
    with pytest.raises(SettingsError, match="ukjent"):
        Settings(db=db, auth="ldap")
    with pytest.raises(SettingsError, match="Kan ikke lese brukerfila"):
        create_app(Settings(db=db, auth="basic", users_file=tmp_path / "missing"))
    empty = tmp_path / "empty"
    empty.write_text("# no users yet\n", encoding="utf-8")
    with pytest.raises(SettingsError, match="har ingen brukere"):
        create_app(Settings(db=db, auth="basic", users_file=empty))
    broken = tmp_path / "broken"
    broken.write_text("kari\n", encoding="utf-8")
    with pytest.raises(SettingsError, match="linje 1"):
        create_app(Settings(db=db, auth="basic", users_file=broken))
    with pytest.raises(SettingsError, match=re.escape("«10.0.0.300»")):
        parse_networks("10.0.0.5, 10.0.0.300")


def test_auth021_from_env(monkeypatch: pytest.MonkeyPatch, users: Path) -> None:
    monkeypatch.setenv("DEKOMP_AUTH", "Proxy")
    monkeypatch.setenv("DEKOMP_TRUSTED_PROXIES", "10.0.0.5,10.1.0.0/16")
    monkeypatch.setenv("DEKOMP_PROXY_USER_HEADER", "X-Forwarded-User")
    settings = Settings.from_env()
    assert settings.auth == "proxy"
    assert [str(n) for n in settings.trusted_proxies] == ["10.0.0.5/32", "10.1.0.0/16"]
    assert settings.proxy_user_header == "X-Forwarded-User"
    monkeypatch.setenv("DEKOMP_AUTH", "basic")
    monkeypatch.setenv("DEKOMP_USERS_FILE", str(users))
    monkeypatch.setenv("DEKOMP_HEALTHZ_PUBLIC", "1")
    monkeypatch.setenv("DEKOMP_MAX_REQUEST_BYTES", "2048")
    settings = Settings.from_env()
    assert (settings.auth, settings.users_file, settings.healthz_public) == ("basic", users, True)
    assert settings.max_request_bytes == 2048
    monkeypatch.setenv("DEKOMP_MAX_REQUEST_BYTES", "mye")
    with pytest.raises(SettingsError, match="heltall"):
        Settings.from_env()
    monkeypatch.delenv("DEKOMP_MAX_REQUEST_BYTES")
    monkeypatch.delenv("DEKOMP_AUTH")
    assert Settings.from_env().auth == "none"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DEKOMP_AUTH": "basic"}, "DEKOMP_AUTH=basic krever DEKOMP_USERS_FILE"),
        ({"DEKOMP_AUTH": "proxy"}, "DEKOMP_AUTH=proxy krever DEKOMP_TRUSTED_PROXIES"),
        (
            {"DEKOMP_AUTH": "basic", "DEKOMP_USERS_FILE": "/nonexistent"},
            "DEKOMP_AUTH=basic: Kan ikke lese brukerfila /nonexistent: finnes ikke.",
        ),
    ],
)
def test_auth022_gunicorn_refuses_to_start(db: Path, env: dict[str, str], message: str) -> None:
    result = subprocess.run(
        [str(VENV_BIN / "gunicorn"), "-c", "gunicorn.conf.py", "--check-config"],
        cwd=ROOT,
        env={**os.environ, "DEKOMP_DB": str(db), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert f"Dekomp: {message}" in result.stderr
    assert "Traceback" not in result.stderr


# --- dekomp user ----------------------------------------------------------------


def run_cli(monkeypatch: pytest.MonkeyPatch, args: list[str], stdin: str) -> int:
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return cli.main(args)


def test_auth030_dekomp_user_add_and_remove(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    path = tmp_path / "users"
    monkeypatch.setenv("DEKOMP_USERS_FILE", str(path))
    assert run_cli(monkeypatch, ["user", "add", "kari"], "kari-sitt-passord\n") == 0
    assert capsys.readouterr().out == f"La til brukeren kari i {path}\n"
    assert path.stat().st_mode & 0o777 == 0o600
    stored = users_file.read(path)
    assert list(stored) == ["kari"]
    assert stored["kari"].startswith("scrypt:")
    assert check_password_hash(stored["kari"], "kari-sitt-passord")

    assert (
        run_cli(monkeypatch, ["user", "add", "per", "--users-file", str(path)], "pers-passord-1\n")
        == 0
    )
    assert run_cli(monkeypatch, ["user", "add", "kari"], "kari-nytt-passord\n") == 0
    assert capsys.readouterr().out.endswith(f"Endret passordet til kari i {path}\n")

    client = create_app(Settings(db=db, auth="basic", users_file=path)).server.test_client()
    check: Callable[[str, str], int] = lambda n, p: client.get("/", headers=basic(n, p)).status_code  # noqa: E731
    assert check("kari", "kari-nytt-passord") == 200
    assert check("kari", "kari-sitt-passord") == 401
    assert check("per", "pers-passord-1") == 200

    assert run_cli(monkeypatch, ["user", "remove", "per"], "") == 0
    assert check("per", "pers-passord-1") == 401
    assert list(users_file.read(path)) == ["kari"]


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["user", "add", "kari"], "kort\n", "Passordet må ha minst 10 tegn."),
        (["user", "add", "kari:admin"], "langt-nok-passord\n", "Ugyldig brukernavn «kari:admin»"),
        (["user", "remove", "ingen"], "", "Fant ingen bruker «ingen»"),
    ],
)
def test_auth031_dekomp_user_refuses_bad_input(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture,
    args: list[str],
    stdin: str,
    message: str,
) -> None:
    path = tmp_path / "users"
    users_file.set_password(path, "kari", PASSWORD)
    before = path.read_bytes()
    monkeypatch.setenv("DEKOMP_USERS_FILE", str(path))
    assert run_cli(monkeypatch, args, stdin) == cli.EXIT_USAGE
    err = capsys.readouterr().err
    assert message in err and err.rstrip().endswith("Ingenting er endret.")
    assert path.read_bytes() == before


def test_auth032_dekomp_user_needs_a_file(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.delenv("DEKOMP_USERS_FILE", raising=False)
    assert run_cli(monkeypatch, ["user", "add", "kari"], "langt-nok-passord\n") == cli.EXIT_USAGE
    assert "DEKOMP_USERS_FILE" in capsys.readouterr().err


# --- under gunicorn, as make serve runs it ----------------------------------------


def test_auth040_basic_auth_under_gunicorn(db: Path, users: Path, tmp_path: Path) -> None:
    """gunicorn.conf.py with basic auth and a public /healthz: over real HTTP
    the challenge, the brief health answer, the page compressed for the
    right user, 413 for a big body, and the user in the access log."""
    port = free_port()
    log_path = tmp_path / "gunicorn.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "-c", "gunicorn.conf.py"],
            cwd=ROOT,
            env={
                **os.environ,
                "DEKOMP_DB": str(db),
                "PORT": str(port),
                "DEKOMP_WORKERS": "1",
                "DEKOMP_THREADS": "2",
                "DEKOMP_AUTH": "basic",
                "DEKOMP_USERS_FILE": str(users),
                "DEKOMP_HEALTHZ_PUBLIC": "1",
            },
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            wait_for(url + "/healthz")
            health = requests.get(url + "/healthz", timeout=30)
            assert health.status_code == 200
            assert health.json() == {"status": "ok", "version": 1}
            denied = requests.get(url + "/fordeling", timeout=30)
            assert denied.status_code == 401
            assert denied.headers["WWW-Authenticate"] == REALM
            page = requests.get(
                url + "/fordeling",
                auth=("kari", PASSWORD),
                headers={"Accept-Encoding": "gzip"},
                timeout=30,
            )
            assert page.status_code == 200
            assert page.headers["Content-Encoding"] == "gzip"
            assert "Content-Security-Policy" in page.headers
            assert '<html lang="nb">' in page.text
            big = requests.post(
                url + "/_dash-update-component",
                data=b"x" * 1_100_000,
                headers={"Content-Type": "application/json"},
                auth=("kari", PASSWORD),
                timeout=30,
            )
            assert big.status_code == 413
            assert big.text.startswith("Forespørselen er for stor.")
        finally:
            process.terminate()
            process.wait(timeout=20)
    access = log_path.read_text(encoding="utf-8")
    assert re.search(r'127\.0\.0\.1 kari "GET /fordeling HTTP/1\.1" 200 ', access), access
    assert re.search(r'127\.0\.0\.1 - "GET /fordeling HTTP/1\.1" 401 ', access), access
