"""Find the six section headings (一、总体情况 … 六、其他需要报告的事项), however numbered."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from .model import Locator
from .template import SECTIONS
from .text import CN_NUMERALS, squash

_NUMBERING = re.compile(
    r"^(?P<num>第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+[、.,]?|[(（][一二三四五六七八九十\d]+[)）][、.]?|\d+[、.]?)?(?P<title>.+)$"
)
_TRAILING = "。:：;；.,，"
MAX_EXTRA_CHARS = 4
MAX_REWORDED = 30
_TITLE_CHARS = frozenset("情况事项")


@dataclass(slots=True)
class Heading:
    number: str
    index: int  # position in the mapper's stream
    text: str
    numbering: str  # as written, without spaces: "二、", "2、", "（二）", ""
    locator: Locator


def _title_matches(candidate: str, title: str) -> bool:
    candidate = candidate.rstrip(_TRAILING).replace("、", "").replace("，", "").replace(",", "")
    title = title.replace("、", "")
    if candidate == title:
        return True
    if len(candidate) > len(title) + MAX_EXTRA_CHARS or len(candidate) < len(title) - 2:
        return False
    if candidate.startswith(title):
        return True
    return difflib.SequenceMatcher(None, candidate, title).ratio() >= 0.8


def _numeral(numbering: str) -> str | None:
    """The number an ordinal names, as a Chinese numeral: 「（一）」→一, 「2、」→二, 「」→None."""
    core = numbering.strip("()（）、.,第部分")
    if core.isdigit() and 1 <= int(core) <= 10:
        return CN_NUMERALS[int(core) - 1]
    return core if core in CN_NUMERALS else None


def classify_heading(text: str, squashed: str | None = None) -> tuple[str, str] | None:
    """(section number, numbering as written) when the line is a section heading: the standard
    title (a slip or two allowed) under any numbering that does not name another number, or a
    reworded title under the section's own 「五、」 when it still says what the section is about.
    ``squashed``: ``squash(text)`` where it is known already."""
    squashed = squash(text) if squashed is None else squashed
    if len(squashed) > 40:
        return None
    match = _NUMBERING.match(squashed)
    if not match:
        return None
    numbering, title = match.group("num") or "", match.group("title")
    named = _numeral(numbering)
    for spec in SECTIONS:
        if named is not None and named != spec.number:
            continue  # 「（一）主动公开政府信息情况」 is a sub-item of section 一, not section 二
        if any(ch in squashed for ch in _TITLE_CHARS) and (spec.title[:2] in title or spec.title[-2:] in title) and _title_matches(title, spec.title):
            return spec.number, numbering
        if numbering == f"{spec.number}、" and len(title) <= MAX_REWORDED and any(word in title for word in spec.keywords):
            return spec.number, numbering
    return None


def title_as_written(heading: str) -> str:
    """The heading without its numbering and end punctuation, to compare with the standard title."""
    match = _NUMBERING.match(squash(heading))
    return (match.group("title") if match else squash(heading)).rstrip(_TRAILING)


def find_headings(stream) -> dict[str, Heading]:
    """The first heading of each section, in order: a heading must follow the previous one. A
    paragraph, or a table row holding nothing else (the line above a table that a PDF reader took
    into the table, a title row typed into the table)."""
    headings: dict[str, Heading] = {}
    last_ordinal = 0
    ordinals = {s.number: s.ordinal for s in SECTIONS}
    filled: dict[int, int] = {}
    for cell in stream:
        if cell.row_id is not None and not cell.blank:
            filled[cell.row_id] = filled.get(cell.row_id, 0) + 1
    for cell in stream:
        if cell.row_id is not None and filled.get(cell.row_id) != 1:
            continue  # a heading in a table stands alone in its row (a title row, or a PDF's line above the table)
        if len(cell.key) > 40:
            continue
        found = classify_heading(cell.text, cell.squashed)
        if not found:
            continue
        number, numbering = found
        earlier = headings.get(number)
        if earlier and earlier.numbering != f"{number}、" and numbering == f"{number}、" and ordinals[number] == last_ordinal:
            del headings[number]  # 「2、…」 taken first, the properly numbered heading comes right after
        elif number in headings or ordinals[number] <= last_ordinal:
            continue
        headings[number] = Heading(number, cell.index, cell.text.strip(), numbering, cell.locator)
        last_ordinal = ordinals[number]
    return headings
