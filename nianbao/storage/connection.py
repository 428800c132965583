"""The connections under the store and its transactions: one writing connection behind a lock,
one read-only connection for plain reads, ``BEGIN IMMEDIATE`` transactions; and the small
conversions every area shares (UTC timestamps, JSON, argument checks)."""

from __future__ import annotations

import enum
import itertools
import json
import os
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, is_dataclass
from datetime import date, datetime, timezone
from os import PathLike
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from .migrations import apply_migrations
from .migrations import schema_version as _schema_version
from .models import StorageError

_SAVEPOINTS = itertools.count()

BUSY_TIMEOUT_MS = 5000


def writes(method):
    """Mark a Store method that writes: the async facade runs it in the writers' threads, so a
    write waiting for another process's lock never holds up a read."""
    method.writes = True
    return method


def _utc(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(timezone.utc)
    if now.tzinfo is None:
        return now.replace(tzinfo=timezone.utc)
    return now.astimezone(timezone.utc)


def _ts(now: datetime | None) -> str:
    return _utc(now).isoformat(timespec="microseconds")


def _json_default(obj: Any) -> Any:
    if hasattr(obj, "model_dump"):  # pydantic v2 model
        return obj.model_dump(mode="json")
    if is_dataclass(obj) and not isinstance(obj, type):
        return asdict(obj)
    if isinstance(obj, enum.Enum):
        return obj.value
    if isinstance(obj, (datetime, date)):
        return obj.isoformat()
    if isinstance(obj, (set, frozenset)):
        return sorted(obj, key=repr)
    raise TypeError(f"not JSON-serialisable: {type(obj).__name__}")


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=_json_default)


