"""What anyone bound asks in chat besides drafts: joining with a code, help, the rules, who am I,
a web sign-in link, their record and a blank template; a supervisor's word on an issue; and what
only supervisors and admins do with people (remove, promote, the audit log)."""

from __future__ import annotations

import asyncio

from ... import messages as say
from ...names import safe_file_name
from ...roles import Rank, Role
from ...storage import AmbiguousAgency
from .. import words
from ..invites import redeem, web_link
from .county import answers
from .registry import help_text
from .turn import Turn

AUDIT_SHOWN = 30


async def join(turn: Turn, code: str, display_name: str | None) -> None:
    """Bind the person by an invite code (``/start CODE``, or the code typed alone)."""
    redeemed = await redeem(turn.office, turn.person, code, display_name)
    if redeemed.member is None:
        turn.say(redeemed.refusal)
        return
    member, agency = redeemed.member, redeemed.agency
    text = say.bound_message(agency.name if agency else "", member.role)
    if redeemed.before is not None:
        text += say.REBOUND.format(name=say.escape(redeemed.before.name))
    if Rank.of(member.role) > Rank.MEMBER:
        await turn.face.rank_changed(turn.user_id, Rank.of(member.role))
    turn.say(text)


@answers("start")
async def start(turn: Turn) -> None:
    if turn.args:
        await join(turn, turn.args[0], turn.person.name)
    elif turn.person.role == Role.STAFF:
        turn.say(say.already_bound(turn.person.agency.name))
    elif turn.person.role:
        turn.say(say.bound_message("", "supervisor"))
    else:
        turn.say(say.WELCOME)


@answers("help")
async def help_(turn: Turn) -> None:
    year = turn.office.year()
    turn.say(help_text(turn.role, say.help_deadline(year, turn.office.config.deadline(year))))


@answers("rules")
async def rules(turn: Turn) -> None:
    turn.say(say.rules_messages())


@answers("whoami")
async def whoami(turn: Turn) -> None:
    agency = turn.person.agency if turn.person.role == Role.STAFF else None
    turn.say(say.whoami(turn.user_id, turn.role, agency.name if agency else None))


@answers("web")
async def web(turn: Turn) -> None:
    """A one-time link (10 minutes) that signs this person in to the web desk."""
    link = await web_link(turn.office, turn.person)
    if link is None:
        turn.say(say.WEB_OFF)
        return
    turn.say(say.WEB_LINK.format(minutes=turn.office.config.web.login_link_minutes, link=link))


@answers("history")
async def history(turn: Turn) -> None:
    if turn.person.role != Role.STAFF:
        turn.say(say.SUPERVISOR_USE_AGENCY)
        return
    year = turn.year_asked("history")
    if year is None:
        return
    agency = turn.person.agency
    submissions = await turn.office.db.list_submissions(agency.id, year)
    turn.say(say.split_message(say.history_message(agency.name, submissions, turn.office.config.tz, year)))


@answers("template")
async def template(turn: Turn) -> None:
    """A blank report in the standard format, with the agency and year filled in for staff."""
    from ...reports.blank import blank_report_docx

    agency = turn.person.agency.name if turn.person.role == Role.STAFF else None
    year = turn.office.year()
    data = await asyncio.to_thread(blank_report_docx, year, agency)
    turn.send_file(data, say.TEMPLATE_FILE.format(agency=safe_file_name(agency or ""), year=year), say.TEMPLATE_CAPTION)


async def _word(turn: Turn, action, usage: str, reason_needed: bool) -> None:
    """``/accept 单位名称 序号 理由``: the agency's name may have spaces; the first number ends it."""
    args = turn.args
    at = next((i for i, a in enumerate(args) if a.isascii() and a.isdigit()), None)
    if not at or (reason_needed and at == len(args) - 1):
        turn.say(usage)
        return
    written = " ".join(args[:at])
    try:
        agency = await turn.office.db.find_agency(written)
    except AmbiguousAgency as exc:
        turn.say(say.ambiguous_agency(written, exc.candidates))
        return
    if agency is None or not turn.person.covers(agency.id):
        turn.say(say.agency_not_found(written))
        return
    outcome = await action(turn.office, turn.person, agency, int(args[at]), " ".join(args[at + 1 :]))
    turn.say(outcome.text)


@answers("accept")
async def accept(turn: Turn) -> None:
    await _word(turn, words.accept, say.ACCEPT_USAGE, reason_needed=True)


@answers("unaccept")
async def unaccept(turn: Turn) -> None:
    await _word(turn, words.unaccept, say.UNACCEPT_USAGE, reason_needed=False)


def _user_id(turn: Turn, usage: str) -> int | None:
    if not turn.args or not (turn.args[0].isascii() and turn.args[0].lstrip("-").isdigit()):
        turn.say(usage)
        return None
    return int(turn.args[0])


@answers("remove")
async def remove(turn: Turn) -> None:
    """A supervisor removes staff; only an admin removes a supervisor."""
    user_id = _user_id(turn, say.REMOVE_USAGE)
    if user_id is None:
        return
    office = turn.office
    if user_id in office.config.supervisors or user_id in office.config.admins:
        turn.say(say.REMOVE_CONFIGURED.format(user_id=user_id))
        return
    member = await office.db.get_member(user_id)
    if member is None:
        turn.say(say.REMOVE_NOT_A_MEMBER.format(user_id=user_id))
        return
    if member.role != Role.STAFF and turn.person.role != Role.ADMIN:
        turn.say(say.REMOVE_NEEDS_ADMIN)
        return
    agency = await office.db.member_agency(user_id) if member.role == Role.STAFF else None
    await office.db.remove_member(user_id, actor=turn.user_id, now=office.clock())
    await turn.face.rank_changed(user_id, Rank.ANYONE)
    turn.say(say.REMOVED.format(user_id=user_id, what=say.removed_whom(agency.name if agency else None)))


@answers("promote")
async def promote(turn: Turn) -> None:
    user_id = _user_id(turn, say.PROMOTE_USAGE)
    if user_id is None:
        return
    office = turn.office
    await office.db.bind_member(user_id, None, role=Role.SUPERVISOR.value, now=office.clock())
    await office.db.record_event("promote", actor=turn.user_id, subject=user_id, now=office.clock())
    await turn.face.rank_changed(user_id, Rank.SUPERVISOR)
    turn.say(say.PROMOTED.format(user_id=user_id))


@answers("audit")
async def audit(turn: Turn) -> None:
    events = await turn.office.db.list_events(AUDIT_SHOWN)
    if not events:
        turn.say(say.AUDIT_EMPTY)
        return
    tz = turn.office.config.tz
    names = await turn.office.db.member_names({e.actor for e in events} | {e.subject for e in events})
    lines = [say.audit_title(len(events))]
    for event in events:
        lines.append(say.audit_line(event.at.astimezone(tz), event.actor, event.action, event.subject, event.agency_name, names, event.detail))
    turn.say(say.split_message("\n".join(lines)))
