"""A paste split by hand into two messages (issue 13, item 7): the first part is held, the bot
asks whether more follows, the next part sent within a few minutes is joined to it and the whole
is checked once; a fragment never becomes (or replaces) the agency's draft."""

from __future__ import annotations

from bot.harness import STAFF_XUEZHANG, SUPERVISOR, issue_lines, paste_parts, running_bot, sample_text, seed
from nianbao.storage import Store

HELD = "还没有发完"


async def paste(env, user: int, text: str) -> str:
    """Paste a text: Telegram delivers a long one as several messages in quick succession."""
    since = env.api.message_count(user)
    for part in paste_parts(text):
        await env.api.user_sends_text(user, part)
    return env.text(await env.api.collect_replies(user, timeout=20, quiet=1.0, since=since, settled=env.bot_is_idle))


def halves(text: str) -> tuple[str, str]:
    cut = text.index("四、政府信息公开行政复议、行政诉讼情况")
    return text[:cut].strip(), text[cut:].strip()


async def test_two_parts_sent_apart_are_checked_as_one_report(env):
    full = sample_text("000")
    first, second = halves(full)
    held = await paste(env, STAFF_XUEZHANG, first)
    assert HELD in held and "第五部分" in held  # what is missing, and that more is expected
    assert "审核结果" not in held
    # the bot is idle, so the paste delay is over: the rest comes as a second message sent by hand
    joined = await paste(env, STAFF_XUEZHANG, second)
    assert "审核结果：学张乡人民政府" in joined
    whole = await paste(env, STAFF_XUEZHANG, full)  # the same report pasted at once
    assert issue_lines(joined) == issue_lines(whole)
    history = env.text(await env.send(STAFF_XUEZHANG, "/history"))
    assert "共 2 次" in history  # the joined report and the whole one: no fragment among them


async def test_a_fragment_never_replaces_the_draft(env):
    full = sample_text("000")
    await paste(env, STAFF_XUEZHANG, full)
    first, _ = halves(full)
    held = await paste(env, STAFF_XUEZHANG, first)
    assert HELD in held
    history = env.text(await env.send(STAFF_XUEZHANG, "/history"))
    assert "共 1 次" in history
    agency = env.text(await env.send(SUPERVISOR, "/agency 学张乡人民政府"))
    assert "共 1 次" in agency


async def test_a_held_fragment_not_followed_is_let_go_with_a_word(tmp_path):
    store = Store(tmp_path / "nianbao.db")
    seed(store)
    try:
        async with running_bot(tmp_path, store, fragment_wait_seconds=1) as env:
            env.api.add_user(STAFF_XUEZHANG)
            first, _ = halves(sample_text("000"))
            held = await paste(env, STAFF_XUEZHANG, first)
            assert HELD in held and "1 分钟内" in held
            since = env.api.message_count(STAFF_XUEZHANG)
            later = env.text(await env.api.wait_for_replies(STAFF_XUEZHANG, count=1, timeout=15, since=since))
            assert "没有收到后续内容" in later and "没有作为报告审核" in later
        assert store.list_submissions(store.find_agency("学张乡人民政府").id) == []
    finally:
        store.close()
