"""WecomEmulator: WeCom's server API on 127.0.0.1, with WeCom's rules.

- ``/cgi-bin/gettoken?corpid&corpsecret``: an access token valid ``token_seconds`` (7200); the
  wrong secret is 40001.
- every other method: no token 41001, an unknown one 40014, an expired one 42001;
- ``message/send``: text (``content`` at most 2048 bytes, else 45002 here: WeCom would cut it),
  file and image by media_id; at most 30 messages to one person a minute (45009);
- ``media/upload?type=file|image`` (multipart ``media``): 20 MB for a file, 10 MB for an image,
  at least 5 bytes; ``media/get?media_id``: the bytes with their name, 40007 for an unknown id;
- ``menu/create?agentid``: at most 3 buttons of at most 5, names within 16 and 40 bytes.

``expire_tokens()`` makes every token given so far expired; ``inject(method, errcode, times)``
answers the next calls of a method with an error code (-1: busy; "http500": a 5xx)."""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import secrets
import time
from collections import deque
from dataclasses import dataclass

from aiohttp import web

from .people import People

MB = 1024 * 1024
TEXT_LIMIT = 2048
PER_PERSON = 30  # messages to one person per minute


@dataclass(frozen=True)
class Sent:
    """What the app sent one person."""

    user: str
    msgtype: str  # text, file, image
    text: str | None = None
    data: bytes | None = None
    filename: str | None = None

    @property
    def is_file(self) -> bool:
        return self.msgtype in ("file", "image")


def _error(errcode: int, errmsg: str) -> web.Response:
    return web.json_response({"errcode": errcode, "errmsg": errmsg})


