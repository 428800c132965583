"""The supervisors' overview: every agency of the year with its state, sortable and filterable,
the status chart and the deadline countdown; and the county's files (summary workbook, CSV).
Names sort as people look them up, by their pinyin (pypinyin), or in the roster's order; the
page says which."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote

import aiohttp_jinja2
from aiohttp import web
from markupsafe import Markup
from pypinyin import lazy_pinyin

from ..levels import LEVELS
from ..states import STATE_LABELS, State
from ..storage import AgencyState
from ..usecases.campaign import county_csv, county_rows, county_summary, region_rows, status_picture
from ..usecases.people import covered_by
from ..usecases.published import publication_states
from ..reports.summary import summary_xlsx
from .common import VIEWER_KEY, desk_of, page, require_supervisor

routes = web.RouteTableDef()

@lru_cache(maxsize=65_536)  # every name of a large roster: a cache smaller than the list sorted misses on every name
def spoken(name: str) -> tuple:
    """A name's place in pinyin order (七雄 before 南湖 before 十字), as a Chinese reader looks it
    up; the characters themselves break ties between names that sound alike."""
    return (tuple(lazy_pinyin(name)), name)


STATE_ORDER = {State.UNREADABLE: 0, State.ERRORS: 1, State.NOT_SUBMITTED: 2, State.PASSING: 3, State.IMPORTED: 4, State.INACTIVE: 5}
SORTS = {
    "name": lambda r: spoken(r.name),
    "roster": lambda r: r.order,
    "state": lambda r: (STATE_ORDER[r.state], spoken(r.name)),
    "errors": lambda r: (r.errors if r.errors is not None else -1, spoken(r.name)),
    "warnings": lambda r: (r.warnings if r.warnings is not None else -1, spoken(r.name)),
    "last": lambda r: (r.last or dt.datetime.min.replace(tzinfo=dt.timezone.utc), spoken(r.name)),
    "late": lambda r: (r.late_days, spoken(r.name)),
    "level": lambda r: (spoken(r.level_label), spoken(r.name)),
    "region": lambda r: (spoken(r.region), spoken(r.name)),
}
SORT_WORDS = {  # what the page says of its order
    "name": "按单位名称的拼音", "roster": "按名单中的顺序", "state": "按状态，同一状态内按单位名称的拼音",
    "errors": "按错误数，相同时按拼音", "warnings": "按警告数，相同时按拼音", "last": "按报送时间，相同时按拼音",
    "late": "按逾期天数，相同时按拼音", "level": "按层级，同一层级内按拼音", "region": "按地区，同一地区内按拼音",
}


@dataclass(frozen=True)
class Row:
    """One agency's line in the overview: its campaign state, as every window shows it."""

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
    late_days: int
    set_aside: int  # drafts that do not count (another agency's or year's report)
    source: str  # 聊天 / 网页 / 导入
    counted: bool
    not_counted: str | None
    published: str = ""  # 已发布（一致） / 发布稿与审核稿不一致 / 未发布 / 逾期发布
    order: int = 0  # its place in the roster


def overview_rows(
    states: list[AgencyState], tz, publications: dict | None = None, level_words: dict[int, str] | None = None
) -> list[Row]:
    """``states`` in the roster's order; ``level_words``: levels as the roster wrote them."""
    rows = []
    publications, level_words = publications or {}, level_words or {}
    for order, state in enumerate(states):
        deciding = state.deciding
        readable = deciding is not None and deciding.parsed and state.state != State.IMPORTED
        rows.append(
            Row(
                agency_id=state.agency.id,
                name=state.agency.name,
                level=state.agency.level,
                level_label=level_words.get(state.agency.id) or LEVELS.get(state.agency.level, state.agency.level),
                region=state.agency.region or "",
                state=state.state.value,
                state_label=state.label,
                errors=state.errors if readable else None,
                warnings=state.warnings if readable else None,
                accepted=state.accepted,
                last=state.submitted_at.astimezone(tz) if state.submitted_at else None,
                submissions=state.drafts,
                late_days=state.late_days,
                set_aside=len(state.set_aside),
                source=state.source.label if state.source else "",
                counted=state.counted,
                not_counted=state.not_counted,
                published=publications[state.agency.id].label if state.agency.id in publications else "",
                order=order,
            )
        )
    return rows


def select(rows: list[Row], query) -> list[Row]:
    """Filter by state and level (the region is a scope, applied before); sort by any column
    (``-`` first for descending)."""
    for key in ("state", "level"):
        wanted = query.get(key)
        if wanted:
            rows = [r for r in rows if getattr(r, key) == wanted]
    sort = query.get("sort") or "state"
    descending = sort.startswith("-")
    key = SORTS.get(sort.lstrip("-"), SORTS["state"])
    return sorted(rows, key=key, reverse=descending)


