"""WeCom's rules, end to end over HTTP: the callback URL verified; a forged signature, another
corp's message and a malformed body refused without a word; a callback WeCom sends again (it
retries after 5 seconds) answered once, across a restart too; an access token expiring while a
reply is being sent; a busy server; the reminders under a faked clock."""

from __future__ import annotations

import datetime as dt

from nianbao.devtools.wecom import WecomEmulator
from nianbao.storage import Store
from nianbao.wecom.crypto import Crypto
from wecom.harness import OTHER_STAFF, SHANGHAI, STAFF, SUPERVISOR, Clock, running_wecom, seed


async def test_the_callback_url_is_verified(env):
    result = await env.wecom.verify_url("1288432023552776189")
    assert (result.status, result.body) == (200, "1288432023552776189")
    forged = dict(result.query, msg_signature="0" * 40)
    async with env.wecom._client.get(env.wecom.callback_url, params=forged) as response:
        assert response.status == 403 and await response.text() == ""


async def test_a_forged_signature_is_refused_without_a_word(env):
    result = await env.wecom.user_sends_text(STAFF, "/help", forge=True)
    await env.until_idle()
    assert (result.status, result.body) == (403, "")
    assert env.wecom.message_count(STAFF) == 0 and env.store.inbox_counts() == {}


async def test_another_corps_message_and_junk_are_refused(env):
    other = Crypto(env.wecom.token, env.wecom.aes_key, "ww0000000000000000")  # same keys, another corp id
    message = env.wecom._xml(STAFF, "text", {"Content": "/help"}, "7300000000000000999")
    ciphertext, signature = other.seal(message, "1700000000", "42")
    payload = f"<xml><Encrypt><![CDATA[{ciphertext}]]></Encrypt></xml>".encode()
    query = {"msg_signature": signature, "timestamp": "1700000000", "nonce": "42"}
    for body in (payload, b"not xml", b'<!DOCTYPE x [<!ENTITY a "b">]><xml><Encrypt>&a;</Encrypt></xml>', b"x" * 100_000):
        async with env.wecom._client.post(env.wecom.callback_url, params=query, data=body) as response:
            assert response.status == 403 and await response.text() == ""
    await env.until_idle()
    assert env.wecom.message_count(STAFF) == 0


async def test_a_retried_callback_is_answered_once_even_after_a_restart(tmp_path):
    store = Store(tmp_path / "nianbao.db")
    seed(store)
    async with WecomEmulator() as wecom:
        async with running_wecom(tmp_path, store, wecom=wecom) as env:
            first = await wecom.user_sends_text(STAFF, "/history")
            again = await wecom.resend(first)  # WeCom did not get the answer in time
            await env.until_idle()
            assert first.status == again.status == 200 and first.seconds < 1.0
            assert wecom.message_count(STAFF) == 1
            file_sent = await wecom.user_sends_file(STAFF, "报告.txt", "not a report at all".encode() * 20)
            await env.until_idle()
            answered = wecom.message_count(STAFF)
        async with running_wecom(tmp_path, store, wecom=wecom) as env:  # a restart: memory is gone
            for result in (first, file_sent):
                assert (await wecom.resend(result)).status == 200
            await env.until_idle()
            assert wecom.message_count(STAFF) == answered
            assert len(store.list_submissions(store.find_agency("学张乡人民政府").id)) <= 1
    store.close()


async def test_a_token_expiring_mid_send_loses_no_message(env):
    await env.send(STAFF, "/help")
    fetched = env.wecom.token_requests
    env.wecom.expire_tokens()  # the cached token is now refused with 42001
    replies = await env.send(SUPERVISOR, "/status")
    assert "年度报告报送情况" in env.text(replies) and any(m.msgtype == "image" for m in replies)
    assert env.wecom.token_requests == fetched + 1  # renewed once, then reused
    assert ("message/send", 42001) in env.wecom.refused
    env.wecom.inject("message/send", 40014)  # "invalid access_token" for the next send
    assert "/history" in env.text(await env.send(STAFF, "/help"))
    assert env.wecom.token_requests == fetched + 2


async def test_a_busy_server_is_waited_out(env):
    env.wecom.inject("message/send", -1, times=2)
    env.wecom.inject("media/upload", "http500")
    replies = await env.send(SUPERVISOR, "/status")
    assert "年度报告报送情况" in env.text(replies) and any(m.msgtype == "image" for m in replies)


async def test_reminders_go_out_once_under_a_faked_clock(tmp_path):
    store = Store(tmp_path / "nianbao.db")
    seed(store)
    clock = Clock(dt.datetime(2025, 1, 24, 9, 30, tzinfo=SHANGHAI))  # 7 days before 31 January
    async with running_wecom(tmp_path, store, clock) as env:
        sent = await env.service.send_due_reminders()
        assert len(sent) == 3  # two agencies' staff not passing, and the supervisor's digest
        assert await env.service.send_due_reminders() == []  # the same day again: nothing
        for user in (STAFF, OTHER_STAFF):
            (reminder,) = env.wecom.sent_to(user)
            assert "距截止日期还有 7 天" in reminder.text
        (digest,) = env.wecom.sent_to(SUPERVISOR)
        assert "督导提醒" in digest.text
        clock.now = dt.datetime(2025, 1, 25, 10, 0, tzinfo=SHANGHAI)  # 6 days: not a reminder day
        assert await env.service.send_due_reminders() == []
    store.close()


async def test_a_draft_journalled_before_a_crash_is_finished_after_the_restart(env):
    """A file message journalled but never checked (the process died): recovery fetches it again
    with media/get and answers the member, found again from the store after the restart."""
    from fixtures.mistakes import one_mistake_docx
    from nianbao.wecom.ids import journal_id, member_id

    media_id = env.wecom.store_media("学张乡2024年报.docx", one_mistake_docx())
    user_id = member_id(STAFF)
    env.store.journal_draft(journal_id("msg:7300000000000000777"), chat_id=user_id, user_id=user_id,
                            kind="wecom_file", file_id=media_id, file_name="学张乡2024年报.docx", now=env.clock())
    await env.service.pipeline.recover()
    replies = await env.replies(STAFF, 0, None)
    assert "1 个错误" in env.text(replies) and any(m.is_file for m in replies)
    assert env.store.inbox_counts().get("answered") == 1
