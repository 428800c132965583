"""January reminders in Telegram: the use case decides who is reminded of what, once
(``usecases.reminders``); this sends it, on PTB's job queue driven by the office's clock."""

from __future__ import annotations

from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import Application, ContextTypes

from .. import messages as say
from ..usecases.reminders import send_due_reminders as _send_due
from .delivery import DeliveryFailed, with_retries

CHECK_INTERVAL_SECONDS = 600
JOB_NAME = "reminders"


async def send_due_reminders(application: Application) -> list[str]:
    """Send what is due now; returns the keys of the reminders sent."""

    async def send(user_id: int, text: str) -> bool:
        try:
            for chunk in say.split_message(text):
                await with_retries(lambda: application.bot.send_message(user_id, chunk, parse_mode=ParseMode.HTML))
        except (TelegramError, DeliveryFailed):
            return False  # not sent: tried again on the next round
        return True

    # Telegram's users have positive ids; web-only and 企业微信 members are reached elsewhere
    return await _send_due(application.bot_data["services"].office, send, lambda user_id: user_id > 0)


async def reminder_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    await send_due_reminders(context.application)


def schedule_reminders(application: Application, first: float = 5) -> None:
    application.job_queue.run_repeating(reminder_job, interval=CHECK_INTERVAL_SECONDS, first=first, name=JOB_NAME)
