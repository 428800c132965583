"""Text normalisation shared by readers, mapper and rules."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from ..names import squash  # noqa: F401  (one definition, below the engine)
from .numerals import chinese_number

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


def strip_artifacts(text: str) -> str:
    """Remove extraction artefacts ([bookmark: _GoBack]) that are not part of the text."""
    return _BOOKMARK.sub("", text)


def compact(text: str) -> str:
    """Drop white space but keep the characters as written (for text shown back to the user)."""
    return _WHITESPACE.sub("", text)


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
        return _chinese(value)
    try:
        return Decimal(value.replace(",", ""))
    except InvalidOperation:
        return None


def looks_like_value(text: str) -> bool:
    """A cell that holds a table value (or is an empty value cell), not a label."""
    plain = text.strip()
    if not plain or plain.isdigit():
        return True
    return squashed_is_value(squash(plain))


def squashed_is_value(value: str) -> bool:
    """looks_like_value for text already squashed (no second normalisation)."""
    if not value or value.isdigit() or value in _ZERO_WORDS:
        return True
    core = value.rstrip("万元件个条次")
    return bool(core) and (set(core) <= _NUMBER_CHARS or chinese_number(value) is not None) and parse_number(value) is not None


def _chinese(value: str) -> Decimal | None:
    number = chinese_number(value)  # 「三」 stays a value in its cell (rule C106 asks for 3)
    return None if number is None else Decimal(number)


def has_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)
