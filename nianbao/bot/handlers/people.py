"""Chat for people rather than drafts: who am I (/whoami, for the supervisors' ids), a supervisor
adding an agency (/addagency 名称 层级), an invite code typed without /start, 「帮助」 and 「截止日期
是哪天？」 in plain text, and a mistyped command answered with the one meant."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from ... import messages as say
from ...levels import LEVELS, normalize_level
from ...storage import AmbiguousAgency
from ..asks import invite_code_in, quick_intent, suggest_command
from ..commands import COMMANDS, help_text
from .access import _redeem
from .common import Call, command, services_of

@command("whoami")
async def whoami_command(call: Call) -> None:
    agency = await call.services.staff_agency(call.user_id) if call.role == "staff" else None
    await call.reply(say.whoami(call.user_id, call.role, agency.name if agency else None))


@command("addagency")
async def addagency_command(call: Call) -> None:
    """A supervisor adds an agency to the roster from the chat (then /invite it)."""
    args = call.args
    if len(args) < 2:
        await call.reply(say.ADD_NEEDS_NAME_AND_LEVEL)
        return
    name, level_word = " ".join(args[:-1]), args[-1]
    try:
        level = normalize_level(level_word)
    except ValueError:
        await call.reply(say.unknown_level(level_word))
        return
    existing = await _exact_agency(call, name)
    if existing is not None:
        await call.reply(say.agency_already_listed(existing.name, LEVELS.get(existing.level, existing.level)))
        return
    agency = await call.services.db.get_agency(await call.services.db.add_agency(name, level))
    await call.reply(say.agency_added(agency.name, LEVELS.get(agency.level, agency.level)))


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
    return say.unknown_command_named(typed.split()[0] if typed.split() else "/", meant)
