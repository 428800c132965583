"""The command table drives what users see: /help, the per-role menus, and one set of refusals."""

from __future__ import annotations

from bot.harness import STAFF_XUEZHANG, SUPERVISOR, running_bot, seed
from nianbao.storage import Store

ADMIN, NEWCOMER = 7777, 8888


def names(commands: list[dict]) -> list[str]:
    return [c["command"] for c in commands]


async def test_each_role_gets_its_own_menu_and_a_promotion_updates_it(tmp_path):
    store = Store(tmp_path / "nianbao.db")
    seed(store)
    async with running_bot(tmp_path, store, admins=frozenset({ADMIN})) as env:
        for user in (STAFF_XUEZHANG, SUPERVISOR, ADMIN, NEWCOMER):
            env.api.add_user(user)
        everyone = names(env.api.bot_commands())
        assert "history" in everyone and "help" in everyone and "status" not in everyone
        supervisor = names(env.api.bot_commands({"type": "chat", "chat_id": SUPERVISOR}))
        assert {"history", "status", "invite", "summary"} <= set(supervisor) and "promote" not in supervisor
        assert "promote" in names(env.api.bot_commands({"type": "chat", "chat_id": ADMIN}))
        assert not env.api.bot_commands({"type": "chat", "chat_id": NEWCOMER})

        await env.send(ADMIN, "/promote 8888", count=1)
        assert "status" in names(env.api.bot_commands({"type": "chat", "chat_id": NEWCOMER}))
    store.close()


async def test_one_wrapper_refuses_and_resolves_the_agency_argument(env):
    assert "只有督导员" in (await env.send(STAFF_XUEZHANG, "/invite 学张乡", count=1))[0].plain_text
    assert "只有管理员" in (await env.send(SUPERVISOR, "/promote 1", count=1))[0].plain_text
    for name in ("agency", "invite", "draft"):
        [usage] = await env.send(SUPERVISOR, f"/{name}", count=1)
        assert f"/{name} 学张乡" in usage.plain_text
        [unknown] = await env.send(SUPERVISOR, f"/{name} 不存在乡", count=1)
        assert "没有找到单位「不存在乡」" in unknown.plain_text
        [ambiguous] = await env.send(SUPERVISOR, f"/{name} 乡", count=1)
        assert "对应多个单位" in ambiguous.plain_text
