"""The gateway to DuckDB: published data versions, read-only snapshots for
readers and the one way to build and publish a new version.

Layout on disk, for ``--db data/dekomp.duckdb``::

    data/dekomp.duckdb                -> dekomp.versions/v000003.duckdb  (symlink)
    data/dekomp.versions/v000001.duckdb
    data/dekomp.versions/v000002.duckdb
    data/dekomp.versions/v000003.duckdb
    data/dekomp.versions/.lock        (flock: one writer at a time)

A version file is written once, by one importer, under a staging name that no
reader ever opens; it is then renamed into place and published by atomically
replacing the symlink. Readers resolve the symlink on each snapshot (one
``readlink``), so a new version is noticed without a restart, and a request
that started on the old version finishes on it: its open file survives both
the swap and the pruning of old versions.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import functools
import os
import re
import shutil
import threading
from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

# DuckDB's native module, not its package: `import duckdb` also loads the
# package's Python layer (relations, expressions, Arrow sources), 45 ms that
# `dekomp export` would spend before its COPY (`python -X importtime`). The
# native module has connect, execute, fetch and every exception class; the
# methods that need the layer (Snapshot.arrow, .register) import the package.
import _duckdb

from core.lru import MISSING, BoundedLRU

# pandas and pyarrow are imported where a frame is made, not here: commands
# that never make one (`dekomp export status-history`) start without them.
if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

SCHEMA_PATH = Path(__file__).with_name("schema.sql")
DEFAULT_DB = Path("data/dekomp.duckdb")
DEFAULT_KEEP_VERSIONS = 10
_VERSION_FILE = re.compile(r"v(\d{6})\.duckdb")


class StoreError(Exception):
    """A problem with the database folder that a user can act on."""


class NoDatabase(StoreError):
    pass


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


def _io_fault(err: _duckdb.Error) -> int | None:
    text = str(err)
    return next((c for found, c in _DUCKDB_FAULTS.items() if found in text), None)


def _write_fault(what: str, err: OSError | _duckdb.Error) -> WriteFault:
    if isinstance(err, OSError):
        code, detail = err.errno, err.strerror or str(err)
    else:
        code, detail = _io_fault(err), f"databasefeil: {err}"
    reason = _WRITE_FAULTS.get(code or 0, detail)
    return WriteFault(f"{what}: {reason}. Ingenting er endret.", code)


def default_db_path() -> Path:
    return Path(os.environ.get("DEKOMP_DB") or DEFAULT_DB)


@dataclass(frozen=True)
class Paths:
    """Where the published link, the version files and the lock live."""

    db: Path

    @property
    def versions_dir(self) -> Path:
        return self.db.with_name(self.db.stem + ".versions")

    @property
    def lock(self) -> Path:
        return self.versions_dir / ".lock"

    def version_file(self, version_id: int) -> Path:
        return self.versions_dir / f"v{version_id:06d}.duckdb"

    def published(self) -> Path | None:
        """The version file the link points to now, or None."""
        try:
            target = os.readlink(self.db)
        except FileNotFoundError:
            return None
        except OSError as err:
            if err.errno == errno.EACCES:
                raise StoreError(f"kan ikke lese {self.db}: ingen lesetilgang") from None
            # EINVAL: a regular file where the link belongs
            raise StoreError(
                f"{self.db} er ikke en publisert versjon (ventet en lenke): {err.strerror}"
            ) from None
        return (self.db.parent / target).resolve()

    def version_files(self) -> list[tuple[int, Path]]:
        if not self.versions_dir.is_dir():
            return []
        found = []
        for entry in self.versions_dir.iterdir():
            match = _VERSION_FILE.fullmatch(entry.name)
            if match:
                found.append((int(match.group(1)), entry))
        return sorted(found)


@dataclass(frozen=True)
class DataVersion:
    version_id: int
    created_at: dt.datetime
    description: str


Params = Sequence[Any] | dict[str, Any] | None
T = TypeVar("T")


@functools.cache
def _exact_types() -> dict[Any, Any]:
    import pandas as pd
    import pyarrow as pa

    return {
        pa.int8(): pd.Int8Dtype(),
        pa.int16(): pd.Int16Dtype(),
        pa.int32(): pd.Int32Dtype(),
        pa.int64(): pd.Int64Dtype(),
        pa.bool_(): pd.BooleanDtype(),
    }


def frame(table: pa.Table) -> pd.DataFrame:
    """An Arrow result as a DataFrame with ``Snapshot.df``'s exact types.
    A block per column (``split_blocks``): pandas' consolidation into one
    block per type was 40% of the conversion (0.47 -> 0.29 ms for the 22
    columns of the forums, whatever the rows)."""
    return table.to_pandas(types_mapper=_exact_type, split_blocks=True)


def _exact_type(arrow_type: pa.DataType) -> Any:
    """DECIMAL stays an Arrow column (pandas' ArrowDtype): its values are
    Decimal, exact, but made only when asked for. As Python Decimal objects
    they were most of a card's conversion to pandas (the distribution of
    every year: 2.0 against 0.46 ms)."""
    import pandas as pd
    import pyarrow as pa

    if pa.types.is_decimal(arrow_type):
        return pd.ArrowDtype(arrow_type)
    return _exact_types().get(arrow_type)


_NAMED_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


def _bind(sql: str, params: Params) -> Sequence[Any] | dict[str, Any]:
    """Named parameters that the statement uses: a filter state offers all
    of its values, and DuckDB refuses any that a statement does not use."""
    if isinstance(params, dict):
        used = set(_NAMED_PARAM.findall(sql))
        return {k: v for k, v in params.items() if k in used}
    return params or []


class ResultCache:
    """Computed results keyed by (version file, what, filters): a version
    never changes, so an entry is valid until it falls out (least recently
    used). Bounded by count and by the bytes of the frames kept (the rules
    of every year as of one date are about 57,000 rows of text at national
    scale). Frames are handed out as copies (callers may change theirs);
    other results should be immutable."""

    def __init__(self, maxsize: int = 64, max_bytes: int = 64_000_000) -> None:
        self._entries = BoundedLRU(max_bytes, maxsize)
        self._lock = threading.Lock()  # the kept entries and those being computed, together
        self._computing: dict[Hashable, threading.Event] = {}

    def get_or_compute(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The kept result, or ``compute()``'s. A page's cards ask for the
        same result at once (the rules as of a date): the first computes it,
        the others wait for it instead of computing it again."""
        while True:
            with self._lock:
                kept = self._entries.get(key)
                if kept is not MISSING:
                    return _handed_out(kept)
                running = self._computing.get(key)
                if running is None:
                    done = self._computing[key] = threading.Event()
                    break
            running.wait()
            with self._lock:
                if self._entries.get(key) is not MISSING:
                    continue
            return _handed_out(compute())  # it failed or was too big to keep
        try:
            value = compute()
            size = _size(value)  # a frame's deep memory use: not under the lock
            with self._lock:
                self._entries.put(key, value, size)
        finally:
            with self._lock:
                del self._computing[key]
            done.set()
        return _handed_out(value)

    @property
    def bytes(self) -> int:
        return self._entries.size


