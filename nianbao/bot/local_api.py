"""A small local Telegram Bot API server for offline end-to-end tests.

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

Simulated users live in the same process (``user_sends_text`` and friends) or
drive it over HTTP through the ``/_sim/*`` routes (JSON answers ``{"ok": ...}``):

* ``POST /_sim/send_text``      JSON/form ``{user_id, text, first_name?, username?}``
* ``POST /_sim/send_document``  multipart ``user_id, file, caption?, first_name?`` or
  JSON ``{user_id, filename, data_base64, caption?}``
* ``POST /_sim/press_button``   ``{user_id, message_id, callback_data}``
* ``GET  /_sim/messages?chat_id=&since=0&wait=0&count=1&include_data=0`` -> sent
  messages (documents with size, sha256, download ``url``, base64 on request)
  and ``next`` (the ``since`` for the next call)
* ``POST /_sim/fault``          ``{method, status?, retry_after?, times?, delay?}``
* ``GET  /_sim/status``, ``GET /_sim/files/{file_id}``

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

import argparse
import asyncio
import base64
import hashlib
import json
import logging
import mimetypes
import re
import secrets
import socket
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from http import HTTPStatus
from pathlib import PurePosixPath
from typing import Any

from aiohttp import web

logger = logging.getLogger(__name__)

MB = 1024 * 1024
MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_UPDATES_PER_CALL = 100
CHAT_ACTION_SECONDS = 5.0  # Telegram shows a chat action for five seconds
LANGUAGE_CODE = "zh-hans"
DEFAULT_FIRST_NAME = "张三"

Params = dict[str, Any]


# --------------------------------------------------------------------------- errors


class ApiError(Exception):
    """A Bot API error answer: ``{"ok": false, "error_code": ..., "description": ...}``."""

    def __init__(self, status: int, description: str, parameters: dict | None = None):
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def _bad_request(reason: str) -> ApiError:
    return ApiError(400, f"Bad Request: {reason}")


# --------------------------------------------------------------------------- HTML


class EntityParseError(ValueError):
    """Raised by :func:`parse_html` with Telegram's wording of the problem."""


@dataclass
class ParsedText:
    """Visible text plus Bot API ``MessageEntity`` dicts (UTF-16 offsets)."""

    text: str
    entities: list[dict[str, Any]]


_ALLOWED_TAGS = frozenset(
    "a b strong i em u ins s strike del code pre tg-spoiler span blockquote tg-emoji".split()
)
_ENTITY_TYPES = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic",
    "u": "underline", "ins": "underline",
    "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough",
    "tg-spoiler": "spoiler", "span": "spoiler", "code": "code", "pre": "pre",
    "a": "text_link", "blockquote": "blockquote", "tg-emoji": "custom_emoji",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY_RE = re.compile(r"&(?:#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z]+));")
_SPACES = " \t\r\n\v\f"


def _decode_entity(text: str, pos: int) -> tuple[str, int] | None:
    """Decode the HTML entity at ``text[pos] == "&"``; return (char, end) or None."""
    match = _ENTITY_RE.match(text, pos)
    if not match:
        return None
    if match[3]:
        char = _NAMED_ENTITIES.get(match[3])
        return (char, match.end()) if char else None
    code = int(match[1]) if match[1] else int(match[2], 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code), match.end()


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@dataclass
class _OpenTag:
    name: str
    argument: str
    offset: int  # UTF-16 offset in the visible text


