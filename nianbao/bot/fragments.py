"""A pasted report split by hand into two messages sent seconds apart (Telegram's own split of a
long paste is joined by the paste buffer; this is the clerk's). The first part is held, the bot
asks for the rest, and the next part sent within ``fragment_wait_seconds`` is joined to it: a
fragment is never checked on its own, so it never becomes (or replaces) the agency's draft.

What a fragment is: ``usecases.fragments`` (the same for every chat face).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .. import messages as say
from ..usecases.fragments import fragment_gaps, looks_like_report_text

__all__ = ["Held", "fragment_gaps", "looks_like_report_text"]


@dataclass
class Held:
    """The part of a report waiting for the rest."""

    chat_id: int
    text: str
    since: dt.datetime
    parts: int = 1


# ---------------------------------------------------------------- holding and joining (the bot's side)

HELD_KEY = "held_fragments"  # in bot_data: {user_id: Held}


def _job_name(user_id: int) -> str:
    return f"fragment:{user_id}"


async def hold_or_join(context, user_id: int, chat_id: int, text: str, now: dt.datetime, wait_seconds: float) -> str | None:
    """The text to check now (joined with a part held before), or None when it is held
    (the sender was asked for the rest)."""
    import asyncio

    held: dict[int, Held] = context.application.bot_data.setdefault(HELD_KEY, {})
    if user_id not in held and not looks_like_report_text(text):
        return text
    before = held.pop(user_id, None)
    for job in context.job_queue.get_jobs_by_name(_job_name(user_id)):
        job.schedule_removal()
    if before is not None and not looks_like_report_text(text):
        held[user_id] = before  # a remark between the parts: keep waiting
        _schedule_let_go(context, user_id, chat_id, max(1.0, wait_seconds - (now - before.since).total_seconds()))
        return text
    if before is not None:
        starts_later = say.MISSING_START in (await asyncio.to_thread(fragment_gaps, before.text) or [])
        text = f"{text}\n{before.text}" if starts_later else f"{before.text}\n{text}"
    gaps = await asyncio.to_thread(fragment_gaps, text)
    if not gaps:
        return text
    held[user_id] = Held(chat_id, text, now, (before.parts + 1) if before else 1)
    _schedule_let_go(context, user_id, chat_id, wait_seconds)
    from .handlers.common import services_of

    await services_of(context).pipeline.deliver.send_text(chat_id, say.fragment_held(gaps, wait_seconds))
    return None


def _schedule_let_go(context, user_id: int, chat_id: int, delay: float) -> None:
    context.job_queue.run_once(let_go, delay, chat_id=chat_id, user_id=user_id, name=_job_name(user_id))


async def let_go(context) -> None:
    held: dict[int, Held] = context.application.bot_data.get(HELD_KEY, {})
    item = held.pop(context.job.user_id, None)
    if item is None:
        return
    from .handlers.common import services_of

    await services_of(context).pipeline.deliver.send_text(item.chat_id, say.fragment_let_go(len(item.text)))
