"""A small local Telegram Bot API server, for the demo, the tests and the benchmarks.

``LocalBotApi`` speaks the Bot API wire format that python-telegram-bot uses
(``POST {base_url}{token}/{method}`` with JSON, form-urlencoded or multipart
bodies, and ``GET {base_file_url}{token}/{file_path}`` for downloads), so a real
``telegram.ext.Application`` can run against it::

    async with LocalBotApi() as api:
        app = (
            ApplicationBuilder()
            .token(api.token)
            .base_url(api.base_url)
            .base_file_url(api.base_file_url)
            .build()
        )
        ...
        await api.user_sends_text(1001, "/start")
        replies = await api.wait_for_replies(1001)

Simulated users live in the same process (``user_sends_text`` and friends, in ``users.py``);
``watch_sent`` tells a watcher of each message the bot sends, as the server records it.

Deliberate behaviour worth knowing:

* HTML is validated with the rules of Telegram's own parser (tdlib
  ``parse_html``). With ``strict_html=True`` (the default) it is stricter than
  Telegram in one way: a bare ``&`` that does not start an entity, and a bare
  ``>`` outside a tag, are rejected too, so a missing ``html.escape`` is caught.
* Sending to a chat whose user never talked to the bot fails with
  "chat not found", like Telegram. ``add_user`` registers a user silently.
* A delayed request (``inject_fault(..., delay=...)``) is still executed after
  the delay even if the client gave up, as on the real server.
"""

from __future__ import annotations

import logging
import socket

from aiohttp import web

from .faults import Faults
from .methods import BotApiMethods
from .wire import MB, ApiError, error_response, json_response, read_params

logger = logging.getLogger("nianbao.devtools")


class LocalBotApi(BotApiMethods):
    """In-process Telegram Bot API server plus simulated users (see module doc)."""

    def __init__(
        self,
        token: str = "123456:TEST",
        host: str = "127.0.0.1",
        port: int = 0,
        bot_username: str = "nianbao_test_bot",
        *,
        bot_first_name: str = "年报审核助手",
        max_upload_bytes: int = 50 * MB,
        max_download_bytes: int = 20 * MB,
        max_poll_timeout: float = 50.0,
        max_pending_updates: int = 10_000,
        max_messages_per_chat: int = 10_000,
        max_stored_bytes: int = 512 * MB,
        strict_html: bool = True,
    ):
        super().__init__(
            token, bot_username, bot_first_name, max_upload_bytes=max_upload_bytes,
            max_pending_updates=max_pending_updates, max_messages_per_chat=max_messages_per_chat,
            max_stored_bytes=max_stored_bytes,
        )
        self.host = host
        self.max_download_bytes = max_download_bytes
        self.max_poll_timeout = max_poll_timeout
        self.strict_html = strict_html
        self._requested_port = port
        self._port: int | None = None
        self._runner: web.AppRunner | None = None
        self._faults = Faults()
        self._methods = self.method_table()

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        """Bind the socket and start serving in the running event loop."""
        if self._runner is not None:
            raise RuntimeError("LocalBotApi already started")
        self._closing.clear()
        sock = self._bind_socket()
        app = web.Application(client_max_size=self.max_upload_bytes + MB)
        self._add_routes(app)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        await web.SockSite(runner, sock).start()
        self._runner, self._port = runner, sock.getsockname()[1]
        logger.debug("LocalBotApi listening on %s", self.url)

    def _bind_socket(self) -> socket.socket:
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self._requested_port))
        sock.setblocking(False)
        return sock

    async def stop(self) -> None:
        """Wake all long polls and waiting handlers, then close the server."""
        if self._runner is None:
            return
        self._closing.set()
        self._signal()
        runner, self._runner, self._port = self._runner, None, None
        await runner.cleanup()
        logger.debug("LocalBotApi stopped")

    async def __aenter__(self) -> LocalBotApi:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("LocalBotApi is not running; call start() first")
        return self._port

    @property
    def url(self) -> str:
        """Server root, e.g. ``http://127.0.0.1:8081``."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def base_url(self) -> str:
        """For ``ApplicationBuilder().base_url`` (PTB appends the token)."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        """For ``ApplicationBuilder().base_file_url`` (PTB appends the token)."""
        return f"{self.url}/file/bot"

    # ------------------------------------------------------------------ routing

    def _add_routes(self, app: web.Application) -> None:
        """The Bot API's routes; a subclass may add its own before the server starts."""
        app.router.add_route("*", "/bot{token}/{method}", self._handle_method)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_download)

    async def _handle_method(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return error_response(ApiError(401, "Unauthorized"))
        name = request.match_info["method"]
        handler = self._methods.get(name.lower())
        if handler is None:
            return error_response(ApiError(404, "Not Found: method not found"))
        try:
            params, uploads = await read_params(request, self.max_upload_bytes)
            await self._apply_fault(name)
            result = await handler(params, uploads)
        except ApiError as error:
            logger.debug("%s -> %s %s", name, error.status, error.description)
            return error_response(error)
        except Exception as exc:  # a simulator bug: surface it in the client's error message
            logger.debug("%s crashed", name, exc_info=True)
            return error_response(ApiError(500, f"Internal Server Error: LocalBotApi failed: {exc!r}"))
        return json_response({"ok": True, "result": result})

    async def _handle_download(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return error_response(ApiError(401, "Unauthorized"))
        try:
            await self._apply_fault("file")
        except ApiError as error:
            return error_response(error)
        stored = self._files.at_path(request.match_info["path"])
        if stored is None or stored.size > self.max_download_bytes:
            return error_response(ApiError(404, "Not Found"))
        return web.Response(body=stored.data, content_type=stored.mime_type)

    # ------------------------------------------------------------------ faults

    def inject_fault(self, method: str, status: int | None = None, **options) -> None:
        """Make the next calls of ``method`` ("*" = any method, "file" = downloads) misbehave;
        ``retry_after``, ``times``, ``delay``, ``description``: see :meth:`Faults.inject`."""
        self._faults.inject(method, status, **options)

    def clear_faults(self) -> None:
        self._faults.clear()

    async def _apply_fault(self, method: str) -> None:
        fault = self._faults.take(method)
        if fault is None:
            return
        if fault.delay:
            await self._sleep(fault.delay)
        if error := fault.error():
            raise error
