"""Reminders sent: each claimed once, forever (it survives restarts), released if sending failed."""

from __future__ import annotations

from datetime import datetime

from .connection import Connection, _check_int, _ts, writes


class Reminders(Connection):
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
