"""What is not kept: the copy of a draft that could not be read is not needed once its answer is
sent (nobody will download or compare it), and a stream of unreadable files must not fill the
disk."""

from __future__ import annotations

from .connection import Connection


class Retention(Connection):
    def unreadable_copy(self, update_id: int) -> str | None:
        """The stored copy of journalled draft ``update_id`` when it could not be read and
        nothing else needs the same bytes (a readable submission, a draft still pending)."""
        row = self._one(
            "SELECT i.sha256 FROM inbox i JOIN submissions s ON s.id = i.submission_id"
            " WHERE i.update_id = ? AND s.parsed = 0 AND i.sha256 IS NOT NULL"
            " AND NOT EXISTS (SELECT 1 FROM submissions p WHERE p.sha256 = i.sha256 AND p.parsed = 1)"
            " AND NOT EXISTS (SELECT 1 FROM inbox o WHERE o.sha256 = i.sha256 AND o.update_id != i.update_id"
            "                 AND o.state IN ('received', 'checked'))",
            (update_id,),
        )
        return row["sha256"] if row else None
