"""Who may use the bot: welcome and binding with an invite code, roles, help and the deadline,
invites and promotions, the guards' notices, and the supervisors' people commands."""

from __future__ import annotations

import datetime as dt

from ..levels import LEVEL_WORDS
from .format import escape

__all__ = [
    "member_added", "member_line",
    "named_person", "unnamed_person",
    "ADD_NEEDS_NAME_AND_LEVEL", "ADD_USAGE", "ADMINS_ONLY", "AUDIT_ACTIONS", "AUDIT_EMPTY", "ERROR_NOTICE",
    "GROUP_NOTICE", "HELP_DRAFTS", "HELP_SECTIONS", "HELP_TITLE", "INACTIVE_AGENCY", "INVITE_ERRORS",
    "LEVEL_WORDS", "NOT_BOUND", "PROMOTED", "PROMOTE_USAGE", "REBOUND", "REMOVED", "REMOVE_CONFIGURED",
    "REMOVE_NEEDS_ADMIN", "REMOVE_NOT_A_MEMBER", "REMOVE_USAGE", "REPEATED_COMMAND", "SUPERVISORS_ONLY",
    "SUPERVISOR_CANNOT_JOIN", "SUPERVISOR_USE_AGENCY", "TOO_MANY_INVITE_ATTEMPTS", "UNKNOWN_COMMAND",
    "WEB_LINK", "WEB_OFF", "WELCOME", "agency_added", "agency_already_listed", "already_bound", "audit_line",
    "audit_title", "bound_message", "deadline_answer", "help_deadline", "invite_message", "removed_whom",
    "unknown_command_named", "unknown_level", "whoami",
]  # fmt: skip

WELCOME = (
    "您好！我是<b>年报审核助手</b>，审核政府信息公开工作年度报告。\n\n"
    "请先绑定本单位：向县政务公开办索取邀请码，然后发送 <code>/start 邀请码</code>。"
)
NOT_BOUND = "您还没有绑定单位，不能提交或查看报告。请向县政务公开办索取邀请码，然后发送 <code>/start 邀请码</code>。"
SUPERVISORS_ONLY = "抱歉，这个命令只有督导员可以使用。"
ADMINS_ONLY = "抱歉，这个命令只有管理员可以使用。"
INVITE_ERRORS = {
    "unknown": "邀请码无效，请核对后重新发送（不区分大小写）。",
    "used": "这个邀请码已经使用过了。每个邀请码只能用一次，请向县政务公开办重新索取。",
    "expired": "这个邀请码已过期，请向县政务公开办重新索取。",
}
SUPERVISOR_CANNOT_JOIN = "您是督导员，不能绑定到某个单位（绑定后会以该单位名义报送）。请把邀请码转给该单位的工作人员。"
UNKNOWN_COMMAND = "未知命令。发送 /help 查看可用命令。"


def bound_message(agency_name: str, role: str) -> str:
    if role == "supervisor":
        return "✅ 已登记为<b>督导员</b>。发送 /status 查看本年度报送情况，/help 查看全部命令。"
    return (
        f"✅ 绑定成功：<b>{escape(agency_name)}</b>。\n"
        "现在可以直接发送年度报告的 Word 文件（.docx），或把全文粘贴发送，几秒钟内返回审核意见。"
    )


def already_bound(agency_name: str) -> str:
    return f"您已绑定：<b>{escape(agency_name)}</b>。直接发送年度报告即可审核；发送 /help 查看使用说明。"


HELP_TITLE = "<b>年报审核助手使用说明</b>"
HELP_DRAFTS = (
    "• 直接发送年度报告 .docx 文件（也可以是 .txt 或带文字层的 PDF），或把报告全文粘贴发送，即可审核。",
    "• 再次发送修改稿时，会告诉您哪些问题已改正、哪些仍未改正。",
    "• 对某一项意见有说明（例如数字变化的原因）时，发送「说明 序号 内容」，例如：说明 3 本年机构改革，申请量下降",
)
HELP_SECTIONS = {"supervisor": "<b>督导员命令</b>", "admin": "<b>管理员命令</b>"}


