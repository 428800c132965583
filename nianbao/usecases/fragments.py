"""A report pasted by hand in pieces, for every chat face: whether a message could continue a
report, and what a pasted text lacks for being a whole one (then it is held, never checked on its
own, and joined with the rest). A text is a fragment when it clearly stops or starts mid-report:
no table at all, or no section 五/六 (the report's end), or no title and no section before 三."""

from __future__ import annotations

from .. import messages as say
from ..validators.document import ReadError
from ..validators.engine import looks_like_a_report
from ..validators.mapper import map_document
from ..validators.readers import read_document

__all__ = ["fragment_gaps", "looks_like_report_text"]

# The vocabulary a text is matched against (what the bot says about it is in messages.drafts):
REPORT_WORDS = ("政府信息公开", "年度报告", "主动公开", "依申请公开", "行政复议", "行政诉讼", "存在的主要问题", "其他需要报告")
TITLE_WORDS = ("年度报告", "年报", "工作报告")
START_SECTIONS, END_SECTIONS = ("一", "二"), ("五", "六")  # a report's first and last sections


def looks_like_report_text(text: str) -> bool:
    """Could this message continue a report (rather than be a question or a remark)?"""
    return len(text) >= 200 or any(word in text for word in REPORT_WORDS)


def fragment_gaps(text: str) -> list[str] | None:
    """What a pasted text lacks for being a whole report (say.MISSING_TABLES…), or None when it
    reads as a whole report (or is not readable at all: the review will say why)."""
    try:
        report = map_document(read_document(text.encode("utf-8"), f"{say.PASTED_TEXT}.txt"), say.PASTED_TEXT)
    except ReadError:
        return None
    if not looks_like_a_report(report):
        return None  # not a report at all: the review says so
    found = [s.number for s in report.sections if s.heading_found]
    has_tables = any(t.found for t in report.tables.values())
    ends = any(number in found for number in END_SECTIONS)
    titled = any(word in (report.title or "") for word in TITLE_WORDS)  # not a heading taken for a title
    starts = titled or any(number in found for number in START_SECTIONS)
    gaps: list[str] = []
    if not starts:
        gaps.append(say.MISSING_START)
    if not has_tables:
        gaps.append(say.MISSING_TABLES)
    if not ends:
        gaps.append(say.MISSING_END)
    return gaps or None
