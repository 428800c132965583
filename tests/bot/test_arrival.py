"""Names and arguments as they arrive, through the real bot and the local Bot API server:
control and bidi-override characters never reach the store, /history or the CSV export, and
overlong names or arguments are cut so that what the bot echoes still fits a message."""

from __future__ import annotations

from bot.harness import STAFF_XUEZHANG, SUPERVISOR, sample_text

HOSTILE_NAME = "年报\x00\u202excod.docx"  # shows as 年报docx.exe... in a right-to-left run


async def test_control_and_bidi_characters_are_stripped_from_file_names(env):
    await env.upload(STAFF_XUEZHANG, HOSTILE_NAME, sample_text("000").encode(), count=1, timeout=60)
    history = env.text(await env.send(STAFF_XUEZHANG, "/history", count=1))
    assert "年报xcod.docx" in history
    exported = await env.send(SUPERVISOR, "/export", count=1)
    csv = exported[0].data.decode("utf-8-sig")
    agency = env.text(await env.send(SUPERVISOR, "/agency 学张乡", count=1))
    for shown in (history, csv, agency):
        assert "\x00" not in shown and "\u202e" not in shown


async def test_a_very_long_file_name_does_not_break_draft(env):
    long_name = "学张乡" * 330 + ".txt"  # ~1,000 characters
    await env.upload(STAFF_XUEZHANG, long_name, sample_text("000").encode(), count=1, timeout=60)
    replies = await env.send(SUPERVISOR, "/draft 学张乡", count=1, timeout=20)
    assert replies[0].is_file, replies[0].plain_text
    assert len(replies[0].plain_text) < 1024


async def test_a_huge_argument_is_cut_before_it_is_echoed(env):
    replies = await env.send(SUPERVISOR, "/agency " + "&" * 4000, count=1, timeout=20)
    assert "没有找到" in replies[0].plain_text
    assert len(replies[0].plain_text) < 1000
