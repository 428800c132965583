"""The web desk's aiohttp application: middlewares (security headers, errors, who is asking, ids,
bounded bodies, CSRF), templates, static assets shipped in the package, and the pages of each
area. The server's own limits (how long a request head may take, header sizes) travel with the
app as aiohttp's ``handler_args``, so every runner that serves it applies them."""

from __future__ import annotations

import logging
from pathlib import Path

import aiohttp_jinja2
import jinja2
from aiohttp import web

from . import acceptance_pages, agency_pages, auth, overview, peers_pages, people_pages, published_pages, uploads
from ..reports.money import figure_text
from .common import DESK_KEY, SIGNER_KEY, VIEWER_KEY, desk_of, refusal, viewer_of
from .desk import Desk, Viewer
from .security import Limits, Signer, ascii_id, body_middleware, csrf_middleware, loggable_path
from .throttle import Proxies, SignInThrottle

log = logging.getLogger(__name__)

HERE = Path(__file__).parent
UPLOAD_OVERHEAD = 256 * 1024  # the multipart envelope and the other form fields
LIMITS = Limits()  # what a visitor may send, and how slowly (tests make them quick)


@web.middleware
async def errors_middleware(request: web.Request, handler) -> web.StreamResponse:
    """Chinese pages for the usual refusals; nothing of a crash is shown to the visitor, and the
    log names the path without a sign-in token."""
    try:
        return await handler(request)
    except web.HTTPNotFound:
        return refusal(request, 404, "找不到页面", "没有这个页面，或者您无权查看。")
    except web.HTTPRequestEntityTooLarge:
        return _body_refused(request, 413)
    except web.HTTPException:
        raise
    except Exception:
        log.exception("web desk: error on %s %s", request.method, loggable_path(request.path))
        return refusal(request, 500, "出错了", "处理您的请求时出错了，请稍后再试；如果一直出错，请联系县政务公开办。")


SECURITY_HEADERS = {
    # pages use only their own stylesheet and images: no script, no frame, no outside address
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",  # a sign-in link in the address bar never travels on
    "Cache-Control": "no-store",
}


@web.middleware
async def headers_middleware(request: web.Request, handler) -> web.StreamResponse:
    """Every answer carries the security headers: pages, and redirects and refusals raised."""
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        _secure(request, exc)
        raise
    _secure(request, response)
    return response


def _secure(request: web.Request, response: web.StreamResponse) -> None:
    for name, value in SECURITY_HEADERS.items():
        if name == "Cache-Control" and request.path.startswith("/static/"):
            continue
        response.headers.setdefault(name, value)


@web.middleware
async def viewer_middleware(request: web.Request, handler) -> web.StreamResponse:
    """Resolve the signed session cookie to the person and their role, for every request."""
    desk = desk_of(request)
    session_id = request.app[SIGNER_KEY].session_id(request)
    if session_id:
        request[VIEWER_KEY] = await desk.run(_viewer, desk, session_id)
    return await handler(request)


def _viewer(desk: Desk, session_id: str) -> Viewer | None:
    session = desk.store.web_session(session_id, now=desk.clock())
    if session is None:
        return None
    return desk.viewer(session.user_id, session_id)  # the one person lookup, with their scope


@web.middleware
async def ids_middleware(request: web.Request, handler) -> web.StreamResponse:
    """Every ``{…_id}`` of a URL is 1 to 12 ASCII digits, or there is no such page: '١٢', '１２'
    and '²' pass ``str.isdigit`` (and the first two ``int``), and must never name a row."""
    if any(name.endswith("_id") and ascii_id(value) is None for name, value in request.match_info.items()):
        raise web.HTTPNotFound()
    return await handler(request)


def _csrf_refused(request: web.Request) -> web.Response:
    return refusal(request, 403, "表单已失效", "这个表单缺少有效的安全校验（可能页面已过期，或来自别的网站）。请返回、刷新页面后重新提交。")


def _body_refused(request: web.Request, status: int) -> web.Response:
    if status == 413 and viewer_of(request) is not None:
        limit = desk_of(request).web.max_upload_mb
        return refusal(request, 413, "文件太大", f"上传的文件超过 {limit:g} MB，请压缩图片或删去附件后再试。")
    if status == 413:
        return refusal(request, 413, "提交的内容太大", "登录前只能提交很短的表单（邀请码）。请返回登录页重新输入；上传报告请先登录。")
    if status == 408:
        return refusal(request, 408, "提交超时", "提交的内容没有在规定时间内传完，请检查网络后重新提交。")
    return refusal(request, 400, "无法读取提交的表单", "提交的表单格式有误，无法读取。请返回、刷新页面后重新提交。")


NAMELESS_PATHS = frozenset({"/welcome", "/signin", "/signout"})  # reached before a name is given


@web.middleware
async def name_first_middleware(request: web.Request, handler) -> web.StreamResponse:
    """A member the desk has no name for gives it first (``/welcome``): the records name who
    uploaded, explained or decided."""
    viewer = viewer_of(request)
    if viewer is not None and viewer.needs_name and request.path not in NAMELESS_PATHS:
        if not request.path.startswith(("/static/", "/login/")):
            raise web.HTTPFound("/welcome")
    return await handler(request)


MACHINE_KEY = web.AppKey("machine_routes", set)


@web.middleware
async def machine_middleware(request: web.Request, handler) -> web.StreamResponse:
    """A route another system calls (a messenger's callback, ``Office.machine_routes``) is no
    page: no session, form token or page headers; its own handler checks every request (a
    signature) and answers in the platform's terms."""
    route = request.match_info.route
    if route in request.app[MACHINE_KEY]:
        return await request.match_info.handler(request)
    return await handler(request)


def create_app(desk: Desk, secret: str, limits: Limits | None = None) -> web.Application:
    limits = limits or LIMITS
    signer = Signer(secret, secure=desk.web.secure_cookies)
    app = web.Application(
        middlewares=[
            machine_middleware, headers_middleware, errors_middleware, viewer_middleware, ids_middleware,
            body_middleware(limits, lambda request: viewer_of(request) is not None, _body_refused),
            csrf_middleware(signer, _csrf_refused), name_first_middleware,
        ],
        client_max_size=int(desk.web.max_upload_mb * 1024 * 1024) + UPLOAD_OVERHEAD,
        handler_args=limits.handler_args(),
    )
    app[DESK_KEY] = desk
    app[SIGNER_KEY] = signer
    app[auth.THROTTLE] = SignInThrottle()
    app[auth.PROXIES] = Proxies(desk.web.trusted_proxies)
    aiohttp_jinja2.setup(
        app,
        loader=jinja2.FileSystemLoader(str(HERE / "templates")),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        filters={"figure": figure_text},  # a table's number as the form shows it: 12, 3.5, 22817.3016
    )
    app.router.add_static("/static", HERE / "static", name="static")
    for area in (auth, overview, agency_pages, acceptance_pages, peers_pages, people_pages, published_pages, uploads):
        app.add_routes(area.routes)
    app[MACHINE_KEY] = {app.router.add_route(r.method, r.path, r.handler) for r in desk.office.machine_routes}
    return app
