"""What only an admin may do."""

from __future__ import annotations

from ...roles import Rank

from ... import messages as say
from ..menus import set_menu
from .common import Call, command


@command("promote")
async def promote_command(call: Call) -> None:
    if not call.args or not call.args[0].isdigit():
        await call.reply(say.PROMOTE_USAGE)
        return
    user_id = int(call.args[0])
    await call.services.db.bind_member(user_id, None, role="supervisor", now=call.services.clock())
    await call.services.db.record_event("promote", actor=call.user_id, subject=user_id, now=call.services.clock())
    await set_menu(call.context.bot, user_id, Rank.SUPERVISOR)
    await call.reply(say.PROMOTED.format(user_id=user_id))