def deadline_answer(year: int, deadline: dt.date) -> str:
    return (
        f"📅 {year} 年度政府信息公开工作年度报告的报送截止日期是 <b>{deadline.year}年{deadline.month}月{deadline.day}日</b>。"
        "把报告发给我审核，没有错误即记为通过。"
    )


def help_deadline(year: int, deadline: dt.date) -> str:
    return f"📅 正在审核 {year} 年度报告，报送截止日期：<b>{deadline.year}年{deadline.month}月{deadline.day}日</b>。"


REBOUND = "\n（原来绑定的单位是「{name}」，已改为新单位。）"
SUPERVISOR_USE_AGENCY = "督导员请用 /agency 单位名称 查看某个单位的记录。"
ERROR_NOTICE = "抱歉，处理您的消息时出错了。请稍后再试一次；如果一直出错，请联系县政务公开办。"
PROMOTE_USAGE = "用法：<code>/promote 用户ID</code>"
PROMOTED = "已把用户 {user_id} 设为督导员。"
WEB_OFF = "网页版没有开启（NIANBAO_WEB=off）。"
WEB_LINK = "网页版一次性登录链接（{minutes} 分钟内有效，只能使用一次，请勿转发）：\n{link}"


def invite_message(agency_name: str, code: str, link: str, ttl_days: int) -> str:
    return (
        f"<b>{escape(agency_name)}</b> 的邀请码：<code>{code}</code>\n"
        f"{ttl_days} 天内有效，只能使用一次。工作人员发送 <code>/start {code}</code> 或打开链接即可绑定：\n{link}"
    )


# ---------------------------------------------------------------- the guards every update passes (bot.guards)

GROUP_NOTICE = "本机器人只在私聊中使用，不在群组中发送报告、邀请码或审核意见。请私聊我发送报告或命令。我现在退出本群。"
TOO_MANY_INVITE_ATTEMPTS = "邀请码尝试次数过多，请 {minutes} 分钟后再试。如邀请码无效，请向县政务公开办重新索取。"
REPEATED_COMMAND = "同一命令发送过于频繁，请稍后再试。"


# ---------------------------------------------------------------- people (usecases.chat)

ADD_USAGE = (
    "用法：<code>/addagency 单位全称 层级</code>，例如 <code>/addagency 学张乡人民政府 乡镇</code>。层级可以写："
    + LEVEL_WORDS + "。"
)
ADD_NEEDS_NAME_AND_LEVEL = "请写单位全称和层级。" + ADD_USAGE


def whoami(user_id: int, role: str | None, agency_name: str | None = None) -> str:
    """/whoami: the user's id in nianbao (supervisors give it to the admin) and what they are."""
    line = f"您的用户编号是 <code>{user_id}</code>。"
    if role == "staff":
        line += f"\n已绑定：<b>{escape(agency_name or '')}</b>（工作人员）。"
    elif role in ("supervisor", "admin"):
        line += f"\n身份：{'管理员' if role == 'admin' else '督导员'}。"
    else:
        line += "\n还没有绑定单位。"
    return line + "\n（督导员：把这个编号告诉系统管理员，填入配置 [people] supervisors 即可。）"


def unknown_level(word: str) -> str:
    return f"不认识层级「{escape(word)}」。" + ADD_USAGE


def agency_already_listed(name: str, level: str) -> str:
    return (
        f"「{escape(name)}」已在名单中（{escape(level)}），没有重复添加。"
        f"发送 <code>/invite {escape(name)}</code> 生成邀请码。"
    )


def agency_added(name: str, level: str) -> str:
    return f"✅ 已添加「{escape(name)}」（{escape(level)}）。发送 <code>/invite {escape(name)}</code> 生成它的邀请码。"


