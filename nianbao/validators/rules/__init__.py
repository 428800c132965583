"""The rule registry: every check is declared once, with a stable code, a severity, a Chinese
message template and a fix hint. ``nianbao rules``, docs/rules.md and the bot's /rules are all
generated from ``all_rules()``.

A rule is a generator over the Report that yields ``Finding``s; the registry turns them into
numbered ``Issue``s with the rule's templates filled in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from ..model import Issue, Locator, Place, Report, Severity
from ..prior import PriorReport
from ..template import SECTION_BY_NUMBER, TABLE_BY_KEY


@dataclass(frozen=True)
class Context:
    """What a rule may know besides the report."""

    today: dt.date | None = None
    deadline: dt.date | None = None  # default: 31 January of report year + 1
    government_deadline: dt.date | None = None  # a government's own report; default 31 March
    expected_year: int | None = None  # the year under review, when the caller knows it
    expected_agency: str | None = None  # the agency the sender is bound to, when known
    previous: PriorReport | None = None  # the agency's report of the year before, when known


@dataclass
class Finding:
    params: dict[str, Any] = field(default_factory=dict)
    table: str | None = None
    row: str | None = None
    column: str | None = None
    section: str | None = None
    expected: str | None = None
    found: str | None = None
    locator: Locator | None = None
    places: list[Place] = field(default_factory=list)  # its cells when it covers several (a row's blanks)

    def all_places(self) -> list[Place]:
        if self.places:
            return self.places
        return [Place(table=self.table, row=self.row, column=self.column, expected=self.expected, found=self.found, locator=self.locator)]


Check = Callable[[Report, Context], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    summary: str  # what it checks, one line (Chinese)
    message: str  # template over Finding.params (Chinese)
    hint: str  # how to fix it (Chinese), may use the same params
    check: Check
    explanation: str = ""  # longer rationale for the docs (Chinese)
    # One habit, one issue: the same finding in GROUP_MIN or more places of a table is reported
    # once at the table, with these templates over {table_name}, {count}, {cells} and the
    # first finding's params (a rule without them gets DEFAULT_GROUP_*). A finding whose params
    # carry a "habit" is grouped with the others of that habit whatever their values.
    group_message: str = ""
    group_hint: str = ""
    group_by_value: bool = True  # False: every finding of the rule in a table is the same habit

    def issue(self, finding: Finding) -> Issue:
        params = {"expected": finding.expected, "found": finding.found, **finding.params}
        return Issue(
            code=self.code,
            severity=self.severity,
            table=finding.table,
            row=finding.row,
            column=finding.column,
            section=finding.section,
            message=self.message.format(**params),
            expected=finding.expected,
            found=finding.found,
            hint=self.hint.format(**params),
            locator=finding.locator,
            places=finding.places,
        )


_REGISTRY: dict[str, Rule] = {}


def rule(
    *, code: str, name: str, severity: Severity, summary: str, message: str, hint: str, explanation: str = "",
    group_message: str = "", group_hint: str = "", group_by_value: bool = True,
):
    def register(check: Check) -> Check:
        if code in _REGISTRY:
            raise ValueError(f"duplicate rule code {code}")
        _REGISTRY[code] = Rule(
            code, name, severity, summary, message, hint, check, explanation or (check.__doc__ or "").strip(),
            group_message, group_hint, group_by_value,
        )
        return check

    return register


def all_rules() -> list[Rule]:
    _load_rule_modules()
    return sorted(_REGISTRY.values(), key=lambda r: r.code)


def _load_rule_modules() -> None:
    from . import arithmetic, blank_sums, cells, content, dates, digits, history, level, naming, reading, structure  # noqa: F401  (registration)


def _position(issue: Issue) -> tuple[int, int]:
    if issue.table:
        spec = TABLE_BY_KEY[issue.table]
        rows = [r.label for r in spec.rows]
        return SECTION_BY_NUMBER[spec.section].ordinal, rows.index(issue.row) + 1 if issue.row in rows else 0
    if issue.section in SECTION_BY_NUMBER:
        return SECTION_BY_NUMBER[issue.section].ordinal, 0
    return {"title": (0, 0), "period": (0, 1), "signature": (9, 0)}.get(issue.section or "", (8, 0))


def run_rules(report: Report, context: Context | None = None, select: Iterable[str] | None = None) -> list[Issue]:
    """Run every rule (or the selected codes) and number the issues, most serious first."""
    context = context or Context()
    chosen = set(select) if select else None
    issues: list[Issue] = []
    for registered in all_rules():
        if chosen is not None and registered.code not in chosen:
            continue
        issues.extend(grouped_issues(registered, list(registered.check(report, context)), report))
    return number_issues(issues)


def number_issues(issues: list[Issue]) -> list[Issue]:
    """Most serious first, in the order of the report; numbered from 1."""
    issues.sort(key=lambda i: (i.severity.rank, _position(i)))
    for number, issue in enumerate(issues, start=1):
        issue.number = number
    return issues


GROUP_MIN = 3  # the same finding this many times in one table is one habit
CELLS_NAMED = 3
DEFAULT_GROUP_MESSAGE = "{table_name}有 {count} 处同样的问题（{cells}等），例如：{first}"


def grouped_issues(registered: Rule, findings: list[Finding], report: Report) -> list[Issue]:
    """The rule's findings as issues, those repeated across a table (same rule, same expected and
    found: 「—」 in every empty cell, the same columns left blank in every row) as one issue there."""
    groups: dict[tuple, list[Finding]] = {}
    for finding in findings:
        if finding.table and finding.row:
            habit = finding.params.get("habit")
            if habit:
                key = (finding.table, habit)  # the rule names the habit: same place kind, values differ
            else:
                key = (finding.table, finding.expected, finding.found) if registered.group_by_value else (finding.table,)
            groups.setdefault(key, []).append(finding)
    grouped = {id(f): key for key, members in groups.items() if len(members) >= GROUP_MIN for f in members}
    issues: list[Issue] = []
    done: set[tuple] = set()
    for finding in findings:
        key = grouped.get(id(finding))
        if key is None:
            issues.append(registered.issue(finding))
        elif key not in done:
            done.add(key)
            issues.append(_group_issue(registered, groups[key], report))
    return issues


def _group_issue(registered: Rule, members: list[Finding], report: Report) -> Issue:
    from ._where import cell_name, row_name  # _where imports this module

    first = members[0]
    spec = TABLE_BY_KEY[first.table]
    count = sum(int(m.params.get("cell_count", 1)) for m in members)
    names = [cell_name(spec.key, m.row, m.column) if m.column else row_name(spec.key, m.row) for m in members[:CELLS_NAMED]]
    names = [name.replace(f"{spec.number} ", "").replace(spec.number, "", 1) for name in names]
    params = {
        "expected": first.expected, "found": first.found, **first.params,
        "table_name": f"{spec.number}「{spec.title}」", "count": count, "cells": "、".join(names),
    }
    params["first"] = registered.message.format(**params)
    table = report.tables.get(spec.key)
    return Issue(
        code=registered.code,
        severity=registered.severity,
        table=spec.key,
        section=spec.section,
        message=(registered.group_message or DEFAULT_GROUP_MESSAGE).format(**params),
        expected=first.expected,
        found=first.found,
        hint=(registered.group_hint or registered.hint).format(**params),
        locator=(table.locator if table is not None and table.locator else first.locator),
        places=[place for member in members for place in member.all_places()],
    )
