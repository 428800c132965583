"""The region's own summary report, for every face: the three tables summed over the region's
agencies from the one campaign state (``county_summary``: the same agencies in, the same reasons
out), written as a draft report in the national format, and recorded as the region's report of
the year so that next year's carry-over checks (H101–H104) have it.

Whose report it is: the region's government (「芮城县人民政府」), the body that publishes the
region's report by 31 March (条例 第四十九条). It is found in the roster by name; when the roster
does not have it, it is added (level 政府), because the record needs an agency and next year's
draft of the region's report arrives as that agency's. The government is the author, not one of
the agencies summed: its own row never enters the region's sums (once the finished report comes
back as its draft, it would be counted twice).

Every function takes the store first, so a face runs it in the store's threads
(``await office.db.report(region_report, config, year, today, region)``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from .. import messages as say
from ..config import Config
from ..reports.region_report import region_report_docx, region_report_name
from ..reports.region_text import Pending, RegionFacts
from ..reports.summary import Summary
from ..states import State
from ..storage import Agency, AgencyState, Store
from .campaign import county_summary
from .scope import GOVERNMENT, Regions, Scope, region_path

__all__ = [
    "REGION_SOURCE", "RegionError", "RegionReport", "build_region_report", "region_holder", "region_report",
    "region_scope", "region_summary", "whole_region",
]  # fmt: skip

REGION_SOURCE = "region"  # prior_reports.source of a region's summary (the campaign reads only 'imported')
GOVERNMENT_LEVEL = "government"


class RegionError(ValueError):
    """The region asked for is not in the roster, or none was asked and the roster spans several
    (the message is Chinese, for the person)."""


@dataclass(frozen=True)
class RegionReport:
    region: str  # as asked, or found (「运城市/芮城县」 or 「芮城县」)
    name: str  # the region's own name (「芮城县」)
    holder: Agency | None  # the region's government (None: not in the roster and not recording)
    added: bool  # the government was added to the roster to record the report
    recorded: bool  # kept as the government's report of the year (False: an imported one is kept)
    summary: Summary
    document: bytes = b""
    file_name: str = ""
    previous: bool = False  # last year's summary was on file (the changes are stated)
    within: frozenset[int] = frozenset()  # the agencies summed over (the chart of the same region)


# ---------------------------------------------------------------- the region's agencies


def region_scope(agencies: list[Agency], region: str | None) -> frozenset[int] | None:
    """The agencies in ``region`` or below it (None: every agency). The one filter of this
    module: the supervisors' scope (``usecases.scope``) decides what is under a region."""
    scope = Scope(region)
    if scope.everything:
        return None
    regions = Regions.of(agencies)
    return frozenset(agency.id for agency in agencies if scope.covers(agency, regions))


def whole_region(agencies: list[Agency]) -> str | None:
    """The region every agency of the roster shares (the deepest; deactivated ones count only
    when no other is left), else the government every one of them names as its parent
    (「芮城县人民政府」 -> 芮城县); None when they differ."""
    listed = [agency for agency in agencies if agency.active] or agencies
    regions = Regions.of(agencies)
    chains = [regions.chain(agency.region) for agency in listed]
    if chains and all(chains):
        common = []
        for parts in zip(*chains):
            if len(set(parts)) != 1:
                break
            common.append(parts[0])
        if common:
            return "/".join(common)
    parents = {(agency.parent or "").strip() for agency in listed}
    governed = GOVERNMENT.match(parents.pop()) if len(parents) == 1 else None
    return governed.group(1) if governed else None


def _regions_named(agencies: list[Agency]) -> list[str]:
    regions = Regions.of(agencies)
    return sorted({chain[0] for agency in agencies if (chain := regions.chain(agency.region))})


def _resolve(agencies: list[Agency], region: str | None) -> tuple[str, frozenset[int] | None]:
    if region is None or not region_path(region):
        found = whole_region(agencies)
        if found is None:
            raise RegionError(say.region_needed(_regions_named(agencies)) if agencies else say.REGION_ROSTER_EMPTY)
        return found, None
    within = region_scope(agencies, region)
    if not within:
        raise RegionError(say.region_unknown(region, _regions_named(agencies)))
    return region, within