class WecomEmulator(People):
    def __init__(
        self,
        *,
        corp_id: str = "ww5e1d0c0ffee00001",
        agent_id: str = "1000002",
        secret: str | None = None,
        token: str | None = None,
        aes_key: str | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        token_seconds: int = 7200,
        max_file_bytes: int = 20 * MB,
        max_image_bytes: int = 10 * MB,
    ) -> None:
        super().__init__(corp_id, token or secrets.token_urlsafe(24), aes_key or base64.b64encode(secrets.token_bytes(32)).decode()[:43])
        self.agent_id, self.secret = agent_id, secret or secrets.token_urlsafe(32)
        self.host, self._requested_port, self.token_seconds = host, port, token_seconds
        self.max_file_bytes, self.max_image_bytes = max_file_bytes, max_image_bytes
        self.tokens: dict[str, float] = {}  # access token -> expiry (monotonic)
        self.token_requests = 0
        self.media: dict[str, tuple[str, bytes]] = {}
        self.menu: dict | None = None
        self.sent: dict[str, list[Sent]] = {}
        self.refused: list[tuple[str, int]] = []  # (method, errcode) answered
        self._rate: dict[str, deque[float]] = {}
        self._faults: dict[str, deque[int | str]] = {}
        self._changed = asyncio.Condition()
        self._media_ids = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.port: int | None = None

    # ------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        app = web.Application(client_max_size=self.max_file_bytes + MB)
        app.router.add_get("/cgi-bin/gettoken", self._gettoken)
        app.router.add_post("/cgi-bin/message/send", self._send)
        app.router.add_post("/cgi-bin/media/upload", self._upload)
        app.router.add_get("/cgi-bin/media/get", self._get_media)
        app.router.add_post("/cgi-bin/menu/create", self._menu)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self._requested_port)
        await site.start()
        self.port = self._runner.addresses[0][1]
        await super().start()

    async def stop(self) -> None:
        await super().stop()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> "WecomEmulator":
        await self.start()
        return self

    async def __aexit__(self, *exc) -> None:
        await self.stop()

    @property
    def api_base(self) -> str:
        """For NIANBAO_WECOM_API_BASE."""
        return f"http://{self.host}:{self.port}"

    def environment(self) -> dict[str, str]:
        """The NIANBAO_WECOM_* settings that point the face at this server."""
        return {
            "NIANBAO_WECOM_CORP_ID": self.corp_id, "NIANBAO_WECOM_AGENT_ID": self.agent_id,
            "NIANBAO_WECOM_SECRET": self.secret, "NIANBAO_WECOM_TOKEN": self.token,
            "NIANBAO_WECOM_AES_KEY": self.aes_key, "NIANBAO_WECOM_API_BASE": self.api_base,
        }

    # ------------------------------------------------------------ faults

    def expire_tokens(self) -> None:
        """Every access token given so far expires now (the next call with one gets 42001)."""
        for token in self.tokens:
            self.tokens[token] = 0.0

    def inject(self, method: str, errcode: int | str = -1, times: int = 1) -> None:
        """The next ``times`` calls of ``method`` ("message/send", "gettoken"…) answer ``errcode``."""
        self._faults.setdefault(method, deque()).extend([errcode] * times)

    def _fault(self, method: str) -> web.Response | None:
        queue = self._faults.get(method)
        if not queue:
            return None
        errcode = queue.popleft()
        self.refused.append((method, -500 if errcode == "http500" else int(errcode)))
        if errcode == "http500":
            return web.Response(status=500, text="injected")
        return _error(int(errcode), "injected fault")

    def _token_problem(self, request: web.Request, method: str) -> web.Response | None:
        fault = self._fault(method)
        if fault is not None:
            return fault
        token = request.query.get("access_token")
        if not token:
            return self._refuse(method, 41001, "access_token missing")
        expires = self.tokens.get(token)
        if expires is None:
            return self._refuse(method, 40014, "invalid access_token")
        if time.monotonic() >= expires:
            return self._refuse(method, 42001, "access_token expired")
        return None

    def _refuse(self, method: str, errcode: int, errmsg: str) -> web.Response:
        self.refused.append((method, errcode))
        return _error(errcode, errmsg)

    # ------------------------------------------------------------ the API

    async def _gettoken(self, request: web.Request) -> web.Response:
        self.token_requests += 1
        fault = self._fault("gettoken")
        if fault is not None:
            return fault
        if request.query.get("corpid") != self.corp_id or request.query.get("corpsecret") != self.secret:
            return self._refuse("gettoken", 40001, "invalid credential")
        token = secrets.token_urlsafe(48)
        self.tokens[token] = time.monotonic() + self.token_seconds
        return web.json_response({"errcode": 0, "errmsg": "ok", "access_token": token, "expires_in": self.token_seconds})

    async def _send(self, request: web.Request) -> web.Response:
        problem = self._token_problem(request, "message/send")
        if problem is not None:
            return problem
        try:
            body = json.loads(await request.read())
        except ValueError:
            return self._refuse("message/send", 47001, "data format error")
        user, msgtype = str(body.get("touser", "")), body.get("msgtype")
        if str(body.get("agentid")) != self.agent_id:
            return self._refuse("message/send", 40056, "invalid agentid")
        if not user or "|" in user or user == "@all":
            return self._refuse("message/send", 40003, "invalid userid")
        if user not in self.people:
            return web.json_response({"errcode": 0, "errmsg": "ok", "invaliduser": user})
        sent = self._message(user, msgtype, body.get(msgtype) or {})
        if isinstance(sent, web.Response):
            return sent
        window = self._rate.setdefault(user, deque())
        now = time.monotonic()
        while window and now - window[0] >= 60:
            window.popleft()
        if len(window) >= PER_PERSON:
            return self._refuse("message/send", 45009, "api freq out of limit")
        window.append(now)
        async with self._changed:
            self.sent.setdefault(user, []).append(sent)
            self._changed.notify_all()
        return web.json_response({"errcode": 0, "errmsg": "ok", "invaliduser": "", "msgid": secrets.token_hex(8)})

    def _message(self, user: str, msgtype: str, content: dict) -> Sent | web.Response:
        if msgtype == "text":
            text = content.get("content")
            if not isinstance(text, str) or not text:
                return self._refuse("message/send", 44004, "empty content")
            if len(text.encode("utf-8")) > TEXT_LIMIT:
                return self._refuse("message/send", 45002, "content size out of limit")
            return Sent(user, "text", text=text)
        if msgtype in ("file", "image"):
            stored = self.media.get(str(content.get("media_id", "")))
            if stored is None:
                return self._refuse("message/send", 40007, "invalid media_id")
            return Sent(user, msgtype, data=stored[1], filename=stored[0])
        return self._refuse("message/send", 40008, "invalid message type")

    async def _upload(self, request: web.Request) -> web.Response:
        problem = self._token_problem(request, "media/upload")
        if problem is not None:
            return problem
        kind = request.query.get("type")
        limit = {"file": self.max_file_bytes, "image": self.max_image_bytes}.get(kind)
        if limit is None:
            return self._refuse("media/upload", 40004, "invalid media type")
        form = await request.post()
        field = form.get("media")
        if not isinstance(field, web.FileField):
            return self._refuse("media/upload", 41005, "media data missing")
        data = field.file.read()
        if len(data) < 5:
            return self._refuse("media/upload", 40005, "invalid file type or size")
        if len(data) > limit:
            return self._refuse("media/upload", 40006, "invalid file size")
        media_id = self.store_media(field.filename or "file", data)
        return web.json_response({"errcode": 0, "errmsg": "ok", "type": kind, "media_id": media_id, "created_at": str(int(time.time()))})

    def store_media(self, filename: str, data: bytes) -> str:
        media_id = f"3{next(self._media_ids):06d}_{secrets.token_urlsafe(24)}"
        self.media[media_id] = (filename, data)
        return media_id

    async def _get_media(self, request: web.Request) -> web.Response:
        problem = self._token_problem(request, "media/get")
        if problem is not None:
            return problem
        stored = self.media.get(request.query.get("media_id", ""))
        if stored is None:
            return self._refuse("media/get", 40007, "invalid media_id")
        name, data = stored
        headers = {"Content-Disposition": f'attachment; filename="{name.encode("utf-8").decode("latin-1")}"'}
        return web.Response(body=data, content_type="application/octet-stream", headers=headers)

    async def _menu(self, request: web.Request) -> web.Response:
        problem = self._token_problem(request, "menu/create")
        if problem is not None:
            return problem
        if request.query.get("agentid") != self.agent_id:
            return self._refuse("menu/create", 40056, "invalid agentid")
        menu = json.loads(await request.read())
        buttons = menu.get("button", [])
        if not 1 <= len(buttons) <= 3 or any(len(b.get("sub_button", [])) > 5 for b in buttons):
            return self._refuse("menu/create", 40017, "invalid button size")
        names = [(b["name"], 16) for b in buttons] + [(s["name"], 40) for b in buttons for s in b.get("sub_button", [])]
        if any(not name or len(name.encode("utf-8")) > most for name, most in names):
            return self._refuse("menu/create", 40018, "invalid button name size")
        self.menu = menu
        return web.json_response({"errcode": 0, "errmsg": "ok"})

    # ------------------------------------------------------------ what people got

    def sent_to(self, user: str) -> list[Sent]:
        return list(self.sent.get(user, []))

    def message_count(self, user: str) -> int:
        return len(self.sent.get(user, []))

    async def wait_for(self, user: str, count: int, *, since: int = 0, timeout: float = 30) -> list[Sent]:
        """The next ``count`` messages ``user`` got after the first ``since``, waiting for them."""
        async def enough() -> None:
            async with self._changed:
                await self._changed.wait_for(lambda: self.message_count(user) >= since + count)

        await asyncio.wait_for(enough(), timeout)
        return self.sent_to(user)[since : since + count]
