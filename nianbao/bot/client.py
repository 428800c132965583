"""The bot's HTTP client for the Bot API: python-telegram-bot's requests carried by aiohttp.

PTB's own client (httpx over httpcore and anyio) costs the bot's process about a millisecond of
CPU a call, which in a burst of drafts is more than a third of the bot's own work: httpcore
looks at every pooled connection with system calls on every request, anyio opens a cancel scope
for every read and write, and the form-encoding of a long Chinese review quotes it byte by byte
in Python. aiohttp (already the web desk's and 企业微信's library) parses HTTP in C and keeps its
pool without system calls; the same calls cost a quarter as much.

What goes over the wire is the Bot API's documented forms: a call without files as a JSON body
(``application/json``), one with files as ``multipart/form-data`` rendered as httpx rendered it
(``multipart``), a download as a GET. Timeouts keep PTB's meaning and defaults: ``connect``
for a connection, ``pool`` for a free one, ``read`` once the request is sent, and the request
as a whole bounded by their sum with ``write`` (``media_write_timeout`` with files), since
aiohttp has no timeout per write. A timeout is ``TimedOut`` and any other failure
``NetworkError``, as PTB's callers (``delivery.with_retries``) expect.
"""

from __future__ import annotations

import asyncio
import functools
import json
import os
import re
import ssl
import urllib.request
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import httpx
from telegram._utils.defaultvalue import DefaultValue
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

# The Bot API connection pool, sized to the work: eight connections carry what Telegram lets a
# bot send (about 30 messages a second, at a quarter of a second a round trip) and the downloads
# beside them; a request that finds all eight busy waits its turn (POOL_WAIT) instead of
# failing, as the drafts queue anyway.
CONNECTIONS = 8
POOL_WAIT = 30.0  # seconds
_TOKEN_IN_URL = re.compile(r"/(file/)?bot[^/\s]+")


@functools.cache
def _tls_context() -> ssl.SSLContext:
    return httpx.create_ssl_context()  # the CA bundle PTB's client trusts (reading it costs ~17 ms of CPU)


def _timeout(given: Any, default: float | None) -> float | None:
    return default if isinstance(given, DefaultValue) else given


def _total(*parts: float | None) -> float | None:
    return None if any(part is None for part in parts) else sum(parts)


MIN_UPLOAD_RATE = 16 * 1024  # bytes a second: the slowest upload still waited for


def _whole_request(pool, connect, write, read, upload: bytes | None) -> float | None:
    """A bound on the whole call only for an upload (aiohttp has no timeout per write): PTB's
    timeouts added up, and time for its body at MIN_UPLOAD_RATE. Other calls are bounded per
    step as httpx bounded them (a connection, each read), so a slow but steady download is
    read whole."""
    if upload is None:
        return None
    body = upload
    total = _total(pool, connect, write, read)
    return None if total is None else total + len(body) / MIN_UPLOAD_RATE


