"""The published copy against the reviewed draft, as plain data: what differs (every table cell,
the six headings, the title, the signature date), each difference said in Chinese as a reviewer
says it (「表三「（七）总计」「总计」审核稿为 95，发布稿为 59」); and the publication date a saved
web page states (its <meta> PubDate, or a 「发布时间：」 line of the page).

Both reports come in the shape the engine's ``result_json`` gives and the store keeps with a
draft (``title``, ``issue_date``, ``sections``, ``tables``)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from ..validators.readers.html import is_html, is_mhtml, mhtml_page, page_text
from ..validators.template import SECTIONS, TABLES, TableSpec
from ..validators.text import compact

__all__ = ["Difference", "compare_reports", "publication_date"]

Report = Mapping[str, Any]
BLANK = "空白"


@dataclass(frozen=True)
class Difference:
    kind: str  # "title" | "heading" | "cell" | "table" | "date"
    where: str  # 「表三「（七）总计」「总计」」, 「标题」, 「第三部分标题」, 「成文日期」
    reviewed: str  # as the reviewed draft has it (「空白」 for nothing)
    published: str
    text: str  # the whole sentence, Chinese

    def json(self) -> dict[str, str]:
        return asdict(self)


def _said(where: str, reviewed: str, published: str) -> str:
    return f"{where}审核稿为 {reviewed}，发布稿为 {published}"


def _quoted(text: str | None) -> str:
    return f"「{text}」" if text else BLANK


# ---------------------------------------------------------------- the tables


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return Decimal(str(value))
    try:
        return Decimal(compact(str(value))) if value not in (None, "") else None
    except InvalidOperation:
        return None


def _same_value(a: Any, b: Any) -> bool:
    na, nb = _number(a), _number(b)
    if na is not None or nb is not None:
        return na == nb
    return compact(str(a or "")) == compact(str(b or ""))


def _shown(value: Any) -> str:
    number = _number(value)
    if number is not None:
        return format(number.normalize(), "f") if number != number.to_integral_value() else str(int(number))
    return f"「{value}」" if value not in (None, "") else BLANK


def _row_name(spec: TableSpec, label: str) -> str:
    return spec.row(label).printed if spec.row_labelled else label


def _cell(tables: Mapping, spec: TableSpec, row: str, column: str) -> Any:
    return (((tables or {}).get(spec.key) or {}).get(row) or {}).get(column)


def _has_numbers(tables: Mapping, spec: TableSpec) -> bool:
    return any(_number(_cell(tables, spec, row.label, column)) is not None for row in spec.rows for column in row.columns)


def _table_differences(reviewed: Mapping, published: Mapping) -> list[Difference]:
    found = []
    for spec in TABLES:
        if _has_numbers(reviewed, spec) and not _has_numbers(published, spec):
            where = f"{spec.number}「{spec.title}」"
            found.append(Difference("table", where, "已填写", "没有找到或全部为空", f"发布稿中没有找到{where}，或表中没有数字"))
            continue
        for row in spec.rows:
            for column in row.columns:
                before, after = _cell(reviewed, spec, row.label, column), _cell(published, spec, row.label, column)
                if not _same_value(before, after):
                    where = f"{spec.number}「{_row_name(spec, row.label)}」「{column}」"
                    found.append(Difference("cell", where, _shown(before), _shown(after), _said(where, _shown(before), _shown(after))))
    return found


# ---------------------------------------------------------------- title, headings, date


def _date_text(iso: str | None) -> str:
    if not iso:
        return BLANK
    day = dt.date.fromisoformat(iso)
    return f"{day.year}年{day.month}月{day.day}日"


def compare_reports(reviewed: Report, published: Report) -> list[Difference]:
    """Every difference between the reviewed draft and the published copy, in reading order:
    the title, the section headings, the three tables cell by cell, the signature date."""
    found = []
    title_before, title_after = reviewed.get("title"), published.get("title")
    if compact(title_before or "") != compact(title_after or ""):
        found.append(Difference("title", "标题", _quoted(title_before), _quoted(title_after),
                                _said("标题", _quoted(title_before), _quoted(title_after))))  # fmt: skip
    for section in SECTIONS:
        before = (reviewed.get("sections") or {}).get(section.number) or {}
        after = (published.get("sections") or {}).get(section.number) or {}
        heading_before = before.get("heading") if before.get("found") else None
        heading_after = after.get("heading") if after.get("found") else None
        if compact(heading_before or "") != compact(heading_after or ""):
            where = f"第{section.number}部分标题"
            text = f"发布稿中没有{where}（审核稿为「{heading_before}」）" if heading_after is None else _said(where, _quoted(heading_before), _quoted(heading_after))
            found.append(Difference("heading", where, _quoted(heading_before), _quoted(heading_after), text))
        if section.number in {spec.section for spec in TABLES}:
            spec = next(spec for spec in TABLES if spec.section == section.number)
            found += _table_differences({spec.key: (reviewed.get("tables") or {}).get(spec.key)},
                                        {spec.key: (published.get("tables") or {}).get(spec.key)})  # fmt: skip
    date_before, date_after = reviewed.get("issue_date"), published.get("issue_date")
    if date_before != date_after:
        shown_before, shown_after = _date_text(date_before), _date_text(date_after)
        found.append(Difference("date", "成文日期", shown_before, shown_after, _said("成文日期", shown_before, shown_after)))
    return found


# ---------------------------------------------------------------- when it was published

_META = re.compile(
    r"""<meta\b[^>]*?\b(?:name|property)\s*=\s*["']?(?:pubdate|publishdate|publish_date|firstpublishedtime|article:published_time)["']?"""
    r"""[^>]*?\bcontent\s*=\s*["']?\s*(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})""",
    re.IGNORECASE,
)
_META_REVERSED = re.compile(
    r"""<meta\b[^>]*?\bcontent\s*=\s*["']?\s*(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})[^>]*?"""
    r"""\b(?:name|property)\s*=\s*["']?(?:pubdate|publishdate|publish_date|firstpublishedtime|article:published_time)\b""",
    re.IGNORECASE,
)
_STATED = re.compile(r"(?:发布时间|发布日期|公开日期|发布于)\s*[:：]?\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_TAG = re.compile(r"<[^>]*>")
_SCRIPT = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)


def _page(data: bytes) -> str | None:
    """The HTML of a saved page (.html, or the first HTML part of a .mht), else None."""
    if is_mhtml(data):
        return mhtml_page(data)
    return page_text(data) if is_html(data) else None


def _dates(text: str, *patterns: re.Pattern) -> list[dt.date]:
    found = []
    for pattern in patterns:
        for match in pattern.finditer(text):
            try:
                found.append(dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3))))
            except ValueError:
                continue
    return found


def publication_date(data: bytes, paragraphs: list[str], year: int, today: dt.date) -> dt.date | None:
    """The date a published copy says it was published: a saved page's <meta> PubDate, else a
    「发布时间：2025-01-20」 line of the page or of the document's text. Only a date after the report
    year and not after ``today`` is believed (a page states other dates too)."""
    page = _page(data)
    candidates = []
    if page is not None:
        candidates += _dates(page, _META, _META_REVERSED)
        candidates += _dates(_TAG.sub(" ", _SCRIPT.sub(" ", page)), _STATED)
    candidates += _dates("\n".join(paragraphs), _STATED)
    plausible = [day for day in candidates if dt.date(year + 1, 1, 1) <= day <= today]
    return plausible[0] if plausible else None
