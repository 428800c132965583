"""How the chat's texts are put together: Telegram HTML, split to fit its 4096 characters; one
issue of a review as a line; a time and a duration as people read them."""

from __future__ import annotations

import datetime as dt
import re
from html import escape

from ..validators.model import Severity
from ..validators.render import HINT_PREFIX

__all__ = [
    "SEVERITY_LABEL", "SEVERITY_MARK", "TELEGRAM_LIMIT", "duration", "escape", "issue_html", "local_time", "split_message",
]  # fmt: skip

TELEGRAM_LIMIT = 4096
SEVERITY_LABEL = {s.value: s.label for s in Severity}
SEVERITY_MARK = {"error": "❌", "warning": "⚠️", "info": "ℹ️"}


def split_message(text: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Split at blank lines, then lines, so no tag or issue is cut in the middle."""
    return _pack([piece for block in text.split("\n\n") for piece in _fit(block, limit)], "\n\n", limit) or [""]


def _fit(block: str, limit: int) -> list[str]:
    if len(block) <= limit:
        return [block]
    lines = [piece for line in block.split("\n") for piece in _cut_line(line, limit)]
    return _pack(lines, "\n", limit)


_TOKEN = re.compile(r"<(/?)(\w+)[^>]*>|&#?\w+;|[^<&]+?(?=[<&]|$)|[<&]", re.S)


def _cut_line(line: str, limit: int) -> list[str]:
    """A single huge line cut between characters, never inside an entity (``&amp;``) or a tag;
    tags open at a cut are closed there and opened again in the next piece."""
    if len(line) <= limit:
        return [line]
    pieces, current, open_tags = [], "", []  # open_tags: (name, the opening tag as written)
    for match in _TOKEN.finditer(line):
        token = match.group(0)
        units = [token] if match.group(2) or token.startswith("&") else list(token)
        for unit in units:
            closing = "".join(f"</{name}>" for name, _ in reversed(open_tags))
            if current and len(current) + len(unit) + len(closing) > limit:
                pieces.append(current + closing)
                current = "".join(tag for _, tag in open_tags)
            current += unit
        if match.group(2):
            if match.group(1):
                if open_tags and open_tags[-1][0] == match.group(2):
                    open_tags.pop()
            else:
                open_tags.append((match.group(2), token))
    return [*pieces, current] if current else pieces


def _pack(pieces: list[str], separator: str, limit: int) -> list[str]:
    """Join consecutive pieces (each within ``limit``) into as few chunks within ``limit`` as fit."""
    chunks: list[str] = []
    current = ""
    for piece in pieces:
        candidate = f"{current}{separator}{piece}" if current else piece
        if len(candidate) <= limit:
            current = candidate
        else:
            chunks.append(current)
            current = piece
    if current:
        chunks.append(current)
    return chunks


def issue_html(issue: dict, marker: str = "") -> str:
    label = SEVERITY_LABEL.get(issue["severity"], issue["severity"])
    text = f"{issue['number']}. {SEVERITY_MARK.get(issue['severity'], '')}<b>[{label}]</b> {escape(issue['message'])}{marker}"
    if issue.get("hint"):
        text += f"\n   <i>{HINT_PREFIX}{escape(issue['hint'])}</i>"
    return text


def local_time(moment: dt.datetime, tz=None) -> str:
    moment = moment.astimezone(tz) if tz else moment
    return f"{moment.month}月{moment.day}日 {moment:%H:%M}"


def duration(seconds: float) -> str:
    """60 → "分钟", 120 → "2 分钟", 90 → "90 秒", 3600 → "小时"."""
    for unit, size in (("小时", 3600), ("分钟", 60)):
        if seconds >= size and seconds % size == 0:
            count = int(seconds // size)
            return unit if count == 1 else f" {count} {unit}"
    return f" {seconds:g} 秒"