def _check_int(name: str, value: Any, *, minimum: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {value!r}")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return value




def _private_file(path: Path, create: bool = True) -> None:
    """Make ``path`` readable by this user only (0600), creating it empty if asked: the database
    holds names, ids and reviews, whatever the process umask (SQLite creates files 0644)."""
    try:
        if create:
            os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
        if path.exists() and path.stat().st_mode & 0o077:
            os.chmod(path, 0o600)
    except OSError:
        pass  # a read-only location, or not ours: SQLite reports what matters

class Connection:
    """One SQLite file, opened with sqlite-utils; the base of every area of the store.

    On open: WAL journal, ``foreign_keys=ON``, ``busy_timeout`` 5000 ms, and
    pending migrations applied (see :mod:`nianbao.storage.migrations`);
    opening an up-to-date file again changes nothing.

    Threading: **one writing connection shared by all threads** (``check_same_thread=False``)
    **guarded by a re-entrant lock** held for every statement and every whole
    transaction; plain reads go through a second, read-only connection with its own lock
    (see ``_open_reader``). Chosen over a connection per thread because the bot's pool
    threads are long-lived and never tell us when they end (per-thread
    connections would leak and could not be closed from ``close()``), SQLite
    allows one writer at a time anyway, and our statements take
    microseconds for a roster of a few hundred agencies. The lock also means
    our own threads never meet ``SQLITE_BUSY``. Other processes on the same
    file (an admin CLI, a backup) are handled by WAL (readers don't block the
    writer), ``busy_timeout`` and by starting every write transaction with
    ``BEGIN IMMEDIATE`` (takes the write lock up front, so a read-then-write
    transaction can't fail half-way with "database is locked").

    Every multi-statement write is one transaction. Results are fully
    fetched before the lock is released; returned objects are immutable.
    """

    def __init__(self, path: str | PathLike[str], *, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> None:
        self.path = Path(path)
        self._lock = threading.RLock()
        self._writing = threading.local()  # .active: this thread is inside a write transaction
        self._closed = False
        if str(self.path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
            _private_file(self.path)
        conn = sqlite3.connect(
            str(self.path), timeout=busy_timeout_ms / 1000, check_same_thread=False
        )
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
            conn.execute("PRAGMA foreign_keys = ON")
            self._db = Database(conn, execute_plugins=False)
            self._db.enable_wal()
            if str(self.path) != ":memory:":
                for companion in ("-wal", "-shm"):  # SQLite copies the database's mode to new ones
                    _private_file(self.path.with_name(self.path.name + companion), create=False)
            apply_migrations(self._db)
        except BaseException:
            conn.close()
            raise
        self._conn = conn
        self._reader, self._read_lock = self._open_reader(busy_timeout_ms)

    # ----------------------------------------------------------------- plumbing

    def _open_reader(self, busy_timeout_ms: int) -> tuple[sqlite3.Connection, threading.Lock]:
        """A second connection for plain reads. With WAL a reader never waits for a writer, so
        a write stuck behind another process's lock (a backup, the CLI) cannot stall the
        bot's lookups; with a single connection they would queue behind its lock."""
        if str(self.path) == ":memory:":
            return self._conn, self._lock  # a second connection would be another database
        reader = sqlite3.connect(str(self.path), timeout=busy_timeout_ms / 1000, check_same_thread=False)
        reader.execute("PRAGMA query_only = ON")
        return reader, threading.Lock()

    def close(self) -> None:
        """Close the connection (idempotent). Later calls raise :class:`StorageError`."""
        with self._lock:
            if not self._closed:
                self._closed = True
                if self._reader is not self._conn:
                    with self._read_lock:
                        self._reader.close()
                self._conn.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {str(self.path)!r}{' closed' if self._closed else ''}>"

    def _live(self) -> sqlite3.Connection:
        if self._closed:
            raise StorageError("store is closed")
        return self._conn

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (``BEGIN IMMEDIATE``); nested use becomes a savepoint."""
        with self._lock:
            conn = self._live()
            if conn.in_transaction:
                name = f"sp_{next(_SAVEPOINTS)}"  # unique among those open: the writer's lock is held
                conn.execute(f"SAVEPOINT {name}")
                try:
                    yield conn
                except BaseException:
                    if conn.in_transaction:
                        conn.execute(f"ROLLBACK TO {name}")
                        conn.execute(f"RELEASE {name}")
                    raise
                conn.execute(f"RELEASE {name}")
                return
            conn.execute("BEGIN IMMEDIATE")
            self._writing.active = True
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            finally:
                self._writing.active = False

    def transaction(self):
        """Several writes as one transaction (``with store.transaction(): ...``): one commit
        instead of one per write (a savepoint when nested)."""
        return self._tx()

    @staticmethod
    def _fetch(
        conn: sqlite3.Connection, sql: str, params: Sequence[Any] | dict[str, Any] = ()
    ) -> list[dict[str, Any]]:
        cur = conn.execute(sql, params)
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, row)) for row in cur.fetchall()]

    def _reading(self) -> tuple[sqlite3.Connection, Any]:
        """The connection a read goes to, and its lock: the reader connection (its own snapshot),
        except in a thread inside a write transaction, whose reads must see what it has written
        and not committed yet (a batch of steps in one transaction: one step's look at whether a
        file is still needed must see the row another step of the batch just wrote)."""
        if getattr(self._writing, "active", False):
            return self._conn, self._lock  # held by this thread already (reentrant)
        return self._reader, self._read_lock

    def _rows(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[dict[str, Any]]:
        """A read (see ``_reading`` for which connection)."""
        conn, lock = self._reading()
        with lock:
            self._live()
            return self._fetch(conn, sql, params)

    def _tuples(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> tuple[list[str], list[tuple]]:
        """Like ``_rows``, as the column names and plain tuples: for reads of every agency, where
        a dict per row is a cost of its own."""
        conn, lock = self._reading()
        with lock:
            self._live()
            cur = conn.execute(sql, params)
            return [d[0] for d in cur.description], cur.fetchall()

    def in_transaction(self) -> bool:
        """Whether the writing connection is inside a transaction (SQLite ends one by itself on a
        full disk or an I/O error, whatever savepoints were open)."""
        return self._live().in_transaction

    def _one(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> dict[str, Any] | None:
        rows = self._rows(sql, params)
        return rows[0] if rows else None

    def schema_version(self) -> int:
        """Number of applied migrations (2 for the current code)."""
        with self._lock:
            self._live()
            return _schema_version(self._db)

    def pragma(self, name: str) -> object:
        """One setting of the store's own writing connection (``foreign_keys``, ``busy_timeout``,
        ``integrity_check``…): for ``nianbao doctor`` and the tests."""
        if not name.replace("_", "").isalpha():
            raise ValueError(f"not a pragma name: {name!r}")
        with self._lock:
            return self._live().execute(f"PRAGMA {name}").fetchone()[0]

    def journal_mode(self) -> str:
        """SQLite journal mode of the open file ("wal")."""
        with self._lock:
            return str(self._live().execute("PRAGMA journal_mode").fetchone()[0])

