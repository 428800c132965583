"""The county's picture, from the one campaign state (``Store.campaign``): the rows every window
lists, the summed tables, the status chart and the CSV. Every function takes the store first, so
a face runs it in the store's threads (``await office.db.report(county_rows, ...)``)."""

from __future__ import annotations

import datetime as dt

from ..config import Config
from ..reports.export import status_csv
from ..reports.summary import AgencyEntry, Summary, summarize
from ..states import State
from ..storage import AgencyState, Store

__all__ = ["county_rows", "county_summary", "county_csv", "status_picture", "state_json"]


def county_rows(store: Store, config: Config, year: int, today: dt.date) -> list[AgencyState]:
    """Every agency of the roster with its state for ``year`` (deactivated ones too, as 已停用)."""
    return store.campaign(year, config, today)


def county_summary(
    store: Store, config: Config, year: int, today: dt.date, include_errors: bool = False
) -> Summary:
    """The three tables summed over the agencies the campaign state counts (with ``include_errors``
    also those whose drafts still have errors): the same agencies in, the same reasons out, as
    every other window says."""
    states = store.campaign(year, config, today)
    tables = store.tables_of(states)
    return summarize([_entry(state, tables.get(state.agency.id), config) for state in states], include_errors, year=year)


def _entry(state: AgencyState, tables, config: Config) -> AgencyEntry:
    deciding = state.deciding if state.source != "imported" else None
    left_out = None
    if state.state in (State.PASSING, State.IMPORTED, State.INACTIVE) and not state.counted:
        left_out = state.not_counted
    return AgencyEntry(
        name=state.agency.name,
        state=state.state.value,
        tables=tables,
        level=state.agency.level,
        region=state.agency.region,
        error_count=state.errors,
        warning_count=state.warnings,
        file_name=state.imported_file if state.state == State.IMPORTED else (deciding.file_name if deciding else None),
        received_at=state.submitted_at.astimezone(config.tz) if state.submitted_at else None,
        left_out=left_out,
        accepted=state.accepted,
        blanks_as_zero=state.blanks_as_zero,
    )


def county_csv(store: Store, config: Config, year: int, today: dt.date) -> bytes:
    return status_csv(store.campaign(year, config, today), config.tz)


def _utc_offset_hours(config: Config, year: int) -> float:
    moment = dt.datetime.combine(config.deadline(year), dt.time(12), tzinfo=config.tz)
    return moment.utcoffset().total_seconds() / 3600


def status_picture(store: Store, config: Config, year: int, today: dt.date) -> bytes:
    """A PNG: agencies by state, and drafts per day against the deadline."""
    from ..reports.chart import StatusCounts, status_chart  # matplotlib: a fifth of start-up time

    counts = StatusCounts.from_states(state.state for state in store.campaign(year, config, today))
    offset = _utc_offset_hours(config, year)
    return status_chart(
        counts,
        store.submissions_per_day(year, offset),
        passed=store.first_passes_per_day(year, offset),
        year=year,
        deadline=config.deadline(year),
        today=today,
    )


def state_json(state: AgencyState) -> dict:
    """One agency's state as ``nianbao status --json`` gives it (one JSON object per line)."""
    return {
        "agency": state.agency.name,
        "level": state.agency.level,
        "region": state.agency.region,
        "state": state.state.value,
        "label": state.label,
        "errors": state.errors,
        "warnings": state.warnings,
        "accepted": state.accepted,
        "explained": state.explained,
        "counted": state.counted,
        "not_counted": state.not_counted,
        "source": state.source.value if state.source else None,
        "late_days": state.late_days,
        "deadline": state.deadline.isoformat(),
        "submitted_at": state.submitted_at.isoformat() if state.submitted_at else None,
        "drafts": state.drafts,
        "set_aside": [{"received_at": s.received_at.isoformat(), "file_name": s.file_name, "reason": s.reason} for s in state.set_aside],
    }
