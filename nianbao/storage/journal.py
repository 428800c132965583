"""The draft journal (``inbox``): every draft written down on arrival, before any work, and the
files that must stay on disk."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .connection import Connection, _check_int, _dumps, _ts, writes
from .models import _INBOX_COLUMNS, InboxEntry, _inbox


class Journal(Connection):
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
    def inbox_attempt(self, update_id: int) -> int:
        """Count one more attempt at checking and answering; return the count."""
        with self._tx() as conn:
            conn.execute("UPDATE inbox SET attempts = attempts + 1 WHERE update_id = ?", (update_id,))
            row = conn.execute("SELECT attempts FROM inbox WHERE update_id = ?", (update_id,)).fetchone()
        return row[0] if row else 0

    @writes
    def inbox_checked(
        self, update_id: int, submission_id: int | None, reply: list[Any] | None = None, *, sha256: str | None = None
    ) -> None:
        """The draft is checked and recorded; ``reply`` is what to send (kept for retries);
        ``sha256``: its copy, kept just now."""
        self._update_inbox(
            update_id, "state = 'checked', submission_id = ?, reply_json = ?, sha256 = COALESCE(?, sha256)",
            (submission_id, _dumps(reply) if reply is not None else None, sha256), pending_only=True,
        )

    @writes
    def inbox_part_sent(self, update_id: int, parts_sent: int) -> None:
        self._update_inbox(update_id, "parts_sent = ?", (parts_sent,), pending_only=True)

    @writes
    def inbox_answered(self, update_id: int, *, now: datetime | None = None, parts_sent: int | None = None) -> None:
        """The draft answered; ``parts_sent``: its reply's last part went out just now (the same
        as ``inbox_part_sent`` first, in one statement)."""
        if parts_sent is None:
            self._update_inbox(update_id, "state = 'answered', answered_at = ?", (_ts(now),), pending_only=True)
        else:
            self._update_inbox(
                update_id, "state = 'answered', answered_at = ?, parts_sent = ?", (_ts(now), parts_sent), pending_only=True
            )

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
