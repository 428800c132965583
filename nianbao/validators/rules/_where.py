"""How issues name a place in the report, the way reviewers say it."""

from __future__ import annotations

from decimal import Decimal

from ..template import TABLE_BY_KEY


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
