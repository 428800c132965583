"""Notices: what a person is to be told the next time they open a face (a supervisor's word on
their agency's draft, for someone who uses only the web desk)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .connection import Connection, _ts, writes
from .models import _dt


@dataclass(frozen=True, slots=True)
class Notice:
    id: int
    text: str  # chat HTML (Telegram's subset)
    created_at: datetime


class Notices(Connection):
    @writes
    def add_notices(self, user_ids: list[int], text: str, *, agency_id: int | None = None, now: datetime | None = None) -> None:
        with self._tx() as conn:
            conn.executemany(
                "INSERT INTO notices (user_id, agency_id, text, created_at) VALUES (?, ?, ?, ?)",
                [(user_id, agency_id, text, _ts(now)) for user_id in user_ids],
            )

    @writes
    def take_notices(self, user_id: int, now: datetime | None = None) -> list[Notice]:
        """The person's notices not yet shown, oldest first; shown now (marked seen)."""
        with self._tx() as conn:
            rows = self._fetch(conn, "SELECT id, text, created_at FROM notices WHERE user_id = ? AND seen_at IS NULL ORDER BY id", (user_id,))
            conn.execute("UPDATE notices SET seen_at = ? WHERE user_id = ? AND seen_at IS NULL", (_ts(now), user_id))
        return [Notice(row["id"], row["text"], _dt(row["created_at"])) for row in rows]
