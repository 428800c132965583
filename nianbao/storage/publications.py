"""Publications: what an agency published of its report (a saved page, a PDF, a .docx, or the
address of its page), compared with the draft that was reviewed: when it was published, whether
on time, whether it matched, and the differences. One row per check; the latest decides."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from .connection import Connection, _check_int, _dumps, _ts, writes
from .models import NotFound, _dt

__all__ = ["Publication", "Publications"]

_COLUMNS = (
    "id, agency_id, year, submission_id, file_name, sha256, url, published_on, on_time, matches,"
    " differences_json, checked_at, checked_by"
)


@dataclass(frozen=True, slots=True)
class Publication:
    id: int
    agency_id: int
    year: int
    submission_id: int | None  # the reviewed draft it was compared with
    file_name: str | None
    sha256: str | None
    url: str | None  # the page's address, when the server fetched it
    published_on: dt.date | None
    on_time: bool | None  # None: the date is not known
    matches: bool
    differences: list[dict[str, Any]]  # reports.published.Difference.json() each
    checked_at: dt.datetime
    checked_by: int | None  # who gave it (a user id; None: the command line)


def _publication(row: dict[str, Any]) -> Publication:
    return Publication(
        id=row["id"], agency_id=row["agency_id"], year=row["year"], submission_id=row["submission_id"],
        file_name=row["file_name"], sha256=row["sha256"], url=row["url"],
        published_on=dt.date.fromisoformat(row["published_on"]) if row["published_on"] else None,
        on_time=None if row["on_time"] is None else bool(row["on_time"]), matches=bool(row["matches"]),
        differences=json.loads(row["differences_json"] or "[]"), checked_at=_dt(row["checked_at"]), checked_by=row["checked_by"],
    )


class Publications(Connection):
    @writes
    def add_publication(
        self,
        agency_id: int,
        year: int,
        *,
        submission_id: int | None,
        matches: bool,
        differences: list[dict[str, Any]] = (),
        file_name: str | None = None,
        sha256: str | None = None,
        url: str | None = None,
        published_on: dt.date | None = None,
        on_time: bool | None = None,
        checked_by: int | None = None,
        now: dt.datetime | None = None,
    ) -> Publication:
        """Keep one check of an agency's published copy; returns it as stored."""
        _check_int("year", year)
        with self._tx() as conn:
            if not self._fetch(conn, "SELECT 1 AS x FROM agencies WHERE id = ?", (agency_id,)):
                raise NotFound(f"agency {agency_id} not found")
            cursor = conn.execute(
                "INSERT INTO publications (agency_id, year, submission_id, file_name, sha256, url, published_on, on_time,"
                " matches, differences_json, checked_at, checked_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    agency_id, year, submission_id, file_name, sha256, url,
                    published_on.isoformat() if published_on else None, None if on_time is None else int(on_time),
                    int(matches), _dumps(list(differences)), _ts(now), checked_by,
                ),
            )
            row = self._fetch(conn, f"SELECT {_COLUMNS} FROM publications WHERE id = ?", (cursor.lastrowid,))[0]
        return _publication(row)

    def latest_publication(self, agency_id: int, year: int) -> Publication | None:
        """The agency's last checked published copy of its report for ``year``."""
        row = self._one(
            f"SELECT {_COLUMNS} FROM publications WHERE agency_id = ? AND year = ? ORDER BY checked_at DESC, id DESC LIMIT 1",
            (agency_id, year),
        )
        return _publication(row) if row else None

    def latest_publications(self, year: int) -> dict[int, Publication]:
        """Every agency's last checked published copy for ``year``, by agency id (the overview)."""
        rows = self._rows(
            f"SELECT {_COLUMNS} FROM publications p WHERE year = ? AND id = (SELECT q.id FROM publications q"
            " WHERE q.agency_id = p.agency_id AND q.year = p.year ORDER BY q.checked_at DESC, q.id DESC LIMIT 1)",
            (year,),
        )
        return {row["agency_id"]: _publication(row) for row in rows}

    def publications_of(self, agency_id: int, year: int, limit: int = 20) -> list[Publication]:
        """The agency's checks of its published copy, latest first."""
        rows = self._rows(
            f"SELECT {_COLUMNS} FROM publications WHERE agency_id = ? AND year = ? ORDER BY checked_at DESC, id DESC LIMIT ?",
            (agency_id, year, limit),
        )
        return [_publication(row) for row in rows]
