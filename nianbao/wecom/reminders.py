"""The January reminders for the people this face reaches: staff of agencies without a passing
draft on the reminder days, and the county digest for supervisors — the same days, texts and
once-only claims as Telegram's (``bot/reminders.py``), whose deciding part is not yet in the
use-case layer; only who is reminded here differs: WeCom members, each claimed under the same
keys so that nobody is told twice whichever face gets there first."""

from __future__ import annotations

import datetime as dt
import logging

from .. import messages as say
from ..drafts import DeliveryFailed, DeliveryRefused, RecipientGone
from ..usecases.campaign import county_rows
from ..usecases.office import Office
from .deliver import WecomDeliver
from .ids import is_wecom_member

log = logging.getLogger("nianbao.wecom")
CHECK_INTERVAL_SECONDS = 600


def _days_left(office: Office, deadline: dt.date, year: int, now: dt.datetime) -> int | None:
    """Days left to ``deadline`` when today is one of its reminder days and the hour has come."""
    schedule = office.config.reminders
    days_left = (deadline - now.date()).days
    if days_left < 0 or days_left not in schedule.days_before:
        return None
    if now.date() < office.config.reminder_start(year) or now.hour < schedule.hour:
        return None
    return days_left


async def supervisor_ids(office: Office) -> set[int]:
    ids = set(office.config.supervisors) | set(office.config.admins)
    ids |= {m.user_id for m in await office.db.list_members(role="supervisor")}
    ids |= {m.user_id for m in await office.db.list_members(role="admin")}
    return ids


async def send_due_reminders(office: Office, deliver: WecomDeliver) -> list[str]:
    """Send what is due now to WeCom members; the keys of the reminders sent."""
    now = office.clock().astimezone(office.config.tz)
    year = office.config.year_under_review(now)
    states = await office.db.report(county_rows, office.config, year, office.today())
    sent: list[str] = []
    for state in states:
        days_left = _days_left(office, state.deadline, year, now) if state.needs_reminder else None
        if days_left is None:
            continue
        text = say.reminder_message(state.agency.name, year, days_left, state.deadline, state.state)
        for member in await office.db.list_members(agency_id=state.agency.id, role="staff"):
            key = f"{year}:d{days_left}:agency:{state.agency.id}:user:{member.user_id}"
            if _reachable(deliver, member.user_id) and await _send_once(office, deliver, key, member.user_id, text):
                sent.append(key)
    deadline = office.config.deadline(year)
    days_left = _days_left(office, deadline, year, now)
    if days_left is None:
        return sent
    digest = say.digest_message(year, states, deadline, office.today())
    for user_id in sorted(await supervisor_ids(office)):
        key = f"{year}:d{days_left}:digest:{user_id}"
        if _reachable(deliver, user_id) and await _send_once(office, deliver, key, user_id, digest):
            sent.append(key)
    return sent


def _reachable(deliver: WecomDeliver, user_id: int) -> bool:
    """A WeCom member whose account is known (a supervisor configured by number who never wrote
    is reached once they have written, or when named by UserID in ``[wecom] supervisors``)."""
    return is_wecom_member(user_id) and user_id in deliver.directory


async def _send_once(office: Office, deliver: WecomDeliver, key: str, user_id: int, text: str) -> bool:
    if not await office.db.claim_reminder(key, user_id, now=office.clock()):
        return False
    try:
        await deliver.send_texts(user_id, [text])
    except (DeliveryFailed, DeliveryRefused, RecipientGone):
        log.warning("reminder %s to %s failed; it will be retried", key, user_id, exc_info=True)
        await office.db.release_reminder(key)
        return False
    return True
