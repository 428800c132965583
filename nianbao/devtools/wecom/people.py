"""People writing to the app: each message becomes the callback WeCom would POST to the face's
``/wecom/callback`` — the message XML encrypted for the corp, signed with the token, a fresh
timestamp and nonce — and the face's answer is kept (status, body, how long it took). WeCom
waits 5 seconds for that answer; ``resend`` posts the same callback again, as WeCom does when it
did not get one in time."""

from __future__ import annotations

import itertools
import secrets
import time
from dataclasses import dataclass
from xml.sax.saxutils import escape

import aiohttp

from ...wecom.crypto import Crypto

WECOM_WAIT = 5.0  # seconds WeCom waits for the answer to a callback


@dataclass(frozen=True)
class CallbackResult:
    status: int
    body: str
    seconds: float
    query: dict
    payload: bytes
    msg_id: str = ""


def _cdata(value: str) -> str:
    return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"


class People:
    def __init__(self, corp_id: str, token: str, aes_key: str) -> None:
        self.corp_id, self.token, self.aes_key = corp_id, token, aes_key
        self.crypto = Crypto(token, aes_key, corp_id)
        self.callback_url: str | None = None  # the face's /wecom/callback
        self.people: set[str] = set()  # UserIDs in the app's visible range
        self._msg_ids = itertools.count(7_300_000_000_000_000_001)
        self._client: aiohttp.ClientSession | None = None

    async def start(self) -> None:
        self._client = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=WECOM_WAIT))

    async def stop(self) -> None:
        if self._client is not None:
            await self._client.close()
            self._client = None

    def add_person(self, user: str) -> None:
        self.people.add(user)

    def _xml(self, user: str, msgtype: str, fields: dict[str, str], msg_id: str | None) -> bytes:
        agent_id = getattr(self, "agent_id", "")
        parts = [f"<ToUserName>{_cdata(self.corp_id)}</ToUserName>", f"<FromUserName>{_cdata(user)}</FromUserName>",
                 f"<CreateTime>{int(time.time())}</CreateTime>", f"<MsgType>{_cdata(msgtype)}</MsgType>"]
        parts += [f"<{name}>{_cdata(value)}</{name}>" for name, value in fields.items()]
        if msg_id:
            parts.append(f"<MsgId>{msg_id}</MsgId>")
        parts.append(f"<AgentID>{escape(agent_id)}</AgentID>")
        return ("<xml>" + "".join(parts) + "</xml>").encode("utf-8")

    async def deliver(self, message: bytes, *, msg_id: str = "", forge: bool = False) -> CallbackResult:
        """POST one message to the face as WeCom does (``forge``: with a signature that is not
        the token's)."""
        timestamp, nonce = str(int(time.time())), str(secrets.randbelow(10**10))
        ciphertext, signature = self.crypto.seal(message, timestamp, nonce)
        if forge:
            signature = Crypto(secrets.token_urlsafe(24), self.aes_key, self.corp_id).seal(b"", timestamp, nonce)[1]
        query = {"msg_signature": signature, "timestamp": timestamp, "nonce": nonce}
        agent_id = getattr(self, "agent_id", "")
        payload = (f"<xml><ToUserName>{_cdata(self.corp_id)}</ToUserName><Encrypt>{_cdata(ciphertext)}</Encrypt>"
                   f"<AgentID>{_cdata(agent_id)}</AgentID></xml>").encode("utf-8")
        return await self._post(query, payload, msg_id)

    async def resend(self, result: CallbackResult) -> CallbackResult:
        """The same callback again (WeCom's retry)."""
        return await self._post(result.query, result.payload, result.msg_id)

    async def _post(self, query: dict, payload: bytes, msg_id: str) -> CallbackResult:
        if self.callback_url is None:
            raise RuntimeError("set callback_url to the face's /wecom/callback first")
        started = time.monotonic()
        async with self._client.post(self.callback_url, params=query, data=payload, headers={"Content-Type": "text/xml"}) as response:
            body = await response.text()
        return CallbackResult(response.status, body, time.monotonic() - started, query, payload, msg_id)

    # ------------------------------------------------------------ what a person does

    async def user_sends_text(self, user: str, text: str, *, forge: bool = False, chat_id: str | None = None) -> CallbackResult:
        self.add_person(user)
        msg_id = str(next(self._msg_ids))
        fields = {"Content": text} | ({"ChatId": chat_id} if chat_id else {})
        return await self.deliver(self._xml(user, "text", fields, msg_id), msg_id=msg_id, forge=forge)

    async def user_sends_file(self, user: str, filename: str, data: bytes) -> CallbackResult:
        self.add_person(user)
        media_id = self.store_media(filename, data)
        msg_id = str(next(self._msg_ids))
        return await self.deliver(self._xml(user, "file", {"MediaId": media_id, "FileName": filename}, msg_id), msg_id=msg_id)

    async def user_sends_image(self, user: str, data: bytes) -> CallbackResult:
        self.add_person(user)
        media_id = self.store_media("photo.jpg", data)
        msg_id = str(next(self._msg_ids))
        return await self.deliver(self._xml(user, "image", {"MediaId": media_id, "PicUrl": "http://127.0.0.1/none"}, msg_id), msg_id=msg_id)

    async def user_clicks(self, user: str, key: str) -> CallbackResult:
        """A click on an app menu button (an event: no MsgId)."""
        self.add_person(user)
        return await self.deliver(self._xml(user, "event", {"Event": "click", "EventKey": key}, None))

    async def verify_url(self, echo: str = "1288432023552776189") -> CallbackResult:
        """The GET WeCom sends when the callback URL is saved in the admin console."""
        timestamp, nonce = str(int(time.time())), str(secrets.randbelow(10**10))
        ciphertext, signature = self.crypto.seal(echo.encode(), timestamp, nonce)
        query = {"msg_signature": signature, "timestamp": timestamp, "nonce": nonce, "echostr": ciphertext}
        started = time.monotonic()
        async with self._client.get(self.callback_url, params=query) as response:
            body = await response.text()
        return CallbackResult(response.status, body, time.monotonic() - started, query, b"")

    def store_media(self, filename: str, data: bytes) -> str:  # pragma: no cover - the server's
        raise NotImplementedError
