"""End-to-end tests of LocalBotApi with a real python-telegram-bot Application (no mocks)."""

from __future__ import annotations

import asyncio
import datetime as dtm
import hashlib
import os

import aiohttp
import pytest
from telegram import Bot
from telegram.error import BadRequest, Conflict, Forbidden, InvalidToken, NetworkError, RetryAfter
from telegram.error import TimedOut

from nianbao.devtools import LocalBotApi

ZHANG = 1001  # 张三, staff


# --------------------------------------------------------------------------- conversations


async def test_start_command_gets_html_reply(api: LocalBotApi, echo_bot) -> None:
    await api.user_sends_text(ZHANG, "/start", first_name="张三")
    [reply] = await api.wait_for_replies(ZHANG)
    assert reply.method == "sendMessage"
    assert reply.parse_mode == "HTML"
    assert reply.text == "<b>欢迎使用</b>，张三 &amp; 同事"
    assert reply.plain_text == "欢迎使用，张三 & 同事"


async def test_text_is_echoed_and_cursor_advances(api: LocalBotApi, echo_bot) -> None:
    await api.user_sends_text(ZHANG, "你好")
    await api.user_sends_text(ZHANG, "第二条")
    first, second = await api.wait_for_replies(ZHANG, count=2)
    assert (first.text, second.text) == ("收到：你好", "收到：第二条")
    await api.user_sends_text(ZHANG, "第三条")
    [third] = await api.wait_for_replies(ZHANG)
    assert third.text == "收到：第三条"
    assert [m.text for m in api.sent_to(ZHANG)] == ["收到：你好", "收到：第二条", "收到：第三条"]
    assert [m.text for m in await api.wait_for_replies(ZHANG, since=1)] == ["收到：第二条"]


async def test_wait_for_replies_timeout_lists_what_arrived(api: LocalBotApi, echo_bot) -> None:
    await api.user_sends_text(ZHANG, "只有一条回复")
    with pytest.raises(TimeoutError, match="received 1.*只有一条回复"):
        await api.wait_for_replies(ZHANG, count=2, timeout=0.3)


async def test_document_is_downloaded_and_resent_by_file_id(api: LocalBotApi, echo_bot) -> None:
    data = os.urandom(300_000)
    await api.user_sends_document(ZHANG, "2023年报.docx", data, caption="请审核")
    summary, resent = await api.wait_for_replies(ZHANG, count=2)
    assert summary.text == f"2023年报.docx {len(data)} {hashlib.sha256(data).hexdigest()}"
    assert resent.method == "sendDocument"
    assert (resent.filename, resent.data, resent.text) == ("2023年报.docx", data, "原件")


async def test_bot_uploads_document_multipart(api: LocalBotApi, echo_bot) -> None:
    await api.user_sends_text(ZHANG, "/file")
    [reply] = await api.wait_for_replies(ZHANG)
    assert reply.filename == "审核意见.txt"
    assert reply.data == "审核意见\n".encode() * 100
    assert reply.plain_text == "审核意见"
    assert (ZHANG, "upload_document") in api.chat_actions


async def test_inline_button_callback_and_edit(api: LocalBotApi, echo_bot) -> None:
    await api.user_sends_text(ZHANG, "/menu")
    [menu] = await api.wait_for_replies(ZHANG)
    assert menu.reply_markup["inline_keyboard"][0][0]["text"] == "通过"
    await api.user_presses_button(ZHANG, menu.message_id, "approve")
    [edit] = await api.wait_for_replies(ZHANG)
    assert (edit.method, edit.message_id, edit.text) == ("editMessageText", menu.message_id,
                                                          "已审批：approve")
    assert api.callback_answers[-1]["text"] == "已处理"


