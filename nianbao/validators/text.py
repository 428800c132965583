"""Text normalisation shared by readers, mapper and rules."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from .. import names
from .numerals import chinese_number

# names.squash (one definition, below the engine), remembered for the last texts: a paragraph is
# squashed by the mapper and again by several rules (NFKC of a long paragraph is the costly part)
squash = lru_cache(maxsize=1024)(names.squash)

CN_NUMERALS = "一二三四五六七八九十"
_WHITESPACE = re.compile(r"[\s\u3000\u00a0\u2000-\u200b\ufeff]+")
_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")
# An ordinal that starts a label or heading: 一、 （一） (1) 1. 1、 1．
ORDINAL = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.]|[(（][一二三四五六七八九十\d]+[)）][、.]?|\d+[.、．](?!\d))"
)
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:,\d{3})*|\d*)(?:\.\d+)?$")
_SMALL_NUMBERS = {str(n): Decimal(n) for n in range(100)}  # most cells: no Decimal parsing
_NUMBER_CHARS = frozenset("0123456789.,+-")
_ZERO_WORDS = {"无", "—", "-", "－", "/", "／", "——", "空"}
# what a person reads as 0 in a table: dashes of any kind and length, a slash, 无 (squashed text)
_ZERO_MARK = re.compile(r"^(?:[-—–―─]+|/|无)$")
# a number with a note after it in its cell: 「33（含自然失效16件）」 (squashed: NFKC brackets)
_WITH_NOTE = re.compile(r"^([+-]?\d[\d,]*(?:\.\d+)?)(?:件|个|条|次|项|万元|元)?\(([^()]{1,40})\)$")


def strip_artifacts(text: str) -> str:
    """Remove extraction artefacts ([bookmark: _GoBack]) that are not part of the text."""
    return _BOOKMARK.sub("", text)


@lru_cache(maxsize=1024)
def compact(text: str) -> str:
    """Drop white space but keep the characters as written (for text shown back to the user);
    remembered for the last texts, as ``squash`` (several rules read each paragraph this way)."""
    return _WHITESPACE.sub("", text)


def squashed_text(item) -> str:
    """``squash`` of a paragraph's or cell's text, worked out once per document item (the
    repetition check and the mapper both ask); blank and plain-digit text is its own squash."""
    squashed = item.squashed
    if squashed is None:
        plain = item.text.strip()
        squashed = item.squashed = plain if not plain or (plain.isascii() and plain.isdigit()) else squash(item.text)
    return squashed


def strip_ordinal(text: str) -> str:
    return ORDINAL.sub("", text, count=1)


def label_key(text: str) -> str:
    """The comparable form of a label: no space, no ordinal, unified punctuation and quotes."""
    return key_of_squashed(squash(text))


def key_of_squashed(squashed: str) -> str:
    """Ordinal dropped; quotes, colons and the commas OCR reads for 、 unified."""
    key = strip_ordinal(squashed)
    return key.replace("“", '"').replace("”", '"').replace("：", ":").replace(",", "、").strip("：:")


def parse_number(text: str) -> Decimal | None:
    """A table value: full-width digits, spaces, thousands separators and a unit are tolerated."""
    plain = text.strip()
    if plain in _SMALL_NUMBERS:
        return _SMALL_NUMBERS[plain]
    if plain.isascii() and plain.isdigit() and len(plain) <= 15:
        return Decimal(plain)
    value = squash(text)
    for unit in ("万元", "件", "个", "条", "元", "次"):
        if value.endswith(unit) and len(value) > len(unit):
            value = value[: -len(unit)]
            break
    if not value or not _NUMBER.match(value) or value in {"+", "-", "."}:
        noted = _WITH_NOTE.match(value)
        if noted:
            return parse_number(noted.group(1))
        return _chinese(value)
    try:
        return Decimal(value.replace(",", ""))
    except InvalidOperation:
        return None


def cell_number(raw: str) -> Decimal | None:
    """A table cell's value as a person reads it: its number (a note after it left aside), and
    0 for 「—」「－」「——」「/」「无」 (the form asks for 0, rule C107 says so)."""
    number = parse_number(raw)
    if number is None and zero_mark(raw):
        return Decimal(0)
    return number


def zero_mark(raw: str) -> bool:
    """「—」「－」「——」「/」「无」 written for 0."""
    return bool(raw.strip()) and bool(_ZERO_MARK.match(squash(raw)))


def cell_note(raw: str) -> str | None:
    """The note written after a cell's number (「含自然失效16件」 in 「33（含自然失效16件）」)."""
    match = _WITH_NOTE.match(squash(raw))
    return match.group(2) if match else None


def looks_like_value(text: str) -> bool:
    """A cell that holds a table value (or is an empty value cell), not a label."""
    plain = text.strip()
    if not plain or plain.isdigit():
        return True
    return squashed_is_value(squash(plain))


def squashed_is_value(value: str) -> bool:
    """looks_like_value for text already squashed (no second normalisation)."""
    if not value or value.isdigit() or value in _ZERO_WORDS or _ZERO_MARK.match(value):
        return True
    core = value.rstrip("万元件个条次")
    if core and (set(core) <= _NUMBER_CHARS or chinese_number(value) is not None) and parse_number(value) is not None:
        return True
    return value[-1:] == ")" and value[:1].isdigit() and _WITH_NOTE.match(value) is not None


def _chinese(value: str) -> Decimal | None:
    number = chinese_number(value)  # 「三」 stays a value in its cell (rule C106 asks for 3)
    return None if number is None else Decimal(number)


def has_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)
