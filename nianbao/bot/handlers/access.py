"""Joining (``/start 邀请码``), help and the rule catalogue."""

from __future__ import annotations

from ... import messages as say
from ...storage import InviteError
from ..commands import Role, help_text
from ..menus import set_menu
from .common import Call, command


@command("start")
async def start(call: Call) -> None:
    if call.args:
        await _redeem(call, call.args[0])
    elif call.role == "staff":
        await call.reply(say.already_bound((await call.services.staff_agency(call.user_id)).name))
    elif call.role:
        await call.reply(say.bound_message("", "supervisor"))
    else:
        await call.reply(say.WELCOME)


async def _redeem(call: Call, code: str) -> None:
    db, user = call.services.db, call.update.effective_user
    invite = await db.get_invite(code)
    if call.role in ("supervisor", "admin") and invite is not None and invite.role == "staff":
        await call.reply(say.SUPERVISOR_CANNOT_JOIN)
        return
    before = await call.services.staff_agency(user.id) if call.role == "staff" else None
    try:
        member = await db.redeem_invite(code, user.id, display_name=user.full_name, now=call.services.clock())
    except InviteError as error:
        if error.reason == "used" and error.used_by == user.id and before is not None:
            await call.reply(say.already_bound(before.name))
        else:
            await call.reply(say.INVITE_ERRORS.get(error.reason, say.INVITE_ERRORS["unknown"]))
        return
    agency = await db.get_agency(member.agency_id) if member.agency_id else None
    text = say.bound_message(agency.name if agency else "", member.role)
    if before is not None and agency is not None and before.id != agency.id:
        text += say.REBOUND.format(name=say.escape(before.name))
    if Role.of(member.role) > Role.MEMBER:
        await set_menu(call.context.bot, user.id, Role.of(member.role))
    await call.reply(text)


@command("help")
async def help_command(call: Call) -> None:
    year = call.services.year()
    await call.reply(help_text(call.role, say.help_deadline(year, call.services.config.deadline(year))))


@command("rules")
async def rules_command(call: Call) -> None:
    await call.reply(say.rules_messages())