def region_holder(
    store: Store, agencies: list[Agency], name: str, *, add: bool = False, parent_region: str | None = None
) -> tuple[Agency | None, bool]:
    """The region's government in the roster (「芮城县人民政府」, by its exact name), added when
    ``add`` and missing."""
    wanted = say.region_government(name)
    found = next((agency for agency in agencies if agency.name == wanted), None)
    if found is not None:
        return found, False
    if not add:
        return None, False
    agency_id = store.add_agency(wanted, GOVERNMENT_LEVEL, region=parent_region or name)
    return store.get_agency(agency_id), True


def _pending(states: list[AgencyState]) -> tuple[Pending, ...]:
    waiting = (State.NOT_SUBMITTED, State.ERRORS, State.UNREADABLE)
    return tuple(Pending(s.agency.name, s.label, s.late_days) for s in states if s.state in waiting)


# ---------------------------------------------------------------- the use cases


def _counted(
    store: Store, config: Config, year: int, today: dt.date, region: str | None, include_errors: bool, add: bool
) -> tuple[str, str, Agency | None, bool, Summary, frozenset[int]]:
    """(the region as asked or found, its own name, its government, added?, the summed tables,
    the agencies summed over)."""
    agencies = store.list_agencies(active_only=False)
    asked, within = _resolve(agencies, region)
    name = region_path(asked)[-1]
    chain = Regions.of(agencies).chain(asked)
    holder, added = region_holder(store, agencies, name, add=add, parent_region=chain[-2] if len(chain) > 1 else None)
    ids = frozenset(a.id for a in agencies) if within is None else within
    if holder is not None:
        ids = ids - {holder.id}
    return asked, name, holder, added, county_summary(store, config, year, today, include_errors, within=ids), ids


def region_summary(
    store: Store, config: Config, year: int, today: dt.date, region: str | None = None, *, include_errors: bool = False
) -> RegionReport:
    """The region's summed tables, without writing or recording anything (the summary text and
    workbook of ``nianbao summary --region``)."""
    asked, name, holder, _, summary, ids = _counted(store, config, year, today, region, include_errors, add=False)
    return RegionReport(asked, name, holder, False, False, summary, within=ids)


def build_region_report(
    store: Store,
    config: Config,
    year: int,
    today: dt.date,
    region: str | None = None,
    *,
    include_errors: bool = False,
    record: bool = True,
    now: dt.datetime | None = None,
) -> RegionReport:
    """The region's summary report as a .docx, recorded (``record``) as the report of the
    year of the region's government. Raises :class:`RegionError` for an unknown region, or when
    none is given and the roster spans several."""
    asked, name, holder, added, summary, ids = _counted(store, config, year, today, region, include_errors, add=record)
    states = [state for state in store.campaign(year, config, today) if state.agency.id in ids]
    before = store.prior_report(holder.id, year - 1) if holder is not None else None
    facts = RegionFacts(
        agency=holder.name if holder else say.region_government(name), region=name, year=year, summary=summary,
        as_of=today, pending=_pending(states), previous=before.tables if before else None,
    )
    document = region_report_docx(facts, now=now)
    file_name = region_report_name(facts)
    recorded = False
    if record and holder is not None:
        kept = store.prior_report(holder.id, year)
        if kept is None or kept.source != "imported":
            store.save_prior_report(
                holder.id, year, summary.tables, source=REGION_SOURCE, file_name=file_name,
                sha256=hashlib.sha256(document).hexdigest(), now=now,
            )
            recorded = True
    return RegionReport(asked, name, holder, added, recorded, summary, document, file_name, before is not None, ids)


def region_report(store: Store, config: Config, year: int, today: dt.date, region: str | None = None) -> bytes:
    """The region's summary report (.docx bytes), recorded for next year: what a face offers
    as a download (the CLI, the chat and the web desk call this, or ``build_region_report`` for
    what was recorded)."""
    return build_region_report(store, config, year, today, region).document
