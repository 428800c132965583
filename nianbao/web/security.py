"""Signed, expiring session cookies and CSRF tokens; what a request may send (how much, how
slowly); and what of a request may be written to a log.

The session cookie carries a random session id signed with itsdangerous (a forged or altered
cookie is ignored); the id names a row in ``web_sessions`` that expires and that signing out
ends. Every form carries a CSRF token: the HMAC of a random per-browser cookie, so a page of
another site can neither read nor forge it (double submit, signed).

A body is read once, before any page sees it (``body_middleware``): a visitor who is not signed
in may send only a small one (the sign-in forms), and every body must arrive within a time, so
neither a large nor a slow body from a stranger holds memory or a connection."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import re
import secrets
from dataclasses import dataclass
from typing import Awaitable, Callable

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger
from itsdangerous import BadSignature, URLSafeTimedSerializer

log = logging.getLogger(__name__)

SESSION_COOKIE = "nianbao_session"
CSRF_COOKIE = "nianbao_csrf"
CSRF_FIELD = "csrf"
MAX_COOKIE_AGE = 400 * 24 * 3600  # the database's expiry is the real limit
CSRF_SEED = web.RequestKey("csrf_seed", str)  # this browser's CSRF cookie (new if it had none)
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})

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
    """Every POST must carry its form's token; every response makes sure the browser has a seed.
    The body was read (bounded) by ``body_middleware``: ``post()`` here only looks at it."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        seed = request.cookies.get(CSRF_COOKIE)
        request[CSRF_SEED] = seed or secrets.token_urlsafe(24)
        if request.method == "POST" and request.match_info.http_exception is None:
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


@dataclass(frozen=True)
class Limits:
    """How much and how slowly a visitor may send.

    ``head_seconds`` bounds the request head: aiohttp closes a connection that has not sent a
    whole head this long after it opened or after its previous answer (its keep-alive timer,
    which is also how long an idle connection is kept). A body must arrive within
    ``small_body_seconds`` from a visitor not signed in; a signed-in person's upload within
    ``upload_seconds`` plus its length at ``upload_bytes_per_second`` (a slow county line).
    After a refusal, what is still coming is read and dropped for ``lingering_seconds`` (so the
    browser gets the page, not a reset), then the connection is closed."""

    anonymous_body_bytes: int = 64 * 1024  # the sign-in forms are a few hundred bytes
    head_seconds: float = 20.0
    small_body_seconds: float = 10.0
    upload_seconds: float = 30.0
    upload_bytes_per_second: float = 16 * 1024
    lingering_seconds: float = 5.0
    max_line_bytes: int = 8190  # the request line (aiohttp's default, said here)
    max_field_bytes: int = 8190  # one header
    max_headers: int = 64

    def body_seconds(self, signed_in: bool, length: int) -> float:
        if not signed_in:
            return self.small_body_seconds
        return self.upload_seconds + length / self.upload_bytes_per_second

    def handler_args(self) -> dict:
        """The server's options (aiohttp's ``handler_args``: they hold whichever runner serves
        the app, ``start_desk``'s or a test server's)."""
        return {
            "keepalive_timeout": self.head_seconds,
            "lingering_time": self.lingering_seconds,
            "max_line_size": self.max_line_bytes,
            "max_field_size": self.max_field_bytes,
            "max_headers": self.max_headers,
            "auto_decompress": False,  # browsers never compress a form; no inflating strangers' bodies
            "access_log_class": RedactedAccessLogger,
        }


BodyRefusal = Callable[[web.Request, int], web.StreamResponse]


def body_middleware(limits: Limits, signed_in: Callable[[web.Request], bool], refused: BodyRefusal):
    """Read the body of a POST once, before anything looks at it: small unless the visitor is
    signed in (refused by its announced length before a byte is read, or as soon as it grows
    past the limit), within its time (408), and readable as a form (400, one log line)."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.method not in BODY_METHODS or request.match_info.http_exception is not None:
            return await handler(request)  # no body to read (a 404 or 405 reads none either)
        known = signed_in(request)
        limit = request.client_max_size if known else min(limits.anonymous_body_bytes, request.client_max_size)
        length = request.content_length
        if length is not None and length > limit:
            return _closing(refused(request, 413))
        if limit != request.client_max_size:
            request = request.clone(client_max_size=limit)
        try:
            async with asyncio.timeout(limits.body_seconds(known, length if length is not None else limit)):
                await request.post()
        except TimeoutError:
            log.warning("web desk: a body too slow on %s %s", request.method, loggable_path(request.path))
            return _closing(refused(request, 408))
        except web.HTTPRequestEntityTooLarge:
            return _closing(refused(request, 413))
        except (ValueError, LookupError, web.RequestPayloadError) as error:  # UnicodeDecodeError is a ValueError
            log.warning(
                "web desk: an unreadable form on %s %s (%s)", request.method, loggable_path(request.path), type(error).__name__
            )
            if isinstance(error, web.RequestPayloadError):
                request.content.feed_eof()  # nothing more can be read: no lingering over a broken body
            return _closing(refused(request, 400))
        return await handler(request)

    return middleware


def _closing(response: web.StreamResponse) -> web.StreamResponse:
    response.force_close()  # the rest of that body is not for another request
    return response


ASCII_ID = re.compile(r"[0-9]{1,12}")


def ascii_id(text: str) -> int | None:
    """An id of a URL: 1 to 12 ASCII digits (``str.isdigit`` and ``int`` also take '١', '１'
    and '²'), else None."""
    return int(text) if ASCII_ID.fullmatch(text) else None


SECRET_PATHS = re.compile(r"/login/[^/?#]*")


def loggable_path(path: str) -> str:
    """A path as a log may keep it: a one-time sign-in token is a password until it is used."""
    return SECRET_PATHS.sub("/login/…", path)


class RedactedAccessLogger(AbstractAccessLogger):
    """aiohttp's access log (when a runner turns it on), without tokens or query strings."""

    @property
    def enabled(self) -> bool:
        return self.logger.isEnabledFor(logging.INFO)

    def log(self, request, response, time: float) -> None:
        self.logger.info(
            '%s "%s %s" %s %.3fs', request.remote, request.method, loggable_path(request.path), response.status, time
        )
