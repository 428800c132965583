"""The WeCom server API, asynchronously (aiohttp): the access token (``gettoken``) cached for its
lifetime and fetched again when WeCom says it expired (40014, 42001, 41001) — the call that found
out is made again with the new one, so no message is lost; ``message/send`` within WeCom's limit
per person (30 a minute); ``media/upload`` and ``media/get`` with size limits; the app menu.

A busy server (-1, 45009, 45033), a 5xx or a network error is retried with backoff; then
``Unreachable``. Any other refusal is a ``WecomError`` with its errcode. No URL is logged: the
access token and the secret are in them."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import deque
from typing import Any, Awaitable, Callable

import aiohttp

from .settings import WecomSettings
from .texts import LOG_API_ERROR, LOG_UNTRUSTED_IP

log = logging.getLogger("nianbao.wecom")

TOKEN_EXPIRED = frozenset({40014, 42001, 41001})  # invalid, expired, missing access token
BUSY = frozenset({-1, 45009, 45033, 45011})  # system busy, frequency and concurrency limits
RECIPIENT_GONE = frozenset({81013, 60111, 40003, 60103})  # not in the app's visible range, no such user
UNTRUSTED_IP = 60020
ATTEMPTS = 5
FIRST_BACKOFF = 0.5
MAX_BACKOFF = 30.0
TOKEN_MARGIN = 300.0  # seconds before its expiry that a token is fetched again
PER_PERSON = (30, 60.0)  # messages to one person, per so many seconds (WeCom drops the rest)
TIMEOUT = aiohttp.ClientTimeout(total=60, connect=10)


class WecomError(Exception):
    def __init__(self, method: str, errcode: int, errmsg: str = "") -> None:
        super().__init__(f"{method}: {errcode} {errmsg}")
        self.method, self.errcode, self.errmsg = method, errcode, errmsg


class Unreachable(Exception):
    """Every attempt failed (network, 5xx, a busy server): try again later."""


class TooLarge(Exception):
    def __init__(self, size: int) -> None:
        super().__init__(f"{size} bytes")
        self.size = size


class WecomApi:
    def __init__(
        self,
        settings: WecomSettings,
        *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        monotonic: Callable[[], float] = time.monotonic,
        attempts: int = ATTEMPTS,
    ) -> None:
        self.settings = settings
        self.base = settings.api_base.rstrip("/") + "/cgi-bin"
        self._sleep, self._monotonic, self.attempts = sleep, monotonic, attempts
        self._token: str | None = None
        self._expires = 0.0
        self._token_lock = asyncio.Lock()
        self._sent: dict[str, deque[float]] = {}
        self._session: aiohttp.ClientSession | None = None
        self.calls = 0  # requests made (the doctor and the tests read it)

    async def start(self) -> None:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=TIMEOUT)

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    # ------------------------------------------------------------ the access token

    async def token(self) -> str:
        async with self._token_lock:
            if self._token is None or self._monotonic() >= self._expires:
                body = await self._with_retries("gettoken", lambda: self._get_json(
                    "gettoken", {"corpid": self.settings.corp_id, "corpsecret": self.settings.secret}))
                if body.get("errcode", 0) != 0 or not body.get("access_token"):
                    raise self._error("gettoken", body)
                self._token = body["access_token"]
                lifetime = float(body.get("expires_in", 7200))
                self._expires = self._monotonic() + max(lifetime - TOKEN_MARGIN, lifetime / 2)
            return self._token

    def _forget(self, token: str) -> None:
        if self._token == token:  # not one fetched meanwhile by another call
            self._token = None

    # ------------------------------------------------------------ calls

    async def call(self, method: str, *, params: dict | None = None, body: dict | None = None, form=None) -> dict:
        """``method`` with the access token; a token WeCom calls expired is renewed and the call
        made again (twice at most). ``form``: a function making a fresh aiohttp FormData."""
        for _ in range(3):
            token = await self.token()
            query = {"access_token": token, **(params or {})}
            if form is not None:
                answer = await self._with_retries(method, lambda: self._post(method, query, data=form()))
            elif body is not None:
                answer = await self._with_retries(method, lambda: self._post(method, query, json_body=body))
            else:
                answer = await self._with_retries(method, lambda: self._get_json(method, query))
            errcode = answer.get("errcode", 0)
            if errcode in TOKEN_EXPIRED:
                log.info("the WeCom access token expired (%s); fetching a new one", errcode)
                self._forget(token)
                continue
            if errcode != 0:
                raise self._error(method, answer)
            return answer
        raise Unreachable(f"{method}: the access token kept expiring")

    async def _with_retries(self, method: str, request: Callable[[], Awaitable[dict]]) -> dict:
        delay = FIRST_BACKOFF
        for attempt in range(1, self.attempts + 1):
            try:
                answer = await request()
                if answer.get("errcode", 0) not in BUSY:
                    return answer
                reason = f"errcode {answer.get('errcode')}"
            except (aiohttp.ClientError, asyncio.TimeoutError, _ServerError) as error:
                reason = type(error).__name__
            log.info("WeCom %s failed (%s), attempt %d of %d", method, reason, attempt, self.attempts)
            if attempt < self.attempts:
                await self._sleep(delay)
                delay = min(delay * 2, MAX_BACKOFF)
        raise Unreachable(f"{method}: gave up after {self.attempts} attempts")

    def _url(self, method: str) -> str:
        return f"{self.base}/{method}"

    async def _get_json(self, method: str, query: dict) -> dict:
        await self.start()
        self.calls += 1
        async with self._session.get(self._url(method), params=query) as response:
            return await _json(response)

    async def _post(self, method: str, query: dict, *, json_body: dict | None = None, data=None) -> dict:
        await self.start()
        self.calls += 1
        payload = json.dumps(json_body, ensure_ascii=False).encode("utf-8") if json_body is not None else None
        headers = {"Content-Type": "application/json; charset=utf-8"} if payload is not None else None
        async with self._session.post(self._url(method), params=query, data=payload if payload is not None else data, headers=headers) as response:
            return await _json(response)

    def _error(self, method: str, answer: dict) -> WecomError:
        errcode, errmsg = int(answer.get("errcode", -2)), str(answer.get("errmsg", ""))[:200]
        if errcode == UNTRUSTED_IP:
            log.error(LOG_UNTRUSTED_IP)
        else:
            log.warning(LOG_API_ERROR, method, errcode, errmsg, method, errcode, errmsg)
        return WecomError(method, errcode, errmsg)

    # ------------------------------------------------------------ what the face uses

    async def send(self, user: str, msgtype: str, content: dict[str, Any]) -> None:
        """One message to one person (``text``: {"content"}, ``file``/``image``: {"media_id"})."""
        await self._room_for(user)
        body = {"touser": user, "msgtype": msgtype, "agentid": self.settings.agent, msgtype: content, "safe": 0}
        answer = await self.call("message/send", body=body)
        if answer.get("invaliduser"):
            raise WecomError("message/send", 81013, "invaliduser")

    async def _room_for(self, user: str) -> None:
        """Wait while ``user`` has had WeCom's most messages in the last minute."""
        most, window = PER_PERSON
        sent = self._sent.setdefault(user, deque())
        while True:
            now = self._monotonic()
            while sent and now - sent[0] >= window:
                sent.popleft()
            if len(sent) < most:
                sent.append(now)
                return
            await self._sleep(window - (now - sent[0]) + 0.05)

    async def upload(self, kind: str, filename: str, data: bytes) -> str:
        """A temporary media (three days) for a file or image message; its media_id."""

        def form() -> aiohttp.FormData:
            fields = aiohttp.FormData(quote_fields=False)  # the name in UTF-8, as WeCom reads it
            fields.add_field("media", data, filename=filename, content_type="application/octet-stream")
            return fields

        answer = await self.call("media/upload", params={"type": kind}, form=form)
        return str(answer["media_id"])

    async def download(self, media_id: str, limit: int) -> bytes:
        """A file someone sent, refused past ``limit`` bytes before and while it is read."""
        for _ in range(3):
            token = await self.token()
            query = {"access_token": token, "media_id": media_id}
            result = await self._with_retries("media/get", lambda: self._get_media(query, limit))
            if "data" in result:
                return result["data"]
            if result.get("errcode") in TOKEN_EXPIRED:
                self._forget(token)
                continue
            raise self._error("media/get", result)
        raise Unreachable("media/get: the access token kept expiring")

    async def _get_media(self, query: dict, limit: int) -> dict:
        await self.start()
        self.calls += 1
        async with self._session.get(self._url("media/get"), params=query) as response:
            kind = response.headers.get("Content-Type", "")
            if "json" in kind or kind.startswith("text/plain"):
                return await _json(response)
            if response.status >= 500:
                raise _ServerError(response.status)
            if response.content_length is not None and response.content_length > limit:
                raise TooLarge(response.content_length)
            data = bytearray()
            async for chunk in response.content.iter_chunked(64 * 1024):
                data += chunk
                if len(data) > limit:
                    raise TooLarge(len(data))
            return {"data": bytes(data)}

    async def create_menu(self, menu: dict) -> None:
        await self.call("menu/create", params={"agentid": self.settings.agent_id}, body=menu)


class _ServerError(Exception):
    pass


async def _json(response: aiohttp.ClientResponse) -> dict:
    if response.status >= 500:
        raise _ServerError(response.status)
    text = await response.text(encoding="utf-8", errors="replace")
    try:
        answer = json.loads(text)
    except ValueError:
        return {"errcode": -3, "errmsg": f"HTTP {response.status}: not JSON"}
    return answer if isinstance(answer, dict) else {"errcode": -3, "errmsg": "not an object"}
