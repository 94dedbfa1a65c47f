"""The benchmark's floor (bench/floor.py): a no-op callback that the app
served by ``make bench`` has and the production app has not."""

from __future__ import annotations

from pathlib import Path

import dash
import requests
from dash import html
from flask.testing import FlaskClient

from bench.floor import FLOOR_IN, FLOOR_OUT, floor_request, with_floor
from bench.harness import Gunicorn
from bench.run import CALLBACKS, callback_body, filter_states, with_state
from dashboard import create_app
from dashboard.settings import Settings
from tests.dashboard.test_auth import (  # noqa: F401 - shell_callbacks is an autouse fixture
    shell_callbacks,
)


def _ids(node: object) -> list[str]:
    """Every string id in a layout (as /_dash-layout sends it), in order."""
    if isinstance(node, list):
        return [i for child in node for i in _ids(child)]
    if not isinstance(node, dict):
        return []
    props = node.get("props", {})
    own = [props["id"]] if isinstance(props.get("id"), str) else []
    return own + _ids(props.get("children"))


def _layout_and_outputs(client: FlaskClient) -> tuple[list[str], list[str]]:
    layout = client.get("/_dash-layout").get_json()
    return _ids(layout), [c["output"] for c in client.get("/_dash-dependencies").get_json()]


def test_the_floor_answers_with_its_input(db: Path) -> None:
    client = with_floor(create_app(Settings(db=db))).server.test_client()
    response = client.post("/_dash-update-component", json=floor_request(42))
    assert response.status_code == 200
    assert response.get_json()["response"] == {FLOOR_OUT: {"data": 42}}


def test_the_bench_app_is_the_production_app_plus_the_floor(db: Path) -> None:
    client = with_floor(create_app(Settings(db=db))).server.test_client()
    ids, outputs = _layout_and_outputs(client)
    assert ids[-2:] == [FLOOR_IN, FLOOR_OUT]
    assert "filter-state" in ids  # the production layout is all there
    assert f"{FLOOR_OUT}.data" in outputs
    # a page's callback still answers as in the production app
    dependencies = client.get("/_dash-dependencies").get_json()
    spec = next(d for d in dependencies if CALLBACKS["dist-forums"] in d["output"])
    state = filter_states(db, 1)[0]
    response = client.post("/_dash-update-component", json=with_state(callback_body(spec), state))
    assert response.status_code == 200
    assert response.get_json()["response"]["dist-forums-grid"]["rowData"]


def test_the_production_app_has_no_floor(db: Path) -> None:
    client = create_app(Settings(db=db)).server.test_client()
    with_floor(create_app(Settings(db=db)))  # another app's floor is that app's alone
    ids, outputs = _layout_and_outputs(client)
    assert "filter-state" in ids and any("filter-state.data" in o for o in outputs)
    assert not [i for i in ids + outputs if "bench-floor" in i]
    response = client.post("/_dash-update-component", json=floor_request(1))
    assert response.status_code == 500


def test_a_layout_function_gets_the_floor_too() -> None:
    app = dash.Dash(__name__)
    app.layout = lambda: html.Div("page", id="page")
    layout = with_floor(app).server.test_client().get("/_dash-layout").get_json()
    assert _ids(layout) == ["page", FLOOR_IN, FLOOR_OUT]


def test_gunicorn_serves_the_bench_app_with_its_floor(db: Path) -> None:
    with Gunicorn("bench.app:server", db, workers=1, threads=2) as server:
        response = requests.post(
            server.url + "/_dash-update-component", json=floor_request(7), timeout=30
        )
    assert response.status_code == 200
    assert response.json()["response"] == {FLOOR_OUT: {"data": 7}}
