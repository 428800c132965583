"""Word's automatic list numbering, rendered as Word shows it.

Many templates number the six headings (「一、」), the sub-headings (「（一）」) and table 3's row
labels (「1.」) with list numbering: the paragraph's text holds only 「总体情况」, the number
comes from ``word/numbering.xml`` (a level's ``numFmt``, ``lvlText`` such as ``%1、``, ``start``)
through the paragraph's ``numPr`` (or its style's), counted in document order. Counters belong to
the abstract numbering (lists that share it continue each other); a ``startOverride`` restarts a
level, and a level restarts the levels below it.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_VAL = f"{W}val"
_LEVELS = 9
_PLACEHOLDER = re.compile(r"%([1-9])")
_DIGITS = "零一二三四五六七八九"
_LEGAL = "零壹贰叁肆伍陆柒捌玖"
_STEMS = "甲乙丙丁戊己庚辛壬癸"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
MAX_STYLE_DEPTH = 10


def chinese(n: int, digits: str = _DIGITS, ten: str = "十") -> str:
    """一 … 十, 十一, 二十一, 一百零五 (how Word's chineseCounting prints 1 … 999)."""
    if n <= 0 or n >= 1000:
        return str(n)
    hundreds, rest = divmod(n, 100)
    tens, units = divmod(rest, 10)
    text = f"{digits[hundreds]}百" if hundreds else ""
    if tens:
        text += ("" if tens == 1 and not hundreds else digits[tens]) + ten
    elif hundreds and units:
        text += digits[0]
    return text + (digits[units] if units else "")


def _roman(n: int) -> str:
    out = ""
    for value, letters in _ROMAN:
        while n >= value:
            out, n = out + letters, n - value
    return out


def _letters(n: int) -> str:
    return chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def format_number(n: int, fmt: str) -> str:
    if fmt in ("chineseCounting", "chineseCountingThousand", "japaneseCounting", "taiwaneseCounting", "taiwaneseCountingThousand", "ideographDigital"):
        return chinese(n)
    if fmt == "chineseLegalSimplified":
        return chinese(n, _LEGAL, "拾")
    if fmt in ("ideographTraditional",):
        return _STEMS[(n - 1) % 10]
    if fmt.startswith("decimalEnclosedCircle") and 1 <= n <= len(_CIRCLED):
        return _CIRCLED[n - 1]
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "decimalFullWidth":
        return "".join(chr(ord(ch) + 0xFEE0) for ch in str(n))
    if fmt == "upperLetter":
        return _letters(n)
    if fmt == "lowerLetter":
        return _letters(n).lower()
    if fmt == "upperRoman":
        return _roman(n)
    if fmt == "lowerRoman":
        return _roman(n).lower()
    return str(n)


@dataclass(slots=True)
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = ""


@dataclass(slots=True)
class _Num:
    abstract: str
    overrides: dict[int, int] = field(default_factory=dict)  # level -> start


def _int(element, default: int) -> int:
    try:
        return int(element.get(_VAL)) if element is not None else default
    except (TypeError, ValueError):
        return default


class Numbering:
    def __init__(self, numbering, styles) -> None:
        self.abstracts: dict[str, dict[int, _Level]] = {}
        self.nums: dict[str, _Num] = {}
        self.style_numbering: dict[str, tuple[str | None, int | None]] = {}
        self.based_on: dict[str, str] = {}
        self.counters: dict[str, list[int | None]] = {}
        self.started: set[str] = set()
        self._read_numbering(numbering)
        if styles is not None:
            self._read_styles(styles)

    @classmethod
    def from_package(cls, package: bytes | zipfile.ZipFile, parser) -> "Numbering | None":
        """The package's numbering (its bytes, or the package already opened), or None when it
        has none (then nothing is numbered)."""
        try:
            archive = package if isinstance(package, zipfile.ZipFile) else zipfile.ZipFile(io.BytesIO(package))
            names = set(archive.namelist())
            if "word/numbering.xml" not in names:
                return None
            numbering = etree.fromstring(archive.read("word/numbering.xml"), parser)
            styles = etree.fromstring(archive.read("word/styles.xml"), parser) if "word/styles.xml" in names else None
        except (zipfile.BadZipFile, etree.XMLSyntaxError, KeyError, ValueError, OSError):
            return None  # broken numbering: read the text without numbers rather than fail
        return cls(numbering, styles)

    def _read_numbering(self, root) -> None:
        for abstract in root.iterchildren(f"{W}abstractNum"):
            levels = {}
            for lvl in abstract.iterchildren(f"{W}lvl"):
                fmt = lvl.find(f"{W}numFmt")
                text = lvl.find(f"{W}lvlText")
                levels[_int_attr(lvl, f"{W}ilvl")] = _Level(
                    start=_int(lvl.find(f"{W}start"), 1),
                    fmt=fmt.get(_VAL, "decimal") if fmt is not None else "decimal",
                    text=text.get(_VAL, "") if text is not None else "",
                )
            self.abstracts[abstract.get(f"{W}abstractNumId", "")] = levels
        for num in root.iterchildren(f"{W}num"):
            abstract = num.find(f"{W}abstractNumId")
            overrides = {}
            for override in num.iterchildren(f"{W}lvlOverride"):
                start = override.find(f"{W}startOverride")
                if start is not None:
                    overrides[_int_attr(override, f"{W}ilvl")] = _int(start, 1)
            self.nums[num.get(f"{W}numId", "")] = _Num(abstract.get(_VAL, "") if abstract is not None else "", overrides)

    def _read_styles(self, root) -> None:
        for style in root.iterchildren(f"{W}style"):
            style_id = style.get(f"{W}styleId", "")
            based = style.find(f"{W}basedOn")
            if based is not None:
                self.based_on[style_id] = based.get(_VAL, "")
            num_pr = style.find(f"{W}pPr/{W}numPr")
            if num_pr is not None:
                num_id = num_pr.find(f"{W}numId")
                ilvl = num_pr.find(f"{W}ilvl")
                self.style_numbering[style_id] = (
                    num_id.get(_VAL) if num_id is not None else None,
                    _int(ilvl, 0) if ilvl is not None else None,
                )

    def _from_style(self, style_id: str | None) -> tuple[str | None, int | None]:
        for _ in range(MAX_STYLE_DEPTH):
            if not style_id:
                break
            if style_id in self.style_numbering:
                return self.style_numbering[style_id]
            style_id = self.based_on.get(style_id)
        return None, None

    def label(self, p) -> str:
        """The number Word shows before paragraph ``p`` (advancing the list), or ""."""
        ppr = p.find(f"{W}pPr")
        if ppr is None:
            return ""
        num_pr = ppr.find(f"{W}numPr")
        style = ppr.find(f"{W}pStyle")
        num_id, level = self._from_style(style.get(_VAL) if style is not None else None)
        if num_pr is not None:
            direct_id, direct_level = num_pr.find(f"{W}numId"), num_pr.find(f"{W}ilvl")
            num_id = direct_id.get(_VAL) if direct_id is not None else num_id
            level = _int(direct_level, level or 0) if direct_level is not None else level
        if not num_id or num_id == "0" or num_id not in self.nums:
            return ""
        return self._advance(num_id, max(0, min(_LEVELS - 1, level or 0)))

    def _advance(self, num_id: str, level: int) -> str:
        num = self.nums[num_id]
        levels = self.abstracts.get(num.abstract, {})
        counters = self.counters.setdefault(num.abstract, [None] * _LEVELS)
        if num_id not in self.started:
            self.started.add(num_id)
            for overridden, start in num.overrides.items():
                if 0 <= overridden < _LEVELS:
                    counters[overridden] = start - 1
                    counters[overridden + 1 :] = [None] * (_LEVELS - overridden - 1)
        spec = levels.get(level, _Level())
        counters[level] = spec.start if counters[level] is None else counters[level] + 1
        counters[level + 1 :] = [None] * (_LEVELS - level - 1)
        if spec.fmt in ("bullet", "none"):
            return ""

        def value(match) -> str:
            k = int(match.group(1)) - 1
            at = levels.get(k, _Level())
            n = counters[k] if counters[k] is not None else at.start
            return format_number(n, at.fmt)

        return _PLACEHOLDER.sub(value, spec.text)


def _int_attr(element, name: str) -> int:
    try:
        return int(element.get(name, "0"))
    except ValueError:
        return 0
