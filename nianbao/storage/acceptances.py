"""A person's word over the checker: a supervisor accepts one issue (rule and place) of an agency's
draft with a reason, or revokes that later; staff explain a warning. Acceptances are never
deleted: a revoked one keeps who revoked it, when and why."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .audit import audit_row
from .connection import Connection, _ts, writes
from .models import StorageError, _dt

if TYPE_CHECKING:
    from .models import Submission
    from .store import Store

__all__ = [
    "Acceptance", "Acceptances", "Explanation", "holding", "issue_key", "key_text", "words_on_latest",
]


def issue_key(issue: dict) -> tuple:
    """Issues are the same across drafts when they are the same rule at the same place."""
    return (issue.get("code"), issue.get("table"), issue.get("row"), issue.get("column"), issue.get("section"))


def key_text(key: tuple) -> str:
    """The stored form of an issue's key (rule, table, row, column, section)."""
    return json.dumps(list(key), ensure_ascii=False)


@dataclass(frozen=True, slots=True)
class Acceptance:
    id: int
    agency_id: int
    year: int
    issue_key: str
    code: str
    message: str | None
    submission_id: int | None  # the draft it was accepted on
    reason: str
    accepted_by: int
    accepted_at: datetime
    revoked_by: int | None
    revoked_at: datetime | None
    revoke_reason: str | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


@dataclass(frozen=True, slots=True)
class Explanation:
    id: int
    agency_id: int
    year: int
    issue_key: str
    submission_id: int | None
    text: str
    user_id: int
    created_at: datetime


def _acceptance(row: dict[str, Any]) -> Acceptance:
    return Acceptance(
        **{k: row[k] for k in ("id", "agency_id", "year", "issue_key", "code", "message", "submission_id", "reason", "accepted_by")},
        accepted_at=_dt(row["accepted_at"]),
        revoked_by=row["revoked_by"],
        revoked_at=_dt(row["revoked_at"]),
        revoke_reason=row["revoke_reason"],
    )


def _explanation(row: dict[str, Any]) -> Explanation:
    return Explanation(**{**row, "created_at": _dt(row["created_at"])})


class Acceptances(Connection):
    """Acceptances and explanations (an area of the store)."""

    @writes
    def accept_issue(
        self, agency_id: int, year: int, key: tuple, *, code: str, message: str | None, submission_id: int | None,
        reason: str, by: int, now: datetime | None = None,
    ) -> Acceptance:
        """Accept an issue; an issue already accepted (and not revoked) keeps its acceptance."""
        reason = " ".join(str(reason).split())
        if not reason:
            raise ValueError("an acceptance needs a reason")
        text = key_text(key)
        with self._tx() as conn:
            found = self._fetch(
                conn, "SELECT * FROM acceptances WHERE agency_id = ? AND year = ? AND issue_key = ? AND revoked_at IS NULL",
                (agency_id, year, text),
            )
            if found:
                return _acceptance(found[0])
            cursor = conn.execute(
                "INSERT INTO acceptances (agency_id, year, issue_key, code, message, submission_id, reason, accepted_by, accepted_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (agency_id, year, text, code, message, submission_id, reason, by, _ts(now)),
            )
            audit_row(conn, "accept", at=_ts(now), actor=by, agency_id=agency_id, detail=code)
            return _acceptance(self._fetch(conn, "SELECT * FROM acceptances WHERE id = ?", (cursor.lastrowid,))[0])

    @writes
    def revoke_acceptance(self, acceptance_id: int, *, by: int, reason: str | None = None, now: datetime | None = None) -> Acceptance:
        with self._tx() as conn:
            conn.execute(
                "UPDATE acceptances SET revoked_by = ?, revoked_at = ?, revoke_reason = ? WHERE id = ? AND revoked_at IS NULL",
                (by, _ts(now), (reason or "").strip() or None, acceptance_id),
            )
            found = self._fetch(conn, "SELECT * FROM acceptances WHERE id = ?", (acceptance_id,))
            if found:
                audit_row(conn, "unaccept", at=_ts(now), actor=by, agency_id=found[0]["agency_id"], detail=found[0]["code"])
        if not found:
            raise StorageError(f"acceptance {acceptance_id} not found")
        return _acceptance(found[0])

    def get_acceptance(self, acceptance_id: int) -> Acceptance | None:
        row = self._one("SELECT * FROM acceptances WHERE id = ?", (acceptance_id,))
        return _acceptance(row) if row else None

    def acceptances_of(self, agency_id: int, year: int) -> list[Acceptance]:
        """Every acceptance of the agency's year, revoked ones too, newest first."""
        rows = self._rows(
            "SELECT * FROM acceptances WHERE agency_id = ? AND year = ? ORDER BY accepted_at DESC, id DESC", (agency_id, year)
        )
        return [_acceptance(r) for r in rows]

    def active_acceptances(self, year: int, *, agency_id: int | None = None) -> dict[int, list[Acceptance]]:
        """The acceptances in force in ``year``, per agency (one statement); one agency's with ``agency_id``."""
        grouped: dict[int, list[Acceptance]] = defaultdict(list)
        only, params = (" AND agency_id = ?", (year, agency_id)) if agency_id is not None else ("", (year,))
        for row in self._rows(f"SELECT * FROM acceptances WHERE year = ?{only} AND revoked_at IS NULL ORDER BY id", params):
            grouped[row["agency_id"]].append(_acceptance(row))
        return dict(grouped)

    @writes
    def explain_issue(
        self, agency_id: int, year: int, key: tuple, *, submission_id: int | None, text: str, by: int, now: datetime | None = None
    ) -> Explanation:
        text = str(text).strip()
        if not text:
            raise ValueError("an explanation needs text")
        with self._tx() as conn:
            cursor = conn.execute(
                "INSERT INTO explanations (agency_id, year, issue_key, submission_id, text, user_id, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (agency_id, year, key_text(key), submission_id, text[:1000], by, _ts(now)),
            )
            audit_row(conn, "explain", at=_ts(now), actor=by, agency_id=agency_id, detail=json.loads(key_text(key))[0] or "")
            return _explanation(self._fetch(conn, "SELECT * FROM explanations WHERE id = ?", (cursor.lastrowid,))[0])

    def explanations_of(self, agency_id: int, year: int) -> dict[str, Explanation]:
        """The latest explanation of each issue of the agency's year, by issue key."""
        rows = self._rows(
            "SELECT * FROM explanations WHERE agency_id = ? AND year = ? ORDER BY created_at, id", (agency_id, year)
        )
        return {row["issue_key"]: _explanation(row) for row in rows}


