"""The audit log: who did what to whom — binds, removals, invites, promotions, deactivations,
acceptances, their revocations, explanations — kept so that supervisors can see how each person got (or lost) access."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .connection import Connection, _ts, writes

ACTIONS = ("bind", "remove", "invite", "promote", "deactivate", "activate", "accept", "unaccept", "explain", "outlier", "revoke_invite", "login_code", "name")


@dataclass(frozen=True, slots=True)
class AuditEvent:
    at: datetime
    actor: int | None  # a Telegram user id; None for the command line
    action: str
    subject: int | None  # the user acted upon
    agency_id: int | None
    agency_name: str | None
    detail: str


def audit_row(conn, action: str, *, at: str, actor=None, subject=None, agency_id=None, detail: str = "") -> None:
    """Record an event inside the caller's transaction (``at`` already a stored timestamp)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    conn.execute(
        "INSERT INTO audit_log (at, actor, action, subject, agency_id, detail) VALUES (?, ?, ?, ?, ?, ?)",
        (at, actor, action, subject, agency_id, detail[:200]),
    )


class Audit(Connection):
    @writes
    def record_event(
        self,
        action: str,
        *,
        actor: int | None = None,
        subject: int | None = None,
        agency_id: int | None = None,
        detail: str = "",
        now: datetime | None = None,
    ) -> None:
        with self._tx() as conn:
            audit_row(conn, action, at=_ts(now), actor=actor, subject=subject, agency_id=agency_id, detail=detail)

    def list_events(self, limit: int = 30) -> list[AuditEvent]:
        """The latest ``limit`` events, newest first."""
        rows = self._rows(
            "SELECT a.at, a.actor, a.action, a.subject, a.agency_id, g.name AS agency_name, a.detail"
            " FROM audit_log a LEFT JOIN agencies g ON g.id = a.agency_id ORDER BY a.id DESC LIMIT ?",
            (int(limit),),
        )
        return [AuditEvent(**{**row, "at": datetime.fromisoformat(row["at"])}) for row in rows]