async def test_watch_sent_sees_each_message_as_it_is_recorded(api: LocalBotApi, bot: Bot, caplog) -> None:
    api.add_user(ZHANG)
    seen = []
    stop = api.watch_sent(lambda message: seen.append((message.method, message.text, api.message_count(ZHANG))))
    sent = await bot.send_message(ZHANG, "<b>第一条</b>", parse_mode="HTML")
    assert seen == [("sendMessage", "<b>第一条</b>", 1)]  # recorded, and told before the call was answered
    await bot.edit_message_text("改过", ZHANG, sent.message_id)
    await bot.send_document(ZHANG, b"x", filename="a.txt", caption="附件")
    assert seen[1:] == [("editMessageText", "改过", 2), ("sendDocument", "附件", 3)]
    stop()
    await bot.send_message(ZHANG, "没人看")
    assert len(seen) == 3

    def broken(message) -> None:
        raise RuntimeError("watcher bug")

    api.watch_sent(broken)
    await bot.send_message(ZHANG, "照样发出")  # the bot's call still succeeds
    assert api.sent_to(ZHANG)[-1].text == "照样发出"
    assert any("a watcher of sent messages failed" in r.getMessage() and r.exc_info for r in caplog.records)


# --------------------------------------------------------------------------- Telegram's rules


async def test_length_limits_count_visible_text(api: LocalBotApi, bot: Bot) -> None:
    api.add_user(ZHANG)
    await bot.send_message(ZHANG, "<b>" + "字" * 4096 + "</b>", parse_mode="HTML")
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(ZHANG, "字" * 4097)
    with pytest.raises(BadRequest, match="Message text is empty"):
        await bot.send_message(ZHANG, "<b> </b>", parse_mode="HTML")
    with pytest.raises(BadRequest, match="Message caption is too long"):
        await bot.send_document(ZHANG, b"x", filename="a.txt", caption="长" * 1025)
    assert len(api.sent_to(ZHANG)) == 1


async def test_chat_rules(api: LocalBotApi, bot: Bot) -> None:
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(4242, "你好")
    api.add_user(ZHANG)
    with pytest.raises(BadRequest, match="Message to be replied not found"):
        await bot.send_message(ZHANG, "你好", reply_to_message_id=99)
    api.block_bot(ZHANG)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(ZHANG, "你好")


# --------------------------------------------------------------------------- faults


# PTB itself warns about RetryAfter.retry_after becoming a timedelta in a future version.
IGNORE_RETRY_AFTER_WARNING = pytest.mark.filterwarnings(
    "ignore::telegram.warnings.PTBDeprecationWarning"
)


@IGNORE_RETRY_AFTER_WARNING
async def test_429_raises_retry_after_then_recovers(api: LocalBotApi, bot: Bot) -> None:
    api.add_user(ZHANG)
    api.inject_fault("sendMessage", status=429, retry_after=3)
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(ZHANG, "限流")
    retry_after = caught.value.retry_after
    seconds = retry_after.total_seconds() if isinstance(retry_after, dtm.timedelta) else retry_after
    assert seconds == 3
    await bot.send_message(ZHANG, "恢复")
    assert [m.text for m in api.sent_to(ZHANG)] == ["恢复"]


async def test_server_errors_and_delay(api: LocalBotApi, bot: Bot) -> None:
    api.add_user(ZHANG)
    api.inject_fault("sendMessage", status=500)
    api.inject_fault("sendMessage", status=502)
    api.inject_fault("sendMessage", status=403)
    for error in (NetworkError, NetworkError, Forbidden):
        with pytest.raises(error):
            await bot.send_message(ZHANG, "x")
    api.inject_fault("sendMessage", delay=0.6)
    with pytest.raises(TimedOut):
        await bot.send_message(ZHANG, "慢", read_timeout=0.2)
    # Like the real server, the slow request is still executed after the client gave up.
    [late] = await api.wait_for_replies(ZHANG, timeout=3)
    assert late.text == "慢"


