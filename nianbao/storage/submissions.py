"""Submissions: each draft received for an agency, with its issues and parsed tables."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .connection import Connection, _check_int, _dumps, _ts, writes
from ..validators.identities import summability
from .figures import figures_json
from .models import _SUBMISSION_COLUMNS, _SUMMARY_COLUMNS, NotFound, Submission, SubmissionIn, _submission, _tables


class Submissions(Connection):
    # ----------------------------------------------------------------- submissions

    @writes
    def add_submission(self, sub: SubmissionIn, *, now: datetime | None = None) -> int:
        """Record a submission; return its id.

        Idempotent on ``update_id``: if a submission with the same non-null
        update_id exists, its id is returned and nothing is written.
        ``received_at`` defaults to ``now``. Raises NotFound for an unknown agency.
        """
        _check_int("year", sub.year)
        for name in ("error_count", "warning_count", "info_count"):
            _check_int(name, getattr(sub, name), minimum=0)
        if not sub.input_format:
            raise ValueError("input_format is required")
        issues_json = _dumps(list(sub.issues) if sub.issues is not None else [])
        report_json = _dumps(sub.report) if sub.report is not None else None
        figures = figures_json(_tables(report_json))  # what the county's sum reads of it, as stored
        received_at = _ts(sub.received_at if sub.received_at is not None else now)
        if not sub.parsed:
            sum_problem, sum_problem_zeros = None, None
        elif sub.sum_problems is not None:
            sum_problem, sum_problem_zeros = sub.sum_problems
        else:
            sum_problem, sum_problem_zeros = summability((sub.report or {}).get("tables"))
        with self._tx() as conn:
            if sub.update_id is not None:
                existing = self._fetch(
                    conn, "SELECT id FROM submissions WHERE update_id = ?", (sub.update_id,)
                )
                if existing:
                    return int(existing[0]["id"])
            if not self._fetch(conn, "SELECT 1 AS x FROM agencies WHERE id = ?", (sub.agency_id,)):
                raise NotFound(f"agency {sub.agency_id} not found")
            cur = conn.execute(
                """
                INSERT INTO submissions (
                    agency_id, year, received_at, user_id, file_name, size, sha256,
                    input_format, parsed, error_count, warning_count, info_count,
                    issues_json, report_json, update_id, message, off_target,
                    off_target_reason, source, sum_problem, sum_problem_zeros
                ) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                (
                    sub.agency_id,
                    sub.year,
                    received_at,
                    sub.user_id,
                    sub.file_name,
                    sub.size,
                    sub.sha256,
                    sub.input_format,
                    1 if sub.parsed else 0,
                    sub.error_count,
                    sub.warning_count,
                    sub.info_count,
                    issues_json,
                    report_json,
                    sub.update_id,
                    sub.message,
                    1 if sub.off_target else 0,
                    sub.off_target_reason if sub.off_target else None,
                    sub.source,
                    sum_problem,
                    sum_problem_zeros,
                ),
            )
            if figures is not None:
                conn.execute("INSERT INTO submission_figures (submission_id, figures_json) VALUES (?, ?)", (cur.lastrowid, figures))
            return int(cur.lastrowid)  # type: ignore[arg-type]

    def get_submission(self, submission_id: int) -> Submission | None:
        row = self._one(f"SELECT {_SUBMISSION_COLUMNS} FROM submissions WHERE id = ?", (submission_id,))
        return _submission(row) if row else None

    def submission_for_update(self, update_id: int) -> Submission | None:
        """The submission recorded for a Telegram update id, if any (redelivery check)."""
        row = self._one(
            f"SELECT {_SUBMISSION_COLUMNS} FROM submissions WHERE update_id = ?", (update_id,)
        )
        return _submission(row) if row else None

    def latest_submission(
        self,
        agency_id: int,
        year: int,
        before_id: int | None = None,
        *,
        parsed_only: bool = False,
        report: bool = True,
    ) -> Submission | None:
        """Latest submission of an agency for a year (order: received_at, then id).

        With ``before_id``: the latest one strictly before that submission
        (e.g. the previous version, to compare against); None if
        ``before_id`` does not exist. ``parsed_only`` skips unreadable ones and those of another
        agency or year. ``report=False``: without its parsed report (None), for a caller that
        only compares issues.
        """
        columns = _SUBMISSION_COLUMNS if report else _SUBMISSION_COLUMNS.replace("report_json,", "NULL AS report_json,")
        sql = f"SELECT {columns} FROM submissions WHERE agency_id = ? AND year = ?"
        params: list[Any] = [agency_id, year]
        if before_id is not None:
            sql += " AND (received_at, id) < (SELECT received_at, id FROM submissions WHERE id = ?)"
            params.append(before_id)
        if parsed_only:
            sql += " AND parsed = 1 AND off_target = 0"
        row = self._one(sql + " ORDER BY received_at DESC, id DESC LIMIT 1", params)
        return _submission(row) if row else None

    def list_submissions(self, agency_id: int, year: int | None = None, limit: int = 50, *, full: bool = True) -> list[Submission]:
        """An agency's submissions, newest first, optionally for one year. ``full=False``: without
        their issues and parsed reports (empty, None), for a list of drafts that shows neither."""
        columns = _SUBMISSION_COLUMNS if full else _SUMMARY_COLUMNS
        sql = f"SELECT {columns} FROM submissions WHERE agency_id = ?"
        params: list[Any] = [agency_id]
        if year is not None:
            sql += " AND year = ?"
            params.append(year)
        sql += " ORDER BY received_at DESC, id DESC LIMIT ?"
        params.append(int(limit))
        return [_submission(r) for r in self._rows(sql, params)]

    def latest_stored_draft(self, agency_id: int, year: int | None = None) -> Submission | None:
        """The draft that stands for the agency (the one its state comes from: the latest readable
        report of its own), else its latest file of any kind; a file or a pasted text."""
        sql = f"SELECT {_SUBMISSION_COLUMNS} FROM submissions WHERE agency_id = ? AND sha256 IS NOT NULL"
        params: list[Any] = [agency_id]
        if year is not None:
            sql += " AND year = ?"
            params.append(year)
        row = self._one(sql + " ORDER BY parsed AND NOT off_target DESC, received_at DESC, id DESC LIMIT 1", params)
        return _submission(row) if row else None
