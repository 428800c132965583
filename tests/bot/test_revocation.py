"""Access can be revoked, through the real bot and the command line: a supervisor removes a
member, deactivating an agency stops its staff (supervisors still see it, marked), and who did
what is in an audit log supervisors can read."""

from __future__ import annotations

import asyncio

from fixtures.cli import Completed, run_cli
from bot.harness import STAFF_CHAGAN, STAFF_XUEZHANG, SUPERVISOR, sample_text
from nianbao import messages as say

NEWCOMER = 7070


def cli(env, *args: str) -> Completed:
    return run_cli(*args, env={"NIANBAO_DB": str(env.config.database)})


async def test_a_supervisor_removes_a_member_who_then_has_no_access(env):
    assert "学张乡" in env.text(await env.send(STAFF_XUEZHANG, "/history", count=1))
    removed = env.text(await env.send(SUPERVISOR, f"/remove {STAFF_XUEZHANG}", count=1))
    assert "已移除" in removed and "学张乡人民政府" in removed
    assert "还没有绑定单位" in env.text(await env.send(STAFF_XUEZHANG, "/history", count=1))
    assert "还没有绑定单位" in env.text(await env.send(STAFF_XUEZHANG, "/template", count=1))
    assert env.store.get_member(STAFF_XUEZHANG) is None
    # staff cannot remove anyone
    assert "督导员" in env.text(await env.send(STAFF_CHAGAN, f"/remove {STAFF_XUEZHANG}", count=1))


async def test_the_command_line_removes_a_member(env):
    run = await asyncio.to_thread(cli, env, "members", "remove", str(STAFF_CHAGAN))
    assert run.returncode == 0, run.stderr
    replies = await env.send(STAFF_CHAGAN, "/history", count=1)
    assert "还没有绑定单位" in env.text(replies)


async def test_a_deactivated_agencys_staff_lose_access_and_supervisors_still_see_it(env):
    run = await asyncio.to_thread(cli, env, "agencies", "deactivate", "学张乡人民政府")
    assert run.returncode == 0, run.stderr
    assert "还没有绑定单位" in env.text(await env.send(STAFF_XUEZHANG, "/history", count=1))
    draft = await env.upload(STAFF_XUEZHANG, "年报.txt", sample_text("000").encode(), count=1)
    assert "还没有绑定单位" in env.text(draft)
    agency = env.store.find_agency("学张乡人民政府", include_inactive=True)
    assert env.store.list_submissions(agency.id, 2024) == []  # nothing reviewed or stored
    shown = env.text(await env.send(SUPERVISOR, "/agency 学张乡", count=2))
    assert "已停用" in shown and "学张乡人民政府" in shown
    refused = env.text(await env.send(SUPERVISOR, "/invite 学张乡", count=1))
    assert "已停用" in refused and "/start" not in refused


async def test_supervisors_read_who_did_what(env):
    invite = env.text(await env.send(SUPERVISOR, "/invite 叉干镇", count=1))
    code = next(word for word in invite.split() if word.isalnum() and len(word) == 8 and word.isupper())
    env.api.add_user(NEWCOMER)
    await env.send(NEWCOMER, f"/start {code}", count=1)
    await env.send(SUPERVISOR, f"/remove {NEWCOMER}", count=1)
    audit = env.text(await env.send(SUPERVISOR, "/audit", count=1))
    lines = audit.splitlines()[1:]
    assert f"用户 {SUPERVISOR}：移除 用户 {NEWCOMER}" in lines[0]
    assert f"用户 {NEWCOMER}：绑定" in lines[1] and "叉干镇" in lines[1]
    assert f"用户 {SUPERVISOR}：生成邀请码" in lines[2]
    assert "督导员" in env.text(await env.send(STAFF_XUEZHANG, "/audit", count=1))
