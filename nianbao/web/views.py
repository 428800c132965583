"""Turn stored submissions into what a page shows: issues with their place, tables with the cells
of each issue marked, and the changes since the previous draft."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..drafts.review import compare, issue_key
from ..storage import Submission
from ..validators.template import TABLES, part_name

TABLE_TITLES = {t.key: f"{t.number} {t.title}" for t in TABLES}
TABLE_SHORT = {t.key: t.number for t in TABLES}
SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}


def place(issue: dict) -> str:
    """Where an issue is, as a reader of the report would say it: 表、行、列, or the section."""
    parts = []
    if issue.get("table"):
        parts.append(TABLE_SHORT.get(issue["table"], issue["table"]))
        if issue.get("row"):
            parts.append(f"「{issue['row']}」行")
        if issue.get("column"):
            parts.append(f"「{issue['column']}」列")
    elif issue.get("section"):
        parts.append(part_name(issue["section"]))
    if issue.get("location"):
        parts.append(f"（{issue['location']}）")
    return " ".join(parts) or "全文"


@dataclass
class Cell:
    value: object
    issues: list[int] = field(default_factory=list)  # numbers of the issues at this cell


@dataclass
class TableView:
    key: str
    title: str
    columns: list[str]
    rows: list[tuple[str, list[Cell], list[int]]]  # label, cells, issues about the whole row


def _places(issue: dict) -> list[dict]:
    """Every place of an issue: each member of a grouped one (``places``), else the issue itself."""
    return issue.get("places") or [{"table": issue.get("table"), "row": issue.get("row"), "column": issue.get("column")}]


def table_views(submission: Submission) -> list[TableView]:
    """The tables with each issue marked at every one of its places (all 80 blank cells of a
    grouped issue, not the three its message names)."""
    tables = (submission.report or {}).get("tables") or {}
    at_cell: dict[tuple, list[int]] = {}
    at_row: dict[tuple, list[int]] = {}
    for issue in submission.issues:
        for where in _places(issue):
            if not where.get("table") or not where.get("row"):
                continue
            key = (where["table"], where["row"])
            target = at_cell.setdefault((*key, where["column"]), []) if where.get("column") else at_row.setdefault(key, [])
            if issue["number"] not in target:
                target.append(issue["number"])
    views = []
    for key, rows in tables.items():
        if not isinstance(rows, dict):
            continue
        columns: list[str] = []
        for cells in rows.values():
            for column in cells or {}:
                if column not in columns:
                    columns.append(column)
        body = [
            (label, [Cell((cells or {}).get(c), at_cell.get((key, label, c), [])) for c in columns], at_row.get((key, label), []))
            for label, cells in rows.items()
        ]
        views.append(TableView(key, TABLE_TITLES.get(key, key), columns, body))
    return views


def places_text(issue: dict) -> list[str]:
    """Each place of an issue as a reader says it, with what is there and what should be."""
    lines = []
    for where in _places(issue):
        text = place({**where, "section": issue.get("section")})
        if where.get("found") or where.get("expected"):
            text += f"：现为 {where.get('found') or '—'}" + (f"，应为 {where['expected']}" if where.get("expected") else "")
        lines.append(text)
    return lines


@dataclass
class Changes:
    previous: Submission
    fixed: list[dict]
    remaining: list[dict]
    new: list[dict]


def changes_since(previous: Submission | None, current: Submission) -> Changes | None:
    if previous is None or not current.parsed:
        return None
    comparison = compare(previous, current.issues)
    return Changes(previous, comparison.fixed, comparison.remaining, comparison.new)


__all__ = ["Changes", "TableView", "changes_since", "issue_key", "place", "places_text", "table_views", "SEVERITY_LABELS"]