async def test_unknown_method_and_wrong_token(api: LocalBotApi) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{api.base_url}{api.token}/sendTelepathy") as response:
            assert response.status == 404
            assert await response.json() == {"ok": False, "error_code": 404,
                                             "description": "Not Found: method not found"}
    with pytest.raises(InvalidToken):
        await Bot("999:WRONG", base_url=api.base_url).initialize()


async def test_upload_and_download_limits() -> None:
    async with LocalBotApi(max_upload_bytes=1000, max_download_bytes=500) as small:
        small.add_user(ZHANG)
        async with Bot(small.token, base_url=small.base_url) as client:
            with pytest.raises(NetworkError, match="Request Entity Too Large"):
                await client.send_document(ZHANG, b"x" * 5000, filename="big.bin")
            await small.user_sends_document(ZHANG, "medium.pdf", b"%PDF" * 200)
            [update] = await client.get_updates()
            assert update.message.document.mime_type == "application/pdf"
            with pytest.raises(BadRequest, match="File is too big"):
                await update.message.document.get_file()


# --------------------------------------------------------------------------- getUpdates


async def test_long_poll_wakes_on_new_update(api: LocalBotApi, bot: Bot) -> None:
    loop = asyncio.get_running_loop()
    started = loop.time()
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.2)
    update_id = await api.user_sends_text(ZHANG, "醒醒")
    [update] = await poll
    assert update.update_id == update_id and update.message.text == "醒醒"
    assert loop.time() - started < 2
    assert update.message.from_user.language_code == "zh-hans"


async def test_second_poller_terminates_first_with_conflict(api: LocalBotApi, bot: Bot) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=3))
    await asyncio.sleep(0.2)
    async with Bot(api.token, base_url=api.base_url) as second_instance:
        assert await second_instance.get_updates(timeout=0) == ()
    with pytest.raises(Conflict, match="terminated by other getUpdates request"):
        await first


async def test_unconfirmed_update_is_redelivered(api, bot, make_echo_app, run_polling) -> None:
    update_id = await api.user_sends_text(ZHANG, "崩溃前收到")
    fetched = await bot.get_updates(timeout=0)  # fetched, but never confirmed (a crash)
    assert [u.update_id for u in fetched] == [update_id]
    assert api.processed_update_ids == []
    async with run_polling(make_echo_app(api)) as app:
        [reply] = await api.wait_for_replies(ZHANG)
        assert reply.text == "收到：崩溃前收到"
        assert app.bot_data["seen"] == ["崩溃前收到"]
    assert api.processed_update_ids == [update_id]


async def test_confirmed_update_is_not_redelivered(api, make_echo_app, run_polling) -> None:
    async with run_polling(make_echo_app(api)):
        first_id = await api.user_sends_text(ZHANG, "第一条")
        await api.wait_for_replies(ZHANG)
    assert first_id in api.processed_update_ids
    assert api.confirmed_offset == first_id + 1
    async with run_polling(make_echo_app(api)) as second_app:
        await api.user_sends_text(ZHANG, "第二条")
        await api.wait_for_replies(ZHANG)
        assert second_app.bot_data["seen"] == ["第二条"]
    assert [m.text for m in api.sent_to(ZHANG)] == ["收到：第一条", "收到：第二条"]


async def test_bot_commands_and_webhook_info(api: LocalBotApi, bot: Bot) -> None:
    await bot.set_my_commands([("start", "开始"), ("help", "帮助")])
    assert [c.command for c in await bot.get_my_commands()] == ["start", "help"]
    with pytest.raises(BadRequest, match="Bot_command_invalid"):
        await bot.set_my_commands([("Bad-Name", "无效")])
    await bot.delete_my_commands()
    assert await bot.get_my_commands() == ()
    await api.user_sends_text(ZHANG, "待处理")
    info = await bot.get_webhook_info()
    assert (info.url, info.pending_update_count) == ("", 1)
    me = await bot.get_me()
    assert (me.username, me.id, me.is_bot) == ("nianbao_test_bot", 123456, True)
