"""``LocalBotApi`` with simulated users driven over HTTP, for a test client in another process or
language: the ``/_sim/*`` routes (JSON answers ``{"ok": ...}``).

* ``POST /_sim/send_text``      JSON/form ``{user_id, text, first_name?, username?}``
* ``POST /_sim/send_document``  multipart ``user_id, file, caption?, first_name?`` or
  JSON ``{user_id, filename, data_base64, caption?}``
* ``POST /_sim/press_button``   ``{user_id, message_id, callback_data}``
* ``GET  /_sim/messages?chat_id=&since=0&wait=0&count=1&include_data=0`` -> sent
  messages (documents with size, sha256, download ``url``, base64 on request)
  and ``next`` (the ``since`` for the next call)
* ``POST /_sim/fault``          ``{method, status?, retry_after?, times?, delay?}``
* ``GET  /_sim/status``, ``GET /_sim/files/{file_id}``
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from nianbao.devtools import LocalBotApi, SentMessage
from nianbao.devtools.wire import ApiError, Params, Upload, bool_param, int_param, json_response, read_params

Action = Callable[[Params, dict[str, Upload]], Awaitable[dict[str, Any]]]


class SimHttpBotApi(LocalBotApi):
    def _add_routes(self, app: web.Application) -> None:
        super()._add_routes(app)
        app.router.add_post("/_sim/send_text", self._routed(self._send_text))
        app.router.add_post("/_sim/send_document", self._routed(self._send_document))
        app.router.add_post("/_sim/press_button", self._routed(self._press_button))
        app.router.add_get("/_sim/messages", self._routed(self._messages))
        app.router.add_post("/_sim/fault", self._routed(self._fault))
        app.router.add_get("/_sim/status", self._sim_status)
        app.router.add_get("/_sim/files/{file_id}", self._sim_file)

    def _routed(self, action: Action) -> Callable[[web.Request], Awaitable[web.Response]]:
        """Run a simulation action with parsed params, mapping bad input to 400."""

        async def handle(request: web.Request) -> web.Response:
            try:
                params, uploads = await read_params(request, self.max_upload_bytes)
                return json_response({"ok": True, **await action(params, uploads)})
            except ApiError as error:
                return _sim_error(error, error.status)
            except (KeyError, ValueError, TypeError) as error:
                return _sim_error(error)

        return handle

    async def _send_text(self, p: Params, _u: dict) -> dict:
        update_id = await self.user_sends_text(int(p["user_id"]), str(p["text"]), p.get("first_name"), p.get("username"))
        return {"update_id": update_id}

    async def _send_document(self, p: Params, u: dict[str, Upload]) -> dict:
        """Multipart (user_id, file, caption?) or JSON (user_id, filename, data_base64)."""
        upload = u.get("file") or Upload(str(p["filename"]), base64.b64decode(p["data_base64"]), None)
        update_id = await self.user_sends_document(
            int(p["user_id"]), upload.filename, upload.data, p.get("caption"), p.get("first_name"))
        return {"update_id": update_id}

    async def _press_button(self, p: Params, _u: dict) -> dict:
        update_id = await self.user_presses_button(int(p["user_id"]), int(p["message_id"]), str(p["callback_data"]))
        return {"update_id": update_id}

    async def _fault(self, p: Params, _u: dict) -> dict:
        self.inject_fault(
            str(p["method"]), int_param(p, "status"), retry_after=int_param(p, "retry_after"),
            times=int_param(p, "times", 1) or 1, delay=float(p.get("delay") or 0), description=p.get("description"))
        return {}

    async def _messages(self, p: Params, _u: dict) -> dict:
        """``?chat_id=&since=0&wait=0&count=1&include_data=0`` -> sent messages.

        With ``wait`` > 0 it long-polls until ``count`` messages exist after ``since``.
        ``next`` in the answer is the ``since`` to use for the following call.
        """
        chat_id, since = int(p["chat_id"]), int_param(p, "since", 0) or 0
        count = int_param(p, "count", 1) or 1
        wait = min(float(p.get("wait") or 0), 60.0)
        await self.wait_until(lambda: len(self.messages_since(chat_id, since)) >= count, wait)
        include = bool_param(p, "include_data")
        messages = [self._sent_json(m, include) for m in self.messages_since(chat_id, since)]
        return {"messages": messages, "next": self.message_count(chat_id)}

    def _sent_json(self, sent: SentMessage, include_data: bool) -> dict[str, Any]:
        body = {"message_id": sent.message_id, "chat_id": sent.chat_id, "method": sent.method,
                "text": sent.text, "plain_text": sent.plain_text, "parse_mode": sent.parse_mode,
                "date": sent.date, "reply_to_message_id": sent.reply_to_message_id,
                "reply_markup": sent.reply_markup}
        if sent.is_file:
            data = sent.data or b""
            body["document"] = {"filename": sent.filename, "size": len(data),
                                "sha256": hashlib.sha256(data).hexdigest(), "file_id": sent.file_id,
                                "url": f"{self.url}/_sim/files/{sent.file_id}"}
            if include_data:
                body["document"]["data_base64"] = base64.b64encode(data).decode()
        return body

    async def _sim_status(self, _request: web.Request) -> web.Response:
        return json_response({
            "ok": True, "base_url": self.base_url, "base_file_url": self.base_file_url,
            "pending_update_count": self.pending_update_count, "confirmed_offset": self.confirmed_offset,
            "processed_update_count": len(self.processed_update_ids), "chats": self.chat_ids,
        })

    async def _sim_file(self, request: web.Request) -> web.Response:
        stored = self.get_stored_file(request.match_info["file_id"])
        if stored is None:
            return _sim_error(KeyError("unknown file_id"), 404)
        return web.Response(body=stored.data, content_type=stored.mime_type)


def _sim_error(error: Exception, status: int = 400) -> web.Response:
    return json_response({"ok": False, "description": str(error)}, status)
