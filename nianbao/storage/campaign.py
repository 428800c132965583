"""The campaign state: where each agency stands with its report of a year, decided once, here,
from the database, and read by every window (the web desk's overview and pages, chat's /status,
/overdue and /agency, reminders, the CSV, the workbook, the chart, ``nianbao status``, ``nianbao
summary``). No face or output works any part of it out for itself.

What decides, in order:
- an agency taken off the roster is 已停用 (kept in every list; never reminded, late or summed);
- its latest readable draft of its own report that passes (errors all accepted by a supervisor
  count as passing: 通过（含 N 项已确认）);
- else the published report the office imported for that year (reports collected by e-mail):
  已导入, a submission like any other, on time, not reminded;
- else its latest readable draft with errors, else its latest unreadable file, else 未报送.
A draft of another agency or another year (off target) never decides: it is listed as set aside,
with why. Whether the agency is counted in the county's sum, and why not, is decided here too,
from what was worked out when each report was stored (``sum_problem``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
import json
from dataclasses import dataclass, field
from typing import Any

from ..config import Config
from ..states import DONE_STATES, STATE_LABELS, Source, State, accepted_label
from .acceptances import holding, issue_key, key_text
from .connection import Connection
from .figures import Figures, cells_from_json, cells_of
from .models import _SUBMISSION_COLUMNS, _SUMMARY_COLUMNS, Agency, Submission, _dt, _reader, _submission, _tables

_ISSUES_COLUMNS = _SUBMISSION_COLUMNS.replace("report_json,", "NULL AS report_json,")
_ID = 0  # where a deciding draft's row (``_SUMMARY_COLUMNS``) has its id
assert _SUMMARY_COLUMNS.split(",")[_ID].strip() == "id"

__all__ = ["AgencyState", "Campaign", "SetAside", "OFF_TARGET_REASONS"]

OFF_TARGET_REASONS = {"S104": "其他单位的报告", "Y108": "非本年度的报告"}
_KEPT_CAMPAIGNS = 4  # years and days whose states are kept (this year's and last year's, for the peers)


@dataclass(frozen=True, slots=True)
class SetAside:
    """A draft of the agency's that does not count for its year, and why."""

    submission_id: int
    received_at: dt.datetime
    file_name: str | None
    reason: str  # Chinese


@dataclass(slots=True)
class _Drafts:
    """An agency's drafts of a year, as much as its state needs: how many of its own report, the
    deciding one (its latest readable own draft, else its latest own draft), when the first
    readable one without errors arrived, the latest arrival of any kind, the drafts set aside."""

    own: int = 0
    deciding: Submission | None = None
    first_clean: dt.datetime | None = None
    last_at: dt.datetime | None = None
    set_aside: list[SetAside] = field(default_factory=list)


def _id_chunks(ids: list[int], size: int = 500):
    """``ids`` in runs short enough for one ``IN (…)`` (SQLite's limit on bound parameters), each
    with its placeholders."""
    for start in range(0, len(ids), size):
        chunk = ids[start : start + size]
        yield chunk, ", ".join("?" * len(chunk))


def _drafts(rows: list | None, summary) -> _Drafts:
    """An agency's ``_Drafts`` from its rows as ``Campaign._draft_rows`` read them."""
    drafts = _Drafts()
    if rows is None:
        return drafts
    counts, deciding, set_aside = rows
    if counts is not None:
        drafts.own, drafts.last_at, drafts.first_clean = counts[1], _dt(counts[2]), _dt(counts[3])
    if deciding is not None:
        drafts.deciding = summary(deciding)
    for _, submission_id, received_at, file_name, reason in set_aside:
        received = _dt(received_at)
        why = OFF_TARGET_REASONS.get(reason or "", "其他单位或非本年度的报告")
        drafts.set_aside.append(SetAside(submission_id, received, file_name, why))
        drafts.last_at = max(drafts.last_at or received, received)
    return drafts