class BotApiClient(BaseRequest):
    """A ``telegram.request.BaseRequest`` on an ``aiohttp.ClientSession`` (see the module's doc).
    The session is made in the running loop on first use and closed by ``shutdown``."""

    def __init__(
        self,
        connection_pool_size: int = 1,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_write_timeout: float | None = 20.0,
    ) -> None:
        self.connections = connection_pool_size
        self._read, self._write, self._connect = read_timeout, write_timeout, connect_timeout
        self._pool, self._media_write = pool_timeout, media_write_timeout
        self._session: aiohttp.ClientSession | None = None
        self._proxies: dict[tuple[str, str], str | None] = {}

    @property
    def read_timeout(self) -> float | None:
        return self._read

    def _open(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self.connections, limit_per_host=0, ssl=_tls_context())
            self._session = aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=None))
            self._proxies.clear()
        return self._session

    def _proxy(self, url: str) -> str | None:
        """The proxy of HTTPS_PROXY/HTTP_PROXY/ALL_PROXY for ``url`` unless NO_PROXY spares its host,
        as httpx took them; looked up once a host (aiohttp's ``trust_env`` would look them up,
        and for a netrc file, in a thread on every request)."""
        parts = urlsplit(url)
        key = (parts.scheme, parts.hostname or "")
        if key not in self._proxies:
            proxies = urllib.request.getproxies_environment()
            spared = not proxies or urllib.request.proxy_bypass_environment(key[1], proxies)
            proxy = None if spared else proxies.get(key[0]) or proxies.get("all")
            self._proxies[key] = proxy if not proxy or "://" in proxy else f"http://{proxy}"
        return self._proxies[key]

    async def initialize(self) -> None:
        self._open()

    async def shutdown(self) -> None:
        session, self._session = self._session, None
        if session is not None and not session.closed:
            await session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        files = request_data is not None and request_data.contains_files
        read = _timeout(read_timeout, self._read)
        write = _timeout(write_timeout, self._media_write if files else self._write)
        connect, pool = _timeout(connect_timeout, self._connect), _timeout(pool_timeout, self._pool)
        headers = {"User-Agent": self.USER_AGENT}
        body: Any = None
        if files:
            body, headers["Content-Type"] = multipart(request_data)
        elif request_data is not None:
            body = json.dumps(request_data.parameters, separators=(",", ":")).encode()
            headers["Content-Type"] = "application/json"
        timeout = aiohttp.ClientTimeout(
            total=_whole_request(pool, connect, write, read, body if files else None), connect=_total(pool, connect), sock_connect=connect, sock_read=read
        )
        try:
            session = self._open()
            proxy = self._proxy(url)
            async with session.request(method, url, data=body, headers=headers, timeout=timeout, proxy=proxy, allow_redirects=False) as response:
                return response.status, await response.read()
        except asyncio.TimeoutError as error:
            raise TimedOut from error
        except (aiohttp.ClientError, ValueError) as error:  # its message (and traceback) may name the URL, token and all
            raise NetworkError(f"aiohttp.{type(error).__name__}: {_TOKEN_IN_URL.sub('/bot…', str(error))}") from None


_FORM_ESCAPES = {'"': "%22", "\\": "\\\\", **{chr(c): f"%{c:02X}" for c in range(0x20) if c != 0x1B}}
_FORM_ESCAPED = re.compile("|".join(re.escape(c) for c in _FORM_ESCAPES))


def _form_param(name: str, value: str) -> str:
    return f'{name}="{_FORM_ESCAPED.sub(lambda match: _FORM_ESCAPES[match.group(0)], value)}"'


def multipart(request_data: RequestData, boundary: str | None = None) -> tuple[bytes, str]:
    """A call with files as ``multipart/form-data``, rendered as httpx rendered it for PTB (each
    parameter as PTB encodes it, then each file; names in UTF-8 with quotes and control characters
    escaped): the body and its Content-Type. Made here in one go: aiohttp's own multipart writer
    cost more than the rest of the call."""
    boundary = boundary or os.urandom(16).hex()
    parts = []
    for name, value in request_data.json_parameters.items():
        parts += [f"--{boundary}\r\nContent-Disposition: form-data; {_form_param('name', name)}\r\n\r\n".encode(), value.encode(), b"\r\n"]
    for name, (filename, content, mimetype) in request_data.multipart_data.items():
        disposition = f"form-data; {_form_param('name', name)}" + (f"; {_form_param('filename', filename)}" if filename else "")
        head = f"--{boundary}\r\nContent-Disposition: {disposition}\r\nContent-Type: {mimetype or 'application/octet-stream'}\r\n\r\n"
        parts += [head.encode(), content.read() if hasattr(content, "read") else bytes(content), b"\r\n"]
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def http_request(**options: Any) -> BotApiClient:
    """A Bot API client (``BotApiClient``'s options: the pool's size and PTB's timeouts)."""
    return BotApiClient(**options)
