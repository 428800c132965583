"""Chat for people rather than drafts: who am I (/whoami, for the supervisors' ids), a supervisor
adding an agency (/addagency 名称 层级), an invite code typed without /start, 「帮助」 and 「截止日期
是哪天？」 in plain text, and a mistyped command answered with the one meant."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from ... import messages as say
from ...levels import LEVELS
from ...storage import AmbiguousAgency
from ...storage.roster import normalize_level
from ..asks import invite_code_in, quick_intent, suggest_command
from ..commands import COMMANDS, help_text
from .access import _redeem
from .common import Call, command, services_of

LEVEL_WORDS = "乡镇（或街道）、县直部门、市直部门、省直部门、政府、其他"
ADD_USAGE = (
    "用法：<code>/addagency 单位全称 层级</code>，例如 <code>/addagency 学张乡人民政府 乡镇</code>。层级可以写："
    + LEVEL_WORDS + "。"
)


@command("whoami")
async def whoami_command(call: Call) -> None:
    line = f"您的 Telegram 用户编号是 <code>{call.user_id}</code>。"
    if call.role == "staff":
        agency = await call.services.staff_agency(call.user_id)
        line += f"\n已绑定：<b>{say.escape(agency.name)}</b>（工作人员）。"
    elif call.role in ("supervisor", "admin"):
        line += f"\n身份：{'管理员' if call.role == 'admin' else '督导员'}。"
    else:
        line += "\n还没有绑定单位。"
    line += "\n（督导员：把这个编号告诉系统管理员，填入配置 [people] supervisors 即可。）"
    await call.reply(line)


@command("addagency")
async def addagency_command(call: Call) -> None:
    """A supervisor adds an agency to the roster from the chat (then /invite it)."""
    args = call.args
    if len(args) < 2:
        await call.reply("请写单位全称和层级。" + ADD_USAGE)
        return
    name, level_word = " ".join(args[:-1]), args[-1]
    try:
        level = normalize_level(level_word)
    except ValueError:
        await call.reply(f"不认识层级「{say.escape(level_word)}」。" + ADD_USAGE)
        return
    existing = await _exact_agency(call, name)
    if existing is not None:
        await call.reply(
            f"「{say.escape(existing.name)}」已在名单中（{say.escape(LEVELS.get(existing.level, existing.level))}），没有重复添加。"
            f"发送 <code>/invite {say.escape(existing.name)}</code> 生成邀请码。"
        )
        return
    agency = await call.services.db.get_agency(await call.services.db.add_agency(name, level))
    await call.reply(
        f"✅ 已添加「{say.escape(agency.name)}」（{say.escape(LEVELS.get(agency.level, agency.level))}）。"
        f"发送 <code>/invite {say.escape(agency.name)}</code> 生成它的邀请码。"
    )


async def _exact_agency(call: Call, name: str):
    try:
        agency = await call.services.db.find_agency(name, include_inactive=True)
    except AmbiguousAgency:
        return None
    return agency if agency is not None and agency.name == " ".join(name.split()) else None


async def plain_text_answered(update: Update, context: ContextTypes.DEFAULT_TYPE, role: str | None) -> bool:
    """Answer a short message that is a question or an invite code, not a report; True when answered."""
    text = (update.effective_message.text or "").strip()
    services = services_of(context)
    call = Call(update, context, services, role)
    if role is None:
        code = invite_code_in(text)
        if code is None:
            return False
        await _redeem(call, code)
        return True
    intent = quick_intent(text)
    year = services.year()
    if intent == "help":
        await call.reply(help_text(role, say.help_deadline(year, services.config.deadline(year))))
    elif intent == "deadline":
        await call.reply(say.deadline_answer(year, services.config.deadline(year)))
    return intent is not None


def unknown_command_text(typed: str) -> str:
    meant = suggest_command(typed, [c.name for c in COMMANDS])
    word = say.escape(typed.split()[0]) if typed.split() else "/"
    if meant:
        return f"未知命令 {word}。您是想用 /{meant} 吗？发送 /help 查看全部命令。"
    return f"未知命令 {word}。发送 /help 查看全部命令。"
