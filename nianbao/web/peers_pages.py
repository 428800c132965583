"""Peers and outliers for supervisors (``usecases.peers``): the agencies most worth a look in the
scope, every outlier with the word on it, one agency's figures against its peers and its own last
year side by side, and a supervisor's word on an outlier (confirmed or dismissed, with a note)."""

from __future__ import annotations

from aiohttp import web

from ..reports.peers import FIGURE_NAMES
from ..usecases.peers import agency_peers, county_peers, note_outlier
from ..validators.template import LEVELS
from .common import agency_of_url, desk_of, page, require_supervisor, url_id

routes = web.RouteTableDef()
VERDICT_LABELS = {"confirmed": "已核实", "dismissed": "无需关注"}


@routes.get("/peers")
async def county_outliers(request: web.Request) -> web.StreamResponse:
    viewer = require_supervisor(request)
    desk = desk_of(request)
    review = await desk.run(county_peers, desk.store, desk.config, desk.year(), desk.today(), viewer.covered)
    return page(request, "peers.html", review=review, verdicts=VERDICT_LABELS)


@routes.get("/peers/{agency_id}")
async def agency_page(request: web.Request) -> web.StreamResponse:
    viewer = require_supervisor(request)
    desk = desk_of(request)
    view = await desk.run(agency_peers, desk.store, desk.config, url_id(request, "agency_id"), desk.year(), desk.today(), viewer.covered)
    if view is None:
        raise web.HTTPNotFound()
    words = await desk.run(desk.store.level_words)  # the roster's own word for the level, where it gave one
    level = words.get(view.agency.id) or LEVELS.get(view.agency.level, view.agency.level)
    return page(request, "agency_peers.html", view=view, names=FIGURE_NAMES, level_label=level, verdicts=VERDICT_LABELS)


@routes.post("/peers/{agency_id}/note")
async def note(request: web.Request) -> web.StreamResponse:
    viewer = require_supervisor(request)
    desk = desk_of(request)
    agency = await agency_of_url(request, viewer)
    agency_id = agency.id
    form = await request.post()
    figure, verdict, text = str(form.get("figure") or ""), str(form.get("verdict") or ""), str(form.get("note") or "").strip()
    if figure not in FIGURE_NAMES or verdict not in VERDICT_LABELS:
        raise web.HTTPNotFound()
    if not text:
        return page(request, "message.html", status=400, title="请填写说明", text="请写明核实的情况或不需关注的理由。")
    await note_outlier(desk.office, viewer.person, agency, figure, verdict, text)
    raise web.HTTPFound(f"/peers/{agency_id}#figure-{FIGURE_NAMES.index(figure)}")
