"""January reminders: staff of agencies without a passing draft, and a digest for supervisors.

Each reminder is claimed in the database before it is sent, so it goes out once even when the
bot restarts or the job runs again the same day. The clock is injected (Services.clock).
"""

from __future__ import annotations

import datetime as dt
import logging

from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import Application, ContextTypes

from .. import messages as say
from ..usecases.campaign import county_rows
from .delivery import DeliveryFailed, with_retries

log = logging.getLogger(__name__)
CHECK_INTERVAL_SECONDS = 600
JOB_NAME = "reminders"


def due_day(services) -> tuple[int, int] | None:
    """(year, days left) when today is a reminder day and the hour has come, else None."""
    now = services.clock().astimezone(services.config.tz)
    year = services.config.year_under_review(now)
    deadline = services.config.deadline(year)
    days_left = (deadline - now.date()).days
    if now.date() < services.config.reminder_start(year) or days_left < 0:
        return None
    if days_left not in services.config.reminders.days_before or now.hour < services.config.reminders.hour:
        return None
    return year, days_left


async def supervisor_ids(services) -> set[int]:
    ids = set(services.config.supervisors) | set(services.config.admins)
    ids |= {m.user_id for m in await services.db.list_members(role="supervisor")}
    return ids


def _due_for(services, state, now: dt.datetime) -> int | None:
    """Days left to the agency's own deadline when it is to be reminded today, else None (a
    government's report is due 31 March, so its reminders come before that)."""
    days_left = (state.deadline - now.date()).days
    if not state.needs_reminder or days_left < 0 or days_left not in services.config.reminders.days_before:
        return None
    if now.date() < services.config.reminder_start(state.year) or now.hour < services.config.reminders.hour:
        return None
    return days_left


async def send_due_reminders(application: Application) -> list[str]:
    """Send what is due now; returns the keys of the reminders sent."""
    services = application.bot_data["services"]
    now = services.clock().astimezone(services.config.tz)
    year = services.config.year_under_review(now)
    states = await services.db.report(county_rows, services.config, year, services.today())
    sent: list[str] = []
    for state in states:
        days_left = _due_for(services, state, now)
        if days_left is None:
            continue
        text = say.reminder_message(state.agency.name, year, days_left, state.deadline, state.state)
        for member in await services.db.list_members(agency_id=state.agency.id, role="staff"):
            key = f"{year}:d{days_left}:agency:{state.agency.id}:user:{member.user_id}"
            if await _send_once(application, services, key, member.user_id, text):
                sent.append(key)
    due = due_day(services)
    if due is None:
        return sent
    deadline = services.config.deadline(year)
    digest = say.digest_message(year, states, deadline, services.today())
    for user_id in sorted(await supervisor_ids(services)):
        key = f"{year}:d{due[1]}:digest:{user_id}"
        if await _send_once(application, services, key, user_id, digest):
            sent.append(key)
    return sent


async def _send_once(application, services, key: str, chat_id: int, text: str) -> bool:
    if not await services.db.claim_reminder(key, chat_id, now=services.clock()):
        return False
    try:
        for chunk in say.split_message(text):
            await with_retries(lambda: application.bot.send_message(chat_id, chunk, parse_mode=ParseMode.HTML))
    except (TelegramError, DeliveryFailed):
        log.warning("reminder %s to %s failed; it will be retried", key, chat_id, exc_info=True)
        await services.db.release_reminder(key)
        return False
    return True


async def reminder_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    await send_due_reminders(context.application)


def schedule_reminders(application: Application, first: float = 5) -> None:
    application.job_queue.run_repeating(reminder_job, interval=CHECK_INTERVAL_SECONDS, first=first, name=JOB_NAME)