class _HtmlParser:
    """Port of the rules of tdlib's ``parse_html`` (what the Bot API uses)."""

    def __init__(self, source: str, strict: bool):
        self.src = source
        self.strict = strict
        self.out: list[str] = []
        self.offset = 0
        self.stack: list[_OpenTag] = []
        self.entities: list[dict[str, Any]] = []

    def parse(self) -> ParsedText:
        pos = 0
        while pos < len(self.src):
            char = self.src[pos]
            if char == "<":
                pos = self._tag(pos)
            elif char == "&":
                pos = self._ampersand(pos)
            else:
                if char == ">" and self.strict:
                    self._fail(f'Unescaped ">" at byte offset {self._byte(pos)}')
                self._emit(char)
                pos += 1
        if self.stack:
            self._fail(f'Can\'t find end tag corresponding to start tag "{self.stack[-1].name}"')
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return ParsedText("".join(self.out), self.entities)

    # -- helpers
    def _fail(self, message: str) -> None:
        raise EntityParseError(message)

    def _byte(self, pos: int) -> int:
        return len(self.src[:pos].encode())

    def _emit(self, text: str) -> None:
        self.out.append(text)
        self.offset += _utf16_len(text)

    def _skip_spaces(self, pos: int) -> int:
        while pos < len(self.src) and self.src[pos] in _SPACES:
            pos += 1
        return pos

    def _scan_name(self, pos: int) -> int:
        while pos < len(self.src) and self.src[pos] not in _SPACES and self.src[pos] != ">":
            pos += 1
        return pos

    def _ampersand(self, pos: int) -> int:
        decoded = _decode_entity(self.src, pos)
        if decoded:
            self._emit(decoded[0])
            return decoded[1]
        if self.strict:
            self._fail(f'Unescaped "&" at byte offset {self._byte(pos)}')
        self._emit("&")
        return pos + 1

    def _tag(self, begin: int) -> int:
        if self.src.startswith("</", begin):
            return self._end_tag(begin)
        return self._start_tag(begin)

    # -- start tags
    def _start_tag(self, begin: int) -> int:
        pos = self._scan_name(begin + 1)
        if pos >= len(self.src):
            self._fail(f"Unclosed start tag at byte offset {self._byte(begin)}")
        name = self.src[begin + 1 : pos].lower()
        if name not in _ALLOWED_TAGS:
            self._fail(f'Unsupported start tag "{name}" at byte offset {self._byte(begin)}')
        argument, pos = self._attributes(name, begin, pos)
        if name == "span" and argument != "spoiler":
            where = f"at byte offset {self._byte(begin)}"
            self._fail(f'Tag "span" must have class "tg-spoiler" {where}')
        self.stack.append(_OpenTag(name, argument, self.offset))
        return pos + 1

    def _attributes(self, tag: str, begin: int, pos: int) -> tuple[str, int]:
        argument = ""
        unclosed = f"Unclosed start tag at byte offset {self._byte(begin)}"
        while True:
            pos = self._skip_spaces(pos)
            if pos >= len(self.src):
                self._fail(unclosed)
            if self.src[pos] == ">":
                return argument, pos
            name_start = pos
            while pos < len(self.src) and self.src[pos] not in _SPACES + "=>":
                pos += 1
            name = self.src[name_start:pos].lower()
            if not name:
                where = f"at byte offset {self._byte(begin)}"
                self._fail(f'Empty attribute name in the tag "{tag}" {where}')
            pos = self._skip_spaces(pos)
            if pos >= len(self.src):
                self._fail(unclosed)
            if self.src[pos] != "=":
                if tag == "blockquote" and name == "expandable":
                    argument = "expandable"
                    continue
                self._fail(
                    f'Expected equal sign in declaration of an attribute of the tag "{tag}" '
                    f"at byte offset {self._byte(begin)}"
                )
            value, pos = self._attribute_value(self._skip_spaces(pos + 1), tag, begin)
            if pos >= len(self.src):
                self._fail(unclosed)
            argument = _tag_argument(tag, name, value, argument)

    def _attribute_value(self, pos: int, tag: str, begin: int) -> tuple[str, int]:
        if pos >= len(self.src):
            self._fail(f'Unclosed start tag "{tag}" at byte offset {self._byte(begin)}')
        quote = self.src[pos]
        if quote not in "'\"":
            start = pos
            while pos < len(self.src) and (self.src[pos].isascii() and self.src[pos].isalnum()
                                           or self.src[pos] in ".-"):
                pos += 1
            if pos < len(self.src) and self.src[pos] not in _SPACES + ">":
                self._fail(f"Unexpected end of name token at byte offset {self._byte(start)}")
            return self.src[start:pos].lower(), pos
        value: list[str] = []
        pos += 1
        while pos < len(self.src) and self.src[pos] != quote:
            decoded = _decode_entity(self.src, pos) if self.src[pos] == "&" else None
            if decoded:
                value.append(decoded[0])
                pos = decoded[1]
            else:
                value.append(self.src[pos])
                pos += 1
        return "".join(value), min(pos + 1, len(self.src))

    # -- end tags
    def _end_tag(self, begin: int) -> int:
        if not self.stack:
            self._fail(f"Unexpected end tag at byte offset {self._byte(begin)}")
        pos = self._scan_name(begin + 2)
        name = self.src[begin + 2 : pos].lower()
        pos = self._skip_spaces(pos)
        if pos >= len(self.src) or self.src[pos] != ">":
            self._fail(f"Unclosed end tag at byte offset {self._byte(begin)}")
        open_tag = self.stack.pop()
        if name and name != open_tag.name:
            self._fail(
                f"Unmatched end tag at byte offset {self._byte(begin)}, "
                f'expected "</{open_tag.name}>", found "</{name}>"'
            )
        self._close_entity(open_tag)
        return pos + 1

    def _close_entity(self, tag: _OpenTag) -> None:
        length = self.offset - tag.offset
        if tag.name == "code" and self.stack and self.stack[-1].name == "pre":
            self.stack[-1].argument = self.stack[-1].argument or tag.argument
            return  # <pre><code class="language-x"> becomes one "pre" entity
        if length == 0 or (tag.name == "a" and not tag.argument):
            return
        entity: dict[str, Any] = {"type": _ENTITY_TYPES[tag.name], "offset": tag.offset,
                                  "length": length}
        if tag.name == "a":
            entity["url"] = tag.argument
        elif tag.name == "pre" and tag.argument:
            entity["language"] = tag.argument
        elif tag.name == "tg-emoji":
            entity["custom_emoji_id"] = tag.argument
        elif tag.name == "blockquote" and tag.argument:
            entity["type"] = "expandable_blockquote"
        self.entities.append(entity)


def _tag_argument(tag: str, attribute: str, value: str, current: str) -> str:
    """The single argument tdlib keeps for a tag (href, language, spoiler class...)."""
    if tag == "a" and attribute == "href":
        return value
    if tag == "code" and attribute == "class" and value.startswith("language-"):
        return value[len("language-") :]
    if tag == "span" and attribute == "class" and value.startswith("tg-"):
        return value[len("tg-") :]
    if tag == "tg-emoji" and attribute == "emoji-id":
        return value
    return current


def parse_html(text: str, strict: bool = True) -> ParsedText:
    """Parse Telegram-flavoured HTML; raise :class:`EntityParseError` like the Bot API."""
    return _HtmlParser(text, strict).parse()


def visible_text(text: str, parse_mode: str | None) -> str:
    """What a Telegram client shows for ``text``: tags stripped, entities decoded."""
    if (parse_mode or "").lower() != "html":
        return text
    try:
        return parse_html(text, strict=False).text
    except EntityParseError:
        return text


# --------------------------------------------------------------------------- records


@dataclass
class SentMessage:
    """One message the bot sent (or edited; then ``method == "editMessageText"``).

    ``text`` holds the message text, or the caption of a document/photo.
    ``filename``/``data`` are set for documents and photos.
    """

    message_id: int
    chat_id: int
    method: str
    text: str | None
    parse_mode: str | None
    date: int
    filename: str | None = None
    data: bytes | None = None
    file_id: str | None = None
    reply_to_message_id: int | None = None
    reply_markup: dict[str, Any] | None = None

    @property
    def is_file(self) -> bool:
        return self.data is not None

    @property
    def plain_text(self) -> str:
        """Text as a user would read it (HTML tags stripped, entities decoded)."""
        return visible_text(self.text or "", self.parse_mode)

    def __repr__(self) -> str:
        body = f"[{self.filename}, {len(self.data or b'')} B] " if self.is_file else ""
        text = self.plain_text[:60]
        return f"<{self.method} #{self.message_id} to {self.chat_id}: {body}{text!r}>"


@dataclass
class StoredFile:
    """A file known to the server (uploaded by a user or by the bot)."""

    file_id: str
    file_unique_id: str
    file_path: str
    filename: str
    data: bytes
    mime_type: str
    kind: str  # "document" or "photo"

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass
class _Upload:
    filename: str
    data: bytes
    mime_type: str | None


@dataclass
class _Fault:
    status: int | None
    retry_after: int | None
    delay: float
    description: str | None
    remaining: int


class _ChatLog:
    """Messages sent to one chat, trimmed from the front but with stable indexes."""

    def __init__(self, capacity: int):
        self._items: list[SentMessage] = []
        self._base = 0
        self._capacity = capacity

    @property
    def end(self) -> int:
        return self._base + len(self._items)

    def append(self, message: SentMessage) -> None:
        self._items.append(message)
        excess = len(self._items) - self._capacity
        if excess > 0:
            del self._items[:excess]
            self._base += excess

    def since(self, index: int) -> list[SentMessage]:
        return self._items[max(index - self._base, 0) :]


