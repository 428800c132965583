"""Table identities: 勾稽关系 of table 3 per column, row totals, table 4 group totals.

One wrong cell breaks every equation it takes part in; when exactly one cell explains every
broken equation (and no balanced one), a single issue is raised at that cell with the value
the arithmetic asks for, instead of a cascade of broken totals.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..model import Report, Severity, TableData
from ..template import T3_OTHER_ITEMS, TABLE3, TABLE4, Equation, TableSpec
from . import Context, Finding, rule
from ._where import cell_name, fmt

Coordinate = tuple[str, str]


@dataclass
class Solved:
    values: dict[Coordinate, Decimal]  # every known value, original or derived
    derived: dict[Coordinate, Decimal]  # values computed for blank cells


def known_values(report: Report, table: TableData) -> dict[Coordinate, Decimal]:
    values = {}
    collapsed = any(n.kind == "collapsed_other" for n in report.notes) and table.key == TABLE3.key
    for cell in table.all_cells():
        if cell.number is not None:
            values[(cell.row, cell.column)] = cell.number
        elif collapsed and not cell.found and cell.row in T3_OTHER_ITEMS:
            values[(cell.row, cell.column)] = Decimal(0)  # their sum is printed in 3.其他
    return values


def _blank_cells(table: TableData) -> set[Coordinate]:
    return {(c.row, c.column) for c in table.all_cells() if c.blank}


def solve(report: Report, spec: TableSpec) -> Solved:
    """Derive blank cells from equations in which they are the only unknown."""
    table = report.tables[spec.key]
    values = known_values(report, table)
    blanks = _blank_cells(table)
    derived: dict[Coordinate, Decimal] = {}
    progress = True
    while progress:
        progress = False
        for equation in spec.equations:
            unknown = [(k, (r, c)) for k, r, c in equation.terms if (r, c) not in values]
            if len(unknown) != 1 or unknown[0][1] not in blanks:
                continue
            coefficient, coordinate = unknown[0]
            rest = sum((k * values[(r, c)] for k, r, c in equation.terms if (r, c) != coordinate), Decimal(0))
            values[coordinate] = derived[coordinate] = -rest / coefficient
            progress = True
    return Solved(values, derived)


def residual(equation: Equation, values: dict[Coordinate, Decimal]) -> Decimal | None:
    if any((r, c) not in values for _, r, c in equation.terms):
        return None
    return sum((k * values[(r, c)] for k, r, c in equation.terms), Decimal(0))


@dataclass
class Broken:
    equation: Equation
    residual: Decimal


def broken_equations(spec: TableSpec, values) -> tuple[list[Broken], list[Equation]]:
    broken, balanced = [], []
    for equation in spec.equations:
        value = residual(equation, values)
        if value is None:
            continue
        (broken.append(Broken(equation, value)) if value != 0 else balanced.append(equation))
    return broken, balanced


def locate_single_cell(broken: list[Broken], balanced: list[Equation], original: set[Coordinate]):
    """The one original cell whose change by one delta balances every broken equation."""
    candidates = []
    balanced_cells = {(r, c) for eq in balanced for _, r, c in eq.terms}
    first_terms = {(r, c): k for k, r, c in broken[0].equation.terms}
    for coordinate, coefficient in first_terms.items():
        if coordinate not in original or coordinate in balanced_cells:
            continue
        delta = -broken[0].residual / coefficient
        if all(_fixes(b, coordinate, delta) for b in broken[1:]):
            candidates.append((coordinate, delta))
    return candidates[0] if len(candidates) == 1 else None


def _fixes(broken: Broken, coordinate: Coordinate, delta: Decimal) -> bool:
    coefficients = [k for k, r, c in broken.equation.terms if (r, c) == coordinate]
    return bool(coefficients) and broken.residual + coefficients[0] * delta == 0


def _sides(equation: Equation, values) -> tuple[Decimal, Decimal]:
    plus = sum((values[(r, c)] for k, r, c in equation.terms if k > 0), Decimal(0))
    minus = sum((values[(r, c)] for k, r, c in equation.terms if k < 0), Decimal(0))
    return plus, minus


@dataclass
class Analysis:
    solved: Solved
    broken: list[Broken]
    located: tuple[Coordinate, Decimal] | None


def analyse(report: Report, spec: TableSpec) -> Analysis:
    """Solve the table and find what is broken, once per report (several rules read it)."""

    def compute() -> Analysis:
        solved = solve(report, spec)
        broken, balanced = broken_equations(spec, solved.values)
        if not broken:
            return Analysis(solved, [], None)
        original = {(c.row, c.column) for c in report.tables[spec.key].all_cells() if c.number is not None}
        return Analysis(solved, broken, locate_single_cell(broken, balanced, original))

    return report.memo(("arithmetic", spec.key), compute)


def table_findings(report: Report, spec: TableSpec, kinds: set[str] | None, single: bool):
    """Findings for one table: the located single cell (single=True) or the broken equations."""
    table = report.tables[spec.key]
    if not table.found:
        return
    analysis = analyse(report, spec)
    solved, broken, located = analysis.solved, analysis.broken, analysis.located
    if not broken:
        return
    if single:
        if located:
            (row, column), delta = located
            cell = table.cell(row, column)
            reasons = "；".join(b.equation.name for b in broken)
            yield Finding(
                params={"where": cell_name(spec.key, row, column), "reasons": reasons},
                table=spec.key,
                row=row,
                column=column,
                section=spec.section,
                expected=fmt(cell.number + delta),
                found=fmt(cell.number),
                locator=cell.locator,
            )
        return
    if located:
        return
    for item in broken:
        if item.equation.kind not in kinds:
            continue
        row, column = item.equation.total
        plus, minus = _sides(item.equation, solved.values)
        cell = table.cell(row, column)
        yield Finding(
            params={"name": item.equation.name, "table_number": spec.number, "plus": fmt(plus), "minus": fmt(minus)},
            table=spec.key,
            row=row,
            column=column,
            section=spec.section,
            expected=fmt(plus) if item.equation.kind == "balance" else fmt(minus),
            found=fmt(minus) if item.equation.kind == "balance" else fmt(plus),
            locator=cell.locator,
        )


ERROR = Severity.ERROR


@rule(
    code="A100",
    name="inconsistent-cell",
    severity=ERROR,
    summary="能定位到单个单元格的算术错误：只报这个单元格和它应有的数值",
    message="{where}填的是 {found}，与表中其他数字不符，应为 {expected}（{reasons}）。",
    hint="核对这个单元格：改为 {expected} 后，相关的合计与勾稽关系都能对上；如果 {found} 是对的，请核对与它相关的其他数字。",
)
def inconsistent_cell(report: Report, context: Context):
    """一个数字填错，会让它所在的行合计、列合计和勾稽关系同时出错；当只有一个单元格能解释全部错误时，只报告这一个单元格及其正确数值。"""
    for spec in (TABLE3, TABLE4):
        yield from table_findings(report, spec, None, single=True)


@rule(
    code="A101",
    name="application-balance",
    severity=ERROR,
    summary="表三每一列：一、本年新收 + 二、上年结转 = 三、（七）总计 + 四、结转下年度继续办理",
    message="表三{name}不成立：第一项加第二项为 {plus}，第三项（七）总计加第四项为 {minus}。",
    hint="核对这一列的新收、结转和办理结果数字：本年新收加上年结转，必须等于本年办结（七）总计加结转下年度。",
)
def application_balance(report: Report, context: Context):
    """表三自带的勾稽关系（表头注明）：第一项加第二项之和，等于第三项加第四项之和。"""
    yield from table_findings(report, TABLE3, {"balance"}, single=False)


@rule(
    code="A102",
    name="result-total",
    severity=ERROR,
    summary="表三每一列：（七）总计 = （一）至（六）各项办理结果之和",
    message="表三{name}不成立：各项办理结果之和为 {minus}，（七）总计填的是 {plus}。",
    hint="（七）总计应等于（一）予以公开、（二）部分公开及（三）至（六）各子项之和，请重新合计。",
)
def result_total(report: Report, context: Context):
    """（七）总计是（一）至（六）所有办理结果子项的合计。"""
    yield from table_findings(report, TABLE3, {"column_total"}, single=False)


@rule(
    code="A103",
    name="applicant-total",
    severity=ERROR,
    summary="表三每一行：总计 = 自然人 + 五类法人或其他组织",
    message="表三{name}不成立：自然人与各类法人或其他组织之和为 {minus}，总计列填的是 {plus}。",
    hint="这一行的「总计」应等于自然人、商业企业、科研机构、社会公益组织、法律服务机构、其他六列之和。",
)
def applicant_total(report: Report, context: Context):
    """表三每一行的总计列是六类申请人之和。"""
    yield from table_findings(report, TABLE3, {"row_total"}, single=False)


@rule(
    code="A104",
    name="review-total",
    severity=ERROR,
    summary="表四每一组（行政复议、未经复议直接起诉、复议后起诉）：总计 = 四种结果之和",
    message="表四{name}不成立：四种结果之和为 {minus}，总计填的是 {plus}。",
    hint="表四每组的「总计」应等于结果维持、结果纠正、其他结果、尚未审结之和。",
)
def review_total(report: Report, context: Context):
    """表四三组数字各自的总计等于四种结果之和。"""
    yield from table_findings(report, TABLE4, {"group_total"}, single=False)
