"""A human word over the checker, in chat: a supervisor accepts an issue of an agency's latest
draft with a reason (``/accept``) or revokes it (``/unaccept``); staff explain an issue by
replying ``说明 3 …``; anyone bound asks for a one-time link to the web desk (``/web``).
The commands are declared in ``bot.commands``."""

from __future__ import annotations

import datetime as dt
import logging
import re

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from ... import messages as say
from ...states import state_label
from ...storage import AmbiguousAgency, Store
from ...storage.acceptances import holding, issue_key, key_text
from ..delivery import DeliveryFailed, with_retries
from .common import Call, command, reply, services_of

log = logging.getLogger(__name__)

DONE = say.WORD_DONE  # opens the answer to an acceptance or revocation that was made
EXPLANATION = re.compile(r"^\s*说明\s*(\d{1,3})\s*[:：,，、]?\s*(\S.*)$", re.S)


def _latest_issue(store: Store, agency_id: int, year: int, number: int):
    """The agency's deciding draft of the year and its issue ``number`` (either may be None)."""
    status = next((s for s in store.year_status(year) if s.agency.id == agency_id), None)
    if status is None or status.latest is None or not status.latest.parsed:
        return None, None
    latest = store.get_submission(status.latest.id)
    return latest, next((i for i in latest.issues if i.get("number") == number), None)


def _accept(store: Store, agency, year: int, number: int, reason: str, by: int, now: dt.datetime) -> str:
    latest, issue = _latest_issue(store, agency.id, year, number)
    if latest is None:
        return say.no_readable_draft(agency.name)
    if issue is None:
        return say.no_such_issue(agency.name, number, pointing=True)
    store.accept_issue(
        agency.id, year, issue_key(issue), code=issue["code"], message=issue.get("message"),
        submission_id=latest.id, reason=reason, by=by, now=now,
    )
    status = next(s for s in store.year_status(year) if s.agency.id == agency.id)
    state = state_label(status.state, status.accepted)
    return say.accepted(agency.name, number, issue["code"], reason, state)


def _unaccept(store: Store, agency, year: int, number: int, reason: str, by: int, now: dt.datetime) -> str:
    latest, issue = _latest_issue(store, agency.id, year, number)
    if issue is None:
        return say.no_such_issue(agency.name, number)
    drafts = store.list_submissions(agency.id, year, limit=200)
    held = holding(store.acceptances_of(agency.id, year), drafts, latest).get(key_text(issue_key(issue)))
    if held is None:
        return say.never_accepted(agency.name, number)
    store.revoke_acceptance(held.id, by=by, reason=reason, now=now)
    return say.unaccepted(agency.name, number, issue["code"])


async def _word(call: Call, action, usage: str, reason_needed: bool) -> None:
    """``/accept 单位名称 序号 理由``: the agency's name may have spaces; the first number ends it."""
    args = call.args
    at = next((i for i, a in enumerate(args) if a.isdigit()), None)
    if not at or (reason_needed and at == len(args) - 1):
        await call.reply(usage)
        return
    written = " ".join(args[:at])
    try:
        agency = await call.services.db.find_agency(written)
    except AmbiguousAgency as exc:
        await call.reply(say.ambiguous_agency(written, exc.candidates))
        return
    if agency is None:
        await call.reply(say.agency_not_found(written))
        return
    services = call.services
    reason = " ".join(args[at + 1 :])
    text = await services.db.write(action, agency, services.year(), int(args[at]), reason, call.user_id, services.clock())
    await call.reply(text)
    if text.startswith(DONE):
        await _tell_staff(call, agency, text[len(DONE):])


async def _tell_staff(call: Call, agency, what: str) -> None:
    """Staff of the agency learn of a supervisor's word on their draft in their private chat
    (members of the web desk alone have no chat: negative ids)."""
    note = say.WORD_FOR_STAFF.format(what=what)
    for member in await call.services.db.list_members(agency_id=agency.id, role="staff"):
        if member.user_id > 0:
            try:
                await with_retries(lambda: call.context.bot.send_message(member.user_id, note, parse_mode=ParseMode.HTML))
            except (TelegramError, DeliveryFailed):
                log.warning("telling staff %s of an acceptance failed", member.user_id)


@command("accept")
async def accept_command(call: Call) -> None:
    await _word(call, _accept, say.ACCEPT_USAGE, reason_needed=True)


@command("unaccept")
async def unaccept_command(call: Call) -> None:
    await _word(call, _unaccept, say.UNACCEPT_USAGE, reason_needed=False)


def _explain(store: Store, agency_id: int, year: int, number: int, text: str, by: int, now: dt.datetime) -> str:
    drafts = store.list_submissions(agency_id, year, limit=1)
    latest = drafts[0] if drafts else None
    issue = next((i for i in latest.issues if i.get("number") == number), None) if latest else None
    if issue is None:
        return say.no_issue_to_explain(number)
    store.explain_issue(agency_id, year, issue_key(issue), submission_id=latest.id, text=text, by=by, now=now)
    return say.explained(number, issue["code"], text)


async def explain_in_chat(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """``说明 3 本年机构改革，申请量下降`` from staff: an explanation of issue 3 of their agency's
    latest draft. True when the message was one (and has been answered)."""
    match = EXPLANATION.match(update.effective_message.text or "")
    if match is None:
        return False
    services = services_of(context)
    agency = await services.staff_agency(update.effective_user.id)
    if agency is None:
        return False
    text = match.group(2).strip()[:500]
    answer = await services.db.write(
        _explain, agency.id, services.year(), int(match.group(1)), text, update.effective_user.id, services.clock()
    )
    await reply(update, answer)
    return True


@command("web")
async def web_command(call: Call) -> None:
    """A one-time link (10 minutes) that signs this person in to the web desk."""
    from ...web.server import RUNNING_KEY, WEB_CONFIG_KEY

    bot_data = call.context.application.bot_data
    running = bot_data.get(RUNNING_KEY)
    web_config = running.desk.web if running else bot_data.get(WEB_CONFIG_KEY) or call.services.config.web
    if not web_config.enabled:
        await call.reply(say.WEB_OFF)
        return
    ttl = dt.timedelta(minutes=web_config.login_link_minutes)
    user_id, now = call.user_id, call.services.clock()
    token = await call.services.db.write(lambda store: store.create_login_link(user_id, ttl, now=now))
    await call.reply(say.WEB_LINK.format(minutes=web_config.login_link_minutes, link=f"{web_config.base_url}/login/{token}"))
