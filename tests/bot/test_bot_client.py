"""The bot's Bot API client (``bot.client``): PTB's calls over aiohttp reach the server as PTB's own
client sent them (texts, files with Chinese names, downloads), and its failures come back as the
errors the delivery retries on, without the token."""

from __future__ import annotations

import asyncio
import socket
import traceback

import pytest
from aiohttp import web
import httpx
from telegram import Bot, InputFile, LinkPreviewOptions
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter
from telegram.error import BadRequest, NetworkError, TimedOut

from nianbao.bot.client import BotApiClient, http_request, multipart
from nianbao.devtools import LocalBotApi

ZHANG = 1001
TOKEN = "123456:SECRETtoken"


@pytest.fixture
async def api():
    async with LocalBotApi(token=TOKEN) as server:
        server.add_user(ZHANG)
        yield server


@pytest.fixture
async def bot(api: LocalBotApi):
    async with Bot(api.token, base_url=api.base_url, base_file_url=api.base_file_url, request=http_request(connection_pool_size=4)) as bot:
        yield bot


async def test_a_text_arrives_as_sent(api: LocalBotApi, bot: Bot) -> None:
    text = "<b>审核结果</b>：发现 3 个问题 &amp; 1 条提示\n" + "表三第（二）项合计不符。" * 300
    message = await bot.send_message(ZHANG, text, parse_mode="HTML", link_preview_options=LinkPreviewOptions(is_disabled=True))
    [sent] = api.sent_to(ZHANG)
    assert (sent.method, sent.text, sent.parse_mode) == ("sendMessage", text, "HTML")
    assert message.message_id == sent.message_id and message.chat.id == ZHANG


async def test_a_file_with_a_chinese_name_arrives_whole(api: LocalBotApi, bot: Bot) -> None:
    data = bytes(range(256)) * 400
    await bot.send_document(ZHANG, InputFile(data, filename="年报-001-1_审核批注.docx"), caption="共 3 条批注")
    [sent] = api.sent_to(ZHANG)
    assert (sent.method, sent.filename, sent.data, sent.text) == ("sendDocument", "年报-001-1_审核批注.docx", data, "共 3 条批注")


async def test_a_draft_is_downloaded(api: LocalBotApi, bot: Bot) -> None:
    data = b"PK\x03\x04" + bytes(70_000)
    update_id = await api.user_sends_document(ZHANG, "年报.docx", data)
    [update] = await bot.get_updates()
    assert update.update_id == update_id
    telegram_file = await bot.get_file(update.message.document.file_id)
    assert bytes(await telegram_file.download_as_bytearray()) == data


async def test_a_refusal_is_telegrams_own_error(api: LocalBotApi, bot: Bot) -> None:
    with pytest.raises(BadRequest, match="(?i)chat not found"):
        await bot.send_message(4242, "你好")


async def test_a_slow_answer_is_a_timeout(api: LocalBotApi, bot: Bot) -> None:
    api.inject_fault("sendMessage", delay=0.6)
    with pytest.raises(TimedOut):
        await bot.send_message(ZHANG, "慢", read_timeout=0.2)


async def test_no_server_is_a_network_error_that_does_not_show_the_token() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = BotApiClient(connect_timeout=2)
    try:
        with pytest.raises(NetworkError) as caught:
            await client.post(f"http://127.0.0.1:{port}/bot{TOKEN}/getMe")
    finally:
        await client.shutdown()
    assert TOKEN not in str(caught.value) and "ClientConnectorError" in str(caught.value)
    assert TOKEN not in "".join(traceback.format_exception(caught.value))  # nothing chained that names the URL


async def test_a_slow_but_steady_download_is_not_cut_short(aiohttp_server) -> None:
    """A draft trickling in on a slow line (a piece every 0.3 s) is read whole however long it
    takes in all, as long as no single read waits the read timeout; a line gone silent is a timeout."""

    async def trickle(request):
        response = web.StreamResponse()
        await response.prepare(request)
        for _ in range(8):
            await response.write(b"x" * 1000)
            await asyncio.sleep(0.3)
        if request.path.endswith("silent"):
            await asyncio.sleep(3)
        await response.write_eof()
        return response

    app = web.Application()
    app.router.add_get("/file/bot{token}/{name}", trickle)
    server = await aiohttp_server(app)
    client = BotApiClient(read_timeout=1, write_timeout=0.1, connect_timeout=0.1, pool_timeout=0.1)
    try:
        status, body = await client.do_request(f"http://127.0.0.1:{server.port}/file/bot{TOKEN}/draft.docx", "GET")
        assert (status, len(body)) == (200, 8000)  # 2.4 s in all, well over the 1.3 s the timeouts add up to
        with pytest.raises(TimedOut):
            await client.do_request(f"http://127.0.0.1:{server.port}/file/bot{TOKEN}/silent", "GET")
    finally:
        await client.shutdown()


async def test_shutdown_then_a_new_session_on_next_use(api: LocalBotApi) -> None:
    client = BotApiClient()
    for _ in range(2):
        await client.initialize()
        assert await client.post(f"{api.base_url}{api.token}/getMe")
        await client.shutdown()


def test_proxies_from_the_environment_as_httpx_took_them(monkeypatch) -> None:
    for name in ("HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY", "NO_PROXY", "https_proxy", "http_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    assert BotApiClient()._proxy("https://api.telegram.org/botX/getMe") is None
    monkeypatch.setenv("HTTPS_PROXY", "proxy.county.lan:3128")
    monkeypatch.setenv("NO_PROXY", "localhost,127.0.0.1")
    client = BotApiClient()
    assert client._proxy("https://api.telegram.org/botX/getMe") == "http://proxy.county.lan:3128"
    assert client._proxy("http://127.0.0.1:8081/botX/getMe") is None


@pytest.mark.parametrize("filename", ["年报-001-1_审核批注.docx", 'a"b\\c\r\nd.docx'])
def test_a_file_goes_out_byte_for_byte_as_httpx_sent_it(filename: str) -> None:
    data = RequestData([RequestParameter.from_input(name, value) for name, value in (
        ("chat_id", ZHANG), ("document", InputFile(b"PK\x03\x04" + bytes(range(256)), filename=filename)), ("caption", "共 3 条批注\n请查收"),
    )])
    ours, content_type = multipart(data, boundary="b0undary")
    theirs = httpx.Request("POST", "https://api.telegram.org/botX/sendDocument", data=data.json_parameters, files=data.multipart_data,
                           headers={"Content-Type": content_type})
    assert content_type == "multipart/form-data; boundary=b0undary"
    assert ours == theirs.read()