@dataclass
class _Chat:
    """A private chat between the bot and one simulated user."""

    user: dict[str, Any]
    log: _ChatLog
    messages: OrderedDict[int, dict[str, Any]] = field(default_factory=OrderedDict)
    next_message_id: int = 1
    blocked: bool = False
    last_message_at: float = 0.0
    last_action_at: float = 0.0

    @property
    def id(self) -> int:
        return self.user["id"]

    def to_json(self) -> dict[str, Any]:
        chat = {"id": self.id, "type": "private", "first_name": self.user["first_name"]}
        if "username" in self.user:
            chat["username"] = self.user["username"]
        return chat

    def new_message(self, sender: dict[str, Any], content: dict[str, Any]) -> dict[str, Any]:
        message = {"message_id": self.next_message_id, "from": sender, "chat": self.to_json(),
                   "date": int(time.time()), **content}
        self.next_message_id += 1
        self.messages[message["message_id"]] = message
        while len(self.messages) > 2000:
            self.messages.popitem(last=False)
        return message


# --------------------------------------------------------------------------- params


def _int_param(params: Params, name: str, default: int | None = None) -> int | None:
    value = params.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise _bad_request(f"invalid {name} specified") from None


def _bool_param(params: Params, name: str) -> bool:
    value = params.get(name)
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1")
    return bool(value)


def _json_param(params: Params, name: str) -> Any:
    value = params.get(name)
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        raise _bad_request(f"can't parse {name} JSON object") from None


def _str_param(params: Params, name: str) -> str | None:
    value = params.get(name)
    return None if value is None else str(value)


def _guess_mime(filename: str) -> str:
    return mimetypes.guess_type(filename, strict=False)[0] or "application/octet-stream"


_COMMAND_RE = re.compile(r"/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![^\s])")
_BOT_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")


def _command_entities(text: str) -> list[dict[str, Any]]:
    match = _COMMAND_RE.match(text)
    if not match:
        return []
    return [{"type": "bot_command", "offset": 0, "length": _utf16_len(match[0])}]


_FAULT_DESCRIPTIONS = {
    400: "Bad Request: injected fault",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running",
    500: "Internal Server Error",
    502: "Bad Gateway",
}


def _json_response(body: Any, status: int = 200) -> web.Response:
    return web.json_response(body, status=status, dumps=partial(json.dumps, ensure_ascii=False))


# --------------------------------------------------------------------------- server


