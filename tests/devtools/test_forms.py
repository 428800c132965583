"""forms.read_form against aiohttp's own request.post(): the same fields from the same bodies, plain
ones cut out directly and every other one through aiohttp's reader."""

from __future__ import annotations

import base64
import socket
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web

from nianbao.devtools.forms import Upload, _plain_form, read_form

B = "b1a2c3d4e5f60718293a4b5c6d7e8f90"
CT = f"multipart/form-data; boundary={B}"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def body(*parts: bytes, preamble: bytes = b"", epilogue: bytes = b"\r\n") -> bytes:
    return preamble + b"".join(f"--{B}\r\n".encode() + part + b"\r\n" for part in parts) + f"--{B}--".encode() + epilogue


def field(name: str, value: bytes, *headers: str) -> bytes:
    return "".join(f"{h}\r\n" for h in [f'Content-Disposition: form-data; name="{name}"', *headers]).encode() + b"\r\n" + value


def file(name: str, filename: str, data: bytes, content_type: str | None = DOCX) -> bytes:
    disposition = f'Content-Disposition: form-data; name="{name}"; filename="{filename}"'
    return field(name, data, *([] if content_type is None else [f"Content-Type: {content_type}"])).replace(
        f'Content-Disposition: form-data; name="{name}"'.encode(), disposition.encode(), 1)


# As PTB's client (and nianbao's) writes a call with a file: untyped fields, then the typed file.
PLAIN = {
    "sendDocument": body(field("chat_id", b"100001"), field("caption", "审核批注版：3 条意见".encode()),
                         field("reply_parameters", b'{"message_id":5}'),
                         file("document", "年报1-001-1_审核批注.docx", b"PK\x03\x04" + bytes(range(256)) * 40)),
    "file without a type": body(field("chat_id", b"1"), file("photo", "chart.png", b"\x89PNG\r\n\x1a\n--" + B.encode(), None)),
    "empty file name is a field": body(file("document", "", b"text", None)),
    "no parts": f"--{B}--\r\n".encode(),
    "repeated name, the last wins": body(field("chat_id", b"1"), field("chat_id", b"2")),
}
OTHER = {
    "preamble": body(field("chat_id", b"1"), preamble=b"ignored\r\n"),
    "escaped quote in the file name": body(file("document", 'a\\"b.txt', b"x")),
    "RFC 5987 file name": body(field("document", b"x", "Content-Type: text/plain").replace(
        b'name="document"', b"name=\"document\"; filename*=UTF-8''%E5%B9%B4%E6%8A%A5.txt")),
    "charset": body(field("caption", "年报".encode("gbk"), "Content-Type: text/plain; charset=gbk")),
    "typed field is bytes": body(field("reply_markup", b"{}", "Content-Type: application/json")),
    "base64": body(file("document", "a.txt", base64.b64encode(b"hello"), "text/plain") + b"",
                   ).replace(b"Content-Type: text/plain\r\n", b"Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n"),
    "name with a leading slash": body(field("/chat_id", b"1")),
    "_charset_": body(field("_charset_", b"gbk"), field("caption", "年报".encode("gbk"))),
    "padding after the boundary": body(field("chat_id", b"1")).replace(f"--{B}\r\n".encode(), f"--{B}  \r\n".encode(), 1),
    "LF line endings": body(field("chat_id", b"1")).replace(b"\r\n", b"\n"),
    "quoted boundary": body(field("chat_id", b"1")),
    "no closing delimiter": body(field("chat_id", b"1"))[: -len(f"--{B}--\r\n")],
    "garbage after the closing delimiter": body(field("chat_id", b"1"), epilogue=b"xx\r\n"),
    "header folded": body(field("chat_id", b"1")).replace(b"form-data; ", b"form-data;\r\n ", 1),
    "no name": body(field("chat_id", b"1")).replace(b'; name="chat_id"', b""),
    "the delimiter inside a file": body(file("photo", "chart.png", b"\x89PNG\r\n--" + B.encode() + b"x", None)),
    "nested multipart": body(file("document", "a.txt", b"x", f"multipart/mixed; boundary={B}x")),
}
CONTENT_TYPES = {"quoted boundary": f'multipart/form-data; boundary="{B}"'}


async def _posted(request: web.Request) -> list:
    """The fields as aiohttp's request.post() made them, in read_form's terms."""
    fields = []
    for name, value in (await request.post()).items():
        if isinstance(value, web.FileField):
            value = Upload(value.filename, value.file.read(), value.content_type)
        fields.append((name, bytes(value) if isinstance(value, bytearray) else value))
    return fields


@pytest.fixture
async def aiohttp_post() -> AsyncIterator:
    """``await aiohttp_post(content_type, body)``: what request.post() read, or its exception's type."""
    seen: list = []

    async def handle(request: web.Request) -> web.Response:
        try:
            seen.append(await _posted(request))
        except Exception as error:  # noqa: BLE001 - the kind of failure is compared
            seen.append(type(error))
        return web.Response()

    app = web.Application()
    app.router.add_post("/", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    await web.SockSite(runner, sock).start()
    url = f"http://127.0.0.1:{sock.getsockname()[1]}/"

    async with aiohttp.ClientSession() as session:
        async def post(content_type: str, data: bytes):
            async with session.post(url, data=data, headers={"Content-Type": content_type}) as response:
                await response.read()
            return seen.pop()

        yield post
    await runner.cleanup()


async def _read(content_type: str, data: bytes):
    try:
        return await read_form(content_type, data)
    except Exception as error:  # noqa: BLE001
        return type(error)


@pytest.mark.parametrize("case", sorted(PLAIN))
async def test_plain_bodies_are_cut_out_as_aiohttp_reads_them(case: str, aiohttp_post) -> None:
    assert _plain_form(CT, PLAIN[case]) is not None
    assert await _read(CT, PLAIN[case]) == await aiohttp_post(CT, PLAIN[case])


@pytest.mark.parametrize("case", sorted(OTHER))
async def test_other_bodies_are_read_by_aiohttp(case: str, aiohttp_post) -> None:
    content_type = CONTENT_TYPES.get(case, CT)
    assert _plain_form(content_type, OTHER[case]) is None
    assert await _read(content_type, OTHER[case]) == await aiohttp_post(content_type, OTHER[case])


async def test_a_plain_upload() -> None:
    fields = dict(await read_form(CT, PLAIN["sendDocument"]))
    assert fields["chat_id"] == "100001" and fields["caption"] == "审核批注版：3 条意见"
    assert fields["document"] == Upload("年报1-001-1_审核批注.docx", b"PK\x03\x04" + bytes(range(256)) * 40, DOCX)