def unknown_command_named(typed: str, meant: str | None) -> str:
    """A mistyped command (``typed``: its first word), with the one meant when there is one."""
    word = escape(typed)
    if meant:
        return f"未知命令 {word}。您是想用 /{meant} 吗？发送 /help 查看全部命令。"
    return f"未知命令 {word}。发送 /help 查看全部命令。"


# ---------------------------------------------------------------- members and the audit log (usecases.chat.members)

INACTIVE_AGENCY = "⚠️ 单位「{name}」已停用：其成员不能再提交或查看报告，也不能再生成邀请码。"
REMOVE_USAGE = "用法：<code>/remove 用户ID</code>（用户ID 可在 /audit 的记录中找到）。"
REMOVED = "已移除用户 {user_id}（{what}）：其不能再使用机器人，需要新的邀请码才能重新绑定。"
REMOVE_NOT_A_MEMBER = "用户 {user_id} 不是成员，无需移除。"
REMOVE_CONFIGURED = "用户 {user_id} 是配置文件中的督导员或管理员，请在配置中删除后重启机器人。"
REMOVE_NEEDS_ADMIN = "只有管理员可以移除督导员或管理员。"
AUDIT_EMPTY = "还没有操作记录。"
AUDIT_ACTIONS = {
    "bind": "绑定", "remove": "移除", "invite": "生成邀请码", "promote": "设为督导员",
    "deactivate": "停用单位", "activate": "启用单位", "accept": "确认通过", "unaccept": "撤销确认", "explain": "单位说明", "outlier": "异常值处理",
    "revoke_invite": "作废未使用的邀请码", "login_code": "生成个人登录码", "name": "登记姓名",
}  # fmt: skip


def removed_whom(agency_name: str | None) -> str:
    """Who was removed: a member of an agency, or a supervisor."""
    return escape(agency_name) + " 的成员" if agency_name else "督导员"


def audit_title(count: int) -> str:
    return f"<b>最近 {count} 条操作记录</b>（最新在前）"


def audit_line(
    at: dt.datetime, actor: int | None, action: str, subject: int | None, agency_name: str | None,
    names: dict[int, str] | None = None, detail: str = "",
) -> str:
    """One event of the audit log; ``at`` already in the county's time zone; ``names``: the
    people's names that are known (``Store.member_names``), each shown with their id."""
    names = names or {}
    who = "命令行" if actor is None else named_person(actor, names.get(actor))
    line = f"{at:%m-%d %H:%M} {who}：{AUDIT_ACTIONS.get(action, action)}"
    if subject is not None and subject != actor:
        line += f" {named_person(subject, names.get(subject))}"
    if action == "name" and detail:
        line += f"「{escape(detail)}」"
    elif action == "revoke_invite" and detail:
        line += f" {escape(detail)} 个"
    if agency_name:
        line += f" · {escape(agency_name)}"
    return line


def unnamed_person(user_id: int) -> str:
    """A person known only by their id (no name given in chat or on the web); a browser-only
    account's id is negative."""
    return f"网页账号 {user_id}" if user_id < 0 else f"用户 {user_id}"


def named_person(user_id: int, name: str | None) -> str:
    """A person in a record: their name and id (the id is what /remove takes), or the id alone."""
    return f"{escape(name)}（{user_id}）" if name else unnamed_person(user_id)


def member_line(user_id: int, role: str, name: str | None, agency: str | None, region: str | None) -> str:
    where = agency or (f"范围：{region}" if region else ("范围：全部" if role != "staff" else ""))
    return "\t".join(str(part) for part in (user_id, {"staff": "工作人员", "supervisor": "督导员", "admin": "管理员"}.get(role, role), name or "", where))


def member_added(user_id: int, role: str, name: str | None, region: str | None) -> str:
    who = f"{name}（{user_id}）" if name else str(user_id)
    scope = f"，范围：{region} 及其下级" if region else ""
    return f"已添加成员 {who}：{ {'staff': '工作人员', 'supervisor': '督导员', 'admin': '管理员'}.get(role, role)}{scope}。网页版登录：nianbao web-login {user_id}"