class LocalBotApi:
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
        bot_id, sep, secret = token.partition(":")
        if not (bot_id.isdigit() and sep and secret):
            raise ValueError(f"token must look like '123456:ABC', got {token!r}")
        self.token = token
        self.host = host
        self.bot_username = bot_username
        self.bot_first_name = bot_first_name
        self.max_upload_bytes = max_upload_bytes
        self.max_download_bytes = max_download_bytes
        self.max_poll_timeout = max_poll_timeout
        self.max_pending_updates = max_pending_updates
        self.max_messages_per_chat = max_messages_per_chat
        self.max_stored_bytes = max_stored_bytes
        self.strict_html = strict_html
        self._bot_id = int(bot_id)
        self._requested_port = port
        self._port: int | None = None
        self._runner: web.AppRunner | None = None
        self._closing = asyncio.Event()
        self._changed = asyncio.Event()
        self._methods = self._method_table()
        self._init_state()

    def _init_state(self) -> None:
        self._chats: dict[int, _Chat] = {}
        self._updates: deque[dict[str, Any]] = deque()
        self._next_update_id = 1
        self._confirmed_offset = 0
        self._delivered: dict[int, dict[str, Any]] = {}
        self._processed_ids: deque[int] = deque(maxlen=self.max_pending_updates)
        self._poll_ticket = 0
        self._allowed_updates: list[str] | None = None
        self._files: OrderedDict[str, StoredFile] = OrderedDict()
        self._files_by_path: dict[str, StoredFile] = {}
        self._stored_bytes = 0
        self._file_counter = 0
        self._faults: dict[str, deque[_Fault]] = {}
        self._cursors: dict[int, int] = {}
        self._commands: dict[str, list[dict[str, str]]] = {}
        self._callback_queries: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self.callback_answers: deque[dict[str, Any]] = deque(maxlen=1000)
        self.chat_actions: deque[tuple[int, str]] = deque(maxlen=1000)
        self.webhook_url = ""

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

    def _signal(self) -> None:
        """Wake every coroutine waiting for a state change."""
        self._changed.set()
        self._changed = asyncio.Event()

    async def _wait_until(self, predicate: Callable[[], bool], timeout: float) -> bool:
        """Wait until ``predicate()`` holds, the timeout expires or the server stops."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + max(timeout, 0.0)
        while not predicate():
            remaining = deadline - loop.time()
            if remaining <= 0 or self._closing.is_set():
                return False
            changed = self._changed
            try:
                await asyncio.wait_for(changed.wait(), remaining)
            except TimeoutError:
                pass
        return True

    async def _sleep(self, seconds: float) -> None:
        """Sleep, but return early when the server stops."""
        try:
            await asyncio.wait_for(self._closing.wait(), seconds)
        except TimeoutError:
            pass

    # ------------------------------------------------------------------ routing

    def _add_routes(self, app: web.Application) -> None:
        app.router.add_route("*", "/bot{token}/{method}", self._handle_method)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_download)
        app.router.add_post("/_sim/send_text", self._sim_send_text)
        app.router.add_post("/_sim/send_document", self._sim_send_document)
        app.router.add_post("/_sim/press_button", self._sim_press_button)
        app.router.add_get("/_sim/messages", self._sim_messages)
        app.router.add_post("/_sim/fault", self._sim_fault)
        app.router.add_get("/_sim/status", self._sim_status)
        app.router.add_get("/_sim/files/{file_id}", self._sim_file)

    def _method_table(self) -> dict[str, Callable[[Params, dict[str, _Upload]], Any]]:
        methods = {
            "getMe": self._get_me, "logOut": self._true, "close": self._true,
            "getUpdates": self._get_updates, "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook, "getWebhookInfo": self._get_webhook_info,
            "sendMessage": self._send_message, "editMessageText": self._edit_message_text,
            "deleteMessage": self._delete_message,
            "sendDocument": partial(self._send_file, kind="document"),
            "sendPhoto": partial(self._send_file, kind="photo"),
            "sendChatAction": self._send_chat_action, "getFile": self._get_file,
            "setMyCommands": self._set_my_commands, "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "answerCallbackQuery": self._answer_callback_query, "getChat": self._get_chat,
        }
        return {name.lower(): handler for name, handler in methods.items()}

    async def _handle_method(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _json_response(ApiError(401, "Unauthorized").to_json(), 401)
        name = request.match_info["method"]
        handler = self._methods.get(name.lower())
        if handler is None:
            error = ApiError(404, "Not Found: method not found")
            return _json_response(error.to_json(), 404)
        try:
            params, uploads = await self._read_params(request)
            await self._apply_fault(name)
            result = await handler(params, uploads)
        except ApiError as error:
            logger.debug("%s -> %s %s", name, error.status, error.description)
            return _json_response(error.to_json(), error.status)
        except Exception as exc:  # a simulator bug: surface it in the client's error message
            logger.debug("%s crashed", name, exc_info=True)
            error = ApiError(500, f"Internal Server Error: LocalBotApi failed: {exc!r}")
            return _json_response(error.to_json(), 500)
        return _json_response({"ok": True, "result": result})

    async def _read_params(self, request: web.Request) -> tuple[Params, dict[str, _Upload]]:
        """Merge query string and body (JSON, urlencoded or multipart) into params/uploads."""
        params: Params = dict(request.query)
        uploads: dict[str, _Upload] = {}
        if request.content_type == "application/json":
            params.update(await self._read_json_body(request))
        elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            await self._read_form(request, params, uploads)
        return params, uploads

    @staticmethod
    async def _read_json_body(request: web.Request) -> Params:
        raw = await request.read()
        if not raw.strip():
            return {}
        try:
            body = json.loads(raw)
        except ValueError:
            raise _bad_request("can't parse JSON") from None
        if not isinstance(body, dict):
            raise _bad_request("JSON body must be an object")
        return body

    async def _read_form(self, request: web.Request, params: Params, uploads: dict) -> None:
        try:
            form = await request.post()
        except web.HTTPRequestEntityTooLarge:
            raise ApiError(413, "Request Entity Too Large") from None
        for name, value in form.items():
            if isinstance(value, web.FileField):
                data = value.file.read()
                if len(data) > self.max_upload_bytes:
                    raise ApiError(413, "Request Entity Too Large")
                uploads[name] = _Upload(value.filename or name, data, value.content_type)
            else:
                params[name] = value

    # ------------------------------------------------------------------ faults

    def inject_fault(
        self,
        method: str,
        status: int | None = None,
        *,
        retry_after: int | None = None,
        times: int = 1,
        delay: float = 0.0,
        description: str | None = None,
    ) -> None:
        """Make the next ``times`` calls of ``method`` ("*" = any method) misbehave.

        * ``status`` (e.g. 429, 400, 403, 500, 502): answer with that error. 429 carries
          ``parameters.retry_after`` (default 1 s), which PTB turns into ``RetryAfter``.
        * ``delay``: wait that many seconds first (forces client timeouts); with
          ``status=None`` the call then succeeds normally (and is executed!).
        * Neither given: a 429 with ``retry_after=1``.
        Faults are consumed per call, first injected first used. ``"file"`` targets downloads.
        """
        if status is None and not delay:
            status = 429
        if status is not None and not 400 <= status <= 599:
            raise ValueError("status must be an HTTP error code (400-599)")
        if status == 429 and retry_after is None:
            retry_after = 1
        if times < 1:
            raise ValueError("times must be >= 1")
        fault = _Fault(status, retry_after, float(delay), description, times)
        self._faults.setdefault(method.lower(), deque()).append(fault)

    def clear_faults(self) -> None:
        self._faults.clear()

    def _take_fault(self, method: str) -> _Fault | None:
        for key in (method.lower(), "*"):
            queue = self._faults.get(key)
            if queue:
                fault = queue[0]
                fault.remaining -= 1
                if fault.remaining <= 0:
                    queue.popleft()
                return fault
        return None

    async def _apply_fault(self, method: str) -> None:
        fault = self._take_fault(method)
        if fault is None:
            return
        if fault.delay:
            await self._sleep(fault.delay)
        if fault.status is None:
            return
        if fault.status == 429:
            description = fault.description or f"Too Many Requests: retry after {fault.retry_after}"
            raise ApiError(429, description, {"retry_after": fault.retry_after})
        description = fault.description or _FAULT_DESCRIPTIONS.get(
            fault.status, HTTPStatus(fault.status).phrase
        )
        raise ApiError(fault.status, description)

    # ------------------------------------------------------------------ users and chats

    def add_user(self, user_id: int, first_name: str = DEFAULT_FIRST_NAME,
                 username: str | None = None) -> None:
        """Register a user who has started the bot, without sending an update."""
        self._user_chat(user_id, first_name, username)

    def block_bot(self, user_id: int, blocked: bool = True) -> None:
        """The user blocks (or unblocks) the bot: sends to them fail with 403."""
        self._user_chat(user_id, None, None).blocked = blocked

    def _user_chat(self, user_id: int, first_name: str | None, username: str | None) -> _Chat:
        chat = self._chats.get(user_id)
        if chat is None:
            user = {"id": user_id, "is_bot": False, "first_name": first_name or DEFAULT_FIRST_NAME,
                    "username": username or f"user{user_id}", "language_code": LANGUAGE_CODE}
            chat = self._chats[user_id] = _Chat(user, _ChatLog(self.max_messages_per_chat))
            return chat
        if first_name:
            chat.user["first_name"] = first_name
        if username:
            chat.user["username"] = username
        return chat

    def _bot_user(self) -> dict[str, Any]:
        return {"id": self._bot_id, "is_bot": True, "first_name": self.bot_first_name,
                "username": self.bot_username}

    def _target_chat(self, params: Params) -> _Chat:
        chat_id = params.get("chat_id")
        if chat_id is None or chat_id == "":
            raise _bad_request("chat_id is empty")
        try:
            chat = self._chats.get(int(chat_id))
        except (TypeError, ValueError):
            chat = None
        if chat is None:
            raise _bad_request("chat not found")
        if chat.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return chat

    # ------------------------------------------------------------------ simulated users

    async def user_sends_text(self, user_id: int, text: str, first_name: str | None = None,
                              username: str | None = None) -> int:
        """A user sends ``text`` to the bot; returns the update_id.

        ``first_name`` defaults to the user's known name, or "张三" for a new user.
        """
        if not text.strip():
            raise ValueError("message text is empty")
        if len(text) > MAX_TEXT_LENGTH:
            raise ValueError("message is too long")
        chat = self._user_chat(user_id, first_name, username)
        content: dict[str, Any] = {"text": text}
        if entities := _command_entities(text):
            content["entities"] = entities
        return self._enqueue("message", chat.new_message(dict(chat.user), content))

    async def user_sends_message(self, user_id: int, content: dict[str, Any]) -> int:
        """A user sends any other kind of message (``{"photo": [...]}``, ``{"sticker": {...}}``);
        returns the update_id."""
        chat = self._user_chat(user_id, None, None)
        return self._enqueue("message", chat.new_message(dict(chat.user), content))

    async def user_sends_document(
        self,
        user_id: int,
        filename: str,
        data: bytes,
        caption: str | None = None,
        first_name: str | None = None,
        mime_type: str | None = None,
    ) -> int:
        """A user uploads a document; returns the update_id."""
        if not data:
            raise ValueError("file must be non-empty")
        if len(data) > self.max_upload_bytes:
            raise ValueError(f"file larger than {self.max_upload_bytes} bytes")
        if caption and len(caption) > MAX_CAPTION_LENGTH:
            raise ValueError("message caption is too long")
        chat = self._user_chat(user_id, first_name, None)
        stored = self._store_file(filename, bytes(data), "document", mime_type)
        content: dict[str, Any] = {"document": self._document_json(stored)}
        if caption:
            content["caption"] = caption
            if entities := _command_entities(caption):
                content["caption_entities"] = entities
        return self._enqueue("message", chat.new_message(dict(chat.user), content))

    async def user_presses_button(self, user_id: int, message_id: int, callback_data: str) -> int:
        """A user presses an inline button of a bot message; returns the update_id."""
        chat = self._chats.get(user_id)
        message = chat.messages.get(message_id) if chat else None
        if message is None:
            raise ValueError(f"no message {message_id} in chat {user_id}")
        buttons = (message.get("reply_markup") or {}).get("inline_keyboard", [])
        if not any(b.get("callback_data") == callback_data for row in buttons for b in row):
            raise ValueError(f"message {message_id} has no button with data {callback_data!r}")
        query_id = str(secrets.randbits(63))
        query = {"id": query_id, "from": dict(chat.user), "message": message,
                 "chat_instance": str(user_id), "data": callback_data}
        self._callback_queries[query_id] = query
        while len(self._callback_queries) > 1000:
            self._callback_queries.popitem(last=False)
        return self._enqueue("callback_query", query)

    def _enqueue(self, kind: str, payload: dict[str, Any]) -> int:
        update_id = self._next_update_id
        self._next_update_id += 1
        self._updates.append({"update_id": update_id, kind: payload})
        self._delivered[update_id] = self._updates[-1]
        while len(self._updates) > self.max_pending_updates:
            self._updates.popleft()
        logger.debug("queued update %s (%s)", update_id, kind)
        self._signal()
        return update_id

    def redeliver(self, update_id: int) -> None:
        """Deliver an update again, as Telegram does when the bot did not confirm its offset
        (it crashed first): a bot that starts polling afresh (offset 0) receives it again,
        with the same update_id."""
        self._updates = deque(sorted([*self._updates, self._delivered[update_id]], key=lambda u: u["update_id"]))
        self._signal()

    # ------------------------------------------------------------------ observing the bot

    def sent_to(self, chat_id: int) -> list[SentMessage]:
        """Everything the bot sent (and edited) in this chat, oldest first."""
        chat = self._chats.get(chat_id)
        return chat.log.since(0) if chat else []

    def message_count(self, chat_id: int) -> int:
        """Index just past the last sent message: use as ``since=`` marker."""
        chat = self._chats.get(chat_id)
        return chat.log.end if chat else 0

    def _since(self, chat_id: int, index: int) -> list[SentMessage]:
        chat = self._chats.get(chat_id)
        return chat.log.since(index) if chat else []

    async def wait_for_replies(self, chat_id: int, count: int = 1, timeout: float = 10.0,
                               since: int | None = None) -> list[SentMessage]:
        """Wait for ``count`` new bot messages in ``chat_id`` and return exactly those.

        "New" means at index >= ``since`` (a ``message_count()`` marker) if given,
        otherwise after everything previous ``wait_for_replies``/``collect_replies``
        calls returned for this chat. Either way the chat's cursor moves past the
        returned messages. Raises ``TimeoutError`` listing what did arrive.
        """
        start = self._cursors.get(chat_id, 0) if since is None else since
        if not await self._wait_until(lambda: len(self._since(chat_id, start)) >= count, timeout):
            got = self._since(chat_id, start)
            raise TimeoutError(
                f"timed out after {timeout}s waiting for {count} new bot message(s) in chat "
                f"{chat_id} (since index {start}); received {len(got)}: {got!r}"
            )
        replies = self._since(chat_id, start)[:count]
        self._cursors[chat_id] = start + count
        return replies

    async def collect_replies(self, chat_id: int, timeout: float = 30.0, quiet: float = 0.5,
                              since: int | None = None) -> list[SentMessage]:
        """Collect bot messages until the chat goes quiet; never raises on timeout.

        Returns once at least one new message arrived and nothing happened for
        ``quiet`` seconds (a chat action such as "typing" keeps it waiting for 5 s,
        as Telegram shows it), or when ``timeout`` expires, with whatever arrived.
        Same ``since``/cursor rules as :meth:`wait_for_replies`.
        """
        start = self._cursors.get(chat_id, 0) if since is None else since
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while (now := loop.time()) < deadline and not self._closing.is_set():
            busy_until = self._busy_until(chat_id, quiet)
            if self._since(chat_id, start) and now >= busy_until:
                break
            wake_at = min(deadline, busy_until) if busy_until > now else deadline
            changed = self._changed
            try:
                await asyncio.wait_for(changed.wait(), max(wake_at - now, 0.001))
            except TimeoutError:
                pass
        replies = self._since(chat_id, start)
        self._cursors[chat_id] = start + len(replies)
        return replies

    def _busy_until(self, chat_id: int, quiet: float) -> float:
        chat = self._chats.get(chat_id)
        if chat is None:
            return 0.0
        busy_until = chat.last_message_at + quiet
        if chat.last_action_at > chat.last_message_at:
            busy_until = max(busy_until, chat.last_action_at + CHAT_ACTION_SECONDS)
        return busy_until

    @property
    def confirmed_offset(self) -> int:
        """The highest ``offset`` the bot confirmed with getUpdates."""
        return self._confirmed_offset

    @property
    def processed_update_ids(self) -> list[int]:
        """update_ids the bot confirmed (i.e. will never be delivered again)."""
        return list(self._processed_ids)

    @property
    def pending_update_count(self) -> int:
        return len(self._updates)

    def bot_commands(self, scope: dict | None = None, language_code: str = "") -> list[dict]:
        return list(self._commands.get(self._commands_key(scope, language_code), []))

    def get_stored_file(self, file_id: str) -> StoredFile | None:
        return self._files.get(file_id)

    # ------------------------------------------------------------------ updates

    async def _get_updates(self, params: Params, _uploads: dict) -> list[dict[str, Any]]:
        if self.webhook_url:
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active; "
                                "use deleteWebhook to delete the webhook first")
        offset = _int_param(params, "offset", 0) or 0
        limit = min(max(_int_param(params, "limit", MAX_UPDATES_PER_CALL) or 1, 1), 100)
        timeout = min(max(_int_param(params, "timeout", 0) or 0, 0), self.max_poll_timeout)
        allowed = _json_param(params, "allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = allowed or None
        self._confirm(offset)
        self._poll_ticket += 1
        ticket = self._poll_ticket
        self._signal()  # an older long poll gets terminated with 409
        await self._wait_until(
            lambda: bool(self._deliverable(limit)) or ticket != self._poll_ticket, timeout
        )
        if ticket != self._poll_ticket:
            raise ApiError(409, _FAULT_DESCRIPTIONS[409])
        return self._deliverable(limit)

    def _confirm(self, offset: int) -> None:
        if offset < 0:
            keep = -offset
            offset = self._updates[-keep]["update_id"] if len(self._updates) >= keep else 0
        while self._updates and self._updates[0]["update_id"] < offset:
            self._processed_ids.append(self._updates.popleft()["update_id"])
        self._confirmed_offset = max(self._confirmed_offset, offset)

    def _deliverable(self, limit: int) -> list[dict[str, Any]]:
        allowed = self._allowed_updates
        ready = [u for u in self._updates if not allowed or any(k in u for k in allowed)]
        return ready[:limit]

    async def _set_webhook(self, params: Params, _uploads: dict) -> bool:
        url = _str_param(params, "url") or ""
        if url and not url.startswith("https://"):
            raise _bad_request("bad webhook: HTTPS url must be provided for webhook")
        self.webhook_url = url
        if _bool_param(params, "drop_pending_updates"):
            self._updates.clear()
        return True

    async def _delete_webhook(self, params: Params, _uploads: dict) -> bool:
        self.webhook_url = ""
        if _bool_param(params, "drop_pending_updates"):
            self._updates.clear()
        return True

    async def _get_webhook_info(self, _params: Params, _uploads: dict) -> dict[str, Any]:
        return {"url": self.webhook_url, "has_custom_certificate": False,
                "pending_update_count": len(self._updates)}

    # ------------------------------------------------------------------ simple methods

    async def _true(self, _params: Params, _uploads: dict) -> bool:
        return True

    async def _get_me(self, _params: Params, _uploads: dict) -> dict[str, Any]:
        return {**self._bot_user(), "can_join_groups": True, "can_read_all_group_messages": False,
                "supports_inline_queries": False, "can_connect_to_business": False,
                "has_main_web_app": False}

    async def _get_chat(self, params: Params, _uploads: dict) -> dict[str, Any]:
        chat = self._target_chat(params)
        gifts = dict.fromkeys(("unlimited_gifts", "limited_gifts", "unique_gifts",
                               "premium_subscription", "gifts_from_channels"), True)
        return {**chat.to_json(), "accent_color_id": 0, "max_reaction_count": 11,
                "accepted_gift_types": gifts}

    async def _send_chat_action(self, params: Params, _uploads: dict) -> bool:
        chat = self._target_chat(params)
        action = _str_param(params, "action") or ""
        valid = {"typing", "upload_photo", "record_video", "upload_video", "record_voice",
                 "upload_voice", "upload_document", "choose_sticker", "find_location",
                 "record_video_note", "upload_video_note"}
        if action not in valid:
            raise _bad_request("wrong parameter action in request")
        chat.last_action_at = asyncio.get_running_loop().time()
        self.chat_actions.append((chat.id, action))
        self._signal()
        return True

    async def _answer_callback_query(self, params: Params, _uploads: dict) -> bool:
        query_id = _str_param(params, "callback_query_id") or ""
        if query_id not in self._callback_queries:
            raise _bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        del self._callback_queries[query_id]
        self.callback_answers.append({"callback_query_id": query_id,
                                      "text": _str_param(params, "text"),
                                      "show_alert": _bool_param(params, "show_alert")})
        return True

    @staticmethod
    def _commands_key(scope: Any, language_code: str | None) -> str:
        scope_key = json.dumps(scope or {"type": "default"}, sort_keys=True)
        return f"{scope_key}|{language_code or ''}"

    async def _set_my_commands(self, params: Params, _uploads: dict) -> bool:
        commands = _json_param(params, "commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise _bad_request("commands must be a list of at most 100 BotCommand")
        for command in commands:
            if not isinstance(command, dict) or not _BOT_COMMAND_RE.fullmatch(
                str(command.get("command", ""))
            ):
                raise _bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", "")).strip()) <= 256:
                raise _bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        key = self._commands_key(_json_param(params, "scope"), _str_param(params, "language_code"))
        self._commands[key] = [{"command": c["command"], "description": c["description"]}
                               for c in commands]
        return True

    async def _get_my_commands(self, params: Params, _uploads: dict) -> list[dict[str, str]]:
        key = self._commands_key(_json_param(params, "scope"), _str_param(params, "language_code"))
        return list(self._commands.get(key, []))

    async def _delete_my_commands(self, params: Params, _uploads: dict) -> bool:
        key = self._commands_key(_json_param(params, "scope"), _str_param(params, "language_code"))
        self._commands.pop(key, None)
        return True

    # ------------------------------------------------------------------ sending messages

    def _formatted(self, text: str, parse_mode: str | None) -> ParsedText:
        mode = (parse_mode or "").lower()
        if mode == "html":
            try:
                return parse_html(text, strict=self.strict_html)
            except EntityParseError as error:
                raise _bad_request(f"can't parse entities: {error}") from None
        if mode in ("", "markdown", "markdownv2"):
            return ParsedText(text, [])  # Markdown is accepted but not validated
        raise _bad_request("unsupported parse_mode")

    def _message_text(self, params: Params) -> tuple[str, str | None, ParsedText]:
        text = _str_param(params, "text") or ""
        parse_mode = _str_param(params, "parse_mode")
        parsed = self._formatted(text, parse_mode)
        if not parsed.text.strip():
            raise _bad_request("message text is empty")
        if len(parsed.text) > MAX_TEXT_LENGTH:
            raise _bad_request("message is too long")
        return text, parse_mode, parsed

    def _caption(self, params: Params) -> tuple[str | None, str | None, ParsedText | None]:
        caption = _str_param(params, "caption")
        parse_mode = _str_param(params, "parse_mode")
        if not caption:
            return None, parse_mode, None
        parsed = self._formatted(caption, parse_mode)
        if len(parsed.text) > MAX_CAPTION_LENGTH:
            raise _bad_request("message caption is too long")
        return caption, parse_mode, parsed

    @staticmethod
    def _reply_target(chat: _Chat, params: Params) -> int | None:
        reply = _json_param(params, "reply_parameters")
        if isinstance(reply, dict):
            message_id = _int_param(reply, "message_id")
            allow_missing = _bool_param(reply, "allow_sending_without_reply")
        else:
            message_id = _int_param(params, "reply_to_message_id")
            allow_missing = _bool_param(params, "allow_sending_without_reply")
        if message_id is None or message_id in chat.messages:
            return message_id
        if allow_missing:
            return None
        raise _bad_request("message to be replied not found")

    @staticmethod
    def _reply_markup(params: Params) -> dict[str, Any] | None:
        markup = _json_param(params, "reply_markup")
        if markup is not None and not isinstance(markup, dict):
            raise _bad_request("can't parse reply keyboard markup JSON object")
        return markup or None

    def _post_message(
        self, chat: _Chat, method: str, params: Params, content: dict[str, Any],
        text: str | None, parse_mode: str | None, stored: StoredFile | None = None,
    ) -> dict[str, Any]:
        """Create the bot's message in ``chat`` and record it as a SentMessage."""
        reply_to = self._reply_target(chat, params)
        markup = self._reply_markup(params)
        if reply_to is not None:
            original = dict(chat.messages[reply_to])
            original.pop("reply_to_message", None)
            content["reply_to_message"] = original
        if markup and "inline_keyboard" in markup:
            content["reply_markup"] = markup
        message = chat.new_message(self._bot_user(), content)
        self._record(chat, SentMessage(
            message_id=message["message_id"], chat_id=chat.id, method=method, text=text,
            parse_mode=parse_mode, date=message["date"],
            filename=stored.filename if stored else None, data=stored.data if stored else None,
            file_id=stored.file_id if stored else None, reply_to_message_id=reply_to,
            reply_markup=markup,
        ))
        return message

    def _record(self, chat: _Chat, sent: SentMessage) -> None:
        chat.log.append(sent)
        chat.last_message_at = asyncio.get_running_loop().time()
        logger.debug("bot -> %s: %r", chat.id, sent)
        self._signal()

    async def _send_message(self, params: Params, _uploads: dict) -> dict[str, Any]:
        chat = self._target_chat(params)
        text, parse_mode, parsed = self._message_text(params)
        content: dict[str, Any] = {"text": parsed.text}
        if parsed.entities:
            content["entities"] = parsed.entities
        return self._post_message(chat, "sendMessage", params, content, text, parse_mode)

    async def _edit_message_text(self, params: Params, _uploads: dict) -> dict[str, Any]:
        chat = self._target_chat(params)
        message_id = _int_param(params, "message_id")
        message = chat.messages.get(message_id) if message_id is not None else None
        if message is None or message["from"].get("id") != self._bot_id:
            raise _bad_request("message to edit not found")
        if "text" not in message:
            raise _bad_request("there is no text in the message to edit")
        text, parse_mode, parsed = self._message_text(params)
        markup = self._reply_markup(params)
        if (parsed.text, parsed.entities, markup) == (
            message["text"], message.get("entities", []), message.get("reply_markup")
        ):
            raise _bad_request("message is not modified: specified new message content and "
                               "reply markup are exactly the same as a current content and "
                               "reply markup of the message")
        message.update(text=parsed.text, entities=parsed.entities, edit_date=int(time.time()))
        message.pop("reply_markup", None)
        if markup:
            message["reply_markup"] = markup
        self._record(chat, SentMessage(message_id, chat.id, "editMessageText", text, parse_mode,
                                       message["edit_date"], reply_markup=markup))
        return message

    async def _delete_message(self, params: Params, _uploads: dict) -> bool:
        chat = self._target_chat(params)
        message_id = _int_param(params, "message_id")
        if chat.messages.pop(message_id, None) is None:
            raise _bad_request("message to delete not found")
        return True

    # ------------------------------------------------------------------ files

    async def _send_file(self, params: Params, uploads: dict[str, _Upload], kind: str) -> dict:
        chat = self._target_chat(params)
        stored = self._resolve_file(params, uploads, kind)
        caption, parse_mode, parsed = self._caption(params)
        if kind == "document":
            content: dict[str, Any] = {"document": self._document_json(stored)}
        else:
            content = {"photo": [self._photo_json(stored)]}
        if parsed is not None:
            content["caption"] = parsed.text
            if parsed.entities:
                content["caption_entities"] = parsed.entities
        method = "sendDocument" if kind == "document" else "sendPhoto"
        return self._post_message(chat, method, params, content, caption, parse_mode, stored)

    def _resolve_file(self, params: Params, uploads: dict[str, _Upload], kind: str) -> StoredFile:
        """An uploaded part (plain or ``attach://name``) or a known file_id."""
        value = params.get(kind)
        upload = uploads.get(kind)
        if upload is None and isinstance(value, str) and value.startswith("attach://"):
            upload = uploads.get(value[len("attach://") :])
        if upload is not None:
            if not upload.data:
                raise _bad_request("file must be non-empty")
            return self._store_file(upload.filename, upload.data, kind, upload.mime_type)
        if not value:
            raise _bad_request(f"there is no {kind} in the request")
        if str(value).startswith(("http://", "https://")):
            raise _bad_request("failed to get HTTP URL content")
        stored = self._files.get(str(value))
        if stored is None:
            raise _bad_request("wrong file identifier/HTTP URL specified")
        if stored.kind != kind:
            raise _bad_request(f"can't use file of type {stored.kind.title()} as {kind.title()}")
        return stored

    def _store_file(
        self, filename: str, data: bytes, kind: str, mime_type: str | None
    ) -> StoredFile:
        self._file_counter += 1
        name = PurePosixPath(filename.replace("\\", "/")).name or f"file_{self._file_counter}"
        if kind == "photo":
            mime_type = mime_type if mime_type and mime_type.startswith("image/") else "image/jpeg"
        elif not mime_type or mime_type == "application/octet-stream":
            mime_type = _guess_mime(name)
        suffix = PurePosixPath(name).suffix if kind == "document" else ".jpg"
        prefix = "BQACAgUAAxkBAAI" if kind == "document" else "AgACAgUAAxkBAAI"
        stored = StoredFile(
            file_id=prefix + secrets.token_urlsafe(24),
            file_unique_id="AgAD" + secrets.token_urlsafe(9),
            file_path=f"{kind}s/file_{self._file_counter}{suffix}",
            filename=name, data=data, mime_type=mime_type, kind=kind,
        )
        self._files[stored.file_id] = stored
        self._files_by_path[stored.file_path] = stored
        self._stored_bytes += stored.size
        self._evict_files(keep=stored.file_id)
        return stored

    def _evict_files(self, keep: str) -> None:
        while self._stored_bytes > self.max_stored_bytes and len(self._files) > 1:
            file_id, old = next(iter(self._files.items()))
            if file_id == keep:
                break
            del self._files[file_id]
            self._files_by_path.pop(old.file_path, None)
            self._stored_bytes -= old.size

    @staticmethod
    def _document_json(stored: StoredFile) -> dict[str, Any]:
        return {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id,
                "file_name": stored.filename, "mime_type": stored.mime_type,
                "file_size": stored.size}

    @staticmethod
    def _photo_json(stored: StoredFile) -> dict[str, Any]:
        return {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id,
                "file_size": stored.size, "width": 0, "height": 0}

    async def _get_file(self, params: Params, _uploads: dict) -> dict[str, Any]:
        stored = self._files.get(_str_param(params, "file_id") or "")
        if stored is None:
            raise _bad_request("invalid file_id")
        if stored.size > self.max_download_bytes:
            raise _bad_request("file is too big")
        return {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id,
                "file_size": stored.size, "file_path": stored.file_path}

    async def _handle_download(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _json_response(ApiError(401, "Unauthorized").to_json(), 401)
        try:
            await self._apply_fault("file")
        except ApiError as error:
            return _json_response(error.to_json(), error.status)
        stored = self._files_by_path.get(request.match_info["path"])
        if stored is None or stored.size > self.max_download_bytes:
            return _json_response(ApiError(404, "Not Found").to_json(), 404)
        return web.Response(body=stored.data, content_type=stored.mime_type)

    # ------------------------------------------------------------------ /_sim over HTTP

    @staticmethod
    def _sim_error(error: Exception, status: int = 400) -> web.Response:
        return _json_response({"ok": False, "description": str(error)}, status)

    async def _sim_call(self, request: web.Request, action: Callable) -> web.Response:
        """Run a simulation action with parsed params, mapping bad input to 400."""
        try:
            params, uploads = await self._read_params(request)
            return _json_response({"ok": True, **await action(params, uploads)})
        except ApiError as error:
            return self._sim_error(error, error.status)
        except (KeyError, ValueError, TypeError) as error:
            return self._sim_error(error)

    async def _sim_send_text(self, request: web.Request) -> web.Response:
        async def action(p: Params, _u: dict) -> dict:
            update_id = await self.user_sends_text(
                int(p["user_id"]), str(p["text"]), p.get("first_name"), p.get("username"))
            return {"update_id": update_id}

        return await self._sim_call(request, action)

    async def _sim_send_document(self, request: web.Request) -> web.Response:
        """Multipart (user_id, file, caption?) or JSON (user_id, filename, data_base64)."""

        async def action(p: Params, u: dict[str, _Upload]) -> dict:
            upload = u.get("file")
            if upload is None:
                upload = _Upload(str(p["filename"]), base64.b64decode(p["data_base64"]), None)
            update_id = await self.user_sends_document(
                int(p["user_id"]), upload.filename, upload.data, p.get("caption"),
                p.get("first_name"))
            return {"update_id": update_id}

        return await self._sim_call(request, action)

    async def _sim_press_button(self, request: web.Request) -> web.Response:
        async def action(p: Params, _u: dict) -> dict:
            update_id = await self.user_presses_button(
                int(p["user_id"]), int(p["message_id"]), str(p["callback_data"]))
            return {"update_id": update_id}

        return await self._sim_call(request, action)

    async def _sim_fault(self, request: web.Request) -> web.Response:
        async def action(p: Params, _u: dict) -> dict:
            self.inject_fault(
                str(p["method"]), _int_param(p, "status"),
                retry_after=_int_param(p, "retry_after"), times=_int_param(p, "times", 1) or 1,
                delay=float(p.get("delay") or 0), description=p.get("description"))
            return {}

        return await self._sim_call(request, action)

    async def _sim_messages(self, request: web.Request) -> web.Response:
        """``?chat_id=&since=0&wait=0&count=1&include_data=0`` -> sent messages.

        With ``wait`` > 0 it long-polls until ``count`` messages exist after ``since``.
        ``next`` in the answer is the ``since`` to use for the following call.
        """

        async def action(p: Params, _u: dict) -> dict:
            chat_id, since = int(p["chat_id"]), _int_param(p, "since", 0) or 0
            count = _int_param(p, "count", 1) or 1
            wait = min(float(p.get("wait") or 0), 60.0)
            await self._wait_until(lambda: len(self._since(chat_id, since)) >= count, wait)
            include = _bool_param(p, "include_data")
            messages = [self._sent_json(m, include) for m in self._since(chat_id, since)]
            return {"messages": messages, "next": self.message_count(chat_id)}

        return await self._sim_call(request, action)

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
        return _json_response({
            "ok": True, "base_url": self.base_url, "base_file_url": self.base_file_url,
            "pending_update_count": len(self._updates), "confirmed_offset": self._confirmed_offset,
            "processed_update_count": len(self._processed_ids), "chats": sorted(self._chats),
        })

    async def _sim_file(self, request: web.Request) -> web.Response:
        stored = self._files.get(request.match_info["file_id"])
        if stored is None:
            return self._sim_error(KeyError("unknown file_id"), 404)
        return web.Response(body=stored.data, content_type=stored.mime_type)


# --------------------------------------------------------------------------- CLI


async def _serve(args: argparse.Namespace) -> None:
    api = LocalBotApi(args.token, args.host, args.port, args.bot_username,
                      max_upload_bytes=args.max_upload_mb * MB,
                      strict_html=not args.lenient_html)
    async with api:
        print(f"本地 Bot API 已启动：{api.base_url}", flush=True)
        print(f"  base_url      = {api.base_url}")
        print(f"  base_file_url = {api.base_file_url}")
        print(f"  token         = {api.token}")
        print(f"  模拟用户接口  = {api.url}/_sim/（send_text、send_document、messages、fault、status）")
        print("按 Ctrl+C 停止。", flush=True)
        await asyncio.Event().wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="离线测试用的本地 Telegram Bot API 服务器")
    parser.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1）")
    parser.add_argument("--port", type=int, default=8081, help="监听端口（默认 8081，0 为随机）")
    parser.add_argument("--token", default="123456:TEST", help="机器人 token")
    parser.add_argument("--bot-username", default="nianbao_test_bot", help="机器人用户名")
    parser.add_argument("--max-upload-mb", type=int, default=50, help="上传大小上限（MB）")
    parser.add_argument("--lenient-html", action="store_true",
                        help="与 Telegram 完全一致：允许未转义的 & 和 >")
    parser.add_argument("--debug", action="store_true", help="输出调试日志")
    args = parser.parse_args(argv)
    if args.debug:
        logging.basicConfig(level=logging.DEBUG)
    try:
        asyncio.run(_serve(args))
    except KeyboardInterrupt:
        print("\n已停止。")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
