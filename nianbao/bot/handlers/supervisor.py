"""The county office's views: the year's status, the late ones, one agency, its latest draft, the
summed tables, the CSV export, and invites."""

from __future__ import annotations

import asyncio

from telegram import InputFile
from telegram.constants import ParseMode

from ... import messages as say
from ...names import DRAFT_SUFFIX, safe_file_name
from ...reports.summary import summary_text, summary_xlsx
from ...storage.acceptances import words_on_latest
from ...usecases.campaign import county_csv, county_rows, county_summary, status_picture
from ...usecases.invites import make_invite
from ...validators.readers import sniff
from ..delivery import with_retries
from .common import Call, command
from .years import year_asked


async def _year_summary(call: Call, render, year: int) -> None:
    """A supervisor's view of a year, rendered by ``render``."""
    services = call.services
    states = await services.db.report(county_rows, services.config, year, services.today())
    await call.reply(say.split_message(render(year, states, services.config.deadline(year), services.today())))


@command("status")
async def status_command(call: Call) -> None:
    year = await year_asked(call, "status")
    if year is None:
        return
    await _year_summary(call, say.status_message, year)
    services = call.services
    png = await services.db.report(status_picture, services.config, year, services.today())
    photo = InputFile(png, filename=say.STATUS_CHART_FILE.format(year=year))
    caption = say.STATUS_CHART_CAPTION.format(year=year)
    await with_retries(lambda: call.update.effective_message.reply_photo(photo, caption=caption))


@command("overdue")
async def overdue_command(call: Call) -> None:
    year = await year_asked(call, "overdue")
    if year is not None:
        await _year_summary(call, say.overdue_message, year)


@command("summary")
async def summary_command(call: Call) -> None:
    """The region's three tables summed (agencies with errors left out unless "/summary 全部")."""
    services = call.services
    include_errors = any(word in say.SUMMARY_ALL_WORDS for word in call.args)
    year = await year_asked(call, "summary", say.SUMMARY_ALL_WORDS)
    if year is None:
        return
    summary = await services.db.report(county_summary, services.config, year, services.today(), include_errors)
    workbook = await asyncio.to_thread(summary_xlsx, summary, year)
    await call.reply(say.split_message(say.escape(summary_text(summary))))
    await call.reply_file(workbook, say.SUMMARY_FILE.format(year=year), say.summary_caption(include_errors))


@command("agency")
async def agency_command(call: Call) -> None:
    services = call.services
    year = services.year()
    submissions = await services.db.list_submissions(call.agency.id, year)
    words = await services.db.read(words_on_latest, call.agency.id, year, submissions)
    state = await services.db.agency_state(call.agency.id, year, services.config, services.today())
    messages = say.agency_messages(call.agency, submissions, services.config.tz, words, state)
    if not call.agency.active:
        messages = [say.INACTIVE_AGENCY.format(name=say.escape(call.agency.name)), *messages]
    await call.reply(messages)


@command("draft")
async def draft_command(call: Call) -> None:
    """A supervisor downloads an agency's latest draft, as it was sent."""
    services, agency = call.services, call.agency
    submission = await services.db.latest_stored_draft(agency.id)
    data = await asyncio.to_thread(services.files.get, submission.sha256) if submission else None
    if data is None:
        await call.reply(say.NO_STORED_DRAFT.format(name=say.escape(agency.name)))
        return
    received = submission.received_at.astimezone(services.config.tz)
    suffix = DRAFT_SUFFIX.get(sniff(data), "")  # from the content: the sender's file name is not trusted
    name = f"{safe_file_name(agency.name, 'draft')}_{received:%Y%m%d-%H%M}{suffix}"
    await call.reply_file(data, name, say.draft_caption(agency.name, submission, received), parse_mode=ParseMode.HTML)


@command("invite")
async def invite_command(call: Call) -> None:
    outcome = await make_invite(call.services.office, await call.services.person(call.user_id), call.agency)
    if outcome.code is None:
        await call.reply(outcome.text)
        return
    link = f"https://t.me/{call.context.bot.username}?start={outcome.code}"
    await call.reply(say.invite_message(call.agency.name, outcome.code, link, outcome.ttl_days))


@command("export")
async def export_command(call: Call) -> None:
    year = await year_asked(call, "export")
    if year is None:
        return
    services = call.services
    data = await services.db.report(county_csv, services.config, year, services.today())
    await call.reply_file(data, say.EXPORT_FILE.format(year=year), say.EXPORT_CAPTION.format(year=year))
