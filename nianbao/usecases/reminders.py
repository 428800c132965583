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

Send = Callable[[int, str], Awaitable[bool | None]]  # (user id, chat HTML) -> reached, not mine, or None: failed


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


async def send_due_reminders(office: Office, send: Send, face: str) -> list[str]:
    """Send what is due now through ``send``; the keys of the reminders sent. ``face`` names the
    messenger, so that a person using two is reminded in each."""
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
            key = _key(face, f"{year}:d{days_left}:agency:{state.agency.id}:user:{member.user_id}")
            if await _send_once(office, send, key, member.user_id, text):
                sent.append(key)
    due = due_day(office)
    if due is None:
        return sent
    deadline = office.config.deadline(year)
    for user_id in sorted(await supervisor_ids(office)):
        person = await office.person(user_id)
        scoped = [state for state in states if person.covers(state.agency.id)]
        digest = say.digest_message(year, scoped, deadline, office.today())
        key = _key(face, f"{year}:d{due[1]}:digest:{user_id}")
        if await _send_once(office, send, key, user_id, digest):
            sent.append(key)
    return sent


def _key(face: str, key: str) -> str:
    return key if face == "telegram" else f"{face}:{key}"  # Telegram's keys as they always were


async def _send_once(office: Office, send: Send, key: str, user_id: int, text: str) -> bool:
    if not await office.db.claim_reminder(key, user_id, now=office.clock()):
        return False
    try:
        reached = await send(user_id, text)  # None: failed now, to be tried again
    except Exception:  # noqa: BLE001 - a face's failure must not stop the other reminders
        log.warning("reminder %s to %s failed", key, user_id, exc_info=True)
        reached = None
    if reached is None:
        log.warning("reminder %s to %s failed; it will be retried", key, user_id)
        await office.db.release_reminder(key)
        return False
    return bool(reached)  # False: this face cannot reach the person (kept: not tried again)
