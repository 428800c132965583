"""Signing in and out: staff with their agency's invite code (the same codes as ``/start``),
anyone bound in chat with a one-time link (``/web`` in the bot, ``nianbao web-login``)."""

from __future__ import annotations

import math
import time
from collections import defaultdict, deque

from aiohttp import web

from ..storage import InviteError
from ..storage.web_access import LoginLinkError
from . import texts
from .common import SIGNER_KEY, desk_of, page, viewer_of
from .desk import Desk

routes = web.RouteTableDef()
WRONG_CODES_ALLOWED = 10  # wrong invite codes per address per ten minutes, then a pause
WRONG_CODE_WINDOW = 600.0


class WrongCodes:
    """Wrong invite codes per address: guessing is slowed down, people who type right are not."""

    def __init__(self, limit: int = WRONG_CODES_ALLOWED, window: float = WRONG_CODE_WINDOW) -> None:
        self.limit, self.window = limit, window
        self.times: dict[str, deque[float]] = defaultdict(deque)

    def wait_needed(self, address: str) -> int:
        now, times = time.monotonic(), self.times[address]
        while times and times[0] <= now - self.window:
            times.popleft()
        return max(1, math.ceil(times[0] + self.window - now)) if len(times) >= self.limit else 0

    def record(self, address: str) -> None:
        self.times[address].append(time.monotonic())


WRONG_CODES = web.AppKey("wrong_codes", WrongCodes)


@routes.get("/")
async def home(request: web.Request) -> web.StreamResponse:
    viewer = viewer_of(request)
    if viewer is None:
        raise web.HTTPFound("/signin")
    if viewer.supervises:
        raise web.HTTPFound("/overview")
    raise web.HTTPFound(f"/agency/{viewer.agency.id}")


@routes.get("/signin")
async def sign_in_form(request: web.Request) -> web.StreamResponse:
    notice = texts.SIGNED_OUT if request.query.get("bye") else None
    return page(request, "signin.html", problem=None, notice=notice)


@routes.post("/signin")
async def sign_in(request: web.Request) -> web.StreamResponse:
    desk = desk_of(request)
    code = str((await request.post()).get("code") or "").strip()
    if not code:
        return page(request, "signin.html", status=400, problem=texts.EMPTY_CODE, notice=None)
    wrong_codes = request.app[WRONG_CODES]
    wait = wrong_codes.wait_needed(request.remote or "")
    if wait:
        return page(request, "signin.html", status=429, problem=texts.TOO_MANY_TRIES.format(seconds=wait), notice=None)
    try:
        user_id = await desk.run(_redeem, desk, code)
    except InviteError as error:
        wrong_codes.record(request.remote or "")
        problem = texts.INVITE_ERRORS.get(error.reason, texts.INVITE_ERRORS["unknown"])
        return page(request, "signin.html", status=400, problem=problem, notice=None)
    return await _signed_in(request, desk, user_id)


def _redeem(desk: Desk, code: str) -> int:
    """A browser-only account bound by the invite, exactly as ``/start CODE`` binds a chat user."""
    if desk.store.get_invite(code) is None:
        raise InviteError("unknown", code)
    user_id = desk.store.new_web_account(now=desk.clock())
    desk.store.redeem_invite(code, user_id, display_name="网页用户", now=desk.clock())
    return user_id


@routes.get("/login/{token}")
async def login_link(request: web.Request) -> web.StreamResponse:
    """The link only shows a button: opening it (or a link preview fetching it) uses nothing up."""
    desk = desk_of(request)
    try:
        await desk.run(desk.store.check_login_link, request.match_info["token"], now=desk.clock())
    except LoginLinkError as error:
        return _link_refused(request, error)
    return page(request, "login.html")


@routes.post("/login/{token}")
async def use_login_link(request: web.Request) -> web.StreamResponse:
    desk = desk_of(request)
    try:
        user_id = await desk.run(desk.store.use_login_link, request.match_info["token"], now=desk.clock())
    except LoginLinkError as error:
        return _link_refused(request, error)
    return await _signed_in(request, desk, user_id)


def _link_refused(request: web.Request, error: LoginLinkError) -> web.Response:
    text = texts.LINK_ERRORS[error.reason] + texts.LINK_AGAIN
    return page(request, "message.html", status=410, title="无法登录", text=text)


async def _signed_in(request: web.Request, desk: Desk, user_id: int) -> web.StreamResponse:
    role, _ = await desk.run(desk.role_of, user_id)
    if role is None:
        return page(request, "message.html", status=403, title="无法登录", text=texts.NOT_A_MEMBER)
    expires = desk.session_end(role)
    session_id = await desk.run(desk.store.start_web_session, user_id, expires, now=desk.clock())
    response = web.HTTPFound("/")
    max_age = int((expires - desk.clock()).total_seconds())
    request.app[SIGNER_KEY].set_session(response, session_id, max_age)
    raise response


@routes.post("/signout")
async def sign_out(request: web.Request) -> web.StreamResponse:
    desk = desk_of(request)
    viewer = viewer_of(request)
    if viewer is not None:
        await desk.run(desk.store.end_web_session, viewer.session_id, now=desk.clock())
    response = web.HTTPFound("/signin?bye=1")
    request.app[SIGNER_KEY].clear_session(response)
    raise response
