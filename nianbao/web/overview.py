"""The supervisors' overview: every agency of the year with its state, sortable and filterable,
the status chart and the deadline countdown; and the county's files (summary workbook, CSV)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import quote

from aiohttp import web

from ..bot.county import county_summary, status_picture
from ..reports.export import status_csv
from ..reports.summary import summary_xlsx
from ..levels import LEVELS
from ..states import STATE_LABELS, state_label
from ..storage import AgencyStatus
from .common import desk_of, page, require_supervisor
from .desk import Desk

routes = web.RouteTableDef()

STATE_ORDER = {"unreadable": 0, "errors": 1, "not_submitted": 2, "passing": 3}
SORTS = {
    "name": lambda r: r.name,
    "state": lambda r: (STATE_ORDER[r.state], r.name),
    "errors": lambda r: (r.errors if r.errors is not None else -1, r.name),
    "warnings": lambda r: (r.warnings if r.warnings is not None else -1, r.name),
    "last": lambda r: (r.last or dt.datetime.min.replace(tzinfo=dt.timezone.utc), r.name),
    "late": lambda r: (r.late_days, r.name),
    "level": lambda r: (r.level_label, r.name),
    "region": lambda r: (r.region, r.name),
}


@dataclass(frozen=True)
class Row:
    """One agency's line in the overview."""

    agency_id: int
    name: str
    level: str
    level_label: str
    region: str
    state: str
    state_label: str
    errors: int | None
    warnings: int | None
    accepted: int
    last: dt.datetime | None
    submissions: int
    late_days: int  # days past the deadline without passing (or since passing late)


def standing_label(standing: AgencyStatus | None) -> str:
    """通过 / 有错误 / 无法读取 / 未报送, and 通过（含 N 项已确认） when a person accepted the errors."""
    if standing is None:
        return STATE_LABELS["not_submitted"]
    return state_label(standing.state, standing.accepted)


def overview_rows(desk: Desk, standings: list[AgencyStatus]) -> list[Row]:
    year = desk.year()
    deadline = desk.config.deadline(year)
    today = desk.today()
    rows = []
    for status in standings:
        latest = status.latest
        last = latest.received_at.astimezone(desk.config.tz) if latest else None
        if status.state == "passing":
            late = max(0, (last.date() - deadline).days) if last else 0
        else:
            late = max(0, (today - deadline).days)
        rows.append(
            Row(
                agency_id=status.agency.id,
                name=status.agency.name,
                level=status.agency.level,
                level_label=LEVELS.get(status.agency.level, status.agency.level),
                region=status.agency.region or "",
                state=status.state,
                state_label=standing_label(status),
                errors=latest.error_count if latest and latest.parsed else None,
                warnings=latest.warning_count if latest and latest.parsed else None,
                accepted=status.accepted,
                last=last,
                submissions=status.submission_count,
                late_days=late,
            )
        )
    return rows


def select(rows: list[Row], query) -> list[Row]:
    """Filter by state, level and region; sort by any column (``-`` first for descending)."""
    for key in ("state", "level", "region"):
        wanted = query.get(key)
        if wanted:
            rows = [r for r in rows if getattr(r, key) == wanted]
    sort = query.get("sort") or "state"
    descending = sort.startswith("-")
    key = SORTS.get(sort.lstrip("-"), SORTS["state"])
    return sorted(rows, key=key, reverse=descending)


@routes.get("/overview")
async def overview(request: web.Request) -> web.StreamResponse:
    require_supervisor(request)
    desk = desk_of(request)
    year = desk.year()
    standings = await desk.run(desk.store.year_status, year)
    rows = overview_rows(desk, standings)
    counts = {state: sum(1 for r in rows if r.state == state) for state in STATE_LABELS}
    deadline = desk.config.deadline(year)
    return page(
        request,
        "overview.html",
        rows=select(rows, request.query),
        total=len(rows),
        counts=counts,
        state_labels=STATE_LABELS,
        levels={r.level: r.level_label for r in rows},
        regions=sorted({r.region for r in rows if r.region}),
        query=request.query,
        deadline=deadline,
        days_left=(deadline - desk.today()).days,
    )


@routes.get("/overview/chart.png")
async def chart(request: web.Request) -> web.StreamResponse:
    require_supervisor(request)
    desk = desk_of(request)
    png = await desk.run(status_picture, desk.store, desk.config, desk.year(), desk.today())
    return web.Response(body=png, content_type="image/png", headers={"Cache-Control": "no-store"})


def attachment(data: bytes, file_name: str, content_type: str) -> web.Response:
    disposition = f"attachment; filename*=UTF-8''{quote(file_name)}"
    return web.Response(body=data, content_type=content_type, headers={"Content-Disposition": disposition})


@routes.get("/export/summary.xlsx")
async def summary_workbook(request: web.Request) -> web.StreamResponse:
    require_supervisor(request)
    desk = desk_of(request)
    year = desk.year()
    include_errors = request.query.get("all") == "1"
    summary = await desk.run(county_summary, desk.store, desk.config, year, include_errors)
    data = await desk.run(summary_xlsx, summary, year)
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return attachment(data, f"{year}年度政府信息公开统计汇总.xlsx", xlsx)


@routes.get("/export/status.csv")
async def status_export(request: web.Request) -> web.StreamResponse:
    require_supervisor(request)
    desk = desk_of(request)
    year = desk.year()
    data = await desk.run(lambda: status_csv(desk.store.year_status(year), desk.config.tz))
    return attachment(data, f"{year}年度报告报送情况.csv", "text/csv")
