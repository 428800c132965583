"""Turn a CheckResult into what a person or a script reads: terminal text and JSON."""

from __future__ import annotations

import re
from typing import Any

from .engine import CheckResult
from .model import Issue, Severity


def summary_line(result: CheckResult) -> str:
    if result.error:
        return f"{result.source_name}：无法审核（{result.error.message}）"
    report = result.report
    name = report.agency or result.source_name or "报告"
    year = f" {report.year}年度报告" if report.year else ""
    counts = f"{result.errors} 个错误，{result.warnings} 个警告"
    if result.infos:
        counts += f"，{result.infos} 条提示"
    verdict = "" if result.errors else "（没有错误，可以报送）"
    return f"{name}{year}：{counts}{verdict}"


HINT_PREFIX = "修改建议："  # the fix hint, in the terminal, the Word comments and the chat


def issue_head(number: int, label: str, message: str) -> str:
    """「1. [错误] …」: how every face numbers and labels an issue."""
    return f"{number}. [{label}] {message}"


# the opening of an issue_head, to recognise our own lines (the comments of an earlier 批注版)
ISSUE_HEAD_OPENING = re.compile(r"^\d+\. \[(" + "|".join(re.escape(s.label) for s in Severity) + r")\] ")


def issue_line(issue: Issue, indent: str = "   ") -> str:
    line = issue_head(issue.number, issue.severity.label, issue.message)
    if issue.hint:
        line += f"\n{indent}{HINT_PREFIX}{issue.hint}"
    return line


def render_text(result: CheckResult, hints: bool = True) -> str:
    lines = [summary_line(result)]
    for issue in result.issues:
        lines.append(issue_line(issue) if hints else issue_head(issue.number, issue.severity.label, issue.message))
    return "\n".join(lines)


def result_json(result: CheckResult) -> dict[str, Any]:
    if result.error:
        return {
            "file": result.source_name,
            "sha256": result.sha256,
            "error": {"code": result.error.code, "message": result.error.message},
        }
    report = result.report
    return {
        "file": result.source_name,
        "sha256": result.sha256,
        "input_format": result.input_format,
        "agency": report.agency,
        "year": report.year,
        "level": report.level,
        "title": report.title,
        "issue_date": report.issue_date.isoformat() if report.issue_date else None,
        "sections": {
            s.number: {"found": s.heading_found, "heading": s.heading_text, "located": s.located}
            for s in report.sections
        },
        "tables": report.tables_json(),
        "summary": {"errors": result.errors, "warnings": result.warnings, "infos": result.infos, "passed": result.passed},
        "issues": [issue.json_dict() for issue in result.issues],
    }
