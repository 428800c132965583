"""SQLite persistence for the annual-report review bot.

Every SQL statement of the project lives in this package; callers use
:class:`Store` methods and get small frozen dataclasses back. The storage
knows nothing about Telegram or the report checker: issues and parsed
reports arrive as JSON-able Python objects and are stored as JSON text.

Timestamps are stored as ISO-8601 UTC text with microseconds
(``2025-01-05T08:00:00.000000+00:00``), fixed width so that text order is
time order, and returned as timezone-aware :class:`datetime` objects. Every
method that stamps a time takes ``now`` (default: current UTC time); a naive
``now`` is taken to be UTC.
"""

from __future__ import annotations

import enum
import json
import secrets
import sqlite3
import threading
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, is_dataclass
from datetime import date, datetime, timedelta, timezone
from os import PathLike
from pathlib import Path
from typing import Any, Literal

from sqlite_utils import Database

from .migrations import apply_migrations
from .migrations import schema_version as _schema_version
from .roster import normalize_level, normalize_role, parse_roster_csv

__all__ = [
    "STATES",
    "INVITE_ALPHABET",
    "INVITE_CODE_LENGTH",
    "INVITE_TTL_DAYS",
    "Agency",
    "Member",
    "Invite",
    "SubmissionIn",
    "Submission",
    "AgencyStatus",
    "ImportResult",
    "InboxEntry",
    "PriorReport",
    "StorageError",
    "NotFound",
    "AgencyNameTaken",
    "AmbiguousAgency",
    "InviteError",
    "Store",
    "normalize_invite_code",
]

State = Literal["not_submitted", "passing", "errors", "unreadable"]
STATES: tuple[str, ...] = ("not_submitted", "passing", "errors", "unreadable")

#: Invite-code alphabet: uppercase letters and digits without 0/O/1/I.
INVITE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
INVITE_CODE_LENGTH = 8
INVITE_TTL_DAYS = 14  # how long an invite code stays valid

BUSY_TIMEOUT_MS = 5000


# --------------------------------------------------------------------------- errors


class StorageError(Exception):
    """Base class of the errors raised by :class:`Store`."""


class NotFound(StorageError, LookupError):
    """The agency / member / submission referred to does not exist."""


class AgencyNameTaken(StorageError, ValueError):
    """Another agency already has this name."""

    def __init__(self, name: str) -> None:
        super().__init__(f"单位名称“{name}”已被占用")
        self.name = name


class AmbiguousAgency(StorageError):
    """A name fragment matches several agencies; ``candidates`` lists them."""

    def __init__(self, query: str, candidates: Sequence[Agency]) -> None:
        names = "、".join(a.name for a in candidates)
        super().__init__(f"“{query}”匹配到多个单位：{names}")
        self.query = query
        self.candidates: list[Agency] = list(candidates)


InviteFailure = Literal["unknown", "used", "expired"]
_INVITE_MESSAGES = {
    "unknown": "邀请码不存在",
    "used": "邀请码已被使用",
    "expired": "邀请码已过期",
}


class InviteError(StorageError):
    """Invite cannot be redeemed; ``reason`` is "unknown", "used" or "expired"."""

    def __init__(self, reason: InviteFailure, code: str, used_by: int | None = None) -> None:
        super().__init__(_INVITE_MESSAGES[reason])
        self.reason: InviteFailure = reason
        self.code = code
        #: for reason "used": who redeemed it (lets the bot say "you already joined")
        self.used_by = used_by


# --------------------------------------------------------------------------- models


@dataclass(frozen=True, slots=True)
class Agency:
    id: int
    name: str
    level: str  # one of roster.LEVELS
    region: str | None
    parent: str | None  # free text: name of the superior agency
    active: bool
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Member:
    user_id: int
    agency_id: int | None  # None for supervisors/admins not tied to an agency
    role: str  # staff / supervisor / admin
    display_name: str | None
    joined_at: datetime  # when bound to the current agency


@dataclass(frozen=True, slots=True)
class Invite:
    code: str
    agency_id: int | None
    role: str
    created_at: datetime
    expires_at: datetime
    used_by: int | None
    used_at: datetime | None


@dataclass(frozen=True, slots=True)
class SubmissionIn:
    """What the bot records for one received file (or pasted text)."""

    agency_id: int
    year: int  # report year, e.g. 2024
    input_format: str  # "docx", "text", …
    parsed: bool  # False: the engine could not read it (see ``message``)
    user_id: int | None = None
    file_name: str | None = None
    size: int | None = None
    sha256: str | None = None
    error_count: int = 0
    warning_count: int = 0
    info_count: int = 0
    issues: list[Any] = field(default_factory=list)  # JSON-able
    report: dict[str, Any] | None = None  # JSON-able parsed tables
    update_id: int | None = None  # Telegram update id; makes the insert idempotent
    message: str | None = None  # free text, e.g. the read error
    received_at: datetime | None = None  # default: ``now`` of add_submission
    off_target: bool = False  # another agency's or another year's report: never the agency's draft