@dataclass(frozen=True, slots=True)
class AgencyState:
    agency: Agency
    year: int
    state: State
    deadline: dt.date  # the agency's own: 31 March for a government's report, else 31 January
    deciding: Submission | None = None  # the draft its state comes from (summary columns: no issues or tables)
    source: Source | None = None
    imported_file: str | None = None  # the imported report of the year, if any
    imported_at: dt.datetime | None = None
    drafts: int = 0  # drafts of its own report this year
    set_aside: tuple[SetAside, ...] = ()
    errors: int = 0  # on the deciding draft
    warnings: int = 0
    accepted: int = 0  # of those errors, accepted by a supervisor
    explained: int = 0  # issues of the year the agency explained
    counted: bool = False  # in the county's sum
    not_counted: str | None = None  # why not (Chinese)
    blanks_as_zero: bool = False  # counted with blank cells a supervisor accepted as 0
    submitted_at: dt.datetime | None = None  # when the deciding report arrived (imported: when imported)
    passed_at: dt.datetime | None = None  # when it first passed
    late_days: int = 0  # days past the deadline without passing, or that it passed late
    last_at: dt.datetime | None = None  # the latest file of any kind from the agency this year

    @property
    def label(self) -> str:
        """通过 / 有错误 / … and 通过（含 N 项已确认） when a person accepted the errors."""
        return accepted_label(self.accepted) if self.state == State.PASSING and self.accepted else self.state.label

    @property
    def done(self) -> bool:
        """Nothing left for the agency to do this year (not reminded, not overdue)."""
        return self.state in DONE_STATES

    @property
    def submitted(self) -> bool:
        return self.state not in (State.NOT_SUBMITTED, State.INACTIVE) or self.deciding is not None

    @property
    def remaining_errors(self) -> int:
        return max(0, self.errors - self.accepted)

    @property
    def needs_reminder(self) -> bool:
        return self.state in (State.NOT_SUBMITTED, State.ERRORS, State.UNREADABLE)

    @property
    def late(self) -> bool:
        return self.late_days > 0


