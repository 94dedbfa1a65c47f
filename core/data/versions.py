"""Building and publishing data versions, and reading their history.

A version file is written once, by one importer, under a staging name that no
reader ever opens: a copy of the published version, changed by the import and
given its facts (core.data.facts) in one transaction, then renamed into place
and published by atomically replacing the symlink (layout: core.data.store). An
import that fails leaves the published version and the folder as they were.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb

from core.data import facts
from core.data.store import SCHEMA_PATH, Paths, Snapshot, Store, StoreError

DEFAULT_KEEP_VERSIONS = 10


class WriteFault(StoreError):
    """The database folder could not take a new version (read-only, full, no
    permission, ...); nothing was changed. ``errno`` says which, if known."""

    def __init__(self, message: str, code: int | None) -> None:
        super().__init__(message)
        self.errno = code


# What the adviser is told, by errno; DuckDB reports the same faults as text.
_WRITE_FAULTS = {
    errno.EROFS: "mappen er skrivebeskyttet (montert read-only)",
    errno.EACCES: "ingen skrivetilgang til mappen",
    errno.EPERM: "ingen skrivetilgang til mappen",
    errno.ENOSPC: "disken er full",
    errno.EDQUOT: "diskkvoten er brukt opp",
    errno.EFBIG: "filen ble større enn prosessen får skrive (ulimit -f)",
}
_DUCKDB_FAULTS = {
    "Read-only file system": errno.EROFS,
    "Permission denied": errno.EACCES,
    "No space left on device": errno.ENOSPC,
    "Disk quota exceeded": errno.EDQUOT,
    "File too large": errno.EFBIG,
}


def _io_fault(err: duckdb.Error) -> int | None:
    text = str(err)
    return next((c for found, c in _DUCKDB_FAULTS.items() if found in text), None)


def _write_fault(what: str, err: OSError | duckdb.Error) -> WriteFault:
    if isinstance(err, OSError):
        code, detail = err.errno, err.strerror or str(err)
    else:
        code, detail = _io_fault(err), f"databasefeil: {err}"
    reason = _WRITE_FAULTS.get(code or 0, detail)
    return WriteFault(f"{what}: {reason}. Ingenting er endret.", code)


class Unchanged(Exception):
    """Raised by a build step when the import would change nothing."""


@dataclass(frozen=True)
class Published:
    version_id: int
    path: Path


def create_schema(conn: duckdb.DuckDBPyConnection) -> None:
    conn.execute(SCHEMA_PATH.read_text(encoding="utf-8"))


@contextlib.contextmanager
def _writer_lock(paths: Paths) -> Iterator[bool]:
    """Hold the folder's write lock; yield whether this call created the folder."""
    created = not paths.versions_dir.exists()
    try:
        paths.versions_dir.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise _write_fault(f"kan ikke opprette mappen {paths.versions_dir}", err) from None
    try:
        handle = open(paths.lock, "a+b")  # noqa: SIM115 - held for the whole block
    except OSError as err:
        if created:
            shutil.rmtree(paths.versions_dir, ignore_errors=True)
        raise _write_fault(f"kan ikke skrive i {paths.versions_dir}", err) from None
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield created
    finally:
        handle.close()


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def build_version(
    db: Path | str,
    description: str,
    build: Callable[[duckdb.DuckDBPyConnection, int], None],
    *,
    keep: int = DEFAULT_KEEP_VERSIONS,
    now: Callable[[], dt.datetime] = lambda: dt.datetime.now().replace(microsecond=0),
) -> Published:
    """Copy the published version, let ``build(conn, version_id)`` change the
    copy inside one transaction, then publish the copy as the next version.

    ``build`` raises to abandon the import (``Unchanged`` when there is
    nothing to do); the published version and the folder stay as they were.
    """
    paths = Paths(Path(db))
    with _writer_lock(paths) as created_folder:
        current = paths.published()
        staging = paths.versions_dir / f".staging-{os.getpid()}.duckdb"
        target: Path | None = None
        published = False
        failed = f"kunne ikke skrive ny versjon i {paths.versions_dir}"
        try:
            for stale in paths.versions_dir.glob(".staging-*"):
                stale.unlink()  # left by an importer that was killed
            if current is not None:
                shutil.copyfile(current, staging)
            conn = duckdb.connect(str(staging))
            try:
                if current is None:
                    create_schema(conn)
                conn.execute("BEGIN TRANSACTION")
                try:
                    version_id = _next_version_id(conn)
                    conn.execute(
                        "INSERT INTO data_version VALUES (?, ?, ?)",
                        [version_id, now(), description],
                    )
                    build(conn, version_id)
                    facts.refresh(conn, Snapshot(conn, staging))
                    conn.execute("COMMIT")
                except BaseException:
                    # After an IO fault DuckDB refuses even the rollback.
                    with contextlib.suppress(duckdb.Error):
                        conn.execute("ROLLBACK")
                    raise
                conn.execute("CHECKPOINT")
            finally:
                with contextlib.suppress(duckdb.Error):
                    conn.close()
            target = paths.version_file(version_id)
            with open(staging, "rb") as handle:
                os.fsync(handle.fileno())
            os.rename(staging, target)
            _fsync_dir(paths.versions_dir)
            _publish_link(paths, target)
            published = True
        except OSError as err:
            # A read-only or full disk, at the copy, a write or the checkpoint.
            raise _write_fault(failed, err) from None
        except duckdb.Error as err:
            # DuckDB reports the same faults in its own types (IO, Fatal at a
            # checkpoint, Transaction at a commit); anything else is a bug.
            faults = duckdb.IOException | duckdb.FatalException
            if not (isinstance(err, faults) or _io_fault(err)):
                raise
            raise _write_fault(failed, err) from None
        finally:
            with contextlib.suppress(OSError):
                staging.unlink(missing_ok=True)
                staging.with_name(staging.name + ".wal").unlink(missing_ok=True)
            if not published and target is not None:
                with contextlib.suppress(OSError, StoreError):
                    if paths.published() != target:  # renamed, but the link never moved
                        target.unlink(missing_ok=True)
            if not published and created_folder:
                shutil.rmtree(paths.versions_dir, ignore_errors=True)
        _prune(paths, keep)
        return Published(version_id, target)


