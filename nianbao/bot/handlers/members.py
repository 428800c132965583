"""Revoking access and seeing who did what: ``/remove`` unbinds a member (a supervisor removes
staff; only an admin removes a supervisor), ``/audit`` shows the audit log. A deactivated
agency's staff lose access (``Services.role_of``); supervisors still find the agency, marked as
deactivated."""

from __future__ import annotations

from ... import messages as say
from ..commands import Role
from ..menus import set_menu
from .common import Call, command

INACTIVE_AGENCY = "⚠️ 单位「{name}」已停用：其成员不能再提交或查看报告，也不能再生成邀请码。"
REMOVE_USAGE = "用法：<code>/remove 用户ID</code>（用户ID 可在 /audit 的记录中找到）。"
REMOVED = "已移除用户 {user_id}（{what}）：其不能再使用机器人，需要新的邀请码才能重新绑定。"
NOT_A_MEMBER = "用户 {user_id} 不是成员，无需移除。"
CONFIGURED = "用户 {user_id} 是配置文件中的督导员或管理员，请在配置中删除后重启机器人。"
ADMIN_NEEDED = "只有管理员可以移除督导员或管理员。"
NO_EVENTS = "还没有操作记录。"
ACTION_LABELS = {
    "bind": "绑定", "remove": "移除", "invite": "生成邀请码", "promote": "设为督导员",
    "deactivate": "停用单位", "activate": "启用单位", "accept": "确认通过",
}  # fmt: skip
AUDIT_SHOWN = 30


@command("remove")
async def remove_command(call: Call) -> None:
    if not call.args or not call.args[0].isdigit():
        await call.reply(REMOVE_USAGE)
        return
    user_id, services = int(call.args[0]), call.services
    if user_id in services.config.supervisors or user_id in services.config.admins:
        await call.reply(CONFIGURED.format(user_id=user_id))
        return
    member = await services.db.get_member(user_id)
    if member is None:
        await call.reply(NOT_A_MEMBER.format(user_id=user_id))
        return
    if member.role != "staff" and call.role != "admin":
        await call.reply(ADMIN_NEEDED)
        return
    agency = await services.db.member_agency(user_id) if member.role == "staff" else None
    await services.db.remove_member(user_id, actor=call.user_id, now=services.clock())
    await set_menu(call.context.bot, user_id, Role.ANYONE)
    what = say.escape(agency.name) + " 的成员" if agency else "督导员"
    await call.reply(REMOVED.format(user_id=user_id, what=what))


@command("audit")
async def audit_command(call: Call) -> None:
    events = await call.services.db.list_events(AUDIT_SHOWN)
    if not events:
        await call.reply(NO_EVENTS)
        return
    tz = call.services.config.tz
    lines = [f"<b>最近 {len(events)} 条操作记录</b>（最新在前）"]
    for event in events:
        who = "命令行" if event.actor is None else f"用户 {event.actor}"
        line = f"{event.at.astimezone(tz):%m-%d %H:%M} {who}：{ACTION_LABELS.get(event.action, event.action)}"
        if event.subject is not None and event.subject != event.actor:
            line += f" 用户 {event.subject}"
        if event.agency_name:
            line += f" · {say.escape(event.agency_name)}"
        lines.append(line)
    await call.reply(say.split_message("\n".join(lines)))
