"""Reads the web desk needs and no other face does: an agency's figures over the years, every
agency's imported report of a year, and the marked-up copy decided for a draft."""

from __future__ import annotations

import json
from typing import Any

from .connection import Connection
from .models import _tables

__all__ = ["DeskReads"]


class DeskReads(Connection):
    def imported_reports(self, year: int) -> dict[int, dict[str, Any]]:
        """Each agency's imported (published) report of ``year``: agency id -> tables."""
        rows = self._rows("SELECT agency_id, tables_json FROM prior_reports WHERE year = ?", (year,))
        return {row["agency_id"]: json.loads(row["tables_json"]) for row in rows}

    def years_on_file(self, agency_id: int) -> dict[int, dict[str, Any]]:
        """An agency's tables for every year on file: the imported report of a year (the figure of
        record), else its latest readable draft of its own report that year."""
        years: dict[int, dict[str, Any]] = {}
        drafts = self._rows(
            "SELECT year, report_json FROM submissions WHERE agency_id = ? AND parsed = 1 AND NOT off_target"
            " AND report_json IS NOT NULL ORDER BY received_at, id",
            (agency_id,),
        )
        for row in drafts:  # later drafts of a year replace earlier ones
            tables = _tables(row["report_json"])
            if tables:
                years[row["year"]] = tables
        for row in self._rows("SELECT year, tables_json FROM prior_reports WHERE agency_id = ?", (agency_id,)):
            years[row["year"]] = json.loads(row["tables_json"])
        return dict(sorted(years.items()))

    def marked_up_copy(self, submission_id: int) -> dict[str, Any] | None:
        """The marked-up .docx decided for a draft when it was checked: ``{"document": sha256,
        "filename", "caption"}`` from the journalled reply, or None."""
        row = self._one(
            "SELECT reply_json FROM inbox WHERE submission_id = ? AND reply_json IS NOT NULL ORDER BY received_at DESC LIMIT 1",
            (submission_id,),
        )
        for part in json.loads(row["reply_json"]) if row else []:
            if isinstance(part, dict) and "document" in part:
                return part
        return None

    def upload_submission(self, user_id: int, sha256: str) -> int | None:
        """The submission recorded for a person's latest upload of these bytes (None when the upload
        was refused before a check: over the rate limit, or the storage failing)."""
        row = self._one(
            "SELECT submission_id FROM inbox WHERE user_id = ? AND kind = 'upload' AND sha256 = ?"
            " ORDER BY received_at DESC, update_id LIMIT 1",
            (user_id, sha256),
        )
        return row["submission_id"] if row else None
