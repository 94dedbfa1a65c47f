"""The benchmark's floor (bench/run.py): the no-op ``ping`` callback answers
with its input, through the same endpoint as every other callback."""

from __future__ import annotations

from pathlib import Path

from bench.run import PING


def test_ping_callback_returns_its_input(db: Path) -> None:
    from dashboard import create_app
    from dashboard.settings import Settings

    client = create_app(Settings(db=db)).server.test_client()
    body = dict(PING, inputs=[{"id": "ping-in", "property": "data", "value": 42}])
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200
    assert response.get_json()["response"]["ping-out"]["data"] == 42
