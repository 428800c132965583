"""Chat HTML (Telegram's subset: <b>, <i>, <code>, <pre>, <a href>) as a WeCom text message:
emphasis dropped, links kept as the one tag a WeCom text shows (``<a href="…">…</a>``), entities
decoded (a ``<a`` in what people wrote is defused); split to WeCom's 2048 bytes at blank lines,
then lines, then characters."""

from __future__ import annotations

import html
import re

TEXT_LIMIT = 2048  # bytes of a text message's content (more is cut off by WeCom)
_TAG = re.compile(r"<(/?)([a-zA-Z]+)([^>]*)>")
_HREF = re.compile(r"""href\s*=\s*(["'])(.*?)\1""", re.S)


def _defuse(text: str) -> str:
    """Decoded text of a message, which must not become a link WeCom would show."""
    return re.sub(r"<(?=\s*/?\s*a\b)", "＜", html.unescape(text), flags=re.I)


def to_text(chat_html: str) -> str:
    """A chat HTML message as WeCom text."""
    out, position, link = [], 0, None
    for match in _TAG.finditer(chat_html):
        out.append(_defuse(chat_html[position : match.start()]))
        position = match.end()
        closing, name = match.group(1), match.group(2).lower()
        if name == "a" and not closing:
            href = _HREF.search(match.group(3))
            link = html.unescape(href.group(2)) if href else None
            if link and link.startswith(("http://", "https://")):
                out.append(f'<a href="{link.replace(chr(34), "%22")}">')
            else:
                link = None
        elif name == "a" and closing and link:
            out.append("</a>")
            link = None
    out.append(_defuse(chat_html[position:]))
    return "".join(out)


def plain(chat_html: str) -> str:
    """Without any tag at all (a file's caption, a last word)."""
    return re.sub(r"</?a\b[^>]*>", "", to_text(chat_html))


def _size(text: str) -> int:
    return len(text.encode("utf-8"))


def split(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """``text`` in pieces of at most ``limit`` bytes: at blank lines, then lines, then characters."""
    if _size(text) <= limit:
        return [text]
    pieces: list[str] = []
    for separator in ("\n\n", "\n"):
        parts = text.split(separator)
        if len(parts) > 1:
            current = ""
            for part in parts:
                if _size(part) > limit:  # cut on its own: its pieces are whole messages
                    *whole, current = [current, *split(part, limit)] if current else split(part, limit)
                    pieces += whole
                    continue
                joined = f"{current}{separator}{part}" if current else part
                if current and _size(joined) > limit:
                    pieces.append(current)
                    current = part
                else:
                    current = joined
            return [*pieces, current] if current else pieces
    current = ""
    for char in text:
        if _size(current + char) > limit:
            pieces.append(current)
            current = ""
        current += char
    return [*pieces, current] if current else pieces


def pack(texts: list[str], limit: int = TEXT_LIMIT) -> list[str]:
    """Several texts of one answer in as few messages as fit (WeCom counts messages per person
    per minute), each within ``limit``."""
    messages: list[str] = []
    for text in texts:
        for piece in split(text, limit):
            if messages and _size(messages[-1] + "\n\n" + piece) <= limit:
                messages[-1] += "\n\n" + piece
            else:
                messages.append(piece)
    return messages
