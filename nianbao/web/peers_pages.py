"""Peers and trends for supervisors: one agency's key figures against agencies of the same level
this year, its figures over the years on file, and the county's outliers to look at first."""

from __future__ import annotations

from aiohttp import web

from ..reports.peers import FIGURE_NAMES, key_figures, outliers_of, peer_spreads
from ..states import State
from ..validators.template import LEVELS
from ..usecases.campaign import county_rows
from .common import desk_of, page, require_supervisor, url_id
from .desk import Desk

routes = web.RouteTableDef()


def _this_year(desk: Desk, year: int, within: frozenset[int] | None) -> dict[int, tuple]:
    """agency id -> (agency, figures of its deciding draft, or None when it has none), for the
    agencies in the supervisor's scope: peers are compared within it."""
    states = [s for s in county_rows(desk.store, desk.config, year, desk.today(), within) if s.state != State.INACTIVE]
    tables = desk.store.tables_of(states)
    return {s.agency.id: (s.agency, key_figures(tables[s.agency.id]) if tables.get(s.agency.id) else None) for s in states}


def _last_year(desk: Desk, year: int) -> dict[int, dict]:
    """Last year's figures per agency: the imported report, else its deciding draft of that year."""
    states = desk.store.campaign(year - 1, desk.config, desk.today())
    figures = {agency_id: key_figures(tables) for agency_id, tables in desk.store.tables_of(states).items() if tables}
    figures.update({agency_id: key_figures(tables) for agency_id, tables in desk.store.imported_reports(year - 1).items()})
    return figures


def _spreads_by_level(current: dict[int, tuple]) -> dict[str, dict]:
    levels: dict[str, list] = {}
    for agency, figures in current.values():
        if figures is not None:
            levels.setdefault(agency.level, []).append(figures)
    return {level: peer_spreads(peers) for level, peers in levels.items()}


def _county(desk: Desk, within: frozenset[int] | None) -> dict:
    year = desk.year()
    current = _this_year(desk, year, within)
    spreads = _spreads_by_level(current)
    last = _last_year(desk, year)
    found = []
    for agency_id, (agency, figures) in current.items():
        if figures is not None:
            found += outliers_of(agency_id, agency.name, figures, spreads.get(agency.level, {}), last.get(agency_id))
    return {"outliers": found, "reporting": sum(1 for _, f in current.values() if f is not None)}


def _agency(desk: Desk, agency_id: int, within: frozenset[int] | None) -> dict | None:
    year = desk.year()
    current = _this_year(desk, year, within)
    if agency_id not in current:
        return None
    agency, figures = current[agency_id]
    spreads = _spreads_by_level(current).get(agency.level, {})
    years = {y: key_figures(tables) for y, tables in desk.store.years_on_file(agency_id).items()}
    last = _last_year(desk, year).get(agency_id)
    outliers = outliers_of(agency_id, agency.name, figures, spreads, last) if figures else []
    peers = sum(1 for a, f in current.values() if a.level == agency.level and f is not None)
    return {"agency": agency, "figures": figures, "spreads": spreads, "years": years, "outliers": outliers, "peers": peers}


@routes.get("/peers")
async def county_outliers(request: web.Request) -> web.StreamResponse:
    viewer = require_supervisor(request)
    desk = desk_of(request)
    return page(request, "peers.html", **await desk.run(_county, desk, viewer.covered))


@routes.get("/peers/{agency_id}")
async def agency_peers(request: web.Request) -> web.StreamResponse:
    viewer = require_supervisor(request)
    desk = desk_of(request)
    view = await desk.run(_agency, desk, url_id(request, "agency_id"), viewer.covered)
    if view is None:
        raise web.HTTPNotFound()
    level = LEVELS.get(view["agency"].level, view["agency"].level)
    return page(request, "agency_peers.html", **view, names=FIGURE_NAMES, level_label=level)
