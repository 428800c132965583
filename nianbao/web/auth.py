"""Signing in and out: the first time with an invite code (the same codes as ``/start``: a new
browser-only account, then the person gives their name and gets a personal sign-in code), later
with that personal code; anyone bound in chat with a one-time link (``/web`` in the bot,
``nianbao web-login``). Signing out is confirmed on a page that says how to come back.

Signing in (or trying to) in a browser that is already signed in ends that browser's earlier
session first: one browser, one person. Wrong invite codes are throttled per client address
(``throttle.SignInThrottle``), the attempt counted before the code is checked."""

from __future__ import annotations

import asyncio

from aiohttp import web

from ..storage import InviteError
from ..storage.web_access import LoginLinkError, personal_code_shape
from . import texts
from .common import SIGNER_KEY, VIEWER_KEY, desk_of, page, require_viewer, viewer_of
from .desk import Desk
from .throttle import Proxies, SignInThrottle

routes = web.RouteTableDef()

THROTTLE = web.AppKey("sign_in_throttle", SignInThrottle)
PROXIES = web.AppKey("trusted_proxies", Proxies)


def client_address(request: web.Request) -> str:
    """The client's address, seen through the trusted reverse proxies."""
    return request.app[PROXIES].client(request)


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
    ended = await _end_earlier_session(request, desk)
    code = str((await request.post()).get("code") or "").strip()
    if not code:
        return _answer(request, ended, page(request, "signin.html", status=400, problem=texts.EMPTY_CODE, notice=None))
    throttle = request.app[THROTTLE]
    attempt = throttle.reserve(client_address(request))
    if attempt.wait:
        problem = texts.TOO_MANY_TRIES.format(seconds=attempt.wait)
        return _answer(request, ended, page(request, "signin.html", status=429, problem=problem, notice=None))
    try:
        user_id = await desk.run(_whose_code, desk, code)
    except InviteError as error:
        pause = throttle.wrong(attempt)
        if pause:
            await asyncio.sleep(pause)
        if error.reason == "unknown" and personal_code_shape(code):
            problem = texts.PERSONAL_CODE_UNKNOWN
        else:
            problem = texts.INVITE_ERRORS.get(error.reason, texts.INVITE_ERRORS["unknown"])
        return _answer(request, ended, page(request, "signin.html", status=400, problem=problem, notice=None))
    throttle.right(attempt)
    return await _signed_in(request, desk, user_id)


def _whose_code(desk: Desk, code: str) -> int:
    """The person a typed code signs in: the owner of a personal code, or a new browser-only
    account bound by an invite code (named on the next page); InviteError otherwise."""
    owner = desk.store.personal_code_user(code)
    if owner is not None:
        return owner
    return desk.store.redeem_for_new_account(code, now=desk.clock())


async def _end_earlier_session(request: web.Request, desk: Desk) -> bool:
    """A sign-in in a browser that holds a session ends that session (and the page that answers
    shows nobody signed in); True when there was a cookie to clear."""
    session_id = request.app[SIGNER_KEY].session_id(request)
    if session_id is None:
        return False
    await desk.run(desk.store.end_web_session, session_id, now=desk.clock())
    request[VIEWER_KEY] = None
    return True


def _answer(request: web.Request, ended: bool, response: web.Response) -> web.Response:
    if ended:
        request.app[SIGNER_KEY].clear_session(response)
    return response


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
    ended = await _end_earlier_session(request, desk)
    try:
        user_id = await desk.run(desk.store.use_login_link, request.match_info["token"], now=desk.clock())
    except LoginLinkError as error:
        return _answer(request, ended, _link_refused(request, error))
    return await _signed_in(request, desk, user_id)


def _link_refused(request: web.Request, error: LoginLinkError) -> web.Response:
    text = texts.LINK_ERRORS[error.reason] + texts.LINK_AGAIN
    return page(request, "message.html", status=410, title="无法登录", text=text)


async def _signed_in(request: web.Request, desk: Desk, user_id: int) -> web.StreamResponse:
    role, _ = await desk.run(desk.role_of, user_id)
    if role is None:
        response = page(request, "message.html", status=403, title="无法登录", text=texts.NOT_A_MEMBER)
        request.app[SIGNER_KEY].clear_session(response)
        return response
    expires = desk.session_end(role)
    session_id = await desk.run(desk.store.start_web_session, user_id, expires, now=desk.clock())
    response = web.HTTPFound("/")
    max_age = int((expires - desk.clock()).total_seconds())
    request.app[SIGNER_KEY].set_session(response, session_id, max_age)
    raise response


@routes.get("/signout")
async def sign_out_page(request: web.Request) -> web.StreamResponse:
    """Before signing out: how this person comes back (their personal code, or how to get one)."""
    viewer = require_viewer(request)
    desk = desk_of(request)
    codes = await desk.run(desk.store.personal_codes, [viewer.user_id])
    return page(request, "signout.html", code=codes.get(viewer.user_id), tz=desk.config.tz, chat_member=viewer.user_id > 0)


@routes.post("/signout")
async def sign_out(request: web.Request) -> web.StreamResponse:
    await _end_earlier_session(request, desk_of(request))
    response = web.HTTPFound("/signin?bye=1")
    request.app[SIGNER_KEY].clear_session(response)
    raise response
