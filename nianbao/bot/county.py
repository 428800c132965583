"""The county picture for supervisors, shared by the bot and the command line: storage in,
the reports package's chart, summary and workbook out."""

from __future__ import annotations

import datetime as dt

from ..reports.summary import AgencyEntry, Summary, summarize
from ..storage import Store
from ..config import Config


def _utc_offset_hours(config: Config, year: int) -> float:
    moment = dt.datetime.combine(config.deadline(year), dt.time(12), tzinfo=config.tz)
    return moment.utcoffset().total_seconds() / 3600


def status_picture(store: Store, config: Config, year: int, today: dt.date) -> bytes:
    """A PNG: agencies by state, and drafts per day against the deadline."""
    from ..reports.chart import StatusCounts, status_chart  # matplotlib: a fifth of start-up time

    counts = StatusCounts.from_states(status.state for status in store.year_status(year))
    offset = _utc_offset_hours(config, year)
    return status_chart(
        counts,
        store.submissions_per_day(year, offset),
        passed=store.first_passes_per_day(year, offset),
        year=year,
        deadline=config.deadline(year),
        today=today,
    )


def county_summary(store: Store, config: Config, year: int, include_errors: bool = False) -> Summary:
    """The three tables summed over the region's agencies (those with errors left out unless asked).
    An agency that sent nothing to the bot counts with its report of the year imported by
    `nianbao history import` (reports collected by e-mail), if there is one."""
    entries = []
    for status, tables in store.year_reports(year):
        latest = status.latest
        imported = store.prior_report(status.agency.id, year) if status.state == "not_submitted" else None
        if imported is not None and imported.source == "imported":
            entries.append(
                AgencyEntry(
                    name=status.agency.name,
                    state="imported",
                    tables=imported.tables,
                    level=status.agency.level,
                    region=status.agency.region,
                    file_name=imported.file_name,
                )
            )
            continue
        entries.append(
            AgencyEntry(
                name=status.agency.name,
                state=status.state,
                tables=tables,
                level=status.agency.level,
                region=status.agency.region,
                error_count=latest.error_count if latest else 0,
                warning_count=latest.warning_count if latest else 0,
                file_name=latest.file_name if latest else None,
                received_at=latest.received_at.astimezone(config.tz) if latest else None,
                accepted=status.accepted,
            )
        )
    return summarize(entries, include_errors=include_errors, year=year)