@dataclass(frozen=True, slots=True)
class Submission:
    id: int
    agency_id: int
    year: int
    received_at: datetime
    user_id: int | None
    file_name: str | None
    size: int | None
    sha256: str | None
    input_format: str
    parsed: bool
    error_count: int
    warning_count: int
    info_count: int
    issues: list[Any]
    report: dict[str, Any] | None
    update_id: int | None
    message: str | None
    off_target: bool = False


@dataclass(frozen=True, slots=True)
class AgencyStatus:
    agency: Agency
    state: State
    latest: Submission | None  # latest submission of the year
    submission_count: int  # submissions of the year


@dataclass(frozen=True, slots=True)
class ImportResult:
    added: int
    updated: int
    errors: list[str]  # Chinese, with line numbers
    unchanged: int = 0


@dataclass(frozen=True, slots=True)
class InboxEntry:
    """A draft journalled on arrival: ``received`` → ``checked`` → ``answered`` (or ``failed``)."""

    update_id: int
    chat_id: int
    user_id: int
    kind: str  # "document" | "paste"
    file_id: str | None  # Telegram's id, to download the file again after a crash
    file_name: str | None
    sha256: str | None  # the content-addressed copy, once downloaded
    state: str
    submission_id: int | None
    attempts: int
    received_at: datetime
    answered_at: datetime | None
    note: str | None
    parts_sent: int = 0  # messages of the reply already delivered
    reply: list[Any] | None = None  # the reply decided when checked (JSON-able parts)

    @property
    def pending(self) -> bool:
        return self.state in ("received", "checked")


@dataclass(frozen=True, slots=True)
class PriorReport:
    """An earlier year's tables of an agency (imported, or its last accepted draft)."""

    agency_id: int
    year: int
    source: str  # "imported" | "accepted"
    file_name: str | None
    sha256: str | None
    tables: dict[str, Any]


# --------------------------------------------------------------------------- helpers


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


