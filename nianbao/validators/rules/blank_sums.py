"""Totals over blank cells: the sums the other arithmetic rules cannot judge.

With one or two blank cells the arithmetic derives them (C101 then says what they should be);
with many blanks, most equations have more than one unknown and nothing is derived. A reviewer
still sees two things: a 总计 left blank (or 0) while the cells it sums hold numbers, and a
stated 总计 that its filled parts do not make up, the blanks counted as 0 (blank cells where 0 was
meant are the common habit). Each equation is reported once; the same habit across a table is
grouped by the registry (the 总计 column left blank in every row is one issue).
"""

from __future__ import annotations

from decimal import Decimal

from ..model import Report, Severity
from ..template import TABLE3, TABLE4, Equation, TableSpec
from . import Context, Finding, rule
from ._where import cell_name, fmt
from .arithmetic import analyse

PARTS_NAMED = {
    "row_total": "自然人与各类法人或其他组织",
    "column_total": "（一）至（六）各项办理结果",
    "group_total": "结果维持、结果纠正、其他结果、尚未审结",
}


def _undetermined_blanks(report: Report, spec: TableSpec) -> tuple[set, dict]:
    """Blank cells the arithmetic could not derive, and every value known or derived."""
    solved = analyse(report, spec).solved
    blanks = {(c.row, c.column) for c in report.tables[spec.key].all_cells() if c.blank}
    return blanks - set(solved.derived), solved.values


def _finding(report: Report, spec: TableSpec, equation: Equation, blanks: set, values: dict) -> Finding | None:
    parts = [(r, c) for k, r, c in equation.terms if (r, c) != equation.total]
    if (equation.total not in blanks and equation.total not in values) or any(
        p not in blanks and p not in values for p in parts
    ):
        return None  # a cell that is not a number: C102 says so
    filled = sum((values[p] for p in parts if p not in blanks), Decimal(0))
    blank_parts = sum(1 for p in parts if p in blanks)
    total = None if equation.total in blanks else values[equation.total]
    if (total or Decimal(0)) == filled:
        return None
    row, column = equation.total
    # the habits, each one issue when it runs across a table: totals left blank (or 0) over filled
    # parts; totals filled over parts left blank; totals that are not the sum of what is filled
    habit = "blank-total" if not total and filled else "blank-parts" if blank_parts == len(parts) else "stated-total"
    return Finding(
        params={
            "where": cell_name(spec.key, row, column),
            "stated": "为空" if total is None else f"填的是 {fmt(total)}",
            "parts": _parts_text(PARTS_NAMED[equation.kind], filled, blank_parts, len(parts)),
            "habit": habit,
        },
        table=spec.key, row=row, column=column, section=spec.section,
        expected=fmt(filled), found=fmt(total), locator=report.tables[spec.key].cell(row, column).locator,
    )


def _parts_text(name: str, filled: Decimal, blank: int, count: int) -> str:
    if blank == count:
        return f"{name}全部空白"
    note = f"（另有 {blank} 项空白，按 0 计）" if blank else ""
    return f"{name}中已填的数字之和为 {fmt(filled)}{note}"


@rule(
    code="A106",
    name="total-over-blanks",
    severity=Severity.ERROR,
    summary="有空白单元格时：合计不为空（或 0）而分项有数，填写的合计与已填分项之和（空白按 0 计）相等",
    message="{where}{stated}，而{parts}，合计与分项对不上。",
    hint="先把空白的单元格填上数字（没有发生的填 0），再核对：合计必须等于各分项之和。",
    group_message="{table_name}有 {count} 处合计与已填的分项对不上（{cells}等），例如：{first}",
    group_hint="这是同一个习惯：合计没有按分项计算。把空白的单元格都填上数字（没有发生的填 0），再逐行逐列按分项重新合计。",
)
def total_over_blanks(report: Report, context: Context):
    """空白单元格多时，合计无法推算，表中的算术错误就被空白掩盖了：合计一栏留空或填 0 而分项有数，或填写的合计与已填分项之和（空白按 0 计）不等，都要报告。"""
    for spec in (TABLE3, TABLE4):
        if not report.tables[spec.key].found:
            continue
        blanks, values = _undetermined_blanks(report, spec)
        if not blanks:
            continue
        for equation in spec.equations:
            if equation.kind == "balance" or not any((r, c) in blanks for _, r, c in equation.terms):
                continue  # no blank: A101-A105 judge it
            finding = _finding(report, spec, equation, blanks, values)
            if finding:
                yield finding
