"""The county picture over time: drafts and first passes per day (each agency's state is
``campaign``'s)."""

from __future__ import annotations

from datetime import date
from typing import Any

from .connection import Connection


class Statistics(Connection):
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
