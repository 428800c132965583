"""What a visitor may send: a small body unless signed in, a request head and a body within a
time, and a body the desk can read, or a Chinese refusal (never a crash, never a wait)."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from nianbao.web import app as app_module
from nianbao.web.security import Limits

QUICK = Limits(head_seconds=0.5, small_body_seconds=0.5, lingering_seconds=0.5)
TEN_MB = 10 * 1024 * 1024


async def connect(site):
    return await asyncio.open_connection(site.server.host, site.server.port)


async def trickle(writer: asyncio.StreamWriter, data: bytes, pause: float) -> None:
    """A slow client: one byte, then a pause, until the data is sent or the server hangs up."""
    with contextlib.suppress(ConnectionError):
        for byte in data:
            writer.write(bytes([byte]))
            await writer.drain()
            await asyncio.sleep(pause)


async def hung_up(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, slow: asyncio.Task, cap: float) -> bytes:
    """Everything the server said until it closed the connection (waiting at most ``cap``; a
    reset, from closing with the slow client's bytes unread, is a close too)."""
    said = b""
    try:
        async with asyncio.timeout(cap):
            while chunk := await reader.read(65536):
                said += chunk
    except ConnectionResetError:
        pass
    finally:
        slow.cancel()
        with contextlib.suppress(BaseException):
            await slow
        writer.close()
    return said


async def test_a_visitor_not_signed_in_announcing_a_large_body_is_refused_before_it_is_read(site):
    reader, writer = await connect(site)
    head = (
        "POST /signin HTTP/1.1\r\nHost: desk\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {TEN_MB}\r\n\r\n"
    )
    writer.write(head.encode() + b"code=" + b"A" * 1000)  # and nothing more
    await writer.drain()
    try:
        status = await asyncio.wait_for(reader.readline(), 10)
    finally:
        writer.close()
    assert status.startswith(b"HTTP/1.1 413")


async def test_a_large_body_without_a_length_is_refused_once_past_the_small_limit(site):
    visitor = await site.visitor()
    code = site.invite("学张乡人民政府")

    async def chunks():  # chunked: no Content-Length to refuse it by
        yield f"csrf={visitor.csrf}&code={code}&filler=".encode()
        for _ in range(40):
            yield b"A" * 4096

    page = await visitor.request(
        "POST", "/signin", data=chunks(), headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert page.status == 413 and "提交的内容太大" in page.text
    assert site.store.get_invite(code).used_by is None  # nothing was read far enough to act on


async def test_signed_in_staff_may_still_send_a_large_body(site):
    staff = await site.staff("学张乡人民政府")
    page = await staff.post(f"/agency/{site.ids['学张乡人民政府']}/upload", {"text": "说明" * 60_000})
    assert page.status == 400 and "粘贴的内容不像一份完整的年度报告" in page.text  # read, and answered


async def test_a_request_head_sent_a_byte_at_a_time_is_cut_off(make_site):
    site = await make_site(limits=QUICK)
    reader, writer = await connect(site)
    writer.write(b"GET /signin HTTP/1.1\r\nHost: desk\r\n")
    slow = asyncio.create_task(trickle(writer, b"X-Slow: " + b"a" * 200 + b"\r\n\r\n", pause=0.1))
    said = await hung_up(reader, writer, slow, cap=10)
    assert said == b""  # closed, without ever answering


async def test_a_body_sent_a_byte_at_a_time_is_cut_off_with_a_chinese_page(make_site):
    site = await make_site(limits=QUICK)
    reader, writer = await connect(site)
    writer.write(
        b"POST /signin HTTP/1.1\r\nHost: desk\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        b"Content-Length: 100\r\n\r\n"
    )
    slow = asyncio.create_task(trickle(writer, b"code=" + b"A" * 95, pause=0.1))
    said = await hung_up(reader, writer, slow, cap=10)
    assert said.startswith(b"HTTP/1.1 408")
    assert "提交超时" in said.decode("utf-8", "replace")


async def test_the_desk_as_served_in_production_cuts_off_a_slow_head(monkeypatch, request):
    """``start_desk`` (the fixture's way, and production's) serves the app with its limits."""
    monkeypatch.setattr(app_module, "LIMITS", QUICK)
    desk = request.getfixturevalue("desk")
    host, port = desk.url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(b"GET /signin HTTP/1.1\r\nHost: desk\r\n")
    slow = asyncio.create_task(trickle(writer, b"X-Slow: " + b"a" * 200 + b"\r\n\r\n", pause=0.1))
    assert await hung_up(reader, writer, slow, cap=10) == b""


async def test_a_malformed_form_gets_a_chinese_400_and_one_line_in_the_log(site, caplog):
    visitor = await site.visitor()
    caplog.set_level(logging.INFO)
    caplog.clear()
    page = await visitor.request(
        "POST", "/signin", data=b"--not-the-boundary\r\ngarbage\r\n\xff\xfe",
        headers={"Content-Type": "multipart/form-data; boundary=x"},
    )
    assert page.status == 400 and "无法读取提交的表单" in page.text
    desk_lines = [r for r in caplog.records if r.name.startswith("nianbao")]
    assert len(desk_lines) == 1 and desk_lines[0].exc_info is None, [r.getMessage() for r in desk_lines]
    assert "Traceback" not in caplog.text
