"""Telegram's HTML formatting, parsed with the rules of its own parser (tdlib ``parse_html``), so a
reply the real server would refuse is refused here too."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any


class EntityParseError(ValueError):
    """Raised by :func:`parse_html` with Telegram's wording of the problem."""


@dataclass
class ParsedText:
    """Visible text plus Bot API ``MessageEntity`` dicts (UTF-16 offsets)."""

    text: str
    entities: list[dict[str, Any]]


_ALLOWED_TAGS = frozenset(
    "a b strong i em u ins s strike del code pre tg-spoiler span blockquote tg-emoji".split()
)
_ENTITY_TYPES = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic",
    "u": "underline", "ins": "underline",
    "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough",
    "tg-spoiler": "spoiler", "span": "spoiler", "code": "code", "pre": "pre",
    "a": "text_link", "blockquote": "blockquote", "tg-emoji": "custom_emoji",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY_RE = re.compile(r"&(?:#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z]+));")
_SPACES = " \t\r\n\v\f"
_PLAIN = re.compile(r"[^<&>]+")
_SPACE_RUN = re.compile(r"[ \t\r\n\v\f]*")
_NAME = re.compile(r"[^ \t\r\n\v\f>]*")  # a tag's name: up to a space or ">"
_ATTRIBUTE_NAME = re.compile(r"[^ \t\r\n\v\f=>]*")
_NOT_PLAIN_UTF16 = re.compile("[\ud800-\udfff\U00010000-\U0010FFFF]")  # two code units, or none


def _decode_entity(text: str, pos: int) -> tuple[str, int] | None:
    """Decode the HTML entity at ``text[pos] == "&"``; return (char, end) or None."""
    match = _ENTITY_RE.match(text, pos)
    if not match:
        return None
    if match[3]:
        char = _NAMED_ENTITIES.get(match[3])
        return (char, match.end()) if char else None
    code = int(match[1]) if match[1] else int(match[2], 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code), match.end()


def utf16_len(text: str) -> int:
    if text.isascii() or not _NOT_PLAIN_UTF16.search(text):
        return len(text)
    return len(text.encode("utf-16-le")) // 2


@dataclass
class _OpenTag:
    name: str
    argument: str
    offset: int  # UTF-16 offset in the visible text


