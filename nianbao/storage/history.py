"""Earlier years' reports of each agency (imported, or its last accepted draft), for the
year-to-year rules."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from .connection import Connection, _check_int, _dumps, _ts, writes
from ..validators.identities import summability
from .figures import figures_json
from .models import NotFound, StoredReport, _tables


class History(Connection):
    # ----------------------------------------------------------------- earlier years

    @writes
    def save_prior_report(
        self,
        agency_id: int,
        year: int,
        tables: dict[str, Any],
        *,
        source: str = "imported",
        file_name: str | None = None,
        sha256: str | None = None,
        now: datetime | None = None,
    ) -> bool:
        """Keep an earlier year's tables for an agency (one per agency and year; replaced).
        Returns True when a report for that year was already there."""
        _check_int("year", year)
        tables_json = _dumps(tables)
        with self._tx() as conn:
            if not self._fetch(conn, "SELECT 1 AS x FROM agencies WHERE id = ?", (agency_id,)):
                raise NotFound(f"agency {agency_id} not found")
            replaced = bool(
                self._fetch(conn, "SELECT 1 AS x FROM prior_reports WHERE agency_id = ? AND year = ?", (agency_id, year))
            )
            conn.execute(
                "INSERT INTO prior_reports (agency_id, year, source, file_name, sha256, tables_json, imported_at,"
                " sum_problem, sum_problem_zeros, figures_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (agency_id, year) DO UPDATE SET"
                " source = excluded.source, file_name = excluded.file_name, sha256 = excluded.sha256,"
                " tables_json = excluded.tables_json, imported_at = excluded.imported_at,"
                " sum_problem = excluded.sum_problem, sum_problem_zeros = excluded.sum_problem_zeros,"
                " figures_json = excluded.figures_json",
                (agency_id, year, source, file_name, sha256, tables_json, _ts(now), *summability(tables),
                 figures_json(json.loads(tables_json))),
            )
        return replaced

    def prior_report(self, agency_id: int, year: int) -> StoredReport | None:
        """The agency's report for ``year``: the published one if it was imported (the figures
        of record), else its last draft of that year that passed."""
        row = self._one(
            "SELECT agency_id, year, source, file_name, sha256, tables_json FROM prior_reports"
            " WHERE agency_id = ? AND year = ?",
            (agency_id, year),
        )
        if row is not None:
            return StoredReport(row["agency_id"], row["year"], row["source"], row["file_name"], row["sha256"], json.loads(row["tables_json"]))
        row = self._one(
            "SELECT report_json, file_name, sha256 FROM submissions"
            " WHERE agency_id = ? AND year = ? AND parsed = 1 AND error_count = 0 AND report_json IS NOT NULL"
            " ORDER BY received_at DESC, id DESC LIMIT 1",
            (agency_id, year),
        )
        tables = _tables(row["report_json"]) if row else None
        return StoredReport(agency_id, year, "accepted", row["file_name"], row["sha256"], tables) if tables else None
