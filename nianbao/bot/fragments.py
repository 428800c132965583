"""A pasted report split by hand into two messages sent seconds apart (Telegram's own split of a
long paste is joined by the paste buffer; this is the clerk's). The first part is held, the bot
asks for the rest, and the next part sent within ``fragment_wait_seconds`` is joined to it: a
fragment is never checked on its own, so it never becomes (or replaces) the agency's draft.

A text is a fragment when it clearly stops or starts mid-report: no table at all, or no
section 五/六 (the report's end), or no title and no section before 三 (the report's start).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..validators.document import ReadError
from ..validators.engine import looks_like_a_report
from ..validators.mapper import map_document
from ..validators.readers import read_document

__all__ = ["Held", "fragment_gaps", "looks_like_report_text"]

SECTION_NAMES = {"一": "第一部分", "二": "第二部分", "三": "第三部分", "四": "第四部分", "五": "第五部分", "六": "第六部分"}
REPORT_WORDS = ("政府信息公开", "年度报告", "主动公开", "依申请公开", "行政复议", "行政诉讼", "存在的主要问题", "其他需要报告")


@dataclass
class Held:
    """The part of a report waiting for the rest."""

    chat_id: int
    text: str
    since: dt.datetime
    parts: int = 1


def looks_like_report_text(text: str) -> bool:
    """Could this message continue a report (rather than be a question or a remark)?"""
    return len(text) >= 200 or any(word in text for word in REPORT_WORDS)


def fragment_gaps(text: str) -> list[str] | None:
    """What a pasted text lacks for being a whole report ("统计表", "第五部分"…), or None when it
    reads as a whole report (or is not readable at all: the review will say why)."""
    try:
        report = map_document(read_document(text.encode("utf-8"), "粘贴的文本.txt"), "粘贴的文本")
    except ReadError:
        return None
    if not looks_like_a_report(report):
        return None  # not a report at all: the review says so
    found = [s.number for s in report.sections if s.heading_found]
    has_tables = any(t.found for t in report.tables.values())
    ends = any(number in found for number in ("五", "六"))
    titled = any(word in (report.title or "") for word in ("年度报告", "年报", "工作报告"))  # not a heading taken for a title
    starts = titled or any(number in found for number in ("一", "二"))
    gaps: list[str] = []
    if not starts:
        gaps.append("报告标题和第一、二部分")
    if not has_tables:
        gaps.append("统计表")
    if not ends:
        gaps.append("、".join(SECTION_NAMES[n] for n in ("五", "六")))
    return gaps or None


# ---------------------------------------------------------------- holding and joining (the bot's side)

HELD_KEY = "held_fragments"  # in bot_data: {user_id: Held}
START_GAP = "报告标题和第一、二部分"


def hold_message(gaps: list[str], wait_seconds: float) -> str:
    minutes = max(1, round(wait_seconds / 60))
    return (
        f"📝 看起来报告还没有发完：没有找到{'、'.join(gaps)}。\n"
        f"请在 {minutes} 分钟内接着发送其余部分，我会把它们合并起来一起审核；这一部分不会单独记为报送。"
    )


def let_go_message(held: Held) -> str:
    return (
        f"⏳ 没有收到后续内容：刚才那部分（约 {len(held.text)} 字）没有作为报告审核，也没有记为报送。"
        "请把报告全文一次粘贴发送，或发送 Word 文件（.docx）。"
    )


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
        starts_later = START_GAP in (await asyncio.to_thread(fragment_gaps, before.text) or [])
        text = f"{text}\n{before.text}" if starts_later else f"{before.text}\n{text}"
    gaps = await asyncio.to_thread(fragment_gaps, text)
    if not gaps:
        return text
    held[user_id] = Held(chat_id, text, now, (before.parts + 1) if before else 1)
    _schedule_let_go(context, user_id, chat_id, wait_seconds)
    from .handlers.common import services_of

    await services_of(context).pipeline.deliver.send_text(chat_id, hold_message(gaps, wait_seconds))
    return None


def _schedule_let_go(context, user_id: int, chat_id: int, delay: float) -> None:
    context.job_queue.run_once(let_go, delay, chat_id=chat_id, user_id=user_id, name=_job_name(user_id))


async def let_go(context) -> None:
    held: dict[int, Held] = context.application.bot_data.get(HELD_KEY, {})
    item = held.pop(context.job.user_id, None)
    if item is None:
        return
    from .handlers.common import services_of

    await services_of(context).pipeline.deliver.send_text(item.chat_id, let_go_message(item))
