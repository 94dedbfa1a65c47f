"""The data a request reads: the store the app keeps in its Flask config
(opened lazily, per process) and a snapshot of the served version per
request, named in the response's X-Dekomp-Version header.

Every page, card and hook that reads data imports it from here; it imports
nothing of the dashboard, so no import goes back up to the app."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import flask

from core.data.store import Snapshot, Store

STORE_KEY = "DEKOMP_STORE"
VERSION_HEADER = "X-Dekomp-Version"


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


def version_header(response: flask.Response) -> flask.Response:
    """An ``after_request`` hook: the versions this request read, if any."""
    read = flask.g.get("data_versions")
    if read:
        response.headers[VERSION_HEADER] = ",".join(read)
    return response
