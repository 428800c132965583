"""Turn stored submissions into what a page shows: issues with their place, tables with the cells
of each issue marked, and the changes since the previous draft."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..drafts.review import compare, issue_key
from ..storage import Submission
from ..messages.drafts import place, place_lines
from ..validators.template import TABLES

TABLE_TITLES = {t.key: f"{t.number} {t.title}" for t in TABLES}
SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}


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


def places_text(issue: dict) -> list[str]:
    """Each place of an issue as a reader says it (the issue's own found/expected are on the page)."""
    return place_lines({**issue, "places": _places(issue)})


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
