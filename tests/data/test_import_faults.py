"""Faults of the data folder at import: read-only, full, or the importer
killed. Each gives a clear Norwegian message naming the folder (exit status
1, no traceback), changes nothing, leaves no staging or WAL file, and the
next import works.

How the faults are made (we run as root, where chmod does not stop writes):

- read-only: the data folder bind-mounted onto itself and remounted ``ro``
  (EROFS); and the import run as user ``nobody`` with ``setpriv`` on a folder
  owned by root (EACCES). Without root, the folder is made read-only with
  chmod, which then holds.
- full: the data folder on a small tmpfs (ENOSPC), sized to fail at the copy
  of the served version, or later, inside DuckDB's write; and the same two
  points with ``RLIMIT_FSIZE`` (EFBIG), which needs no root.
- ``kill -9`` of a running import: tests/data/test_versions.py,
  ``test_kill_9_of_an_import_leaves_the_served_version_intact`` (the served
  version intact, the next import works and clears the staging file; the
  flock dies with the process, so there is no stale lock).

The results are written up in docs/operations-import-faults.md.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
import resource
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from core.data import ingest, store, versions
from tests.conftest import VENV_BIN, folder_state

OSLO = "958935420"
IS_ROOT = os.geteuid() == 0


def _mount(*args: str) -> bool:
    return subprocess.run(["mount", *args], capture_output=True).returncode == 0


def _umount(target: Path) -> None:
    if subprocess.run(["umount", str(target)], capture_output=True).returncode != 0:
        subprocess.run(["umount", "-l", str(target)], capture_output=True)


def _mount_works() -> bool:
    if not IS_ROOT or shutil.which("mount") is None:
        return False
    probe = Path(tempfile.mkdtemp(prefix="dekomp-mount-probe-"))
    try:
        if not _mount("-t", "tmpfs", "-o", "size=64k", "tmpfs", str(probe)):
            return False
        _umount(probe)
        return True
    finally:
        probe.rmdir()


MOUNT = _mount_works()
needs_mount = pytest.mark.skipif(
    not MOUNT, reason="mount needs root and CAP_SYS_ADMIN (not available here)"
)


def small_file(folder: Path, name: str = "fte.csv", year: int = 2022) -> Path:
    path = folder / name
    path.write_text(f"owner_id,year,school_level,fte,source\n{OSLO},{year},compulsory,1,x\n")
    path.chmod(0o644)
    return path


def status_file(db: Path, path: Path, days: int = 3000) -> Path:
    """About 126,000 status reports (4.8 MB): the new version grows by MBs."""
    with store.Store(db).snapshot() as snap:
        projects = [r[0] for r in snap.rows("SELECT project_id FROM project ORDER BY 1")]
    start = dt.date(2022, 1, 1)
    with path.open("w", encoding="utf-8") as out:
        out.write("project_id,report_date,status,spent_to_date_nok,participants,note\n")
        for project in projects:
            for day in range(days):
                out.write(f"{project},{start + dt.timedelta(days=day)},ongoing,1000,10,x\n")
    return path


def dekomp_import(
    db: Path,
    kind: str,
    path: Path,
    *,
    prefix: tuple[str, ...] = (),
    preexec_fn: Callable[[], None] | None = None,
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*prefix, str(VENV_BIN / "dekomp"), "import", kind, str(path), "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=preexec_fn,
    )


def assert_refused_cleanly(
    result: subprocess.CompletedProcess[str], db: Path, before: dict, reason: str
) -> None:
    versions = store.Paths(db).versions_dir
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
    assert result.stdout == ""
    assert result.stderr.startswith("Feil: ")
    assert str(versions) in result.stderr  # names the folder
    assert f"{reason}. Ingenting er endret." in result.stderr
    assert folder_state(db.parent) == before
    assert sorted(p.name for p in versions.iterdir()) == [".lock", "v000001.duckdb"]


def assert_next_import_works(db: Path, folder: Path) -> None:
    result = dekomp_import(db, "fte", small_file(folder, "next.csv", 2023))
    assert result.returncode == 0, result.stderr
    assert "Publiserte versjon 2" in result.stdout
    with store.Store(db).snapshot() as snap:
        assert snap.version.version_id == 2
    assert not list(store.Paths(db).versions_dir.glob(".staging-*"))


@contextlib.contextmanager
def mounted(*args: str, target: Path) -> Iterator[None]:
    assert _mount(*args, str(target)), f"mount {args} failed"
    try:
        yield
    finally:
        _umount(target)


# --- (a) a read-only data folder -----------------------------------------


@needs_mount
def test_read_only_mount_refuses_with_a_clear_message(db: Path, tmp_path: Path) -> None:
    folder = db.parent
    path = small_file(tmp_path)
    before = folder_state(folder)
    with mounted("--bind", str(folder), target=folder):
        assert _mount("-o", "remount,bind,ro", str(folder))
        result = dekomp_import(db, "fte", path)
        # The same through the Python API: a WriteFault (a StoreError) with its errno.
        with pytest.raises(versions.WriteFault) as fault:
            ingest.import_files(db, [("fte", path)])
        assert fault.value.errno == errno.EROFS
        # Readers are unaffected.
        with store.Store(db).snapshot() as snap:
            assert snap.version.version_id == 1
    assert_refused_cleanly(result, db, before, "mappen er skrivebeskyttet (montert read-only)")
    assert_next_import_works(db, tmp_path)


@pytest.fixture
def shared_db(demo_folder: Path) -> Iterator[Path]:
    """A copy of the demo database in a folder other users can read (pytest's
    tmp folders are root's alone)."""
    base = Path(tempfile.mkdtemp(prefix="dekomp-faults-"))
    base.chmod(0o755)
    try:
        shutil.copytree(demo_folder, base / "data", symlinks=True)
        db = base / "data" / "dekomp.duckdb"
        for directory in (db.parent, store.Paths(db).versions_dir):
            directory.chmod(0o755)  # as a served folder is: readable, writable by its owner
        yield db
    finally:
        for path in [base, *base.rglob("*")]:
            with contextlib.suppress(OSError):
                path.chmod(0o755 if path.is_dir() else 0o644)
        shutil.rmtree(base, ignore_errors=True)


def test_folder_without_write_permission_refuses(shared_db: Path) -> None:
    """As root: the import run as nobody (setpriv); otherwise the folder chmod a-w."""
    folder = shared_db.parent
    path = small_file(folder.parent)
    before = folder_state(folder)
    if IS_ROOT:
        if shutil.which("setpriv") is None:
            pytest.skip("setpriv is not installed, and root ignores file permissions")
        prefix: tuple[str, ...] = ("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups")
        result = dekomp_import(shared_db, "fte", path, prefix=prefix)
    else:
        for directory in (folder, store.Paths(shared_db).versions_dir):
            directory.chmod(0o555)
        try:
            result = dekomp_import(shared_db, "fte", path)
        finally:
            for directory in (folder, store.Paths(shared_db).versions_dir):
                directory.chmod(0o755)
    assert_refused_cleanly(result, shared_db, before, "ingen skrivetilgang til mappen")
    assert_next_import_works(shared_db, folder.parent)


# --- (b) a full disk -------------------------------------------------------


def version_size(demo_folder: Path) -> int:
    return (demo_folder / "dekomp.versions" / "v000001.duckdb").stat().st_size


@needs_mount
@pytest.mark.slow
@pytest.mark.parametrize(
    ("where", "room"),
    [
        # room left after the served version: less than its copy needs
        ("at the copy", lambda size: 1 << 20),
        # room for the copy, not for what DuckDB then writes
        ("in DuckDB's write", lambda size: size + (1 << 20)),
    ],
)
def test_full_disk_refuses_with_a_clear_message(
    demo_folder: Path, tmp_path: Path, where: str, room: Callable[[int], int]
) -> None:
    size = version_size(demo_folder)
    folder = tmp_path / "data"
    folder.mkdir()
    db = folder / "dekomp.duckdb"
    with mounted("-t", "tmpfs", "-o", f"size={size + room(size)}", "tmpfs", target=folder):
        shutil.copytree(demo_folder, folder, symlinks=True, dirs_exist_ok=True)
        path = status_file(db, tmp_path / "status.csv")
        before = folder_state(folder)
        result = dekomp_import(db, "status", path)
        assert_refused_cleanly(result, db, before, "disken er full")
        # Room again: the next import works.
        assert _mount("-o", f"remount,size={3 * size + (64 << 20)}", str(folder))
        assert_next_import_works(db, tmp_path)


def _limit_file_size(limit: int) -> Callable[[], None]:
    def apply() -> None:
        # Python ignores SIGXFSZ, so a write past the limit fails with EFBIG.
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


@pytest.mark.slow
@pytest.mark.parametrize(
    ("where", "limit"),
    [
        ("at the copy", lambda size: size // 2),
        ("in DuckDB's write", lambda size: size + (1 << 20)),
    ],
)
def test_file_size_limit_refuses_with_a_clear_message(
    db: Path, demo_folder: Path, tmp_path: Path, where: str, limit: Callable[[int], int]
) -> None:
    path = status_file(db, tmp_path / "status.csv")
    before = folder_state(db.parent)
    size = version_size(demo_folder)
    result = dekomp_import(db, "status", path, preexec_fn=_limit_file_size(limit(size)))
    assert_refused_cleanly(
        result, db, before, "filen ble større enn prosessen får skrive (ulimit -f)"
    )
    assert_next_import_works(db, tmp_path)


def test_an_unknown_write_error_still_names_the_folder(db: Path, tmp_path: Path, monkeypatch):
    """An OSError the importer has no words for keeps the system's reason."""

    def fail(*args: object, **kwargs: object) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(versions.shutil, "copyfile", fail)
    before = folder_state(db.parent)
    with pytest.raises(versions.WriteFault) as fault:
        ingest.import_files(db, [("fte", small_file(tmp_path))])
    folder = store.Paths(db).versions_dir
    assert str(fault.value) == (
        f"kunne ikke skrive ny versjon i {folder}: Input/output error. Ingenting er endret."
    )
    assert fault.value.errno == errno.EIO
    assert folder_state(db.parent) == before
