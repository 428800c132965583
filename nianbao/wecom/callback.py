"""``/wecom/callback``: GET verifies the URL (WeCom sends an encrypted ``echostr`` and wants it
back decrypted), POST brings a message or an event. Every request's signature is checked and its
ciphertext decrypted for our corp; anything else gets a bare 403 and a log line, never a word to
a sender. A message is answered at once (WeCom sends it again after 5 seconds without an answer)
and handled after; a message seen before is not handled again."""

from __future__ import annotations

import logging
from collections import OrderedDict
from typing import TYPE_CHECKING

from aiohttp import web

from .crypto import Refused
from .inbound import MAX_BODY, envelope, message
from .settings import CALLBACK_PATH
from .texts import LOG_CALLBACK_REFUSED

if TYPE_CHECKING:
    from .service import WecomService

log = logging.getLogger("nianbao.wecom")
SEEN = 10_000  # recent messages remembered in memory (the journal remembers them all)


def _refused(reason: str) -> web.Response:
    log.warning(LOG_CALLBACK_REFUSED, reason, reason)
    return web.Response(status=403, text="")


class Callback:
    def __init__(self, service: "WecomService") -> None:
        self.service = service
        self.seen: OrderedDict[int, None] = OrderedDict()
        self.answered = 0  # POSTs answered with 200 (the tests read it)

    def _params(self, request: web.Request) -> tuple[str, str, str]:
        query = request.rel_url.query
        return query.get("msg_signature", ""), query.get("timestamp", ""), query.get("nonce", "")

    async def get(self, request: web.Request) -> web.Response:
        signature, timestamp, nonce = self._params(request)
        echo = request.rel_url.query.get("echostr", "").replace(" ", "+")  # a "+" of base64 read as a space
        try:
            plain = self.service.crypto.open(signature, timestamp, nonce, echo)
        except Refused as refused:
            return _refused(str(refused))
        return web.Response(body=plain, content_type="text/plain")

    async def post(self, request: web.Request) -> web.Response:
        signature, timestamp, nonce = self._params(request)
        if (request.content_length or 0) > MAX_BODY:
            return _refused("body too large")
        body = await request.content.read(MAX_BODY + 1)
        try:
            ciphertext = envelope(body)
            inbound = message(self.service.crypto.open(signature, timestamp, nonce, ciphertext))
        except Refused as refused:
            return _refused(str(refused))
        if inbound.agent_id and inbound.agent_id != self.service.settings.agent_id:
            return _refused("another app's message")
        self.answered += 1
        if inbound.group:
            log.info("a WeCom group chat message: not answered")
            return web.Response(text="")
        if inbound.journal_id in self.seen:  # WeCom's retry of one not yet answered in time
            log.info("WeCom sent message %s again; handled once", inbound.journal_id)
            return web.Response(text="")
        self.seen[inbound.journal_id] = None
        while len(self.seen) > SEEN:
            self.seen.popitem(last=False)
        self.service.take(inbound)  # handled after the answer
        return web.Response(text="")


def make_app(service: "WecomService") -> web.Application:
    """The callback as an aiohttp app of its own (the tests, the demo, and ``serve`` with the web
    desk off)."""
    app = web.Application(client_max_size=MAX_BODY)
    callback = service.callback
    app.router.add_get(CALLBACK_PATH, callback.get)
    app.router.add_post(CALLBACK_PATH, callback.post)
    return app
