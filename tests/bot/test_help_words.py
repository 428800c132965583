"""Help where people look for it (issue 13, item 12) and /whoami for the supervisors' ids."""

from __future__ import annotations

from bot.harness import STAFF_XUEZHANG, SUPERVISOR

UNBOUND = 5555


async def test_a_mistyped_command_gets_a_suggestion(env):
    text = env.text(await env.send(STAFF_XUEZHANG, "/histroy"))
    assert "/history" in text and "/histroy" in text


async def test_help_words_in_plain_text_get_the_help(env):
    for words in ("帮助", "help", "怎么用？"):
        text = env.text(await env.send(STAFF_XUEZHANG, words))
        assert "使用说明" in text, words
        assert "请发送年度报告的 Word 文件" not in text


async def test_the_deadline_is_answered_and_in_help(env):
    text = env.text(await env.send(STAFF_XUEZHANG, "截止日期是哪天？"))
    assert "2025年1月31日" in text and "2024 年度" in text
    help_text = env.text(await env.send(STAFF_XUEZHANG, "/help"))
    assert "截止日期" in help_text and "2025年1月31日" in help_text


async def test_an_invite_code_typed_as_text_binds(env):
    code = env.store.create_invite(env.store.find_agency("策勒乡人民政府").id)
    env.api.add_user(UNBOUND)
    text = env.text(await env.send(UNBOUND, f"邀请码 {code}"))
    assert "绑定成功" in text and "策勒乡人民政府" in text
    assert env.store.get_member(UNBOUND).agency_id == env.store.find_agency("策勒乡人民政府").id


async def test_a_code_alone_from_an_unbound_user_binds_too(env):
    code = env.store.create_invite(env.store.find_agency("策勒乡人民政府").id)
    env.api.add_user(UNBOUND)
    text = env.text(await env.send(UNBOUND, code.lower()))
    assert "绑定成功" in text


async def test_whoami_gives_the_telegram_id(env):
    env.api.add_user(UNBOUND)
    text = env.text(await env.send(UNBOUND, "/whoami"))
    assert str(UNBOUND) in text and "supervisors" in text
    text = env.text(await env.send(STAFF_XUEZHANG, "/whoami"))
    assert str(STAFF_XUEZHANG) in text and "学张乡人民政府" in text
    text = env.text(await env.send(SUPERVISOR, "/whoami"))
    assert str(SUPERVISOR) in text and "督导员" in text
