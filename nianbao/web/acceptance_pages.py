"""A human word over the checker, on the web: a supervisor accepts an issue of a draft with a
reason (or revokes an acceptance); staff explain a warning. Both are shown in every view."""

from __future__ import annotations

from aiohttp import web

from ..storage.acceptances import issue_key
from . import texts
from .common import desk_of, page, require_agency, require_supervisor
from .desk import Desk

routes = web.RouteTableDef()
MAX_REASON = 500


def _issue(desk: Desk, submission_id: int, number: str):
    submission = desk.store.get_submission(submission_id)
    if submission is None:
        return None, None
    issue = next((i for i in submission.issues if str(i.get("number")) == number), None)
    return submission, issue


def _submission_id(request: web.Request) -> int:
    text = request.match_info["submission_id"]
    if not text.isdigit() or len(text) > 12:
        raise web.HTTPNotFound()
    return int(text)


@routes.post("/submission/{submission_id}/accept")
async def accept(request: web.Request) -> web.StreamResponse:
    viewer = require_supervisor(request)
    desk = desk_of(request)
    form = await request.post()
    submission, issue = await desk.run(_issue, desk, _submission_id(request), str(form.get("number", "")))
    if issue is None:
        raise web.HTTPNotFound()
    reason = " ".join(str(form.get("reason") or "").split())[:MAX_REASON]
    if not reason:
        return page(request, "message.html", status=400, title="请填写理由", text=texts.ACCEPT_NEEDS_REASON)
    await desk.run(
        desk.store.accept_issue,
        submission.agency_id, submission.year, issue_key(issue),
        code=issue["code"], message=issue.get("message"), submission_id=submission.id,
        reason=reason, by=viewer.user_id, now=desk.clock(),
    )
    raise web.HTTPFound(f"/submission/{submission.id}#issue-{issue['number']}")


@routes.post("/acceptance/{acceptance_id}/revoke")
async def revoke(request: web.Request) -> web.StreamResponse:
    viewer = require_supervisor(request)
    desk = desk_of(request)
    text = request.match_info["acceptance_id"]
    if not text.isdigit() or len(text) > 12:
        raise web.HTTPNotFound()
    acceptance = await desk.run(desk.store.get_acceptance, int(text))
    if acceptance is None:
        raise web.HTTPNotFound()
    form = await request.post()
    reason = " ".join(str(form.get("reason") or "").split())[:MAX_REASON]
    await desk.run(desk.store.revoke_acceptance, acceptance.id, by=viewer.user_id, reason=reason, now=desk.clock())
    back = str(form.get("back") or "")
    raise web.HTTPFound(back if back.startswith("/submission/") else f"/agency/{acceptance.agency_id}")


@routes.post("/submission/{submission_id}/explain")
async def explain(request: web.Request) -> web.StreamResponse:
    """Staff (of the draft's agency) explain a warning; the supervisor sees it beside the issue."""
    desk = desk_of(request)
    form = await request.post()
    submission, issue = await desk.run(_issue, desk, _submission_id(request), str(form.get("number", "")))
    if submission is None:
        require_agency(request, -1)
        raise web.HTTPNotFound()
    viewer = require_agency(request, submission.agency_id)
    if issue is None or viewer.supervises:
        raise web.HTTPNotFound()
    text = str(form.get("text") or "").strip()[:MAX_REASON]
    if not text:
        return page(request, "message.html", status=400, title="请填写说明", text=texts.EXPLAIN_NEEDS_TEXT)
    await desk.run(
        desk.store.explain_issue, submission.agency_id, submission.year, issue_key(issue),
        submission_id=submission.id, text=text, by=viewer.user_id, now=desk.clock(),
    )
    raise web.HTTPFound(f"/submission/{submission.id}#issue-{issue['number']}")