def _size(value: Any) -> int:
    """The bytes a frame holds (its text included); other results count 0."""
    import pandas as pd

    if isinstance(value, pd.DataFrame):
        return int(value.memory_usage(index=True, deep=True).sum())
    return 0


def _handed_out(value: T) -> T:
    import pandas as pd

    return value.copy() if isinstance(value, pd.DataFrame) else value


class Snapshot:
    """One cursor on one version for the life of a request."""

    def __init__(
        self, cursor: _duckdb.DuckDBPyConnection, path: Path, cache: ResultCache | None = None
    ) -> None:
        self._cursor = cursor
        self.path = path
        self._cache = cache

    def memo(self, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()``, or its earlier result for this version and key."""
        if self._cache is None:
            return compute()
        return self._cache.get_or_compute((str(self.path), key), compute)

    def df(self, sql: str, params: Params = None) -> pd.DataFrame:
        """The result as a DataFrame with exact types: DECIMAL as Decimal (in
        an Arrow column), DATE as datetime.date, integers and booleans
        nullable (never float)."""
        return frame(self.arrow(sql, params))

    def arrow(self, sql: str, params: Params = None) -> pa.Table:
        """The result as an Arrow table (what a table card shows needs no
        DataFrame: dashboard.present reads Arrow too)."""
        import duckdb  # noqa: F401  (adds .sql and Arrow results to connections)

        return self._cursor.sql(sql, params=_bind(sql, params)).to_arrow_table()

    def rows(self, sql: str, params: Params = None) -> list[tuple]:
        return self._cursor.execute(sql, _bind(sql, params)).fetchall()

    def scalar(self, sql: str, params: Params = None) -> Any:
        # fetchall, not fetchone: an unfinished result would block the cursor.
        rows = self._cursor.execute(sql, _bind(sql, params)).fetchall()
        return rows[0][0] if rows else None

    def relation(self, sql: str, params: Params = None) -> _duckdb.DuckDBPyConnection:
        """The executed statement, for streaming its rows in batches."""
        return self._cursor.execute(sql, _bind(sql, params))

    def register(self, name: str, frame: pd.DataFrame) -> None:
        """A DataFrame as a view for this snapshot's queries only. Passed as
        Arrow, so Decimal columns keep a precision that fits every value."""
        import duckdb  # noqa: F401  (the Arrow sources that .register scans)
        import pyarrow as pa

        self._cursor.register(name, pa.Table.from_pandas(frame, preserve_index=False))

    @property
    def version(self) -> DataVersion:
        return current_version(self._cursor)


def current_version(conn: _duckdb.DuckDBPyConnection) -> DataVersion:
    # fetchall, not fetchone: an unfinished result would block the cursor.
    rows = conn.execute(
        "SELECT version_id, created_at, description FROM data_version "
        "ORDER BY version_id DESC LIMIT 1"
    ).fetchall()
    if not rows:
        raise StoreError("databasen har ingen dataversjon")
    return DataVersion(*rows[0])


class Store:
    """Read-only access to the published version, opened lazily in each
    process (never before a fork) and reopened when a new version appears."""

    def __init__(self, db: Path | str) -> None:
        self.paths = Paths(Path(db))
        self._lock = threading.Lock()
        self._pid: int | None = None
        self._target: Path | None = None
        self._conn: _duckdb.DuckDBPyConnection | None = None
        self.cache = ResultCache()

    def _connection(self) -> tuple[Path, _duckdb.DuckDBPyConnection]:
        for _ in range(5):
            target = self.paths.published()
            if target is None:
                raise NoDatabase(
                    f"Fant ingen database i {self.paths.db}. "
                    "Kjør «dekomp demo» eller importer data."
                )
            with self._lock:
                if self._pid == os.getpid() and self._target == target and self._conn:
                    return target, self._conn
                try:
                    conn = _duckdb.connect(str(target), read_only=True)
                except _duckdb.IOException:
                    # Pruned between readlink and open: a newer one is published.
                    continue
                # The previous connection is left to the garbage collector:
                # requests still holding its cursors finish on the old version.
                self._pid, self._target, self._conn = os.getpid(), target, conn
                return target, conn
        raise StoreError(f"kunne ikke åpne publisert versjon i {self.paths.db}")

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[Snapshot]:
        target, conn = self._connection()
        cursor = conn.cursor()
        try:
            yield Snapshot(cursor, target, self.cache)
        finally:
            cursor.close()


# --- Writing --------------------------------------------------------------


class Unchanged(Exception):
    """Raised by a build step when the import would change nothing."""


@dataclass(frozen=True)
class Published:
    version_id: int
    path: Path


def create_schema(conn: _duckdb.DuckDBPyConnection) -> None:
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
    build: Callable[[_duckdb.DuckDBPyConnection, int], None],
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
        try:
            for stale in paths.versions_dir.glob(".staging-*"):
                stale.unlink()  # left by an importer that was killed
            if current is not None:
                shutil.copyfile(current, staging)
            conn = _duckdb.connect(str(staging))
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
                    _refresh_derived(conn, staging)
                    conn.execute("COMMIT")
                except BaseException:
                    # After an IO fault DuckDB refuses even the rollback.
                    with contextlib.suppress(_duckdb.Error):
                        conn.execute("ROLLBACK")
                    raise
                conn.execute("CHECKPOINT")
            finally:
                with contextlib.suppress(_duckdb.Error):
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
            raise _write_fault(
                f"kunne ikke skrive ny versjon i {paths.versions_dir}", err
            ) from None
        except _duckdb.Error as err:
            # DuckDB reports the same faults in its own types (IO, Fatal at a
            # checkpoint, Transaction at a commit); anything else is a bug.
            faults = _duckdb.IOException | _duckdb.FatalException
            if not (isinstance(err, faults) or _io_fault(err)):
                raise
            raise _write_fault(
                f"kunne ikke skrive ny versjon i {paths.versions_dir}", err
            ) from None
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


def _refresh_derived(conn: _duckdb.DuckDBPyConnection, staging: Path) -> None:
    """The views' precomputed tables (core.derived), in the same transaction:
    a version is published with them or not at all."""
    from core import derived

    derived.refresh(conn, staging)


def _next_version_id(conn: _duckdb.DuckDBPyConnection) -> int:
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
