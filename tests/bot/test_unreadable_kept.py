"""A file that could not be read is not kept once it is answered: a staff account sending
random bytes named .docx cannot fill the disk. A readable draft is kept as before."""

from __future__ import annotations

import os

from bot.harness import STAFF_XUEZHANG, sample_text


async def test_an_unreadable_file_is_answered_and_not_kept(env):
    junk = os.urandom(300_000)
    replies = await env.upload(STAFF_XUEZHANG, "年报.docx", junk, count=1, timeout=60)
    assert "无法" in env.text(replies) or "不能" in env.text(replies)
    files = env.app.bot_data["services"].files
    await env.until_idle()  # the copy is dropped right after the answer is sent
    assert not any(path.read_bytes() == junk for path in files.root.rglob("*") if path.is_file())
    readable = sample_text("000").encode()
    await env.upload(STAFF_XUEZHANG, "年报.txt", readable, count=1, timeout=60)
    assert any(path.read_bytes() == readable for path in files.root.rglob("*") if path.is_file())
