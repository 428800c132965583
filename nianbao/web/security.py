"""Signed, expiring session cookies and CSRF tokens.

The session cookie carries a random session id signed with itsdangerous (a forged or altered
cookie is ignored); the id names a row in ``web_sessions`` that expires and that signing out
ends. Every form carries a CSRF token: the HMAC of a random per-browser cookie, so a page of
another site can neither read nor forge it (double submit, signed)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Awaitable, Callable

from aiohttp import web
from itsdangerous import BadSignature, URLSafeTimedSerializer

SESSION_COOKIE = "nianbao_session"
CSRF_COOKIE = "nianbao_csrf"
CSRF_FIELD = "csrf"
MAX_COOKIE_AGE = 400 * 24 * 3600  # the database's expiry is the real limit
CSRF_SEED = web.RequestKey("csrf_seed", str)  # this browser's CSRF cookie (new if it had none)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class Signer:
    def __init__(self, secret: str, secure: bool = False) -> None:
        self.secret = secret.encode("utf-8")
        self.secure = secure
        self.sessions = URLSafeTimedSerializer(secret, salt="nianbao-web-session")

    def session_id(self, request: web.Request) -> str | None:
        cookie = request.cookies.get(SESSION_COOKIE)
        if not cookie:
            return None
        try:
            return self.sessions.loads(cookie, max_age=MAX_COOKIE_AGE)
        except BadSignature:
            return None

    def set_session(self, response: web.StreamResponse, session_id: str, max_age: int) -> None:
        response.set_cookie(
            SESSION_COOKIE, self.sessions.dumps(session_id), max_age=max_age,
            httponly=True, samesite="Lax", secure=self.secure, path="/",
        )

    def clear_session(self, response: web.StreamResponse) -> None:
        response.del_cookie(SESSION_COOKIE, path="/")

    def csrf_token(self, request: web.Request) -> str:
        """The token for this browser's forms (its cookie is set by the middleware)."""
        return self._mac(request[CSRF_SEED])

    def csrf_valid(self, request: web.Request, token: str | None) -> bool:
        seed = request.cookies.get(CSRF_COOKIE)
        return bool(seed and token) and hmac.compare_digest(self._mac(seed), token)

    def _mac(self, seed: str) -> str:
        return hmac.new(self.secret, f"csrf:{seed}".encode(), hashlib.sha256).hexdigest()


def csrf_middleware(signer: Signer, refused: Callable[[web.Request], web.StreamResponse]):
    """Every POST must carry its form's token; every response makes sure the browser has a seed."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        seed = request.cookies.get(CSRF_COOKIE)
        request[CSRF_SEED] = seed or secrets.token_urlsafe(24)
        if request.method == "POST":
            form = await request.post()
            token = form.get(CSRF_FIELD) or request.headers.get("X-CSRF-Token")
            if not signer.csrf_valid(request, token if isinstance(token, str) else None):
                return refused(request)
        try:
            response = await handler(request)
        except web.HTTPException as exc:  # redirects and refusals get the seed too
            if seed is None:
                _set_seed(exc, request, signer)
            raise
        if seed is None:
            _set_seed(response, request, signer)
        return response

    return middleware


def _set_seed(response: web.StreamResponse, request: web.Request, signer: Signer) -> None:
    response.set_cookie(CSRF_COOKIE, request[CSRF_SEED], httponly=True, samesite="Lax", secure=signer.secure, path="/")
