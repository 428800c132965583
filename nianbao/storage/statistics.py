"""The county picture over time: drafts and first passes per day (each agency's state is
``campaign``'s)."""

from __future__ import annotations

import json
from collections.abc import Collection
from datetime import date

from .connection import Connection


def _within(agency_ids: Collection[int] | None) -> tuple[str, list]:
    """A filter to some agencies (a supervisor's scope), as SQL and its parameter."""
    if agency_ids is None:
        return "", []
    return " AND agency_id IN (SELECT value FROM json_each(?))", [json.dumps(sorted(agency_ids))]


class Statistics(Connection):
    def first_passes_per_day(
        self, year: int, tz_offset_hours: float = 8, agency_ids: Collection[int] | None = None
    ) -> list[tuple[date, int]]:
        """Per local day, how many agencies sent their first draft without errors for ``year``."""
        where, params = _within(agency_ids)
        first_passes = (
            "SELECT MIN(received_at) AS received_at FROM submissions"
            f" WHERE year = ? AND parsed = 1 AND error_count = 0 AND off_target = 0{where} GROUP BY agency_id"
        )
        return self._per_day(first_passes, [year, *params], tz_offset_hours)

    def submissions_per_day(
        self, year: int, tz_offset_hours: float = 8, agency_ids: Collection[int] | None = None
    ) -> list[tuple[date, int]]:
        """Submissions of ``year``'s reports per local day (the county picture, or a scope's)."""
        where, params = _within(agency_ids)
        moments = f"SELECT received_at FROM submissions WHERE year = ? AND off_target = 0{where}"
        return self._per_day(moments, [year, *params], tz_offset_hours)

    def _per_day(self, moments_sql: str, params: list, tz_offset_hours: float) -> list[tuple[date, int]]:
        rows = self._rows(
            f"SELECT date(received_at, ?) AS day, COUNT(*) AS n FROM ({moments_sql}) GROUP BY day ORDER BY day",
            (f"{tz_offset_hours:+g} hours", *params),
        )
        return [(date.fromisoformat(r["day"]), r["n"]) for r in rows]
