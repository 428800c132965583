"""Staff upload a draft (a file, or the text pasted) through the same draft pipeline and worker
pool as chat: journalled first, counted against the sender's rate limit, checked in a worker,
recorded; a hostile file is refused exactly as in chat. The answer is the draft's page."""

from __future__ import annotations

from aiohttp import web

from ..usecases.intake import looks_like_report, take_in, too_large
from ..usecases.people import Action
from . import texts
from .agency_pages import render_agency
from .common import desk_of, page, plain, require_agency, url_id

routes = web.RouteTableDef()

PASTED_NAME = "粘贴的文本"


@routes.post("/agency/{agency_id}/upload")
async def upload(request: web.Request) -> web.StreamResponse:
    viewer = require_agency(request, url_id(request, "agency_id"))
    if not viewer.may(Action.SEND_DRAFT, viewer.agency.id if viewer.agency else None):
        raise web.HTTPNotFound()  # a supervisor's draft is checked in chat without being recorded
    desk = desk_of(request)
    form = await request.post()
    draft, pasted = form.get("draft"), str(form.get("text") or "").strip()
    agency_id = viewer.agency.id
    if isinstance(draft, web.FileField) and draft.filename:
        data, name = draft.file.read(), draft.filename
    elif pasted:
        if not looks_like_report(pasted):  # the form again, the text kept, saying what is missing
            return await render_agency(request, desk, agency_id, may_upload=True, problem=texts.PASTE_TOO_SHORT, pasted=pasted, status=400)
        data, name = pasted.encode("utf-8"), PASTED_NAME
    else:
        return await render_agency(request, desk, agency_id, may_upload=True, problem=texts.NOTHING_UPLOADED, status=400)
    if not data:
        return await render_agency(request, desk, agency_id, may_upload=True, problem=texts.EMPTY_FILE, status=400)
    refusal = too_large(desk.office, len(data))
    if refusal:
        return _refused(request, plain(refusal), status=413)
    intake = await take_in(desk.office, desk.pipeline, viewer.person, name, data)
    if intake.submission_id is None:  # refused before a check: size, quota, the rate limit, the storage failing
        return _refused(request, plain(intake.refusal), status=429)
    raise web.HTTPFound(f"/submission/{intake.submission_id}")


def _refused(request: web.Request, text: str, status: int = 400) -> web.Response:
    return page(request, "message.html", status=status, title="未能提交", text=text)
