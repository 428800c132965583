"""Staff upload a draft (a file, or the text pasted) through the same draft pipeline and worker
pool as chat: journalled first, counted against the sender's rate limit, checked in a worker,
recorded; a hostile file is refused exactly as in chat. The answer is the draft's page."""

from __future__ import annotations

import hashlib
import html
import re

from aiohttp import web

from .. import messages as say
from ..drafts import Sender
from . import texts
from .common import desk_of, page, require_agency

routes = web.RouteTableDef()

REPORT_MARKERS = ("政府信息公开", "年度报告", "主动公开", "依申请公开")  # as a paste in chat
MIN_REPORT_CHARS = 200
PASTED_NAME = "粘贴的文本"


def _plain(reply_text: str) -> str:
    """A chat reply (Telegram's HTML subset) as plain text for a page (Jinja escapes it again)."""
    return html.unescape(re.sub(r"<[^>]+>", "", reply_text))


@routes.post("/agency/{agency_id}/upload")
async def upload(request: web.Request) -> web.StreamResponse:
    text = request.match_info["agency_id"]
    agency_id = int(text) if text.isdigit() and len(text) < 12 else -1
    viewer = require_agency(request, agency_id)
    if viewer.supervises:  # a supervisor's draft is checked in chat without being recorded
        raise web.HTTPNotFound()
    desk = desk_of(request)
    form = await request.post()
    draft, pasted = form.get("draft"), str(form.get("text") or "").strip()
    if isinstance(draft, web.FileField) and draft.filename:
        data, name = draft.file.read(), draft.filename[-120:]
    elif pasted:
        if len(pasted) < MIN_REPORT_CHARS or not any(marker in pasted for marker in REPORT_MARKERS):
            return _refused(request, texts.PASTE_TOO_SHORT)
        data, name = pasted.encode("utf-8"), PASTED_NAME
    else:
        return _refused(request, texts.NOTHING_UPLOADED)
    if not data:
        return _refused(request, texts.EMPTY_FILE)
    limit_mb = desk.web.max_upload_mb
    if len(data) > limit_mb * 1024 * 1024:
        return _refused(request, say.FILE_TOO_LARGE.format(size=len(data) / 1024 / 1024, limit=limit_mb), status=413)
    reply = await desk.pipeline.submit_draft(Sender(viewer.user_id, viewer.user_id), viewer.agency, name, data)
    submission_id = await desk.run(desk.store.upload_submission, viewer.user_id, hashlib.sha256(data).hexdigest())
    if submission_id is None:  # refused before a check: the rate limit, or the storage failing
        return _refused(request, "\n".join(_plain(part["text"]) for part in reply if "text" in part), status=429)
    raise web.HTTPFound(f"/submission/{submission_id}")


def _refused(request: web.Request, text: str, status: int = 400) -> web.Response:
    return page(request, "message.html", status=status, title="未能提交", text=text)
