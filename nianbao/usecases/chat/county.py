"""What a supervisor asks in chat: the year's status (with the chart), the agencies not yet
passing, one agency, its latest file, the summed tables, the CSV, invites, a new agency."""

from __future__ import annotations

import asyncio

from ... import messages as say
from ...levels import LEVELS, normalize_level
from ...names import DRAFT_SUFFIX, safe_file_name
from ...reports.summary import summary_text, summary_xlsx
from ...storage import AmbiguousAgency
from ...storage.acceptances import words_on_latest
from ...validators.readers import sniff
from ..campaign import county_csv, county_rows, county_summary, region_rows, status_picture
from ..invites import make_invite
from .turn import Turn

ANSWERS = {}


def answers(name: str):
    def bind(function):
        ANSWERS[name] = function
        return function

    return bind


async def _year_summary(turn: Turn, render, year: int) -> None:
    office = turn.office
    states = await office.db.report(county_rows, office.config, year, office.today(), turn.person.covered)
    text = render(year, states, office.config.deadline(year), office.today())
    if render is say.status_message:
        parts = await office.db.read(region_rows, states, turn.person.region)
        if len(parts) > 1:  # a city supervisor: one line per county first
            text = say.regions_message(parts) + "\n\n" + text
    turn.say(say.split_message(text))


@answers("status")
async def status(turn: Turn) -> None:
    year = turn.year_asked("status")
    if year is None:
        return
    await _year_summary(turn, say.status_message, year)
    office = turn.office
    png = await office.db.report(status_picture, office.config, year, office.today(), turn.person.covered)
    turn.show_picture(png, say.STATUS_CHART_FILE.format(year=year), say.STATUS_CHART_CAPTION.format(year=year))


@answers("overdue")
async def overdue(turn: Turn) -> None:
    year = turn.year_asked("overdue")
    if year is not None:
        await _year_summary(turn, say.overdue_message, year)


@answers("summary")
async def summary(turn: Turn) -> None:
    """The region's three tables summed (agencies with errors left out unless "/summary 全部")."""
    office = turn.office
    include_errors = any(word in say.SUMMARY_ALL_WORDS for word in turn.args)
    year = turn.year_asked("summary", say.SUMMARY_ALL_WORDS)
    if year is None:
        return
    summed = await office.db.report(county_summary, office.config, year, office.today(), include_errors, turn.person.covered)
    workbook = await asyncio.to_thread(summary_xlsx, summed, year)
    turn.say(say.split_message(say.escape(summary_text(summed))))
    turn.send_file(workbook, say.SUMMARY_FILE.format(year=year), say.summary_caption(include_errors))


@answers("agency")
async def agency(turn: Turn) -> None:
    office, agency = turn.office, turn.agency
    year = office.year()
    submissions = await office.db.list_submissions(agency.id, year)
    words = await office.db.read(words_on_latest, agency.id, year, submissions)
    state = await office.db.agency_state(agency.id, year, office.config, office.today())
    messages = say.agency_messages(agency, submissions, office.config.tz, words, state)
    if not agency.active:
        messages = [say.INACTIVE_AGENCY.format(name=say.escape(agency.name)), *messages]
    turn.say(messages)


@answers("report")
async def report(turn: Turn) -> None:
    """The region's own summary report as a Word draft (recorded for next year's checks)."""
    from ..region import RegionError, build_region_report

    office = turn.office
    region = " ".join(turn.args) or turn.person.region
    if region and turn.person.region and not await _within_scope(turn, region):
        turn.say(say.agency_not_found(region))
        return
    try:
        made = await office.db.write(build_region_report, office.config, office.year(), office.today(), region or None, now=office.clock())
    except RegionError as error:
        turn.say(say.escape(str(error)))
        return
    turn.send_file(made.document, made.file_name, say.region_report_caption(made.name, office.year()))


async def _within_scope(turn: Turn, region: str) -> bool:
    """Whether ``region`` is the person's own or below it (a county supervisor asks for no city)."""
    from ..scope import region_in_scope

    return await turn.office.db.read(region_in_scope, region, turn.person.region)


@answers("peers")
async def peers(turn: Turn) -> None:
    """The county's agencies most worth a look, or (with a name) one agency's figures against
    its peers and its last year, in short."""
    from ..peers import agency_peers, county_peers

    office, year = turn.office, turn.office.year()
    if not turn.args:
        review = await office.db.report(county_peers, office.config, year, office.today(), turn.person.covered)
        turn.say(say.split_message(say.peers_ranking(review)))
        return
    agency = await turn.named_agency("peers")
    if agency is None:
        return
    view = await office.db.report(agency_peers, office.config, agency.id, year, office.today(), turn.person.covered)
    turn.say(say.split_message(say.agency_peers_message(view) if view else say.no_readable_draft(agency.name)))


@answers("draft")
async def draft(turn: Turn) -> None:
    """A supervisor downloads an agency's latest draft, as it was sent."""
    office, agency = turn.office, turn.agency
    submission = await office.db.latest_stored_draft(agency.id)
    data = await asyncio.to_thread(office.files.get, submission.sha256) if submission else None
    if data is None:
        turn.say(say.NO_STORED_DRAFT.format(name=say.escape(agency.name)))
        return
    received = submission.received_at.astimezone(office.config.tz)
    suffix = DRAFT_SUFFIX.get(sniff(data), "")  # from the content: the sender's file name is not trusted
    name = f"{safe_file_name(agency.name, 'draft')}_{received:%Y%m%d-%H%M}{suffix}"
    turn.send_file(data, name, say.draft_caption(agency.name, submission, received), caption_html=True)


@answers("invite")
async def invite(turn: Turn) -> None:
    outcome = await make_invite(turn.office, turn.person, turn.agency)
    if outcome.code is None:
        turn.say(outcome.text)
        return
    link = turn.face.invite_link(outcome.code) or f"/start {outcome.code}"
    turn.say(say.invite_message(turn.agency.name, outcome.code, link, outcome.ttl_days))


@answers("export")
async def export(turn: Turn) -> None:
    year = turn.year_asked("export")
    if year is None:
        return
    office = turn.office
    data = await office.db.report(county_csv, office.config, year, office.today(), turn.person.covered)
    turn.send_file(data, say.EXPORT_FILE.format(year=year), say.EXPORT_CAPTION.format(year=year))


@answers("addagency")
async def addagency(turn: Turn) -> None:
    """A supervisor adds an agency to the roster from the chat (then /invite it)."""
    args, db = turn.args, turn.office.db
    if len(args) < 2:
        turn.say(say.ADD_NEEDS_NAME_AND_LEVEL)
        return
    name, level_word = " ".join(args[:-1]), args[-1]
    try:
        level = normalize_level(level_word)
    except ValueError:
        turn.say(say.unknown_level(level_word))
        return
    try:
        existing = await db.find_agency(name, include_inactive=True)
    except AmbiguousAgency:
        existing = None
    if existing is not None and existing.name == " ".join(name.split()):
        turn.say(say.agency_already_listed(existing.name, LEVELS.get(existing.level, existing.level)))
        return
    added = await db.get_agency(await db.add_agency(name, level))
    turn.say(say.agency_added(added.name, LEVELS.get(added.level, added.level)))
