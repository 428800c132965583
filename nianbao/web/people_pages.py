"""People, not sessions: a person signed in with an invite code gives their name first and gets a
personal sign-in code, shown once, that brings them back after signing out (``/welcome``); their
own page (``/me``: the name, a new code); a new code for a colleague who lost theirs, made by a
colleague of the agency or a supervisor (``/person/{id}/code``, the person told); the
supervisors and the audit log with names (``/people``)."""

from __future__ import annotations

from aiohttp import web

from .. import messages as say
from ..roles import Role
from ..storage.audit import AuditEvent
from ..usecases.people import person_of
from . import texts
from .common import desk_of, page, plain, require_supervisor, require_viewer
from .desk import Desk, Viewer
from .people import may_issue, people_rows, supervisors_rows

routes = web.RouteTableDef()
AUDIT_SHOWN = 100


def name_from(form) -> tuple[str, str | None]:
    """The name typed (spaces squeezed), and what is wrong with it (None: nothing)."""
    name = " ".join(str(form.get("name") or "").split())
    if not name:
        return name, texts.NAME_NEEDED
    if len(name) > texts.MAX_NAME:
        return name, texts.NAME_TOO_LONG
    return name, None


@routes.get("/welcome")
async def welcome_form(request: web.Request) -> web.StreamResponse:
    viewer = require_viewer(request)
    if not viewer.needs_name:
        raise web.HTTPFound("/")
    return page(request, "welcome.html", problem=None, name="")


@routes.post("/welcome")
async def welcome(request: web.Request) -> web.StreamResponse:
    """The name given at the first sign-in, then the personal code (unless they have one)."""
    viewer = require_viewer(request)
    if not viewer.needs_name:
        raise web.HTTPFound("/")
    desk = desk_of(request)
    name, problem = name_from(await request.post())
    if problem:
        return page(request, "welcome.html", status=400, problem=problem, name=name)
    await desk.run(desk.store.name_member, viewer.user_id, name, now=desk.clock())
    if viewer.user_id in await desk.run(desk.store.personal_codes, [viewer.user_id]):
        raise web.HTTPFound("/")
    code = await desk.run(desk.store.issue_personal_code, viewer.user_id, now=desk.clock())
    return page(request, "personal_code.html", code=code, whose=None, name=name, first=True)


def _me_view(desk: Desk, viewer: Viewer) -> dict:
    member = desk.store.get_member(viewer.user_id)
    return {
        "member": member,
        "code": desk.store.personal_codes([viewer.user_id]).get(viewer.user_id),
        "signed": desk.store.last_sign_ins([viewer.user_id]).get(viewer.user_id),
    }


@routes.get("/me")
async def me(request: web.Request) -> web.StreamResponse:
    viewer = require_viewer(request)
    desk = desk_of(request)
    view = await desk.run(_me_view, desk, viewer)
    return page(request, "me.html", **view, tz=desk.config.tz, problem=None, role_label=_role_label(viewer.role))


@routes.post("/me/name")
async def rename(request: web.Request) -> web.StreamResponse:
    viewer = require_viewer(request)
    desk = desk_of(request)
    name, problem = name_from(await request.post())
    view = await desk.run(_me_view, desk, viewer)
    if view["member"] is None:  # a supervisor by the configuration alone: named by the server's admin
        problem = texts.configured_unnamed(viewer.user_id, viewer.role)
        return page(request, "me.html", **view, status=409, tz=desk.config.tz, problem=problem, role_label=_role_label(viewer.role))
    if problem:
        return page(request, "me.html", **view, status=400, tz=desk.config.tz, problem=problem, role_label=_role_label(viewer.role))
    await desk.run(desk.store.name_member, viewer.user_id, name, now=desk.clock())
    raise web.HTTPFound("/me")


@routes.post("/me/code")
async def my_code(request: web.Request) -> web.StreamResponse:
    """A new personal code for oneself (the old one stops working)."""
    viewer = require_viewer(request)
    desk = desk_of(request)
    code = await desk.run(desk.store.issue_personal_code, viewer.user_id, now=desk.clock())
    return page(request, "personal_code.html", code=code, whose=None, name=viewer.name, first=False)


@routes.post(r"/person/{person:-?[0-9]{1,12}}/code")
async def colleague_code(request: web.Request) -> web.StreamResponse:
    """A new personal code for a colleague who lost theirs (or a supervisor for their staff):
    shown to the one who made it, to pass on; the person is told in every face they use."""
    viewer = require_viewer(request)
    desk = desk_of(request)
    user_id = int(request.match_info["person"])  # a browser-only account's id is negative
    target = await desk.run(person_of, desk.store, desk.config, user_id)
    if not may_issue(viewer.person, target):
        raise web.HTTPNotFound()
    code = await desk.run(desk.store.issue_personal_code, user_id, by=viewer.user_id, now=desk.clock())
    names = await desk.run(desk.names, [user_id, viewer.user_id])
    if user_id != viewer.user_id:
        when = desk.clock().astimezone(desk.config.tz)
        await desk.office.tell([user_id], texts.new_code_for_you(names[viewer.user_id], when), target.agency.id if target.agency else None)
    back = f"/agency/{target.agency.id}#people" if target.agency else "/people"
    return page(request, "personal_code.html", code=code, whose=names[user_id], name=names[user_id], first=False, back=back)


def _people_view(desk: Desk, viewer: Viewer) -> dict:
    events = [e for e in desk.store.list_events(AUDIT_SHOWN * 3) if _visible(viewer, e)][:AUDIT_SHOWN]
    names = desk.store.member_names({e.actor for e in events} | {e.subject for e in events})
    tz = desk.config.tz
    lines = [
        say.audit_line(e.at.astimezone(tz), e.actor, e.action, e.subject, e.agency_name, names, e.detail) for e in events
    ]
    return {"people": supervisors_rows(desk, viewer), "audit": [plain(line) for line in lines]}


def _visible(viewer: Viewer, event: AuditEvent) -> bool:
    """An event of an agency in the viewer's scope; one of no agency for an unscoped supervisor."""
    if viewer.covered is None:
        return True
    return event.agency_id is not None and event.agency_id in viewer.covered


@routes.get("/people")
async def people(request: web.Request) -> web.StreamResponse:
    viewer = require_supervisor(request)
    desk = desk_of(request)
    view = await desk.run(_people_view, desk, viewer)
    return page(request, "people.html", **view, tz=desk.config.tz, role_labels=ROLE_LABELS)


def agency_people(desk: Desk, viewer: Viewer, agency_id: int):
    """The staff of an agency as its page lists them (in the store's threads)."""
    return people_rows(desk, viewer, desk.store.list_members(agency_id=agency_id, role="staff"))


ROLE_LABELS = Role.labels()


def _role_label(role: str) -> str:
    return ROLE_LABELS.get(role, role)
