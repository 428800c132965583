"""Gates before the handlers, through the real bot and the local Bot API server: private chats
only, edits never re-run a command, and throttles on invite attempts, strangers and repeats."""

from __future__ import annotations

import logging

from bot.harness import STAFF_XUEZHANG, SUPERVISOR
from nianbao import messages as say
from nianbao.bot.guards import INVITE_ATTEMPTS, SAME_COMMAND, UNBOUND_REPLIES
from nianbao.messages import GROUP_NOTICE

GROUP = -1001234567
STRANGER = 4242


async def test_in_a_group_the_bot_says_it_serves_private_chats_then_leaves(env):
    await env.api.user_sends_in_group(GROUP, SUPERVISOR, "/draft 学张乡")
    await env.api.user_sends_in_group(GROUP, SUPERVISOR, "/invite 学张乡")
    await env.api.user_sends_in_group(GROUP, STAFF_XUEZHANG, "/history")
    assert await env.api.wait_until(lambda: env.api.left_chats == [GROUP], 10)
    await env.until_idle()
    sent = env.api.sent_to(GROUP)
    assert [m.plain_text for m in sent] == [GROUP_NOTICE]  # no draft, no code, no history
    assert env.api.sent_to(SUPERVISOR) == [] and env.api.sent_to(STAFF_XUEZHANG) == []


async def test_an_edited_command_is_not_run_again(env):
    sent = await env.api.user_sends_text(SUPERVISOR, "/overdue")
    first = await env.api.wait_for_replies(SUPERVISOR, count=1, timeout=20)
    assert "学张乡" in env.text(first)
    before = env.api.message_count(SUPERVISOR)
    await env.api.user_edits_text(sent, "/status")
    await env.api.user_edits_text(sent, "/overdue")
    await env.until_idle()
    assert env.api.sent_to(SUPERVISOR)[before:] == []


async def test_invite_attempts_are_limited_per_user_and_failures_logged(env, caplog):
    caplog.set_level(logging.WARNING, logger="nianbao.bot.guards")
    for attempt in range(12):
        await env.api.user_sends_text(STRANGER, f"/start WRONG{attempt:03d}")
    replies = await env.api.collect_replies(STRANGER, timeout=15, quiet=1.5, settled=env.bot_is_idle)
    texts = [m.plain_text for m in replies]
    assert len(texts) == INVITE_ATTEMPTS + 1, texts
    assert sum("尝试次数过多" in text for text in texts) == 1
    refused = [r for r in caplog.records if "was refused" in r.getMessage()]
    assert len(refused) == INVITE_ATTEMPTS
    assert not any("WRONG" in r.getMessage() for r in caplog.records)  # the codes are not logged


async def test_a_stranger_gets_a_few_answers_not_one_per_message(env):
    for number in range(30):
        await env.api.user_sends_text(STRANGER, f"你好 {number}")
    replies = await env.api.collect_replies(STRANGER, timeout=15, quiet=1.5, settled=env.bot_is_idle)
    assert len(replies) == UNBOUND_REPLIES
    assert all("还没有绑定单位" in m.plain_text for m in replies)


async def test_the_same_command_again_and_again_is_answered_a_few_times(env):
    for _ in range(SAME_COMMAND + 5):
        await env.api.user_sends_text(SUPERVISOR, "/overdue")
    replies = await env.api.collect_replies(SUPERVISOR, timeout=20, quiet=1.5, settled=env.bot_is_idle)
    texts = [m.plain_text for m in replies]
    assert sum("频繁" in t for t in texts) == 1
    assert len(texts) - 1 == SAME_COMMAND
    # another command still goes through
    assert await env.send(SUPERVISOR, "/help", count=1)
