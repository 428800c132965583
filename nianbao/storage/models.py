"""What the store hands out and takes in: small frozen dataclasses, the storage errors, and the
row converters (one per table)."""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any, Literal



def _dt(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


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
    region: str | None = None  # a supervisor's scope: this region and everything under it (None: all)


@dataclass(frozen=True, slots=True)
class Invite:
    code: str
    agency_id: int | None
    role: str
    created_at: datetime
    expires_at: datetime
    used_by: int | None
    used_at: datetime | None
    region: str | None = None  # the scope of the supervisor the invite makes


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
    off_target_reason: str | None = None  # the rule that found it: S104 (another agency's), Y108 (another year's)
    source: str = "chat"  # the face it came through (states.Source)
    # whether its tables can be summed (``summability``), when already worked out (in the check's
    # worker); None: the store works it out from ``report``
    sum_problems: tuple[str | None, str | None] | None = None


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
    off_target_reason: str | None = None
    source: str = "chat"
    sum_problem: str | None = None  # why its tables cannot be summed (None: they can)
    sum_problem_zeros: str | None = None  # the same with its blank cells taken as 0


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
class StoredReport:
    """An earlier year's tables of an agency (imported, or its last accepted draft)."""

    agency_id: int
    year: int
    source: str  # "imported" | "accepted"
    file_name: str | None
    sha256: str | None
    tables: dict[str, Any]



@functools.cache
def _plan(cls) -> tuple[tuple[str, int], ...]:
    """Each field of ``cls`` and how its column is read (0 as is, 1 a timestamp, 2 a flag):
    worked out once per class, not once per row (the campaign reads every agency's drafts)."""
    return tuple(
        (item.name, 1 if item.type.startswith("datetime") else 2 if item.type == "bool" else 0) for item in fields(cls)
    )


def _from_row(cls, row: dict[str, Any], prefix: str = "", **given: Any):
    """A model from a row: each field from its column (``prefix`` + name), timestamps parsed,
    flags made bool; ``given`` fields (the JSON ones) as they come."""
    values = dict(given)
    for name, kind in _plan(cls):
        key = prefix + name if prefix else name
        if key not in row or name in given:
            continue
        values[name] = _column(row[key], kind)
    return cls(**values)


def _column(value: Any, kind: int) -> Any:
    """A stored value as its field holds it: 1 a timestamp, 2 a flag, else as stored."""
    if kind == 1:
        return None if value is None else datetime.fromisoformat(value)
    return bool(value) if kind == 2 else value


def _reader(cls, columns: list[str], **made: Any):
    """A function making ``cls`` from a plain row tuple with these ``columns`` (what ``_from_row``
    does for a dict), the columns' places and conversions worked out once for a whole read;
    ``made``: fields not read from a column, each made by a function of no arguments."""
    at = {name: place for place, name in enumerate(columns)}
    plan = [(name, at[name], kind) for name, kind in _plan(cls) if name in at and name not in made]

    def make(row: tuple):
        values = {name: factory() for name, factory in made.items()}
        for name, place, kind in plan:
            values[name] = _column(row[place], kind)
        return cls(**values)

    return make


def _agency(row: dict[str, Any], prefix: str = "") -> Agency:
    return _from_row(Agency, row, prefix)


def _member(row: dict[str, Any]) -> Member:
    return _from_row(Member, row)


def _invite(row: dict[str, Any]) -> Invite:
    return _from_row(Invite, row)


def _submission(row: dict[str, Any]) -> Submission:
    return _from_row(
        Submission,
        row,
        issues=json.loads(row["issues_json"]) if row["issues_json"] else [],
        report=json.loads(row["report_json"]) if row["report_json"] else None,
    )


def _tables(report_json: str | None) -> dict[str, Any] | None:
    """The parsed tables kept with a submission (``report["tables"]``)."""
    return (json.loads(report_json) or {}).get("tables") if report_json else None


def _inbox(row: dict[str, Any]) -> InboxEntry:
    return _from_row(InboxEntry, row, reply=json.loads(row["reply_json"]) if row["reply_json"] else None)


_SUBMISSION_COLUMNS = (
    "id, agency_id, year, received_at, user_id, file_name, size, sha256, input_format,"
    " parsed, error_count, warning_count, info_count, issues_json, report_json,"
    " update_id, message, off_target, off_target_reason, source, sum_problem, sum_problem_zeros"
)
_INBOX_COLUMNS = (
    "update_id, chat_id, user_id, kind, file_id, file_name, sha256, state, submission_id,"
    " attempts, received_at, answered_at, note, parts_sent, reply_json"
)
# the same without the large JSON columns, for summaries over every agency
_SUMMARY_COLUMNS = _SUBMISSION_COLUMNS.replace("issues_json, report_json,", "NULL AS issues_json, NULL AS report_json,")

