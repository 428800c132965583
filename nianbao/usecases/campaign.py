"""The county's picture, from the one campaign state (``Store.campaign``): the rows every window
lists, the summed tables, the status chart and the CSV. Every function takes the store first, so
a face runs it in the store's threads (``await office.db.report(county_rows, ...)``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..config import Config
from ..reports.export import status_csv
from ..reports.summary import AgencyEntry, Summary, summarize
from ..states import State
from ..storage import AgencyState, Store
from .scope import GOVERNMENT, Regions, Scope

__all__ = ["RegionRow", "county_rows", "county_summary", "county_csv", "region_rows", "status_picture", "state_json"]


def county_rows(store: Store, config: Config, year: int, today: dt.date, within: frozenset[int] | None = None) -> list[AgencyState]:
    """Every agency of the roster with its state for ``year`` (deactivated ones too, as 已停用);
    ``within``: only these agencies (a supervisor's scope, ``Person.covered``)."""
    states = store.campaign(year, config, today)
    return states if within is None else [state for state in states if state.agency.id in within]


def county_summary(
    store: Store, config: Config, year: int, today: dt.date, include_errors: bool = False, within: frozenset[int] | None = None
) -> Summary:
    """The three tables summed over the agencies the campaign state counts (with ``include_errors``
    also those whose drafts still have errors): the same agencies in, the same reasons out, as
    every other window says."""
    states = county_rows(store, config, year, today, within)
    figures, words = store.figures_of(states), store.level_words()  # each report's figures as kept when stored
    return summarize([_entry(state, figures.get(state.agency.id), config, words) for state in states], include_errors, year=year)


def _entry(state: AgencyState, figures, config: Config, level_words: dict[int, str]) -> AgencyEntry:
    deciding = state.deciding if state.source != "imported" else None
    left_out = None
    if state.state in (State.PASSING, State.IMPORTED, State.INACTIVE) and not state.counted:
        left_out = state.not_counted
    return AgencyEntry(
        name=state.agency.name,
        state=state.state.value,
        figures=figures,
        level=level_words.get(state.agency.id) or state.agency.level,  # the roster's own word (县直部门)
        region=state.agency.region,
        error_count=state.errors,
        warning_count=state.warnings,
        file_name=state.imported_file if state.state == State.IMPORTED else (deciding.file_name if deciding else None),
        received_at=state.submitted_at.astimezone(config.tz) if state.submitted_at else None,
        left_out=left_out,
        accepted=state.accepted,
        blanks_as_zero=state.blanks_as_zero,
    )


def county_csv(store: Store, config: Config, year: int, today: dt.date, within: frozenset[int] | None = None) -> bytes:
    return status_csv(county_rows(store, config, year, today, within), config.tz, store.level_words())


def _utc_offset_hours(config: Config, year: int) -> float:
    moment = dt.datetime.combine(config.deadline(year), dt.time(12), tzinfo=config.tz)
    return moment.utcoffset().total_seconds() / 3600


def status_picture(store: Store, config: Config, year: int, today: dt.date, within: frozenset[int] | None = None) -> bytes:
    """A PNG: agencies by state, and drafts per day against the deadline (within a scope)."""
    from ..reports.chart import StatusCounts, status_chart  # matplotlib: a fifth of start-up time

    counts = StatusCounts.from_states(state.state for state in county_rows(store, config, year, today, within))
    offset = _utc_offset_hours(config, year)
    return status_chart(
        counts,
        store.submissions_per_day(year, offset, within),
        passed=store.first_passes_per_day(year, offset, within),
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


@dataclass(frozen=True)
class RegionRow:
    """One region under a supervisor's scope (a city's county), as the city overview lists it."""

    region: str
    agencies: int
    submitted: int
    passing: int
    late: int


def region_rows(store: Store, states: list[AgencyState], region: str | None = None) -> list[RegionRow]:
    """The states grouped by the region directly under ``region`` (a supervisor's scope; None:
    the deepest region they all share): a city's counties. Empty when they all sit in one
    region (a county's own overview needs no grouping)."""
    listed = [state for state in states if state.state != State.INACTIVE]
    regions = Regions.of_places(store.agency_places())
    chains = _Chains(regions)
    top = region or _common_scope([chain for state in listed if (chain := chains.chain(state.agency.region))])
    groups: dict[str, list[AgencyState]] = {}
    for state in listed:
        part = chains.part(Scope(top), state.agency) if top else (chains.chain(state.agency.region) or ("",))[0]
        groups.setdefault(part or "", []).append(state)
    if len([name for name in groups if name]) < 2:
        return []
    return [
        RegionRow(
            name, len(members), sum(1 for s in members if s.submitted), sum(1 for s in members if s.done),
            sum(1 for s in members if s.late and not s.done),
        )
        for name, members in groups.items()
    ]


class _Chains:
    """``Regions.chain`` and ``Scope.part_of`` worked out once per region, not once per agency (a
    county's thousands of agencies sit in a handful of regions); a region's own government,
    whose name places it, is worked out on its own."""

    def __init__(self, regions: Regions) -> None:
        self.regions = regions
        self.chains: dict[str | None, tuple[str, ...]] = {}
        self.parts: dict[tuple[str | None, str | None], str | None] = {}

    def chain(self, region: str | None) -> tuple[str, ...]:
        if region not in self.chains:
            self.chains[region] = self.regions.chain(region)
        return self.chains[region]

    def part(self, scope: Scope, agency) -> str | None:
        if GOVERNMENT.match(agency.name):
            return scope.part_of(agency, self.regions)
        key = (scope.region, agency.region)
        if key not in self.parts:
            self.parts[key] = scope.part_of(agency, self.regions)
        return self.parts[key]


def _common_scope(chains: list[tuple[str, ...]]) -> str | None:
    """The deepest region every chain shares (a city's name, when its counties are listed)."""
    if not chains:
        return None
    common = []
    for parts in zip(*chains):
        if len(set(parts)) != 1:
            break
        common.append(parts[0])
    return "/".join(common) or None
