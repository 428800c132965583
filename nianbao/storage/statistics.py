"""The county picture: each agency's state for a year, their tables to sum, drafts per day."""

from __future__ import annotations

from datetime import date
from typing import Any

from .connection import Connection
from .acceptances import count_acceptances
from .models import _SUMMARY_COLUMNS, AgencyStatus, _agency, _state, _submission, _tables


class Statistics(Connection):
    def year_status(self, year: int) -> list[AgencyStatus]:
        """One row per active agency (creation order) with its latest submission of ``year``.

        The latest *readable* draft of the agency's own report decides the state, so an unreadable
        upload (a PDF sent "for the record"), or another agency's or year's report sent by mistake,
        does not undo a passing draft: "not_submitted" (none), "unreadable" (no
        draft could be read), "errors" (latest readable one has errors), "passing". The
        submissions come without their issues and report (summaries only). One statement,
        so a consistent snapshot.
        """
        agency_cols = ", ".join(
            f"a.{c} AS a_{c}" for c in ("id", "name", "level", "region", "parent", "active", "created_at")
        )
        rows = self._rows(
            f"""
            WITH ranked AS (
                SELECT {_SUMMARY_COLUMNS},
                       ROW_NUMBER() OVER w AS rn,
                       COUNT(*) OVER (PARTITION BY agency_id) AS n
                FROM submissions
                WHERE year = ? AND off_target = 0
                WINDOW w AS (
                    PARTITION BY agency_id ORDER BY parsed AND NOT off_target DESC, parsed DESC, received_at DESC, id DESC
                )
            )
            SELECT {agency_cols}, r.*
            FROM agencies a
            LEFT JOIN ranked r ON r.agency_id = a.id AND r.rn = 1
            WHERE a.active = 1
            ORDER BY a.id
            """,
            (year,),
        )
        result = []
        for row in rows:
            latest = _submission(row) if row["id"] is not None else None
            result.append(
                AgencyStatus(
                    agency=_agency(row, "a_"),
                    state=_state(latest),
                    latest=latest,
                    submission_count=row["n"] or 0,
                )
            )
        return count_acceptances(self, year, result)  # every count reads the human word too

    def year_reports(self, year: int) -> list[tuple[AgencyStatus, dict[str, Any] | None]]:
        """Every active agency's state for ``year`` with the tables of its latest readable draft
        (None when it has none): what the county summary adds up."""
        statuses = self.year_status(year)
        ids = [s.latest.id for s in statuses if s.latest is not None and s.latest.parsed]
        tables: dict[int, Any] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            for row in self._rows(f"SELECT id, report_json FROM submissions WHERE id IN ({marks})", chunk):
                tables[row["id"]] = _tables(row["report_json"])
        return [(s, tables.get(s.latest.id) if s.latest else None) for s in statuses]

    def first_passes_per_day(self, year: int, tz_offset_hours: float = 8) -> list[tuple[date, int]]:
        """Per local day, how many agencies sent their first draft without errors for ``year``."""
        first_passes = (
            "SELECT MIN(received_at) AS received_at FROM submissions"
            " WHERE year = ? AND parsed = 1 AND error_count = 0 AND off_target = 0 GROUP BY agency_id"
        )
        return self._per_day(first_passes, year, tz_offset_hours)

    def submissions_per_day(self, year: int, tz_offset_hours: float = 8) -> list[tuple[date, int]]:
        """Submissions of ``year``'s reports per local day (the county picture)."""
        return self._per_day("SELECT received_at FROM submissions WHERE year = ? AND off_target = 0", year, tz_offset_hours)

    def _per_day(self, moments_sql: str, year: int, tz_offset_hours: float) -> list[tuple[date, int]]:
        rows = self._rows(
            f"SELECT date(received_at, ?) AS day, COUNT(*) AS n FROM ({moments_sql}) GROUP BY day ORDER BY day",
            (f"{tz_offset_hours:+g} hours", year),
        )
        return [(date.fromisoformat(r["day"]), r["n"]) for r in rows]
