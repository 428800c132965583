"""The published copy on the web desk: staff (or a supervisor) give what the agency published — a
saved page, a PDF, a .docx, or its address — and see it compared with the reviewed draft
(``usecases.published``); the agency's page shows the publication state."""

from __future__ import annotations

import datetime as dt

from aiohttp import web

from ..usecases.published import check_published
from .common import agency_of_url, desk_of, page, require_agency, url_id

routes = web.RouteTableDef()


@routes.post("/agency/{agency_id}/published")
async def published(request: web.Request) -> web.StreamResponse:
    viewer = require_agency(request, url_id(request, "agency_id"))
    desk = desk_of(request)
    agency = await agency_of_url(request, viewer)
    form = await request.post()
    upload, url = form.get("copy"), str(form.get("url") or "").strip()
    try:
        published_on = dt.date.fromisoformat(str(form.get("date") or "").strip()) if form.get("date") else None
    except ValueError:
        return page(request, "message.html", status=400, title="日期有误", text="发布日期请写成 2025-01-20 这样的格式。")
    if isinstance(upload, web.FileField) and upload.filename:
        outcome = await check_published(desk.office, viewer.person, agency, upload.file.read(), upload.filename, published_on=published_on)
    elif url:
        outcome = await check_published(desk.office, viewer.person, agency, url=url, published_on=published_on)
    else:
        return page(request, "message.html", status=400, title="请选择发布稿", text="请上传发布的网页（另存的 .html/.mht）、PDF 或 Word 文件，或填写发布的网址。")
    return page(request, "published.html", agency=agency, outcome=outcome)  # the page says what was found, or why not
