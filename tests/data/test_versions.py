"""Data versions under stress: an import killed halfway leaves the served
version intact, and a version published while the app serves requests is
picked up without a failed or mixed response."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import threading
import time
from pathlib import Path

import duckdb
import pytest
import requests

from core.data import store, versions
from tests.conftest import FOOTER_CALLBACK, VENV_BIN, folder_state

OSLO = "958935420"


def status_file(db: Path, path: Path, days: int) -> Path:
    """Many status reports on the demo's projects, dated after the demo."""
    with store.Store(db).snapshot() as snap:
        projects = [r[0] for r in snap.rows("SELECT project_id FROM project ORDER BY 1")]
    start = dt.date(2022, 1, 1)
    with path.open("w", encoding="utf-8") as out:
        out.write("project_id,report_date,status,spent_to_date_nok,participants,note\n")
        for project in projects:
            for day in range(days):
                out.write(f"{project},{start + dt.timedelta(days=day)},ongoing,1000,10,x\n")
    return path


def counts(db_file: Path) -> tuple[int, int]:
    with duckdb.connect(str(db_file), read_only=True) as conn:
        version = conn.execute("SELECT max(version_id) FROM data_version").fetchone()[0]
        rows = conn.execute("SELECT count(*) FROM status_report").fetchone()[0]
    return version, rows


@pytest.mark.slow
def test_kill_9_of_an_import_leaves_the_served_version_intact(db: Path, tmp_path: Path) -> None:
    path = status_file(db, tmp_path / "status.csv", days=4000)
    before = folder_state(db.parent)
    served_before = counts(db)
    paths = store.Paths(db)

    process = subprocess.Popen(
        [str(VENV_BIN / "dekomp"), "import", "status", str(path), "--db", str(db)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while not list(paths.versions_dir.glob(".staging-*")):
        assert process.poll() is None, "the import ended before it was caught halfway"
        assert time.monotonic() < deadline
        time.sleep(0.005)
    os.kill(process.pid, signal.SIGKILL)  # halfway: the staging copy is being written
    process.wait()

    assert process.returncode == -signal.SIGKILL
    assert paths.published() == before_target(before, db)
    assert counts(db) == served_before
    with store.Store(db).snapshot() as snap:
        assert snap.version.version_id == 1
    assert [v.version_id for v in versions.list_versions(db)] == [1]
    # Only the dead importer's staging file differs, and the next import clears it.
    after = folder_state(db.parent)
    assert {k for k in after if k not in before} <= {k for k in after if ".staging-" in k}
    assert {k: v for k, v in after.items() if ".staging-" not in k} == before

    small = tmp_path / "fte.csv"
    small.write_text(f"owner_id,year,school_level,fte,source\n{OSLO},2022,compulsory,1,x\n")
    result = subprocess.run(
        [str(VENV_BIN / "dekomp"), "import", "fte", str(small), "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert not list(paths.versions_dir.glob(".staging-*"))
    assert counts(db)[0] == 2


def before_target(state: dict[str, tuple], db: Path) -> Path:
    kind, target = state[db.name]
    assert kind == "link"
    return (db.parent / target).resolve()


@pytest.mark.slow
def test_publishing_while_serving_gives_whole_responses(db: Path, tmp_path: Path, serve) -> None:
    """Requests in a loop across a publish: none fails, each is from one version."""
    url = serve(db, workers=2)
    path = status_file(db, tmp_path / "status.csv", days=30)
    old = counts(db)
    results: list[tuple[str, object]] = []
    errors: list[str] = []
    stop = threading.Event()

    def hammer() -> None:
        session = requests.Session()
        while not stop.is_set():
            try:
                health = session.get(url + "/healthz", timeout=10)
                if health.status_code != 200:
                    errors.append(f"healthz {health.status_code}")
                    continue
                body = health.json()
                results.append(("healthz", (body["version"], body["counts"]["status_report"])))
                footer = session.post(
                    url + "/_dash-update-component", json=FOOTER_CALLBACK, timeout=10
                )
                if footer.status_code != 200:
                    errors.append(f"callback {footer.status_code}: {footer.text[:200]}")
                    continue
                text = footer.json()["response"]["data-version-footer"]["children"]
                results.append(("callback", (int(text.split()[1].rstrip(",")), None)))
            except Exception as err:  # every failure is a finding
                errors.append(repr(err))

    threads = [threading.Thread(target=hammer) for _ in range(3)]
    for thread in threads:
        thread.start()
    time.sleep(1.0)
    imported = subprocess.run(
        [str(VENV_BIN / "dekomp"), "import", "status", str(path), "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert imported.returncode == 0, imported.stderr
    new = counts(db)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and sum(1 for _, r in results[-20:] if r[0] == new[0]) < 20:
        time.sleep(0.1)
    stop.set()
    for thread in threads:
        thread.join(timeout=20)

    assert errors == []
    assert new[0] == old[0] + 1 and new[1] > old[1]
    # /healthz counts rows in one snapshot: each answer is one whole version.
    seen = {r for kind, r in results if kind == "healthz"}
    assert seen == {old, new}, f"responses mixed versions: {seen - {old, new}}"
    # The app's callbacks move to the new version without a restart.
    assert {r[0] for kind, r in results if kind == "callback"} == {old[0], new[0]}
    print(json.dumps({"requests": len(results), "old": old, "new": new}))
