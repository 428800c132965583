"""A human word over the checker, in chat: a supervisor accepts an issue of an agency's deciding
draft with a reason (``/accept``) or revokes it (``/unaccept``); staff explain a warning by
replying ``说明 3 …``; anyone bound asks for a one-time link to the web desk (``/web``). What
happens is the use cases' (``usecases.words``, ``usecases.invites``); this only parses and
replies. The commands are declared in ``bot.commands``."""

from __future__ import annotations

import re

from telegram import Update
from telegram.ext import ContextTypes

from ... import messages as say
from ...storage import AmbiguousAgency
from ...usecases import words
from ...usecases.invites import web_link
from .common import Call, command, reply, services_of

EXPLANATION = re.compile(r"^\s*说明\s*(\d{1,3})\s*[:：,，、]?\s*(\S.*)$", re.S)


async def _word(call: Call, action, usage: str, reason_needed: bool) -> None:
    """``/accept 单位名称 序号 理由``: the agency's name may have spaces; the first number ends it."""
    args = call.args
    at = next((i for i, a in enumerate(args) if a.isascii() and a.isdigit()), None)
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
    person = await call.services.person(call.user_id)
    outcome = await action(call.services.office, person, agency, int(args[at]), " ".join(args[at + 1 :]))
    await call.reply(outcome.text)


@command("accept")
async def accept_command(call: Call) -> None:
    await _word(call, words.accept, say.ACCEPT_USAGE, reason_needed=True)


@command("unaccept")
async def unaccept_command(call: Call) -> None:
    await _word(call, words.unaccept, say.UNACCEPT_USAGE, reason_needed=False)


async def explain_in_chat(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """``说明 3 本年机构改革，申请量下降`` from staff: an explanation of warning 3 of their
    agency's deciding draft. True when the message was one (and has been answered)."""
    match = EXPLANATION.match(update.effective_message.text or "")
    if match is None:
        return False
    services = services_of(context)
    person = await services.person(update.effective_user.id)
    if person.agency is None:
        return False
    outcome = await words.explain(services.office, person, int(match.group(1)), match.group(2))
    await reply(update, outcome.text)
    return True


@command("web")
async def web_command(call: Call) -> None:
    """A one-time link (10 minutes) that signs this person in to the web desk."""
    link = await web_link(call.services.office, await call.services.person(call.user_id))
    if link is None:
        await call.reply(say.WEB_OFF)
        return
    await call.reply(say.WEB_LINK.format(minutes=call.services.config.web.login_link_minutes, link=link))
