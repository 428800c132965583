"""Joining (``/start 邀请码``), help and the rule catalogue."""

from __future__ import annotations

from ...roles import Rank

from ... import messages as say
from ...usecases.invites import redeem
from ..commands import help_text
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
    user = call.update.effective_user
    person = await call.services.person(user.id)
    redeemed = await redeem(call.services.office, person, code, user.full_name)
    if redeemed.member is None:
        await call.reply(redeemed.refusal)
        return
    member, agency = redeemed.member, redeemed.agency
    text = say.bound_message(agency.name if agency else "", member.role)
    if redeemed.before is not None:
        text += say.REBOUND.format(name=say.escape(redeemed.before.name))
    if Rank.of(member.role) > Rank.MEMBER:
        await set_menu(call.context.bot, user.id, Rank.of(member.role))
    await call.reply(text)


@command("help")
async def help_command(call: Call) -> None:
    year = call.services.year()
    await call.reply(help_text(call.role, say.help_deadline(year, call.services.config.deadline(year))))


@command("rules")
async def rules_command(call: Call) -> None:
    await call.reply(say.rules_messages())
