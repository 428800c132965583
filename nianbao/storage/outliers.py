"""A supervisor's word on an outlier of an agency's figures: confirmed (a real change, explained)
or dismissed (nothing to look at), with a note. Kept like acceptances; the latest word on a
figure is the one in force, and it carries over to the agency's later drafts of the year."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from .audit import audit_row
from .connection import Connection, _ts, writes
from .models import _dt

VERDICTS = ("confirmed", "dismissed")


@dataclass(frozen=True, slots=True)
class OutlierNote:
    agency_id: int
    year: int
    figure: str
    verdict: str  # confirmed / dismissed
    note: str
    user_id: int
    created_at: datetime


class OutlierNotes(Connection):
    @writes
    def note_outlier(
        self, agency_id: int, year: int, figure: str, verdict: str, note: str, *, by: int, now: datetime | None = None
    ) -> OutlierNote:
        if verdict not in VERDICTS:
            raise ValueError(f"unknown verdict {verdict!r}")
        note = " ".join(str(note).split())[:500]
        if not note:
            raise ValueError("a word on an outlier needs a note")
        with self._tx() as conn:
            conn.execute(
                "INSERT INTO outlier_notes (agency_id, year, figure, verdict, note, user_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (agency_id, year, figure, verdict, note, by, _ts(now)),
            )
            audit_row(conn, "outlier", at=_ts(now), actor=by, agency_id=agency_id, detail=f"{figure}：{verdict}")
        return OutlierNote(agency_id, year, figure, verdict, note, by, _dt(_ts(now)))

    def outlier_notes(self, year: int, agency_ids=None) -> dict[int, dict[str, OutlierNote]]:
        """The word in force on each figure, per agency (the latest one)."""
        found: dict[int, dict[str, OutlierNote]] = defaultdict(dict)
        for row in self._rows("SELECT * FROM outlier_notes WHERE year = ? ORDER BY created_at, id", (year,)):
            if agency_ids is None or row["agency_id"] in agency_ids:
                found[row["agency_id"]][row["figure"]] = OutlierNote(
                    row["agency_id"], row["year"], row["figure"], row["verdict"], row["note"], row["user_id"], _dt(row["created_at"])
                )
        return dict(found)