class Campaign(Connection):
    def campaign(
        self, year: int, config: Config, today: dt.date, *, agency_id: int | None = None
    ) -> list[AgencyState]:
        """Every agency's state for ``year`` (the roster's order; deactivated ones too), or one
        agency's (``agency_id``): the same computation either way. Read without the drafts' JSON
        (``_Drafts``): a count, the times and the deciding draft per agency, and the drafts set aside.

        Every agency's states are kept until the database changes: the overview, its sorts and
        filters, the CSV, the workbook and the chart ask for the same states in turn. Any write
        committed to the file since (a draft, an acceptance, an explanation, the roster, an
        imported report; from this store or another process: ``PRAGMA data_version``), another
        day or other deadlines, and they are worked out again."""
        if agency_id is not None:
            return self._campaign(year, config, today, agency_id)[0]
        key = (year, today, config.timezone, config.deadline(year), config.government_deadline(year))
        version = self._data_version()
        kept = getattr(self, "_campaigns", None)
        if kept is None:
            kept = self._campaigns = {}
        found = kept.get(key)
        if version is not None and found is not None and found[0] == version:
            return list(found[1])
        states, standing = self._campaign(year, config, today, None, found[2] if found is not None else None)
        if version is not None:
            if len(kept) >= _KEPT_CAMPAIGNS:
                kept.clear()
            kept[key] = (version, tuple(states), standing)
        return states

    def _data_version(self) -> int | None:
        """What changes whenever a write is committed to the file by any other connection, this
        store's writer included (read on the reader); None for a store of one connection
        (``:memory:``), whose reads see its own uncommitted writes: nothing is kept there."""
        if self._reader is self._conn:
            return None
        with self._read_lock:
            self._live()
            return self._reader.execute("PRAGMA data_version").fetchone()[0]

    def _campaign(
        self, year: int, config: Config, today: dt.date, agency_id: int | None, kept: dict | None = None
    ) -> tuple[list[AgencyState], dict]:
        """The states, and what each stood on (by agency id: the rows read for it, and its state).
        ``kept``: the same from the last time for this year, day and deadlines: an agency whose
        rows read as they did then keeps its state (a draft arriving works out its agency's state
        again, not 5,000); one with acceptances in force is always worked out again (whether they
        hold depends on its drafts' issues, not read here)."""
        where, params = ("WHERE a.id = ?", [agency_id]) if agency_id is not None else ("", [])
        columns, rows = self._tuples(f"SELECT a.* FROM agencies a {where} ORDER BY a.id", params)
        if not rows:
            return [], {}
        only = "AND agency_id = ?" if agency_id is not None else ""
        drafts, summary = self._draft_rows(year, only, [year, *params])
        imported = {
            row["agency_id"]: row
            for row in self._rows(
                f"SELECT agency_id, file_name, imported_at, sum_problem FROM prior_reports"
                f" WHERE year = ? AND source = 'imported' {only}",
                [year, *params],
            )
        }
        explained = {
            row["agency_id"]: row["n"]
            for row in self._rows(
                f"SELECT agency_id, COUNT(DISTINCT issue_key) AS n FROM explanations WHERE year = ? {only} GROUP BY agency_id",
                [year, *params],
            )
        }
        in_force = self.active_acceptances(year, agency_id=agency_id)
        issues = self._issue_rows([read[1][_ID] for found, read in drafts.items() if found in in_force and read[1] is not None])
        agency_of, place = _reader(Agency, columns), columns.index("id")
        states, standing = [], {}
        for row in rows:
            found = row[place]
            acceptances = in_force.get(found)
            read = (row, drafts.get(found), imported.get(found), explained.get(found, 0), acceptances)
            before = kept.get(found) if kept is not None and not acceptances else None
            if before is not None and before[0] == read:
                state = before[1]
            else:
                state = self._decide(agency_of(row), year, config, today, _drafts(drafts.get(found), summary), imported.get(found),
                                     explained.get(found, 0), acceptances, issues)
            standing[found] = (read, state)
            states.append(state)
        return states, standing

    def _issue_rows(self, ids: list[int]) -> dict[int, dict]:
        """These drafts with their issues (not their reports), by id: the deciding drafts of the
        agencies with acceptances in force, read at once, not one agency at a time."""
        found: dict[int, dict] = {}
        for chunk, marks in _id_chunks(ids):
            rows = self._rows(f"SELECT {_ISSUES_COLUMNS} FROM submissions WHERE id IN ({marks})", chunk)
            found.update((row["id"], row) for row in rows)
        return found

    def _draft_rows(self, year: int, only: str, params: list) -> tuple[dict[int, list], Any]:
        """What the state needs of each agency's drafts of ``year``, as read, by agency id: the
        count and times of its own drafts, its deciding draft's row, the rows of the drafts set
        aside (three reads of the ``submissions_standing`` index, never the reports' JSON); and
        how a deciding draft's row is made a ``Submission``."""
        drafts: dict[int, list] = defaultdict(lambda: [None, None, []])
        for row in self._tuples(
            "SELECT agency_id, COUNT(*) AS own, MAX(received_at) AS last_own,"
            " MIN(CASE WHEN parsed = 1 AND error_count = 0 THEN received_at END) AS first_clean"
            f" FROM submissions WHERE year = ? AND off_target = 0 {only} GROUP BY agency_id",
            params,
        )[1]:
            drafts[row[0]][0] = row
        # The latest readable draft of its own report, else its latest one: with one max() in an
        # aggregate, SQLite takes the other columns from the row that has it (the order of ids
        # that arrived at the same microsecond decides, as everywhere else).
        columns, rows = self._tuples(
            f"SELECT {_SUMMARY_COLUMNS}, MAX(parsed || received_at || printf('%020d', id)) AS place"
            f" FROM submissions WHERE year = ? AND off_target = 0 {only} GROUP BY agency_id",
            params,
        )
        place = columns.index("agency_id")
        for row in rows:
            drafts[row[place]][1] = row
        for row in self._tuples(
            "SELECT agency_id, id, received_at, file_name, off_target_reason FROM submissions"
            f" WHERE year = ? AND off_target = 1 {only} ORDER BY received_at DESC, id DESC",
            params,
        )[1]:
            drafts[row[0]][2].append(row)
        return dict(drafts), _reader(Submission, columns, issues=list, report=lambda: None)

    def agency_state(self, agency_id: int, year: int, config: Config, today: dt.date) -> AgencyState | None:
        found = self.campaign(year, config, today, agency_id=agency_id)
        return found[0] if found else None

    def tables_of(self, states: list[AgencyState]) -> dict[int, dict[str, Any]]:
        """The tables each state stands on, by agency id: the deciding draft's, or the imported
        report's (what the county sum adds up)."""
        tables: dict[int, dict[str, Any]] = {}
        drafts = [s.deciding.id for s in states if s.deciding is not None and s.deciding.parsed and s.source != Source.IMPORTED]
        for chunk, marks in _id_chunks(drafts):
            for row in self._rows(f"SELECT agency_id, report_json FROM submissions WHERE id IN ({marks})", chunk):
                tables[row["agency_id"]] = _tables(row["report_json"])
        years = {s.year for s in states if s.source == Source.IMPORTED}
        wanted = {s.agency.id for s in states if s.source == Source.IMPORTED}
        for year in years:
            for row in self._rows("SELECT agency_id, tables_json FROM prior_reports WHERE year = ? AND source = 'imported'", (year,)):
                if row["agency_id"] in wanted:
                    tables[row["agency_id"]] = json.loads(row["tables_json"])
        return tables

    def figures_of(self, states: list[AgencyState]) -> dict[int, Figures]:
        """What ``tables_of`` gives, as the county's sum reads it: each state's figures kept when
        its report was stored (``storage.figures``), with whether they can be summed as they are
        (its ``sum_problem``), by agency id; a report kept under another order of cells is read
        from its tables again."""
        figures: dict[int, Figures] = {}
        drafts = {s.deciding.id: s for s in states if s.deciding is not None and s.deciding.parsed and s.source != Source.IMPORTED}
        for chunk, marks in _id_chunks(list(drafts)):
            for draft, kept in self._tuples(
                f"SELECT submission_id, figures_json FROM submission_figures WHERE submission_id IN ({marks})", chunk
            )[1]:
                cells = cells_from_json(kept)
                if cells is None:
                    row = self._one("SELECT report_json FROM submissions WHERE id = ?", (draft,))
                    tables = _tables(row["report_json"]) if row else None
                    cells = cells_of(tables) if tables else None
                if cells is not None:
                    state = drafts[draft]
                    figures[state.agency.id] = Figures(cells, state.deciding.sum_problem)
        wanted = {s.agency.id for s in states if s.source == Source.IMPORTED}
        for year in {s.year for s in states if s.source == Source.IMPORTED}:
            for row in self._rows(
                "SELECT agency_id, figures_json, sum_problem FROM prior_reports WHERE year = ? AND source = 'imported'", (year,)
            ):
                if row["agency_id"] not in wanted:
                    continue
                cells = cells_from_json(row["figures_json"])
                if cells is None:
                    tables = json.loads(self._one(
                        "SELECT tables_json FROM prior_reports WHERE agency_id = ? AND year = ?", (row["agency_id"], year)
                    )["tables_json"])
                    cells = cells_of(tables) if tables else None
                if cells is not None:
                    figures[row["agency_id"]] = Figures(cells, row["sum_problem"])
        return figures

    # ------------------------------------------------------------------ deciding

    def _decide(self, agency, year, config, today, drafts: "_Drafts", imported, explained, acceptances, issues=None) -> AgencyState:
        deadline = config.deadline_for(year, agency.level)
        base = dict(
            agency=agency, year=year, deadline=deadline, drafts=drafts.own, set_aside=tuple(drafts.set_aside),
            explained=explained, last_at=drafts.last_at,
        )
        deciding = drafts.deciding
        accepted = self._accepted(deciding, acceptances, issues) if deciding and deciding.parsed and deciding.error_count else 0
        passing = deciding is not None and deciding.parsed and deciding.error_count == accepted
        if passing:
            first_clean = drafts.first_clean or deciding.received_at
            problem = deciding.sum_problem
            zeros = bool(accepted and problem and deciding.sum_problem_zeros is None)
            if zeros:
                problem = None
            state = State.PASSING
            passed_at = min(first_clean, deciding.received_at)
            fields = dict(
                deciding=deciding, source=Source(deciding.source or "chat"), errors=deciding.error_count,
                warnings=deciding.warning_count, accepted=accepted, submitted_at=deciding.received_at,
                passed_at=passed_at, counted=problem is None, not_counted=problem, blanks_as_zero=zeros,
                late_days=max(0, (passed_at.astimezone(config.tz).date() - deadline).days),
            )
        elif imported is not None:
            state, problem = State.IMPORTED, imported["sum_problem"]
            fields = dict(
                deciding=deciding, source=Source.IMPORTED, imported_file=imported["file_name"],
                imported_at=_dt(imported["imported_at"]), submitted_at=_dt(imported["imported_at"]),
                counted=problem is None, not_counted=problem,
            )
        elif deciding is not None:
            state = State.ERRORS if deciding.parsed else State.UNREADABLE
            fields = dict(
                deciding=deciding, source=Source(deciding.source or "chat"), errors=deciding.error_count,
                warnings=deciding.warning_count, accepted=accepted, submitted_at=deciding.received_at,
                not_counted=STATE_LABELS[state], late_days=max(0, (today - deadline).days),
            )
        else:
            state = State.NOT_SUBMITTED
            fields = dict(not_counted=STATE_LABELS[state], late_days=max(0, (today - deadline).days))
        if imported is not None and "imported_file" not in fields:
            fields.update(imported_file=imported["file_name"], imported_at=_dt(imported["imported_at"]))
        if not agency.active:
            state = State.INACTIVE
            fields.update(counted=False, not_counted=STATE_LABELS[state], late_days=0, blanks_as_zero=False)
        return AgencyState(state=state, **base, **fields)

    def _accepted(self, deciding: Submission, acceptances, issues: dict[int, dict] | None = None) -> int:
        """How many of the deciding draft's errors a supervisor accepted (and still hold). The
        agency's earlier drafts are read only when an acceptance was made on one of them (whether
        it still holds depends on them); one made on the deciding draft holds while its issue is
        there. ``issues``: drafts with their issues already read, by id."""
        if not acceptances:
            return 0
        if all((a.submission_id or deciding.id) >= deciding.id for a in acceptances if a.active):
            row = (issues or {}).get(deciding.id) or self._one(f"SELECT {_ISSUES_COLUMNS} FROM submissions WHERE id = ?", (deciding.id,))
            drafts = [_submission(row)] if row else []
        else:
            rows = self._rows(  # list_submissions(limit=200) with the issues but not the reports' JSON
                f"SELECT {_ISSUES_COLUMNS} FROM submissions WHERE agency_id = ? AND year = ?"
                " ORDER BY received_at DESC, id DESC LIMIT 200",
                (deciding.agency_id, deciding.year),
            )
            drafts = [_submission(row) for row in rows]
        current = next((d for d in drafts if d.id == deciding.id), None) or self.get_submission(deciding.id)
        held = holding(acceptances, drafts, current)
        errors = [key_text(issue_key(i)) for i in current.issues if i.get("severity") == "error"]
        return sum(1 for key in errors if key in held)
