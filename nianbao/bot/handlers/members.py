"""Revoking access and seeing who did what: ``/remove`` unbinds a member (a supervisor removes
staff; only an admin removes a supervisor), ``/audit`` shows the audit log. A deactivated
agency's staff lose access (``Services.role_of``); supervisors still find the agency, marked as
deactivated."""

from __future__ import annotations

from ...roles import Rank

from ... import messages as say
from ..menus import set_menu
from .common import Call, command

AUDIT_SHOWN = 30


@command("remove")
async def remove_command(call: Call) -> None:
    if not call.args or not call.args[0].isdigit():
        await call.reply(say.REMOVE_USAGE)
        return
    user_id, services = int(call.args[0]), call.services
    if user_id in services.config.supervisors or user_id in services.config.admins:
        await call.reply(say.REMOVE_CONFIGURED.format(user_id=user_id))
        return
    member = await services.db.get_member(user_id)
    if member is None:
        await call.reply(say.REMOVE_NOT_A_MEMBER.format(user_id=user_id))
        return
    if member.role != "staff" and call.role != "admin":
        await call.reply(say.REMOVE_NEEDS_ADMIN)
        return
    agency = await services.db.member_agency(user_id) if member.role == "staff" else None
    await services.db.remove_member(user_id, actor=call.user_id, now=services.clock())
    await set_menu(call.context.bot, user_id, Rank.ANYONE)
    await call.reply(say.REMOVED.format(user_id=user_id, what=say.removed_whom(agency.name if agency else None)))


@command("audit")
async def audit_command(call: Call) -> None:
    events = await call.services.db.list_events(AUDIT_SHOWN)
    if not events:
        await call.reply(say.AUDIT_EMPTY)
        return
    tz = call.services.config.tz
    lines = [say.audit_title(len(events))]
    for event in events:
        lines.append(say.audit_line(event.at.astimezone(tz), event.actor, event.action, event.subject, event.agency_name))
    await call.reply(say.split_message("\n".join(lines)))
