"""A human word over the checker, on the web: a supervisor accepts an issue of an agency's
deciding draft with a reason (or revokes an acceptance); staff explain a warning. What happens
is the use cases' (``usecases.words``: the same rules as chat, the staff told); this parses the
form and shows the answer."""

from __future__ import annotations

from aiohttp import web

from ..usecases import words
from . import texts
from .agency_pages import render_submission
from .common import desk_of, page, plain, require_agency, require_supervisor, url_id

routes = web.RouteTableDef()


async def _issue_of(request: web.Request, form) -> tuple:
    """The submission of the URL and the issue the form names (a submission the viewer may not
    see is "not found", as any other)."""
    desk = desk_of(request)
    submission = await desk.run(desk.store.get_submission, url_id(request, "submission_id"))
    if submission is None:
        require_agency(request, -1)
        raise web.HTTPNotFound()
    viewer = require_agency(request, submission.agency_id)
    number = str(form.get("number", ""))
    issue = next((i for i in submission.issues if str(i.get("number")) == number), None)
    if issue is None:
        raise web.HTTPNotFound()
    return desk, viewer, submission, issue


def _refused(request: web.Request, outcome: words.Outcome) -> web.Response:
    return page(request, "message.html", status=409, title="未能保存", text=plain(outcome.text))


@routes.post("/submission/{submission_id}/accept")
async def accept(request: web.Request) -> web.StreamResponse:
    require_supervisor(request)
    form = await request.post()
    desk, viewer, submission, issue = await _issue_of(request, form)
    reason = str(form.get("reason") or "")
    if not reason.strip():  # the page again, the form open at its issue, saying what is missing
        return await render_submission(request, texts.ACCEPT_NEEDS_REASON, issue["number"], status=400)
    agency = await desk.run(desk.store.get_agency, submission.agency_id)
    outcome = await words.accept(desk.office, viewer.person, agency, issue["number"], reason, on=submission.id)
    if not outcome.done:
        return _refused(request, outcome)
    raise web.HTTPFound(f"/submission/{submission.id}#issue-{issue['number']}")


@routes.post("/acceptance/{acceptance_id}/revoke")
async def revoke(request: web.Request) -> web.StreamResponse:
    viewer = require_supervisor(request)
    desk = desk_of(request)
    acceptance = await desk.run(desk.store.get_acceptance, url_id(request, "acceptance_id"))
    if acceptance is None or not viewer.may_see(acceptance.agency_id):
        raise web.HTTPNotFound()
    form = await request.post()
    agency = await desk.run(desk.store.get_agency, acceptance.agency_id)
    submission = await desk.run(desk.store.get_submission, acceptance.submission_id) if acceptance.submission_id else None
    number = next((i["number"] for i in (submission.issues if submission else []) if i.get("code") == acceptance.code), 0)
    outcome = await words.unaccept(
        desk.office, viewer.person, agency, number, str(form.get("reason") or ""), acceptance_id=acceptance.id
    )
    if not outcome.done:
        return _refused(request, outcome)
    back = str(form.get("back") or "")
    raise web.HTTPFound(back if back.startswith("/submission/") else f"/agency/{acceptance.agency_id}")


@routes.post("/submission/{submission_id}/explain")
async def explain(request: web.Request) -> web.StreamResponse:
    """Staff (of the draft's agency) explain a warning; the supervisor sees it beside the issue."""
    form = await request.post()
    desk, viewer, submission, issue = await _issue_of(request, form)
    if viewer.supervises:
        raise web.HTTPNotFound()
    text = str(form.get("text") or "").strip()
    if not text:
        return await render_submission(request, texts.EXPLAIN_NEEDS_TEXT, issue["number"], status=400)
    outcome = await words.explain(desk.office, viewer.person, issue["number"], text, on=submission.id)
    if not outcome.done:
        return _refused(request, outcome)
    raise web.HTTPFound(f"/submission/{submission.id}#issue-{issue['number']}")