def rows_html(env, rows: list[Row]) -> Markup:
    """The rows of the overview's table, each as ``overview_row.html`` renders it, rendered once
    for each row's content and kept: sorting, filtering and reloading 5,000 agencies renders only
    the rows whose agency changed (a row is its agency's state, as every window shows it)."""
    row = env.get_template("overview_row.html").module.row
    return Markup("".join([_row_html(row, r) for r in rows]))


@lru_cache(maxsize=32_768)  # a large roster's rows, and the rows they were before their last changes
def _row_html(macro, row: Row) -> str:
    """A row as ``macro`` renders it: equal rows render alike (a row holds all it shows; its time
    is in the desk's own time zone, one per desk, and each desk has its own macro)."""
    return str(macro(row))


def sort_words(query) -> str:
    sort = query.get("sort") or "state"
    words = SORT_WORDS.get(sort.lstrip("-"), SORT_WORDS["state"])
    return words + ("（倒序）" if sort.startswith("-") and sort.lstrip("-") in SORT_WORDS else "")


def _within(desk, viewer, region: str | None) -> frozenset[int] | None:
    """The agencies shown: the viewer's scope, narrowed to a region asked for (a city
    supervisor opening one county)."""
    if not region:
        return viewer.covered
    inside = covered_by(desk.store, region) or frozenset()
    return inside if viewer.covered is None else inside & viewer.covered


@routes.get("/overview")
async def overview(request: web.Request) -> web.StreamResponse:
    viewer = require_supervisor(request)
    desk = desk_of(request)
    year = desk.year()
    region = request.query.get("region") or None
    within = await desk.run(_within, desk, viewer, region)
    states = await desk.run(county_rows, desk.store, desk.config, year, desk.today(), within)
    parts = [] if region else await desk.run(region_rows, desk.store, states, viewer.region)
    publications = await desk.run(publication_states, desk.store, desk.config, year, desk.today(), states)
    rows = overview_rows(states, desk.config.tz, publications, await desk.run(desk.store.level_words))
    counts = {state: sum(1 for r in rows if r.state == state) for state in STATE_LABELS}
    deadline = desk.config.deadline(year)
    return page(
        request,
        "overview.html",
        rows=rows_html(aiohttp_jinja2.get_env(request.app), select(rows, request.query)),
        total=len(rows),
        counts=counts,
        state_labels=STATE_LABELS,
        levels={r.level: r.level_label for r in rows},
        regions=sorted({r.region for r in rows if r.region}, key=spoken),
        sort_words=sort_words(request.query),
        region_rows=parts,
        scope=viewer.region,
        query=request.query,
        deadline=deadline,
        days_left=(deadline - desk.today()).days,
    )


@routes.get("/overview/chart.png")
async def chart(request: web.Request) -> web.StreamResponse:
    require_supervisor(request)
    desk = desk_of(request)
    viewer = request[VIEWER_KEY]
    png = await desk.run(status_picture, desk.store, desk.config, desk.year(), desk.today(), viewer.covered)
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
    summary = await desk.run(county_summary, desk.store, desk.config, year, desk.today(), include_errors, request[VIEWER_KEY].covered)
    data = await desk.run(summary_xlsx, summary, year)
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return attachment(data, f"{year}年度政府信息公开统计汇总.xlsx", xlsx)


@routes.get("/export/status.csv")
async def status_export(request: web.Request) -> web.StreamResponse:
    require_supervisor(request)
    desk = desk_of(request)
    year = desk.year()
    data = await desk.run(county_csv, desk.store, desk.config, year, desk.today(), request[VIEWER_KEY].covered)
    return attachment(data, f"{year}年度报告报送情况.csv", "text/csv")


@routes.post("/export/region-report")
async def region_report(request: web.Request) -> web.StreamResponse:
    """The region's summary report as a Word draft (recorded as the region government's report
    of the year, for next year's checks): a form button, since it writes."""
    from ..usecases.region import RegionError, build_region_report
    from ..usecases.scope import region_in_scope

    viewer = require_supervisor(request)
    desk = desk_of(request)
    region = str((await request.post()).get("region") or "").strip() or viewer.region
    if region and not await desk.run(region_in_scope, desk.store, region, viewer.region):
        raise web.HTTPNotFound()
    try:
        made = await desk.run(build_region_report, desk.store, desk.config, desk.year(), desk.today(), region, now=desk.clock())
    except RegionError as error:
        return page(request, "message.html", status=409, title="无法生成本地区年度报告", text=str(error))
    docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    return attachment(made.document, made.file_name, docx)
