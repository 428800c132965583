"""Reminders before the deadline, for every chat face: staff of agencies without a passing draft
(each against its own deadline), and a digest for each supervisor of their scope. Each is
claimed in the database before it is sent, so it goes out once, whichever face sends it and
however often the job runs; a face passes ``send`` (True when the person was reached)."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Awaitable, Callable

from .. import messages as say
from ..roles import Role
from ..storage import AgencyState
from .campaign import county_rows
from .office import Office

log = logging.getLogger(__name__)

Send = Callable[[int, str], Awaitable[bool]]  # (user id, chat HTML) -> sent (False: failed, tried again later)
Reaches = Callable[[int], bool]  # whether this face can write to a person


def due_day(office: Office) -> tuple[int, int] | None:
    """(year, days left) when today is a reminder day and the hour has come, else None."""
    now = office.clock().astimezone(office.config.tz)
    year = office.config.year_under_review(now)
    days_left = (office.config.deadline(year) - now.date()).days
    if now.date() < office.config.reminder_start(year) or days_left < 0:
        return None
    if days_left not in office.config.reminders.days_before or now.hour < office.config.reminders.hour:
        return None
    return year, days_left


def _due_for(office: Office, state: AgencyState, now: dt.datetime) -> int | None:
    """Days left to the agency's own deadline when it is to be reminded today, else None (a
    government's report is due 31 March, so its reminders come before that)."""
    reminders = office.config.reminders
    days_left = (state.deadline - now.date()).days
    if not state.needs_reminder or days_left < 0 or days_left not in reminders.days_before:
        return None
    if now.date() < office.config.reminder_start(state.year) or now.hour < reminders.hour:
        return None
    return days_left


async def supervisor_ids(office: Office) -> set[int]:
    ids = set(office.config.supervisors) | set(office.config.admins)
    ids |= {m.user_id for m in await office.db.list_members(role=Role.SUPERVISOR.value)}
    return ids


async def send_due_reminders(office: Office, send: Send, reaches: Reaches) -> list[str]:
    """Send what is due now to the people this face ``reaches``, through ``send``; the keys of
    the reminders sent. Each is claimed once (a person is in one face's id range), so whichever
    face's job runs first, nobody is told twice and nobody is left out."""
    now = office.clock().astimezone(office.config.tz)
    year = office.config.year_under_review(now)
    states = await office.db.report(county_rows, office.config, year, office.today())
    sent: list[str] = []
    for state in states:
        days_left = _due_for(office, state, now)
        if days_left is None:
            continue
        text = say.reminder_message(state.agency.name, year, days_left, state.deadline, state.state)
        for member in await office.db.list_members(agency_id=state.agency.id, role=Role.STAFF.value):
            key = f"{year}:d{days_left}:agency:{state.agency.id}:user:{member.user_id}"
            if reaches(member.user_id) and await _send_once(office, send, key, member.user_id, text):
                sent.append(key)
    due = due_day(office)
    if due is None:
        return sent
    deadline = office.config.deadline(year)
    for user_id in sorted(await supervisor_ids(office)):
        if not reaches(user_id):
            continue
        person = await office.person(user_id)
        scoped = [state for state in states if person.covers(state.agency.id)]
        digest = say.digest_message(year, scoped, deadline, office.today())
        key = f"{year}:d{due[1]}:digest:{user_id}"
        if reaches(user_id) and await _send_once(office, send, key, user_id, digest):
            sent.append(key)
    return sent


async def _send_once(office: Office, send: Send, key: str, user_id: int, text: str) -> bool:
    if not await office.db.claim_reminder(key, user_id, now=office.clock()):
        return False
    try:
        sent = await send(user_id, text)
    except Exception:  # noqa: BLE001 - a face's failure must not stop the other reminders
        log.warning("reminder %s to %s failed", key, user_id, exc_info=True)
        sent = False
    if not sent:
        log.warning("reminder %s to %s failed; it will be retried", key, user_id)
        await office.db.release_reminder(key)
    return sent
