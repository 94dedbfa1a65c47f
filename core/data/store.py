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
import functools
import os
import re
import threading
from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import duckdb
from cachetools import LRUCache

# pandas and pyarrow are imported where a frame is made, not here: commands
# that never make one (`dekomp export status-history`) start without them.
if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

SCHEMA_PATH = Path(__file__).with_name("schema.sql")
DEFAULT_DB = Path("data/dekomp.duckdb")
_VERSION_FILE = re.compile(r"v(\d{6})\.duckdb")


class StoreError(Exception):
    """A problem with the database folder that a user can act on."""


class NoDatabase(StoreError):
    pass


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


def bind(sql: str, params: Params) -> Sequence[Any] | dict[str, Any]:
    """Named parameters that the statement uses: a filter state offers all
    of its values, and DuckDB refuses any that a statement does not use."""
    if isinstance(params, dict):
        used = set(_NAMED_PARAM.findall(sql))
        return {k: v for k, v in params.items() if k in used}
    return params or []


class ResultCache:
    """Computed results keyed by (version file, what): a version never
    changes, so an entry is valid until it falls out (least recently used).
    Bounded by the bytes of the Arrow tables kept (the facts of another date:
    the rules of every year are about 57,000 rows of text at national scale);
    other results count a byte. Results are shared, so they must be
    immutable: Arrow tables, tuples, frozen dataclasses."""

    def __init__(self, max_bytes: int = 64_000_000) -> None:
        self._entries: LRUCache[Hashable, Any] = LRUCache(
            max_bytes, getsizeof=lambda value: int(getattr(value, "nbytes", 1))
        )
        self._lock = threading.Lock()

    def get_or_compute(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The kept result, or ``compute()``'s (kept if it fits)."""
        with self._lock:
            if key in self._entries:
                return self._entries[key]
        value = compute()
        with self._lock, contextlib.suppress(ValueError):  # too big to keep
            self._entries[key] = value
        return value

    @property
    def bytes(self) -> int:
        return int(self._entries.currsize)


class Snapshot:
    """One cursor on one version for the life of a request."""

    def __init__(
        self, cursor: duckdb.DuckDBPyConnection, path: Path, cache: ResultCache | None = None
    ) -> None:
        self._cursor = cursor
        self.path = path
        self._cache = cache
        self._registered: set[str] = set()

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
        return self._cursor.sql(sql, params=bind(sql, params)).to_arrow_table()

    def rows(self, sql: str, params: Params = None) -> list[tuple]:
        return self._cursor.execute(sql, bind(sql, params)).fetchall()

    def scalar(self, sql: str, params: Params = None) -> Any:
        # fetchall, not fetchone: an unfinished result would block the cursor.
        rows = self._cursor.execute(sql, bind(sql, params)).fetchall()
        return rows[0][0] if rows else None

    def relation(self, sql: str, params: Params = None) -> duckdb.DuckDBPyConnection:
        """The executed statement, for streaming its rows in batches."""
        return self._cursor.execute(sql, bind(sql, params))

    def register(self, name: str, table: pa.Table) -> None:
        """An Arrow table as a view for this snapshot's queries only; it
        shadows a table of the same name."""
        self._cursor.register(name, table)
        self._registered.add(name)

    def unregister(self, name: str) -> None:
        """Drop what ``register`` made of ``name`` (nothing if it made none)."""
        if name in self._registered:
            self._cursor.unregister(name)
            self._registered.discard(name)

    @property
    def version(self) -> DataVersion:
        return current_version(self._cursor)


def current_version(conn: duckdb.DuckDBPyConnection) -> DataVersion:
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
        self._conn: duckdb.DuckDBPyConnection | None = None
        self.cache = ResultCache()

    def _connection(self) -> tuple[Path, duckdb.DuckDBPyConnection]:
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
                    conn = duckdb.connect(str(target), read_only=True)
                except duckdb.IOException:
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
