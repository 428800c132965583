"""How issues name a place in the report, the way reviewers say it."""

from __future__ import annotations

from decimal import Decimal

from ..model import Place, Report
from ..template import TABLE_BY_KEY, TableSpec
from . import Finding


def at_cell(spec: TableSpec, cell, expected: str | None = None, found: str | None = None, **params) -> Finding:
    """A finding located at one table cell, named the way reviewers name it."""
    return Finding(
        params={"where": cell_name(spec.key, cell.row, cell.column), **params},
        table=spec.key, row=cell.row, column=cell.column, section=spec.section,
        expected=expected, found=found, locator=cell.locator,
    )


def cell_place(table: str, cell, expected: str | None = None, found: str | None = None) -> Place:
    """One cell as a place of an issue."""
    return Place(table=table, row=cell.row, column=cell.column, expected=expected, found=found, locator=cell.locator)


def row_name(table: str, row: str) -> str:
    spec = TABLE_BY_KEY[table]
    printed = spec.row(row).printed if row in {r.label for r in spec.rows} else row
    group = spec.row(row).group if table == "主动公开" and row in {r.label for r in spec.rows} else None
    return f"{spec.number} {group}「{printed}」" if group else f"{spec.number}「{printed}」"


def cell_name(table: str, row: str, column: str) -> str:
    return f"{row_name(table, row)}「{column}」"


def fmt(value: Decimal | int | None) -> str:
    if value is None:
        return "空白"
    if isinstance(value, Decimal):
        value = value.normalize() if value else Decimal(0)
        return f"{value:f}"
    return str(value)


def places(report: Report):
    """(section, how to name it, paragraph) for every body paragraph: the title and preamble too."""
    in_sections = {p.locator for s in report.sections for p in s.paragraphs}
    for paragraph in report.paragraphs:
        if paragraph.locator in in_sections:
            break
        title = paragraph.locator == report.title_locator
        yield ("title", "标题", paragraph) if title else ("title", "报告开头", paragraph)
    for section in report.sections:
        for paragraph in section.paragraphs:
            yield section.number, f"第{section.number}部分", paragraph


def clip(text: str, limit: int = 40) -> str:
    """A quotation from the draft, cut with an ellipsis when it is long."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
