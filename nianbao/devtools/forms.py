"""``multipart/form-data`` bodies (the Bot API's uploads), read from the whole body at once.

The parts of a plain body, as PTB and most clients write one (each part a ``Content-Disposition:
form-data; name="..."`` with an optional ``filename="..."`` and, for a file, a ``Content-Type``),
are cut out here directly; anything else (a preamble, transport padding, quoted-pair escapes, an
RFC 2231 ``filename*``, a charset, a transfer encoding, a nested multipart, ``_charset_``...) is
left to aiohttp's ``MultipartReader`` over the same bytes. Either way a part comes out as aiohttp's
``request.post()`` makes it: an ``Upload`` when it has a file name (its type as sent, else
``application/octet-stream``), else text (decoded with its charset, UTF-8 by default) when it has no
type or a ``text/`` one, else bytes. aiohttp's own reading costs the server about 0.35 ms a request
(its header parsing, done again for every part, and a temporary file per upload), more than all the
rest of a call.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass

from aiohttp import BodyPartReader, MultipartReader, StreamReader, hdrs
from aiohttp.base_protocol import BaseProtocol
from multidict import CIMultiDict, CIMultiDictProxy

MAX_PARTS = 1000  # aiohttp's client_max_fields
MAX_HEADER_LINE = 8190  # aiohttp's max_field_size

_BOUNDARY = re.compile(r"multipart/form-data; ?boundary=([0-9A-Za-z'()+_,./:=?-]{1,70})", re.IGNORECASE)
_DISPOSITION = re.compile(r'form-data; name="([^"\\;/][^"\\;]*)"(?:; filename="([^"\\;/][^"\\;]*|)")?')
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


@dataclass
class Upload:
    """A file part of a multipart request."""

    filename: str
    data: bytes
    mime_type: str | None


Field = tuple[str, str | bytes | Upload]  # a part's name and what it holds


async def read_form(content_type: str, body: bytes) -> list[Field]:
    """The parts of a ``multipart/form-data`` body with this ``Content-Type`` header, in order."""
    fields = _plain_form(content_type, body)
    return fields if fields is not None else await _aiohttp_form(content_type, body)


def _plain_form(content_type: str, body: bytes) -> list[Field] | None:
    """The parts of a plain body, or None when aiohttp must read it."""
    boundary = _BOUNDARY.fullmatch(content_type.strip())
    if boundary is None:
        return None
    segments = (b"\r\n" + body).split(b"\r\n--" + boundary[1].encode())
    # before the first delimiter nothing; after the last ("--" closes) an epilogue that is ignored
    closing = segments[-1]
    if segments[0] or len(segments) < 2 or not (closing == b"--" or closing.startswith(b"--\r\n")) or len(segments) > MAX_PARTS + 2:
        return None
    fields = []
    for segment in segments[1:-1]:
        head, blank, data = segment.partition(b"\r\n\r\n")
        if not head.startswith(b"\r\n") or not blank or len(head) > MAX_HEADER_LINE:
            return None
        field = _plain_field(head[2:].decode("utf-8", "surrogateescape"), data)
        if field is None:
            return None
        fields.append(field)
    return fields


def _plain_field(head: str, data: bytes) -> Field | None:
    headers = {}
    for line in head.split("\r\n"):
        name, colon, value = line.partition(":")
        name = name.lower()
        if not colon or name in headers or name not in ("content-disposition", "content-type") or _CONTROL.search(line):
            return None
        headers[name] = value.strip(" \t")
    disposition = _DISPOSITION.fullmatch(headers.get("content-disposition", ""))
    if disposition is None or disposition[1] == "_charset_":
        return None
    name, filename, content_type = disposition[1], disposition[2], headers.get("content-type")
    if filename:  # a file, with its type as sent (a nested multipart is aiohttp's)
        if content_type is not None and content_type.lower().startswith("multipart/"):
            return None
        return name, Upload(filename, data, content_type or "application/octet-stream")
    if content_type is not None:  # a typed field: text in its charset, or bytes
        return None
    return name, data.decode()


async def _aiohttp_form(content_type: str, body: bytes) -> list[Field]:
    """The parts as aiohttp's ``request.post()`` reads them (its errors too)."""
    stream = StreamReader(BaseProtocol(asyncio.get_running_loop()), 2**16, loop=asyncio.get_running_loop())
    stream.feed_data(body)
    stream.feed_eof()
    reader = MultipartReader(CIMultiDictProxy(CIMultiDict({hdrs.CONTENT_TYPE: content_type})), stream)
    fields: list[Field] = []
    while (field := await reader.next()) is not None:
        if len(fields) >= MAX_PARTS:
            raise ValueError(f"Maximum number of fields ({MAX_PARTS}) exceeded")
        if not isinstance(field, BodyPartReader):
            raise ValueError("To decode nested multipart you need to use custom reader")
        if field.name is None:
            raise ValueError("Multipart field missing name.")
        part_type = field.headers.get(hdrs.CONTENT_TYPE)
        data = bytes(await field.read(decode=True))
        if field.filename:
            fields.append((field.name, Upload(field.filename, data, part_type or "application/octet-stream")))
        elif part_type is None or part_type.startswith("text/"):
            fields.append((field.name, data.decode(field.get_charset(default="utf-8"))))
        else:
            fields.append((field.name, data))
    return fields
