"""Each agency's stored drafts are limited: a draft beyond the quota is refused with a clear
message and nothing of it is kept; a supervisor's test draft counts towards no agency and is not
kept once answered."""

from __future__ import annotations

import hashlib

from bot.harness import STAFF_CHAGAN, STAFF_XUEZHANG, SUPERVISOR, running_bot, sample_text, seed
from nianbao.storage import Store


def _stored(files) -> set[bytes]:
    return {path.read_bytes() for path in files.root.rglob("*") if path.is_file()}


async def test_a_draft_over_the_agencys_quota_is_refused_and_not_kept(tmp_path):
    first = sample_text("000").encode()
    second = sample_text("000").replace("学张乡", "学张乡 ").encode()
    store = Store(tmp_path / "nianbao.db")
    seed(store)
    quota_mb = len(first) * 1.5 / 1024 / 1024  # the first draft fits, the second does not
    async with running_bot(tmp_path, store, agency_quota_mb=quota_mb) as env:
        for user in (STAFF_XUEZHANG, STAFF_CHAGAN):
            env.api.add_user(user)
        files = env.app.bot_data["services"].files
        await env.upload(STAFF_XUEZHANG, "初稿.txt", first, count=1, timeout=60)
        assert first in _stored(files)

        [refusal] = await env.upload(STAFF_XUEZHANG, "二稿.txt", second, count=1, timeout=60)
        text = refusal.plain_text
        assert "上限" in text and "没有保存" in text and "县政务公开办" in text
        assert f"{quota_mb:g}"[:4] in text  # the limit is named
        assert second not in _stored(files) and not files.exists(hashlib.sha256(second).hexdigest())
        history = env.text(await env.send(STAFF_XUEZHANG, "/history", count=1))
        assert "初稿.txt" in history and "二稿.txt" not in history

        other = sample_text("003").encode()  # another agency has its own quota
        replies = await env.upload(STAFF_CHAGAN, "年报.txt", other, count=1, timeout=60)
        assert "上限" not in env.text(replies) and other in _stored(files)
    store.close()


async def test_a_supervisors_test_draft_is_answered_and_not_kept(env):
    files = env.app.bot_data["services"].files
    data = sample_text("000").replace("学张乡", "学张乡  ").encode()
    replies = await env.upload(SUPERVISOR, "试审.txt", data, count=1, timeout=60)
    assert "审核" in env.text(replies)
    await env.until_idle()  # the copy is dropped right after the answer is sent
    assert data not in _stored(files)
    assert env.store.agency_stored_drafts(env.store.find_agency("学张乡").id) == {}
