"""Numbers written in Chinese in a table cell (「三」「十二」「两」「一百零五」) and full-width digits
(「１２」): the value they stand for, so that the cell keeps its place and the sums use it, and
whether a cell is written that way (it should be in Arabic digits)."""

from __future__ import annotations

import re
import unicodedata

_DIGITS = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_POWERS = {"十": 10, "百": 100, "千": 1000}
_UNITS = ("件", "个", "条", "次", "项")
_NUMERAL = re.compile(f"^[{''.join(_DIGITS)}{''.join(_POWERS)}]+$")
_WIDE_DIGIT = re.compile(r"[０-９]")


def chinese_number(text: str) -> int | None:
    """「三」→3, 「十二」→12, 「两百零五」→205, 「一〇五」→105 (digit by digit); None otherwise.
    A unit after it (「三件」) is allowed; anything else is not a number."""
    value = "".join(text.split())
    for unit in _UNITS:
        if value.endswith(unit) and len(value) > 1:
            value = value[: -len(unit)]
            break
    if not value or not _NUMERAL.match(value):
        return None
    if not any(ch in _POWERS for ch in value):
        return int("".join(str(_DIGITS[ch]) for ch in value))  # 一〇五
    total, digit, last_power = 0, None, 10_000
    for ch in value:
        if ch in _DIGITS:
            if digit is not None and _DIGITS[ch] != 0:
                return None  # 「三四十」 is not a number
            digit = _DIGITS[ch] if _DIGITS[ch] else digit
        else:
            power = _POWERS[ch]
            if power >= last_power:
                return None  # 「十百」
            total += (1 if digit is None else digit) * power
            digit, last_power = None, power
    return total + (digit or 0)


def written_in_words(raw: str) -> bool:
    """A cell written with Chinese numerals or full-width digits instead of Arabic digits."""
    plain = raw.strip()
    return bool(plain) and (chinese_number(plain) is not None or bool(_WIDE_DIGIT.search(plain)))


def wide_digits(raw: str) -> bool:
    """A cell written with full-width digits (「４４０」)."""
    return bool(_WIDE_DIGIT.search(raw))


def arabic(raw: str) -> str | None:
    """The Arabic-digit form of such a cell: 「三」→ "3", 「１２」→ "12"."""
    number = chinese_number(raw)
    if number is not None:
        return str(number)
    plain = unicodedata.normalize("NFKC", raw.strip())
    return plain if plain != raw.strip() else None
