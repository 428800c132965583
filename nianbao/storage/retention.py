"""What is not kept: the copy of a draft that could not be read, or of a supervisor's test draft,
is not needed once its answer is sent; an agency's stored drafts are limited (a quota); and past
the retention period the rows keep only each agency's history of states."""

from __future__ import annotations

import json
from datetime import datetime

from .connection import Connection, _ts, writes


class Retention(Connection):
    def disposable_copies(self, update_id: int) -> list[str]:
        """Stored copies of answered draft ``update_id`` nobody needs any more: the draft when it
        could not be read or belongs to no agency (a supervisor's test), and for such a test also
        its marked-up copy; each only when nothing else needs the same bytes (a recorded
        submission that was read, a draft still pending)."""
        entry = self._one(
            "SELECT i.sha256, i.reply_json, i.submission_id, s.parsed FROM inbox i"
            " LEFT JOIN submissions s ON s.id = i.submission_id WHERE i.update_id = ?",
            (update_id,),
        )
        if entry is None or entry["submission_id"] is not None and entry["parsed"]:
            return []
        candidates = [entry["sha256"]] if entry["sha256"] else []
        if entry["submission_id"] is None and entry["reply_json"]:
            candidates += [part["document"] for part in json.loads(entry["reply_json"]) if "document" in part]
        return [sha256 for sha256 in candidates if not self._needed_elsewhere(sha256, update_id)]

    def _needed_elsewhere(self, sha256: str, update_id: int) -> bool:
        return bool(self._one(
            "SELECT 1 AS x WHERE EXISTS (SELECT 1 FROM submissions WHERE sha256 = :h AND parsed = 1)"
            " OR EXISTS (SELECT 1 FROM inbox WHERE update_id != :u AND state IN ('received', 'checked')"
            "            AND (sha256 = :h OR instr(COALESCE(reply_json, ''), :h) > 0))",
            {"h": sha256, "u": update_id},
        ))

    def agency_stored_drafts(self, agency_id: int) -> dict[str, int]:
        """The agency's drafts that may be on disk: hash -> size in bytes."""
        rows = self._rows(
            "SELECT sha256, MAX(COALESCE(size, 0)) AS size FROM submissions"
            " WHERE agency_id = ? AND sha256 IS NOT NULL GROUP BY sha256",
            (agency_id,),
        )
        return {r["sha256"]: int(r["size"]) for r in rows}

    @writes
    def purge_rows(self, before: datetime) -> dict[str, int]:
        """Forget what was said before ``before``: journal entries' kept replies, and old
        submissions' issues, parsed reports and messages. Each submission keeps its time, file
        name, state and counts (the agency's history of states); each agency's latest submission,
        and the draft of each year that serves as that year's report (year-to-year checks), stay
        whole. Return how many rows of each kind were purged."""
        cutoff = _ts(before)
        with self._tx() as conn:
            replies = conn.execute(
                "UPDATE inbox SET reply_json = NULL WHERE received_at < ? AND reply_json IS NOT NULL"
                " AND state NOT IN ('received', 'checked')",
                (cutoff,),
            ).rowcount
            reports = conn.execute(
                """
                UPDATE submissions SET issues_json = '[]', report_json = NULL, message = NULL
                WHERE received_at < :cutoff
                  AND (issues_json != '[]' OR report_json IS NOT NULL OR message IS NOT NULL)
                  AND id NOT IN (
                    SELECT id FROM (
                        SELECT id, ROW_NUMBER() OVER (PARTITION BY agency_id ORDER BY received_at DESC, id DESC) AS rn
                        FROM submissions) WHERE rn = 1
                    UNION SELECT id FROM (
                        SELECT id, ROW_NUMBER() OVER (PARTITION BY agency_id, year ORDER BY received_at DESC, id DESC) AS rn
                        FROM submissions WHERE parsed = 1 AND error_count = 0 AND report_json IS NOT NULL) WHERE rn = 1)
                """,
                {"cutoff": cutoff},
            ).rowcount
        return {"replies": replies, "reports": reports}