# ------------------------------------------------------------------ what acceptances mean
# An acceptance is made on one draft, for one issue. It carries over to the agency's later drafts
# while the issue is still there: once a readable draft of the agency's own report no longer has
# it, the acceptance has done its work and holds for no later draft. An agency whose remaining
# errors are all accepted passes ("通过（含 N 项已确认）").


def _keys(submission: Submission) -> set[str]:
    return {key_text(issue_key(issue)) for issue in submission.issues}


def holding(acceptances: list[Acceptance], drafts: list[Submission], current: Submission) -> dict[str, Acceptance]:
    """The acceptances in force that hold for ``current``, by issue key. ``drafts``: the agency's
    drafts of the year with their issues, in any order."""
    held: dict[str, Acceptance] = {}
    if not any(acceptance.active for acceptance in acceptances):
        return held
    chain = sorted((d for d in drafts if d.parsed and not d.off_target and d.id <= current.id), key=lambda d: d.id)
    known = {current.id: _keys(current)}  # each draft's keys worked out when first needed (the campaign asks per agency)

    def keys_of(draft: Submission) -> set[str]:
        if draft.id not in known:
            known[draft.id] = _keys(draft)
        return known[draft.id]

    for acceptance in acceptances:
        anchor = acceptance.submission_id or current.id
        if not acceptance.active or acceptance.issue_key not in known[current.id] or anchor > current.id:
            continue
        if all(acceptance.issue_key in keys_of(d) for d in chain if d.id >= anchor):
            held[acceptance.issue_key] = acceptance
    return held


def words_on_latest(store: Store, agency_id: int, year: int, drafts: list[Submission]) -> dict[int, tuple]:
    """The human words on the agency's latest own draft, by issue number: (acceptance in force or
    None, latest explanation or None). ``drafts``: the agency's drafts of the year, newest first."""
    own = [d for d in drafts if d.parsed and not d.off_target]
    if not own:
        return {}
    current = own[0]
    held = holding(store.acceptances_of(agency_id, year), drafts, current)
    explained = store.explanations_of(agency_id, year)
    words = {}
    for issue in current.issues:
        key = key_text(issue_key(issue))
        if key in held or key in explained:
            words[issue.get("number")] = (held.get(key), explained.get(key))
    return words