def _dt(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


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


def _clean_name(name: str) -> str:
    cleaned = " ".join(str(name).split())  # trims, collapses inner whitespace (incl. U+3000)
    if not cleaned:
        raise ValueError("单位名称不能为空")
    return cleaned


def normalize_invite_code(code: str) -> str:
    """Canonical form of a typed code: NFKC (full-width → ASCII), no spaces/dashes, upper."""
    text = unicodedata.normalize("NFKC", str(code))
    return "".join(ch for ch in text if ch.isalnum()).upper()


def _agency(row: dict[str, Any], p: str = "") -> Agency:
    return Agency(
        id=row[p + "id"],
        name=row[p + "name"],
        level=row[p + "level"],
        region=row[p + "region"],
        parent=row[p + "parent"],
        active=bool(row[p + "active"]),
        created_at=datetime.fromisoformat(row[p + "created_at"]),
    )


def _member(row: dict[str, Any]) -> Member:
    return Member(
        user_id=row["user_id"],
        agency_id=row["agency_id"],
        role=row["role"],
        display_name=row["display_name"],
        joined_at=datetime.fromisoformat(row["joined_at"]),
    )


def _invite(row: dict[str, Any]) -> Invite:
    return Invite(
        code=row["code"],
        agency_id=row["agency_id"],
        role=row["role"],
        created_at=datetime.fromisoformat(row["created_at"]),
        expires_at=datetime.fromisoformat(row["expires_at"]),
        used_by=row["used_by"],
        used_at=_dt(row["used_at"]),
    )


def _submission(row: dict[str, Any]) -> Submission:
    return Submission(
        id=row["id"],
        agency_id=row["agency_id"],
        year=row["year"],
        received_at=datetime.fromisoformat(row["received_at"]),
        user_id=row["user_id"],
        file_name=row["file_name"],
        size=row["size"],
        sha256=row["sha256"],
        input_format=row["input_format"],
        parsed=bool(row["parsed"]),
        error_count=row["error_count"],
        warning_count=row["warning_count"],
        info_count=row["info_count"],
        issues=json.loads(row["issues_json"]) if row["issues_json"] else [],
        report=json.loads(row["report_json"]) if row["report_json"] else None,
        update_id=row["update_id"],
        message=row["message"],
        off_target=bool(row.get("off_target", 0)),
    )


def _tables(report_json: str | None) -> dict[str, Any] | None:
    """The parsed tables kept with a submission (``report["tables"]``)."""
    return (json.loads(report_json) or {}).get("tables") if report_json else None


def _inbox(row: dict[str, Any]) -> InboxEntry:
    fields = {k: v for k, v in row.items() if k not in ("reply_json", "received_at", "answered_at")}
    return InboxEntry(
        **fields,
        received_at=datetime.fromisoformat(row["received_at"]),
        answered_at=_dt(row["answered_at"]),
        reply=json.loads(row["reply_json"]) if row["reply_json"] else None,
    )


def _state(latest: Submission | None) -> State:
    if latest is None:
        return "not_submitted"
    if not latest.parsed:
        return "unreadable"
    return "errors" if latest.error_count > 0 else "passing"


def _check_int(name: str, value: Any, *, minimum: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {value!r}")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return value


_SUBMISSION_COLUMNS = (
    "id, agency_id, year, received_at, user_id, file_name, size, sha256, input_format,"
    " parsed, error_count, warning_count, info_count, issues_json, report_json,"
    " update_id, message, off_target"
)
_INBOX_COLUMNS = (
    "update_id, chat_id, user_id, kind, file_id, file_name, sha256, state, submission_id,"
    " attempts, received_at, answered_at, note, parts_sent, reply_json"
)
# the same without the large JSON columns, for summaries over every agency
_SUMMARY_COLUMNS = _SUBMISSION_COLUMNS.replace("issues_json, report_json,", "NULL AS issues_json, NULL AS report_json,")


# --------------------------------------------------------------------------- store


class Store:
    """The bot's database: one SQLite file, opened with sqlite-utils.

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
        self._closed = False
        if str(self.path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(
            str(self.path), timeout=busy_timeout_ms / 1000, check_same_thread=False
        )
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
            conn.execute("PRAGMA foreign_keys = ON")
            self._db = Database(conn, execute_plugins=False)
            self._db.enable_wal()
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

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<Store {str(self.path)!r}{' closed' if self._closed else ''}>"

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
                name = f"sp_{secrets.token_hex(6)}"
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
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise

    @staticmethod
    def _fetch(
        conn: sqlite3.Connection, sql: str, params: Sequence[Any] | dict[str, Any] = ()
    ) -> list[dict[str, Any]]:
        cur = conn.execute(sql, params)
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, row)) for row in cur.fetchall()]

    def _rows(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[dict[str, Any]]:
        """A read outside any transaction, on the reader connection (its own snapshot)."""
        with self._read_lock:
            self._live()
            return self._fetch(self._reader, sql, params)

    def _one(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> dict[str, Any] | None:
        rows = self._rows(sql, params)
        return rows[0] if rows else None

    def schema_version(self) -> int:
        """Number of applied migrations (2 for the current code)."""
        with self._lock:
            self._live()
            return _schema_version(self._db)

    def journal_mode(self) -> str:
        """SQLite journal mode of the open file ("wal")."""
        with self._lock:
            return str(self._live().execute("PRAGMA journal_mode").fetchone()[0])

    # ----------------------------------------------------------------- agencies

    @writes
    def add_agency(
        self,
        name: str,
        level: str | None = None,
        region: str | None = None,
        parent: str | None = None,
        *,
        now: datetime | None = None,
    ) -> int:
        """Create an agency, or return the id of the one with this name.

        For an existing agency, ``level``/``region``/``parent`` are updated
        when given (not None). A new agency without level gets "other".
        ``level`` accepts Chinese aliases (乡镇, 县直部门…).
        """
        name = _clean_name(name)
        lvl = normalize_level(level) if level is not None else None
        with self._tx() as conn:
            return self._upsert_agency(conn, name, lvl, region, parent, None, _ts(now))[0]

    def _upsert_agency(
        self,
        conn: sqlite3.Connection,
        name: str,
        level: str | None,
        region: str | None,
        parent: str | None,
        active: bool | None,
        created_at: str,
    ) -> tuple[int, Literal["added", "updated", "unchanged"]]:
        rows = self._fetch(
            conn, "SELECT id, level, region, parent, active FROM agencies WHERE name = ?", (name,)
        )
        if not rows:
            cur = conn.execute(
                "INSERT INTO agencies (name, level, region, parent, active, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (name, level or "other", region, parent, 1 if active in (None, True) else 0, created_at),
            )
            return int(cur.lastrowid), "added"  # type: ignore[arg-type]
        old = rows[0]
        changes: dict[str, Any] = {}
        if level is not None and level != old["level"]:
            changes["level"] = level
        if region is not None and region != old["region"]:
            changes["region"] = region
        if parent is not None and parent != old["parent"]:
            changes["parent"] = parent
        if active is not None and int(active) != old["active"]:
            changes["active"] = int(active)
        if not changes:
            return old["id"], "unchanged"
        assignments = ", ".join(f"{col} = ?" for col in changes)  # column names are ours
        conn.execute(
            f"UPDATE agencies SET {assignments} WHERE id = ?", (*changes.values(), old["id"])
        )
        return old["id"], "updated"

    @writes
    def import_roster_csv(
        self, source: str | PathLike[str] | bytes, *, now: datetime | None = None
    ) -> ImportResult:
        """Import a roster CSV (path, raw bytes or text); see :mod:`nianbao.storage.roster`.

        Agencies are matched by name: new ones are added, existing ones get
        the non-empty cells of their row. Valid rows are written in one
        transaction; bad rows are skipped and reported in ``errors``.
        """
        parsed = parse_roster_csv(source)
        added = updated = unchanged = 0
        created_at = _ts(now)
        with self._tx() as conn:
            for row in parsed.rows:
                _, outcome = self._upsert_agency(
                    conn, row.name, row.level, row.region, row.parent, row.active, created_at
                )
                if outcome == "added":
                    added += 1
                elif outcome == "updated":
                    updated += 1
                else:
                    unchanged += 1
        return ImportResult(added=added, updated=updated, errors=list(parsed.errors), unchanged=unchanged)

    def list_agencies(self, active_only: bool = True) -> list[Agency]:
        """Agencies in creation order (= roster order)."""
        sql = "SELECT * FROM agencies"
        if active_only:
            sql += " WHERE active = 1"
        return [_agency(r) for r in self._rows(sql + " ORDER BY id")]

    def get_agency(self, agency_id: int) -> Agency | None:
        row = self._one("SELECT * FROM agencies WHERE id = ?", (agency_id,))
        return _agency(row) if row else None

    def find_agency(self, name: str, *, include_inactive: bool = False) -> Agency | None:
        """Exact name, else the unique agency whose name contains ``name``.

        Raises :class:`AmbiguousAgency` (with ``candidates``) when several
        names contain it; None when nothing matches or ``name`` is blank.
        Inactive agencies are ignored unless ``include_inactive``.
        """
        query = " ".join(str(name).split())
        if not query:
            return None
        active = "" if include_inactive else " AND active = 1"
        with self._lock:
            conn = self._live()
            exact = self._fetch(conn, f"SELECT * FROM agencies WHERE name = ?{active}", (query,))
            if exact:
                return _agency(exact[0])
            rows = self._fetch(
                conn,
                f"SELECT * FROM agencies WHERE instr(lower(name), lower(?)) > 0{active} ORDER BY id",
                (query,),
            )
        if not rows:
            return None
        if len(rows) > 1:
            raise AmbiguousAgency(query, [_agency(r) for r in rows])
        return _agency(rows[0])

    def _update_agency(self, agency_id: int, column: str, value: Any) -> Agency:
        with self._tx() as conn:
            try:
                cur = conn.execute(f"UPDATE agencies SET {column} = ? WHERE id = ?", (value, agency_id))
            except sqlite3.IntegrityError as exc:
                if column == "name":
                    raise AgencyNameTaken(value) from exc
                raise
            if cur.rowcount == 0:
                raise NotFound(f"agency {agency_id} not found")
            return _agency(self._fetch(conn, "SELECT * FROM agencies WHERE id = ?", (agency_id,))[0])

    @writes
    def set_agency_active(self, agency_id: int, active: bool) -> Agency:
        """(De)activate; inactive agencies drop out of year_status and find_agency. Raises NotFound."""
        return self._update_agency(agency_id, "active", 1 if active else 0)

    @writes
    def rename_agency(self, agency_id: int, new_name: str) -> Agency:
        """Raises NotFound, or AgencyNameTaken if another agency has the name."""
        return self._update_agency(agency_id, "name", _clean_name(new_name))

    @writes
    def set_agency_level(self, agency_id: int, level: str) -> Agency:
        """``level`` accepts Chinese aliases. Raises NotFound / ValueError."""
        return self._update_agency(agency_id, "level", normalize_level(level))

    # ----------------------------------------------------------------- members

    @writes
    def bind_member(
        self,
        user_id: int,
        agency_id: int | None,
        role: str = "staff",
        display_name: str | None = None,
        now: datetime | None = None,
    ) -> Member:
        """Create or rebind a member. ``joined_at`` changes only when the agency changes;
        a None ``display_name`` keeps the stored one. Staff need an agency."""
        with self._tx() as conn:
            return self._bind(conn, user_id, agency_id, role, display_name, _ts(now))

    def _bind(
        self,
        conn: sqlite3.Connection,
        user_id: int,
        agency_id: int | None,
        role: str,
        display_name: str | None,
        joined_at: str,
    ) -> Member:
        _check_int("user_id", user_id)
        role = normalize_role(role)
        if agency_id is None and role == "staff":
            raise ValueError("staff members must belong to an agency")
        if agency_id is not None and not self._fetch(
            conn, "SELECT 1 AS x FROM agencies WHERE id = ?", (agency_id,)
        ):
            raise NotFound(f"agency {agency_id} not found")
        conn.execute(
            """
            INSERT INTO members (user_id, agency_id, role, display_name, joined_at)
            VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (user_id) DO UPDATE SET
                role = excluded.role,
                display_name = COALESCE(excluded.display_name, members.display_name),
                joined_at = CASE WHEN members.agency_id IS excluded.agency_id
                                 THEN members.joined_at ELSE excluded.joined_at END,
                agency_id = excluded.agency_id
            """,
            (user_id, agency_id, role, display_name, joined_at),
        )
        return _member(self._fetch(conn, "SELECT * FROM members WHERE user_id = ?", (user_id,))[0])

    def get_member(self, user_id: int) -> Member | None:
        row = self._one("SELECT * FROM members WHERE user_id = ?", (user_id,))
        return _member(row) if row else None

    @writes
    def member_agency(self, user_id: int) -> Agency | None:
        """The agency a staff member is bound to (None for supervisors and strangers)."""
        row = self._one(
            "SELECT a.* FROM members m JOIN agencies a ON a.id = m.agency_id"
            " WHERE m.user_id = ? AND m.role = 'staff'",
            (user_id,),
        )
        return _agency(row) if row else None

    def set_role(self, user_id: int, role: str) -> Member:
        """Raises NotFound, or ValueError for an unknown role / staff without agency."""
        role = normalize_role(role)
        with self._tx() as conn:
            rows = self._fetch(conn, "SELECT * FROM members WHERE user_id = ?", (user_id,))
            if not rows:
                raise NotFound(f"member {user_id} not found")
            if role == "staff" and rows[0]["agency_id"] is None:
                raise ValueError("staff members must belong to an agency")
            conn.execute("UPDATE members SET role = ? WHERE user_id = ?", (role, user_id))
            return _member(self._fetch(conn, "SELECT * FROM members WHERE user_id = ?", (user_id,))[0])

    def list_members(self, agency_id: int | None = None, role: str | None = None) -> list[Member]:
        """Members, optionally filtered by agency and/or role, oldest first."""
        where, params = [], []
        if agency_id is not None:
            where.append("agency_id = ?")
            params.append(agency_id)
        if role is not None:
            where.append("role = ?")
            params.append(normalize_role(role))
        sql = "SELECT * FROM members"
        if where:
            sql += " WHERE " + " AND ".join(where)
        return [_member(r) for r in self._rows(sql + " ORDER BY joined_at, user_id", params)]

    @writes
    def remove_member(self, user_id: int) -> bool:
        """Unbind a user; True if they were a member."""
        with self._tx() as conn:
            return conn.execute("DELETE FROM members WHERE user_id = ?", (user_id,)).rowcount > 0

    # ----------------------------------------------------------------- invites

    @writes
    def create_invite(
        self,
        agency_id: int | None,
        role: str = "staff",
        ttl_days: float = INVITE_TTL_DAYS,
        now: datetime | None = None,
    ) -> str:
        """New single-use code (8 chars of :data:`INVITE_ALPHABET`) valid ``ttl_days``.

        ``agency_id`` may be None for supervisor/admin invites. Raises
        NotFound for an unknown agency, ValueError for a bad role/ttl.
        """
        role = normalize_role(role)
        if agency_id is None and role == "staff":
            raise ValueError("a staff invite needs an agency")
        if not ttl_days > 0:
            raise ValueError("ttl_days must be positive")
        created = _utc(now)
        expires = created + timedelta(days=ttl_days)
        with self._tx() as conn:
            if agency_id is not None and not self._fetch(
                conn, "SELECT 1 AS x FROM agencies WHERE id = ?", (agency_id,)
            ):
                raise NotFound(f"agency {agency_id} not found")
            for _ in range(20):
                code = "".join(secrets.choice(INVITE_ALPHABET) for _ in range(INVITE_CODE_LENGTH))
                cur = conn.execute(
                    "INSERT INTO invites (code, agency_id, role, created_at, expires_at)"
                    " VALUES (?, ?, ?, ?, ?) ON CONFLICT (code) DO NOTHING",
                    (code, agency_id, role, _ts(created), _ts(expires)),
                )
                if cur.rowcount == 1:
                    return code
        raise StorageError("could not generate a unique invite code")  # pragma: no cover

    def get_invite(self, code: str) -> Invite | None:
        """Look an invite up (code normalised like redeem_invite)."""
        row = self._one("SELECT * FROM invites WHERE code = ?", (normalize_invite_code(code),))
        return _invite(row) if row else None

    @writes
    def redeem_invite(
        self,
        code: str,
        user_id: int,
        display_name: str | None = None,
        now: datetime | None = None,
    ) -> Member:
        """Use an invite: binds the user to its agency and role, in one transaction.

        The code is case-insensitive (also tolerates spaces, dashes and
        full-width characters). Raises :class:`InviteError` with ``reason``
        "unknown", "used" (even by the same user) or "expired" (at or after
        ``expires_at``).
        """
        norm = normalize_invite_code(code)
        moment = _utc(now)
        with self._tx() as conn:
            rows = self._fetch(conn, "SELECT * FROM invites WHERE code = ?", (norm,))
            if not rows:
                raise InviteError("unknown", norm)
            invite = _invite(rows[0])
            if invite.used_by is not None:
                raise InviteError("used", norm, used_by=invite.used_by)
            if moment >= invite.expires_at:
                raise InviteError("expired", norm)
            conn.execute(
                "UPDATE invites SET used_by = ?, used_at = ? WHERE code = ? AND used_by IS NULL",
                (user_id, _ts(moment), norm),
            )
            return self._bind(conn, user_id, invite.agency_id, invite.role, display_name, _ts(moment))

    # ----------------------------------------------------------------- submissions

    @writes
    def add_submission(self, sub: SubmissionIn, *, now: datetime | None = None) -> int:
        """Record a submission; return its id.

        Idempotent on ``update_id``: if a submission with the same non-null
        update_id exists, its id is returned and nothing is written.
        ``received_at`` defaults to ``now``. Raises NotFound for an unknown agency.
        """
        _check_int("year", sub.year)
        for name in ("error_count", "warning_count", "info_count"):
            _check_int(name, getattr(sub, name), minimum=0)
        if not sub.input_format:
            raise ValueError("input_format is required")
        issues_json = _dumps(list(sub.issues) if sub.issues is not None else [])
        report_json = _dumps(sub.report) if sub.report is not None else None
        received_at = _ts(sub.received_at if sub.received_at is not None else now)
        with self._tx() as conn:
            if sub.update_id is not None:
                existing = self._fetch(
                    conn, "SELECT id FROM submissions WHERE update_id = ?", (sub.update_id,)
                )
                if existing:
                    return int(existing[0]["id"])
            if not self._fetch(conn, "SELECT 1 AS x FROM agencies WHERE id = ?", (sub.agency_id,)):
                raise NotFound(f"agency {sub.agency_id} not found")
            cur = conn.execute(
                """
                INSERT INTO submissions (
                    agency_id, year, received_at, user_id, file_name, size, sha256,
                    input_format, parsed, error_count, warning_count, info_count,
                    issues_json, report_json, update_id, message, off_target
                ) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                (
                    sub.agency_id,
                    sub.year,
                    received_at,
                    sub.user_id,
                    sub.file_name,
                    sub.size,
                    sub.sha256,
                    sub.input_format,
                    1 if sub.parsed else 0,
                    sub.error_count,
                    sub.warning_count,
                    sub.info_count,
                    issues_json,
                    report_json,
                    sub.update_id,
                    sub.message,
                    1 if sub.off_target else 0,
                ),
            )
            return int(cur.lastrowid)  # type: ignore[arg-type]

    def get_submission(self, submission_id: int) -> Submission | None:
        row = self._one(f"SELECT {_SUBMISSION_COLUMNS} FROM submissions WHERE id = ?", (submission_id,))
        return _submission(row) if row else None

    def submission_for_update(self, update_id: int) -> Submission | None:
        """The submission recorded for a Telegram update id, if any (redelivery check)."""
        row = self._one(
            f"SELECT {_SUBMISSION_COLUMNS} FROM submissions WHERE update_id = ?", (update_id,)
        )
        return _submission(row) if row else None

    def latest_submission(
        self,
        agency_id: int,
        year: int,
        before_id: int | None = None,
        *,
        parsed_only: bool = False,
    ) -> Submission | None:
        """Latest submission of an agency for a year (order: received_at, then id).

        With ``before_id``: the latest one strictly before that submission
        (e.g. the previous version, to compare against); None if
        ``before_id`` does not exist. ``parsed_only`` skips unreadable ones and those of another
        agency or year.
        """
        sql = f"SELECT {_SUBMISSION_COLUMNS} FROM submissions WHERE agency_id = ? AND year = ?"
        params: list[Any] = [agency_id, year]
        if before_id is not None:
            sql += " AND (received_at, id) < (SELECT received_at, id FROM submissions WHERE id = ?)"
            params.append(before_id)
        if parsed_only:
            sql += " AND parsed = 1 AND off_target = 0"
        row = self._one(sql + " ORDER BY received_at DESC, id DESC LIMIT 1", params)
        return _submission(row) if row else None

    def list_submissions(self, agency_id: int, year: int | None = None, limit: int = 50) -> list[Submission]:
        """An agency's submissions, newest first, optionally for one year."""
        sql = f"SELECT {_SUBMISSION_COLUMNS} FROM submissions WHERE agency_id = ?"
        params: list[Any] = [agency_id]
        if year is not None:
            sql += " AND year = ?"
            params.append(year)
        sql += " ORDER BY received_at DESC, id DESC LIMIT ?"
        params.append(int(limit))
        return [_submission(r) for r in self._rows(sql, params)]

    def year_status(self, year: int) -> list[AgencyStatus]:
        """One row per active agency (creation order) with its latest submission of ``year``.

        The latest *readable* draft of the agency's own report decides the state, so an unreadable
        upload (a PDF sent "for the record"), or another agency's or year's report sent by mistake,
        does not undo a passing draft: "not_submitted" (none), "unreadable" (no
        draft could be read), "errors" (latest readable one has errors), "passing". The
        submissions come without their issues and report (summaries only). One statement,
        so a consistent snapshot.
        """
        agency_cols = ", ".join(
            f"a.{c} AS a_{c}" for c in ("id", "name", "level", "region", "parent", "active", "created_at")
        )
        rows = self._rows(
            f"""
            WITH ranked AS (
                SELECT {_SUMMARY_COLUMNS},
                       ROW_NUMBER() OVER w AS rn,
                       COUNT(*) OVER (PARTITION BY agency_id) AS n
                FROM submissions
                WHERE year = ? AND off_target = 0
                WINDOW w AS (
                    PARTITION BY agency_id ORDER BY parsed AND NOT off_target DESC, parsed DESC, received_at DESC, id DESC
                )
            )
            SELECT {agency_cols}, r.*
            FROM agencies a
            LEFT JOIN ranked r ON r.agency_id = a.id AND r.rn = 1
            WHERE a.active = 1
            ORDER BY a.id
            """,
            (year,),
        )
        result = []
        for row in rows:
            latest = _submission(row) if row["id"] is not None else None
            result.append(
                AgencyStatus(
                    agency=_agency(row, "a_"),
                    state=_state(latest),
                    latest=latest,
                    submission_count=row["n"] or 0,
                )
            )
        return result

    # ----------------------------------------------------------------- reminders

    @writes
    def claim_reminder(self, key: str, chat_id: int, now: datetime | None = None) -> bool:
        """Record ``key``; True only the first time ever (atomic, survives restarts).

        Call before sending; if sending fails, :meth:`release_reminder` lets a
        later run retry.
        """
        if not key:
            raise ValueError("reminder key is required")
        _check_int("chat_id", chat_id)
        with self._tx() as conn:
            cur = conn.execute(
                "INSERT INTO reminders_sent (key, chat_id, sent_at) VALUES (?, ?, ?)"
                " ON CONFLICT (key) DO NOTHING",
                (key, chat_id, _ts(now)),
            )
            return cur.rowcount == 1

    def reminder_sent(self, key: str) -> bool:
        return self._one("SELECT 1 AS x FROM reminders_sent WHERE key = ?", (key,)) is not None

    @writes
    def release_reminder(self, key: str) -> bool:
        """Forget a claimed key (e.g. the send failed); True if it existed."""
        with self._tx() as conn:
            return conn.execute("DELETE FROM reminders_sent WHERE key = ?", (key,)).rowcount > 0


    # ----------------------------------------------------------------- inbox (draft journal)

    @writes
    def journal_draft(
        self,
        update_id: int | None,
        *,
        chat_id: int,
        user_id: int,
        kind: str,
        file_id: str | None = None,
        file_name: str | None = None,
        sha256: str | None = None,
        now: datetime | None = None,
    ) -> tuple[InboxEntry, bool]:
        """Journal a draft before any work on it; return (entry, created).

        A redelivered update finds its entry (``created`` False) and nothing is written. A draft
        that did not come as a Telegram update (``update_id`` None) gets the next negative id.
        """
        with self._tx() as conn:
            if update_id is None:
                update_id = self._fetch(conn, "SELECT MIN(0, COALESCE(MIN(update_id), 0)) - 1 AS id FROM inbox")[0]["id"]
            _check_int("update_id", update_id)
            cur = conn.execute(
                "INSERT INTO inbox (update_id, chat_id, user_id, kind, file_id, file_name, sha256, received_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (update_id) DO NOTHING",
                (update_id, chat_id, user_id, kind, file_id, file_name, sha256, _ts(now)),
            )
            row = self._fetch(conn, f"SELECT {_INBOX_COLUMNS} FROM inbox WHERE update_id = ?", (update_id,))[0]
        return _inbox(row), cur.rowcount == 1

    def get_inbox(self, update_id: int) -> InboxEntry | None:
        row = self._one(f"SELECT {_INBOX_COLUMNS} FROM inbox WHERE update_id = ?", (update_id,))
        return _inbox(row) if row else None

    @writes
    def inbox_file_stored(self, update_id: int, sha256: str) -> None:
        self._update_inbox(update_id, "sha256 = ?", (sha256,))

    @writes
    def inbox_attempt(self, update_id: int) -> int:
        """Count one more attempt at checking and answering; return the count."""
        self._update_inbox(update_id, "attempts = attempts + 1", ())
        entry = self.get_inbox(update_id)
        return entry.attempts if entry else 0

    @writes
    def inbox_checked(self, update_id: int, submission_id: int | None, reply: list[Any] | None = None) -> None:
        """The draft is checked and recorded; ``reply`` is what to send (kept for retries)."""
        self._update_inbox(
            update_id, "state = 'checked', submission_id = ?, reply_json = ?",
            (submission_id, _dumps(reply) if reply is not None else None), pending_only=True,
        )

    @writes
    def inbox_part_sent(self, update_id: int, parts_sent: int) -> None:
        self._update_inbox(update_id, "parts_sent = ?", (parts_sent,), pending_only=True)

    @writes
    def inbox_answered(self, update_id: int, *, now: datetime | None = None) -> None:
        self._update_inbox(update_id, "state = 'answered', answered_at = ?", (_ts(now),), pending_only=True)

    @writes
    def inbox_failed(self, update_id: int, note: str, *, now: datetime | None = None) -> None:
        self._update_inbox(update_id, "state = 'failed', answered_at = ?, note = ?", (_ts(now), note), pending_only=True)

    def _update_inbox(self, update_id: int, assignments: str, params: tuple, *, pending_only: bool = False) -> None:
        where = "update_id = ?" + (" AND state IN ('received', 'checked')" if pending_only else "")
        with self._tx() as conn:
            conn.execute(f"UPDATE inbox SET {assignments} WHERE {where}", (*params, update_id))

    def pending_drafts(self, *, max_attempts: int | None = None) -> list[InboxEntry]:
        """Drafts journalled but not yet answered, oldest first (to finish after a restart)."""
        sql = f"SELECT {_INBOX_COLUMNS} FROM inbox WHERE state IN ('received', 'checked')"
        params: list[Any] = []
        if max_attempts is not None:
            sql += " AND attempts < ?"
            params.append(max_attempts)
        return [_inbox(r) for r in self._rows(sql + " ORDER BY received_at, update_id", params)]

    def inbox_counts(self) -> dict[str, int]:
        return {r["state"]: r["n"] for r in self._rows("SELECT state, COUNT(*) AS n FROM inbox GROUP BY state")}

    # ----------------------------------------------------------------- stored files

    def files_to_keep(self, since: datetime) -> set[str]:
        """Hashes of drafts that must stay on disk: anything received since ``since``, every
        draft not yet answered, and each agency's latest draft (supervisors download it)."""
        rows = self._rows(
            """
            SELECT sha256 FROM submissions WHERE received_at >= :since AND sha256 IS NOT NULL
            UNION SELECT sha256 FROM inbox WHERE sha256 IS NOT NULL
                AND (received_at >= :since OR state IN ('received', 'checked'))
            UNION SELECT sha256 FROM (
                SELECT sha256, ROW_NUMBER() OVER (PARTITION BY agency_id ORDER BY received_at DESC, id DESC) AS rn
                FROM submissions WHERE sha256 IS NOT NULL
            ) WHERE rn = 1
            """,
            {"since": _ts(since)},
        )
        return {r["sha256"] for r in rows}

    def latest_stored_draft(self, agency_id: int, year: int | None = None) -> Submission | None:
        """The draft that stands for the agency (the one its state comes from: the latest readable
        report of its own), else its latest file of any kind; a file or a pasted text."""
        sql = f"SELECT {_SUBMISSION_COLUMNS} FROM submissions WHERE agency_id = ? AND sha256 IS NOT NULL"
        params: list[Any] = [agency_id]
        if year is not None:
            sql += " AND year = ?"
            params.append(year)
        row = self._one(sql + " ORDER BY parsed AND NOT off_target DESC, received_at DESC, id DESC LIMIT 1", params)
        return _submission(row) if row else None

    # ----------------------------------------------------------------- earlier years

    @writes
    def save_prior_report(
        self,
        agency_id: int,
        year: int,
        tables: dict[str, Any],
        *,
        source: str = "imported",
        file_name: str | None = None,
        sha256: str | None = None,
        now: datetime | None = None,
    ) -> bool:
        """Keep an earlier year's tables for an agency (one per agency and year; replaced).
        Returns True when a report for that year was already there."""
        _check_int("year", year)
        with self._tx() as conn:
            if not self._fetch(conn, "SELECT 1 AS x FROM agencies WHERE id = ?", (agency_id,)):
                raise NotFound(f"agency {agency_id} not found")
            replaced = bool(
                self._fetch(conn, "SELECT 1 AS x FROM prior_reports WHERE agency_id = ? AND year = ?", (agency_id, year))
            )
            conn.execute(
                "INSERT INTO prior_reports (agency_id, year, source, file_name, sha256, tables_json, imported_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (agency_id, year) DO UPDATE SET"
                " source = excluded.source, file_name = excluded.file_name, sha256 = excluded.sha256,"
                " tables_json = excluded.tables_json, imported_at = excluded.imported_at",
                (agency_id, year, source, file_name, sha256, _dumps(tables), _ts(now)),
            )
        return replaced

    def prior_report(self, agency_id: int, year: int) -> PriorReport | None:
        """The agency's report for ``year``: the published one if it was imported (the figures
        of record), else its last draft of that year that passed."""
        row = self._one(
            "SELECT agency_id, year, source, file_name, sha256, tables_json FROM prior_reports"
            " WHERE agency_id = ? AND year = ?",
            (agency_id, year),
        )
        if row is not None:
            return PriorReport(row["agency_id"], row["year"], row["source"], row["file_name"], row["sha256"], json.loads(row["tables_json"]))
        row = self._one(
            "SELECT report_json, file_name, sha256 FROM submissions"
            " WHERE agency_id = ? AND year = ? AND parsed = 1 AND error_count = 0 AND report_json IS NOT NULL"
            " ORDER BY received_at DESC, id DESC LIMIT 1",
            (agency_id, year),
        )
        tables = _tables(row["report_json"]) if row else None
        return PriorReport(agency_id, year, "accepted", row["file_name"], row["sha256"], tables) if tables else None

    def year_reports(self, year: int) -> list[tuple[AgencyStatus, dict[str, Any] | None]]:
        """Every active agency's state for ``year`` with the tables of its latest readable draft
        (None when it has none): what the county summary adds up."""
        statuses = self.year_status(year)
        ids = [s.latest.id for s in statuses if s.latest is not None and s.latest.parsed]
        tables: dict[int, Any] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            for row in self._rows(f"SELECT id, report_json FROM submissions WHERE id IN ({marks})", chunk):
                tables[row["id"]] = _tables(row["report_json"])
        return [(s, tables.get(s.latest.id) if s.latest else None) for s in statuses]

    def first_passes_per_day(self, year: int, tz_offset_hours: float = 8) -> list[tuple[date, int]]:
        """Per local day, how many agencies sent their first draft without errors for ``year``."""
        first_passes = (
            "SELECT MIN(received_at) AS received_at FROM submissions"
            " WHERE year = ? AND parsed = 1 AND error_count = 0 AND off_target = 0 GROUP BY agency_id"
        )
        return self._per_day(first_passes, year, tz_offset_hours)

    def submissions_per_day(self, year: int, tz_offset_hours: float = 8) -> list[tuple[date, int]]:
        """Submissions of ``year``'s reports per local day (the county picture)."""
        return self._per_day("SELECT received_at FROM submissions WHERE year = ? AND off_target = 0", year, tz_offset_hours)

    def _per_day(self, moments_sql: str, year: int, tz_offset_hours: float) -> list[tuple[date, int]]:
        rows = self._rows(
            f"SELECT date(received_at, ?) AS day, COUNT(*) AS n FROM ({moments_sql}) GROUP BY day ORDER BY day",
            (f"{tz_offset_hours:+g} hours", year),
        )
        return [(date.fromisoformat(r["day"]), r["n"]) for r in rows]
