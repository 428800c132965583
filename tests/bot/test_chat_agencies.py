"""A supervisor adds an agency from the chat (issue 13, item 10): name and level, then invites
it; nobody is told about command-line tools they have never seen."""

from __future__ import annotations

from bot.harness import STAFF_XUEZHANG, SUPERVISOR


async def test_supervisor_adds_an_agency_and_invites_it(env):
    unknown = env.text(await env.send(SUPERVISOR, "/invite 学张乡第二中心"))
    assert "nianbao agencies" not in unknown
    assert "/addagency 学张乡第二中心 乡镇" in unknown  # says how, with this very name
    added = env.text(await env.send(SUPERVISOR, "/addagency 学张乡第二中心 乡镇"))
    assert "已添加「学张乡第二中心」" in added and "乡镇（街道）" in added and "/invite 学张乡第二中心" in added
    invite = env.text(await env.send(SUPERVISOR, "/invite 学张乡第二中心"))
    assert "学张乡第二中心" in invite and "start=" in invite
    assert env.store.find_agency("学张乡第二中心").level == "township"


async def test_adding_an_existing_agency_says_it_is_there(env):
    text = env.text(await env.send(SUPERVISOR, "/addagency 学张乡人民政府 乡镇"))
    assert "已在名单中" in text and "已添加" not in text


async def test_adding_needs_a_known_level(env):
    text = env.text(await env.send(SUPERVISOR, "/addagency 某某站"))
    assert "层级" in text and "乡镇" in text and "县直部门" in text
    text = env.text(await env.send(SUPERVISOR, "/addagency 某某站 火星"))
    assert "火星" in text and "县直部门" in text
    assert env.store.find_agency("某某站") is None


async def test_staff_cannot_add_agencies(env):
    text = env.text(await env.send(STAFF_XUEZHANG, "/addagency 某某站 乡镇"))
    assert "只有督导员" in text
    assert env.store.find_agency("某某站") is None