def _next_version_id(conn: duckdb.DuckDBPyConnection) -> int:
    row = conn.execute("SELECT coalesce(max(version_id), 0) + 1 FROM data_version").fetchone()
    assert row is not None
    return int(row[0])


def _publish_link(paths: Paths, target: Path) -> None:
    link_tmp = paths.db.with_name(f".{paths.db.name}.{os.getpid()}.link")
    if link_tmp.is_symlink():
        link_tmp.unlink()
    try:
        os.symlink(os.path.relpath(target, paths.db.parent), link_tmp)
        os.replace(link_tmp, paths.db)  # atomic: readers see the old or the new link
    finally:
        with contextlib.suppress(OSError):
            link_tmp.unlink(missing_ok=True)
    _fsync_dir(paths.db.parent)


def _prune(paths: Paths, keep: int) -> None:
    current = paths.published()
    files = paths.version_files()
    for _, path in files[: max(0, len(files) - max(keep, 1))]:
        if path != current:
            # The new version is published: a file that cannot go now goes next time.
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)


# --- Reading the history --------------------------------------------------


@dataclass(frozen=True)
class VersionInfo:
    version_id: int
    created_at: dt.datetime
    description: str
    files: tuple[tuple[str, str, str, int], ...]  # kind, file name, sha256, rows
    on_disk: bool
    current: bool


def list_versions(db: Path | str) -> list[VersionInfo]:
    """Every version in the published database's history, newest first."""
    paths = Paths(Path(db))
    current = paths.published()
    if current is None:
        return []
    on_disk = {vid for vid, _ in paths.version_files()}
    with Store(db).snapshot() as snap:
        current_id = snap.version.version_id
        versions = snap.rows(
            "SELECT version_id, created_at, description FROM data_version ORDER BY version_id DESC"
        )
        files = snap.rows(
            "SELECT version_id, kind, file_name, sha256, row_count FROM import_file "
            "ORDER BY version_id, kind, file_name"
        )
    by_version: dict[int, list[tuple[str, str, str, int]]] = {}
    for vid, kind, name, sha, count in files:
        by_version.setdefault(vid, []).append((kind, name, sha, count))
    return [
        VersionInfo(
            vid, created, desc, tuple(by_version.get(vid, ())), vid in on_disk, vid == current_id
        )
        for vid, created, desc in versions
    ]