class _HtmlParser:
    """Port of the rules of tdlib's ``parse_html`` (what the Bot API uses)."""

    def __init__(self, source: str, strict: bool):
        self.src = source
        self.strict = strict
        self.out: list[str] = []
        self.offset = 0
        self.stack: list[_OpenTag] = []
        self.entities: list[dict[str, Any]] = []

    def parse(self) -> ParsedText:
        pos = 0
        while pos < len(self.src):
            char = self.src[pos]
            if char == "<":
                pos = self._tag(pos)
            elif char == "&":
                pos = self._ampersand(pos)
            elif char == ">":
                if self.strict:
                    self._fail(f'Unescaped ">" at byte offset {self._byte(pos)}')
                self._emit(char)
                pos += 1
            else:  # plain text up to the next markup character, emitted at once
                end = _PLAIN.match(self.src, pos).end()
                self._emit(self.src[pos:end])
                pos = end
        if self.stack:
            self._fail(f'Can\'t find end tag corresponding to start tag "{self.stack[-1].name}"')
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return ParsedText("".join(self.out), self.entities)

    # -- helpers
    def _fail(self, message: str) -> None:
        raise EntityParseError(message)

    def _byte(self, pos: int) -> int:
        return len(self.src[:pos].encode())

    def _emit(self, text: str) -> None:
        self.out.append(text)
        self.offset += utf16_len(text)

    def _skip_spaces(self, pos: int) -> int:
        return _SPACE_RUN.match(self.src, pos).end()

    def _scan_name(self, pos: int) -> int:
        return _NAME.match(self.src, pos).end()

    def _ampersand(self, pos: int) -> int:
        decoded = _decode_entity(self.src, pos)
        if decoded:
            self._emit(decoded[0])
            return decoded[1]
        if self.strict:
            self._fail(f'Unescaped "&" at byte offset {self._byte(pos)}')
        self._emit("&")
        return pos + 1

    def _tag(self, begin: int) -> int:
        if self.src.startswith("</", begin):
            return self._end_tag(begin)
        return self._start_tag(begin)

    # -- start tags
    def _start_tag(self, begin: int) -> int:
        pos = self._scan_name(begin + 1)
        if pos >= len(self.src):
            self._fail(f"Unclosed start tag at byte offset {self._byte(begin)}")
        name = self.src[begin + 1 : pos].lower()
        if name not in _ALLOWED_TAGS:
            self._fail(f'Unsupported start tag "{name}" at byte offset {self._byte(begin)}')
        argument, pos = self._attributes(name, begin, pos)
        if name == "span" and argument != "spoiler":
            where = f"at byte offset {self._byte(begin)}"
            self._fail(f'Tag "span" must have class "tg-spoiler" {where}')
        self.stack.append(_OpenTag(name, argument, self.offset))
        return pos + 1

    def _attributes(self, tag: str, begin: int, pos: int) -> tuple[str, int]:
        argument = ""
        while True:
            pos = self._skip_spaces(pos)
            if pos >= len(self.src):
                self._fail(f"Unclosed start tag at byte offset {self._byte(begin)}")
            if self.src[pos] == ">":
                return argument, pos
            name_start, pos = pos, _ATTRIBUTE_NAME.match(self.src, pos).end()
            name = self.src[name_start:pos].lower()
            if not name:
                where = f"at byte offset {self._byte(begin)}"
                self._fail(f'Empty attribute name in the tag "{tag}" {where}')
            pos = self._skip_spaces(pos)
            if pos >= len(self.src):
                self._fail(f"Unclosed start tag at byte offset {self._byte(begin)}")
            if self.src[pos] != "=":
                if tag == "blockquote" and name == "expandable":
                    argument = "expandable"
                    continue
                self._fail(
                    f'Expected equal sign in declaration of an attribute of the tag "{tag}" '
                    f"at byte offset {self._byte(begin)}"
                )
            value, pos = self._attribute_value(self._skip_spaces(pos + 1), tag, begin)
            if pos >= len(self.src):
                self._fail(f"Unclosed start tag at byte offset {self._byte(begin)}")
            argument = _tag_argument(tag, name, value, argument)

    def _attribute_value(self, pos: int, tag: str, begin: int) -> tuple[str, int]:
        if pos >= len(self.src):
            self._fail(f'Unclosed start tag "{tag}" at byte offset {self._byte(begin)}')
        quote = self.src[pos]
        if quote not in "'\"":
            start = pos
            while pos < len(self.src) and (self.src[pos].isascii() and self.src[pos].isalnum()
                                           or self.src[pos] in ".-"):
                pos += 1
            if pos < len(self.src) and self.src[pos] not in _SPACES + ">":
                self._fail(f"Unexpected end of name token at byte offset {self._byte(start)}")
            return self.src[start:pos].lower(), pos
        value: list[str] = []
        pos += 1
        while pos < len(self.src) and self.src[pos] != quote:
            decoded = _decode_entity(self.src, pos) if self.src[pos] == "&" else None
            if decoded:
                value.append(decoded[0])
                pos = decoded[1]
            else:
                value.append(self.src[pos])
                pos += 1
        return "".join(value), min(pos + 1, len(self.src))

    # -- end tags
    def _end_tag(self, begin: int) -> int:
        if not self.stack:
            self._fail(f"Unexpected end tag at byte offset {self._byte(begin)}")
        pos = self._scan_name(begin + 2)
        name = self.src[begin + 2 : pos].lower()
        pos = self._skip_spaces(pos)
        if pos >= len(self.src) or self.src[pos] != ">":
            self._fail(f"Unclosed end tag at byte offset {self._byte(begin)}")
        open_tag = self.stack.pop()
        if name and name != open_tag.name:
            self._fail(
                f"Unmatched end tag at byte offset {self._byte(begin)}, "
                f'expected "</{open_tag.name}>", found "</{name}>"'
            )
        self._close_entity(open_tag)
        return pos + 1

    def _close_entity(self, tag: _OpenTag) -> None:
        length = self.offset - tag.offset
        if tag.name == "code" and self.stack and self.stack[-1].name == "pre":
            self.stack[-1].argument = self.stack[-1].argument or tag.argument
            return  # <pre><code class="language-x"> becomes one "pre" entity
        if length == 0 or (tag.name == "a" and not tag.argument):
            return
        entity: dict[str, Any] = {"type": _ENTITY_TYPES[tag.name], "offset": tag.offset,
                                  "length": length}
        if tag.name == "a":
            entity["url"] = tag.argument
        elif tag.name == "pre" and tag.argument:
            entity["language"] = tag.argument
        elif tag.name == "tg-emoji":
            entity["custom_emoji_id"] = tag.argument
        elif tag.name == "blockquote" and tag.argument:
            entity["type"] = "expandable_blockquote"
        self.entities.append(entity)


def _tag_argument(tag: str, attribute: str, value: str, current: str) -> str:
    """The single argument tdlib keeps for a tag (href, language, spoiler class...)."""
    if tag == "a" and attribute == "href":
        return value
    if tag == "code" and attribute == "class" and value.startswith("language-"):
        return value[len("language-") :]
    if tag == "span" and attribute == "class" and value.startswith("tg-"):
        return value[len("tg-") :]
    if tag == "tg-emoji" and attribute == "emoji-id":
        return value
    return current


def parse_html(text: str, strict: bool = True) -> ParsedText:
    """Parse Telegram-flavoured HTML; raise :class:`EntityParseError` like the Bot API."""
    return _HtmlParser(text, strict).parse()


def visible_text(text: str, parse_mode: str | None) -> str:
    """What a Telegram client shows for ``text``: tags stripped, entities decoded."""
    if (parse_mode or "").lower() != "html":
        return text
    try:
        return parse_html(text, strict=False).text
    except EntityParseError:
        return text

