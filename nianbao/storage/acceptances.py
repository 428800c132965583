"""A person's word over the checker: a supervisor accepts one issue (rule and place) of an agency's
draft with a reason, or revokes that later; staff explain a warning. Acceptances are never
deleted: a revoked one keeps who revoked it, when and why."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .store import StorageError, Store, _dt, _ts

__all__ = ["Acceptance", "Acceptances", "Explanation", "key_text"]


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


class Acceptances:
    """Acceptances and explanations, on the same database as ``store``."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def accept(
        self, agency_id: int, year: int, key: tuple, *, code: str, message: str | None, submission_id: int | None,
        reason: str, by: int, now: datetime | None = None,
    ) -> Acceptance:
        """Accept an issue; an issue already accepted (and not revoked) keeps its acceptance."""
        reason = " ".join(str(reason).split())
        if not reason:
            raise ValueError("an acceptance needs a reason")
        text = key_text(key)
        with self.store._tx() as conn:
            found = self.store._fetch(
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
            return _acceptance(self.store._fetch(conn, "SELECT * FROM acceptances WHERE id = ?", (cursor.lastrowid,))[0])

    def revoke(self, acceptance_id: int, *, by: int, reason: str | None = None, now: datetime | None = None) -> Acceptance:
        with self.store._tx() as conn:
            conn.execute(
                "UPDATE acceptances SET revoked_by = ?, revoked_at = ?, revoke_reason = ? WHERE id = ? AND revoked_at IS NULL",
                (by, _ts(now), (reason or "").strip() or None, acceptance_id),
            )
            found = self.store._fetch(conn, "SELECT * FROM acceptances WHERE id = ?", (acceptance_id,))
        if not found:
            raise StorageError(f"acceptance {acceptance_id} not found")
        return _acceptance(found[0])

    def get(self, acceptance_id: int) -> Acceptance | None:
        row = self.store._one("SELECT * FROM acceptances WHERE id = ?", (acceptance_id,))
        return _acceptance(row) if row else None

    def of_agency(self, agency_id: int, year: int) -> list[Acceptance]:
        """Every acceptance of the agency's year, revoked ones too, newest first."""
        rows = self.store._rows(
            "SELECT * FROM acceptances WHERE agency_id = ? AND year = ? ORDER BY accepted_at DESC, id DESC", (agency_id, year)
        )
        return [_acceptance(r) for r in rows]

    def active_by_agency(self, year: int) -> dict[int, list[Acceptance]]:
        """The acceptances in force in ``year``, per agency (one statement)."""
        grouped: dict[int, list[Acceptance]] = defaultdict(list)
        for row in self.store._rows("SELECT * FROM acceptances WHERE year = ? AND revoked_at IS NULL ORDER BY id", (year,)):
            grouped[row["agency_id"]].append(_acceptance(row))
        return dict(grouped)

    def explain(
        self, agency_id: int, year: int, key: tuple, *, submission_id: int | None, text: str, by: int, now: datetime | None = None
    ) -> Explanation:
        text = str(text).strip()
        if not text:
            raise ValueError("an explanation needs text")
        with self.store._tx() as conn:
            cursor = conn.execute(
                "INSERT INTO explanations (agency_id, year, issue_key, submission_id, text, user_id, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (agency_id, year, key_text(key), submission_id, text[:1000], by, _ts(now)),
            )
            return _explanation(self.store._fetch(conn, "SELECT * FROM explanations WHERE id = ?", (cursor.lastrowid,))[0])

    def explanations(self, agency_id: int, year: int) -> dict[str, Explanation]:
        """The latest explanation of each issue of the agency's year, by issue key."""
        rows = self.store._rows(
            "SELECT * FROM explanations WHERE agency_id = ? AND year = ? ORDER BY created_at, id", (agency_id, year)
        )
        return {row["issue_key"]: _explanation(row) for row in rows}
