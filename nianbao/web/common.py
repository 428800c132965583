"""Helpers shared by the pages: the desk and the viewer of a request, rendering, access checks."""

from __future__ import annotations

import html
import re

import aiohttp_jinja2
from aiohttp import web

from .desk import Desk, Viewer
from .security import CSRF_FIELD, CSRF_SEED, Signer

DESK_KEY = web.AppKey("desk", Desk)
SIGNER_KEY = web.AppKey("signer", Signer)
VIEWER_KEY = web.RequestKey("viewer", object)  # a Viewer, or None when not signed in


def desk_of(request: web.Request) -> Desk:
    return request.app[DESK_KEY]


def viewer_of(request: web.Request) -> Viewer | None:
    return request.get(VIEWER_KEY)


def page(request: web.Request, template: str, status: int = 200, **context) -> web.Response:
    """Render a template with what every page shows (who is signed in, the form token, the year)."""
    desk = desk_of(request)
    shared = {
        "viewer": viewer_of(request),
        "csrf_field": CSRF_FIELD,
        "csrf_token": request.app[SIGNER_KEY].csrf_token(request) if CSRF_SEED in request else "",
        "year": desk.year(),
        "today": desk.today(),
    }
    return aiohttp_jinja2.render_template(template, request, shared | context, status=status)


def refusal(request: web.Request, status: int, title: str, text: str) -> web.Response:
    return page(request, "message.html", status=status, title=title, text=text)


def require_viewer(request: web.Request) -> Viewer:
    """The signed-in person, or off to the sign-in page."""
    viewer = viewer_of(request)
    if viewer is None:
        raise web.HTTPFound("/signin")
    return viewer


def require_supervisor(request: web.Request) -> Viewer:
    viewer = require_viewer(request)
    if not viewer.supervises:
        raise web.HTTPNotFound()  # staff are not told what exists beyond their agency
    return viewer


def require_agency(request: web.Request, agency_id: int) -> Viewer:
    """Staff reach only their own agency: anything else is "not found", never "forbidden"."""
    viewer = require_viewer(request)
    if not viewer.may_see(agency_id):
        raise web.HTTPNotFound()
    return viewer


def url_id(request: web.Request, name: str) -> int:
    """A numeric id from the URL: ASCII digits only (not '²' or '١٢'), else "not found"."""
    text = request.match_info[name]
    if not (text.isascii() and text.isdigit()) or len(text) > 12:
        raise web.HTTPNotFound()
    return int(text)


def plain(chat_html: str) -> str:
    """A use case's answer (chat HTML, Telegram's subset) as plain text for a page (Jinja
    escapes it again)."""
    return html.unescape(re.sub(r"<[^>]+>", "", chat_html))


async def agency_of_url(request: web.Request, viewer: Viewer):
    """The agency the URL's ``{agency_id}`` names, if ``viewer`` may see it (another county's,
    like one that does not exist, is "not found")."""
    agency_id = url_id(request, "agency_id")
    desk = desk_of(request)
    agency = await desk.run(desk.store.get_agency, agency_id) if viewer.may_see(agency_id) else None
    if agency is None:
        raise web.HTTPNotFound()
    return agency
