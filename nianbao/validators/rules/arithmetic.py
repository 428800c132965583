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
from ._where import cell_name, fmt, row_name

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


def _candidates(equations, values, unknown: set[Coordinate]) -> dict[Coordinate, list[tuple[bool, Decimal]]]:
    """For each unknown cell that is the only unknown of an equation: (is it that equation's
    total, the value the equation asks for)."""
    found: dict[Coordinate, list[tuple[bool, Decimal]]] = {}
    for equation in equations:
        missing = [(k, (r, c)) for k, r, c in equation.terms if (r, c) not in values]
        if len(missing) != 1 or missing[0][1] not in unknown:
            continue
        coefficient, coordinate = missing[0]
        rest = sum((k * values[(r, c)] for k, r, c in equation.terms if (r, c) != coordinate), Decimal(0))
        own_total = equation.kind != "balance" and equation.total == coordinate
        found.setdefault(coordinate, []).append((own_total, -rest / coefficient))
    return found


def derive(equations, values: dict[Coordinate, Decimal], unknown: set[Coordinate]) -> dict[Coordinate, Decimal]:
    """Values for unknown cells from the equations they are the only unknown in. Where the
    equations disagree, a total is the sum of its own parts (that is what a total means)."""
    values = dict(values)
    derived: dict[Coordinate, Decimal] = {}
    while True:
        candidates = _candidates(equations, values, unknown - set(derived))
        if not candidates:
            return derived
        for coordinate, options in candidates.items():
            own = [value for is_total, value in options if is_total]
            values[coordinate] = derived[coordinate] = own[0] if own else options[0][1]


def solve(report: Report, spec: TableSpec) -> Solved:
    """Known values, plus blank cells derived from the other numbers."""
    table = report.tables[spec.key]
    values = known_values(report, table)
    derived = derive(spec.equations, values, _blank_cells(table))
    return Solved({**values, **derived}, derived)


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


def locate_single_row(spec: TableSpec, values, broken: list[Broken], original: set[Coordinate]):
    """The one row whose cells, recomputed from the rest of the table, balance every equation
    (a 总计 row printed as 0 under non-zero parts): (row, {column: value})."""
    rows = {r for b in broken for _, r, _ in b.equation.terms}
    found = []
    for row in sorted(rows):
        cells = {(r, c) for r, c in original if r == row}
        if not cells:
            continue
        rest = {k: v for k, v in values.items() if k not in cells}
        recomputed = derive(spec.equations, rest, cells)
        if len(recomputed) == len(cells) and all(residual(e, {**rest, **recomputed}) in (None, 0) for e in spec.equations):
            if any(recomputed[k] != values[k] for k in cells):
                found.append((row, {c: recomputed[(r, c)] for r, c in cells}))
    return found[0] if len(found) == 1 else None


@dataclass
class Analysis:
    solved: Solved
    broken: list[Broken]
    cell: tuple[Coordinate, Decimal] | None = None
    row: tuple[str, dict[str, Decimal]] | None = None


def analyse(report: Report, spec: TableSpec) -> Analysis:
    """Solve the table and find what is broken, once per report (several rules read it)."""

    def compute() -> Analysis:
        solved = solve(report, spec)
        broken, balanced = broken_equations(spec, solved.values)
        if not broken:
            return Analysis(solved, [])
        original = {(c.row, c.column) for c in report.tables[spec.key].all_cells() if c.number is not None}
        cell = locate_single_cell(broken, balanced, original)
        row = None if cell else locate_single_row(spec, solved.values, broken, original)
        return Analysis(solved, broken, cell, row)

    return report.memo(("arithmetic", spec.key), compute)


def cell_finding(report: Report, spec: TableSpec, analysis: Analysis) -> Finding:
    (row, column), delta = analysis.cell
    cell = report.tables[spec.key].cell(row, column)
    return Finding(
        params={"where": cell_name(spec.key, row, column), "reasons": "、".join(b.equation.name for b in analysis.broken)},
        table=spec.key, row=row, column=column, section=spec.section,
        expected=fmt(cell.number + delta), found=fmt(cell.number), locator=cell.locator,
    )


def row_finding(report: Report, spec: TableSpec, analysis: Analysis) -> Finding:
    row, recomputed = analysis.row
    cells = report.tables[spec.key].rows[row]
    columns = [c for c in cells if c in recomputed]
    return Finding(
        params={"where": row_name(spec.key, row)},
        table=spec.key, row=row, section=spec.section,
        expected="、".join(fmt(recomputed[c]) for c in columns),
        found="、".join(fmt(cells[c].number) for c in columns),
        locator=cells[columns[0]].locator,
    )


def equation_findings(report: Report, spec: TableSpec, analysis: Analysis, kind: str):
    if analysis.cell or analysis.row:
        return
    table = report.tables[spec.key]
    for item in analysis.broken:
        row, column = item.equation.total
        if item.equation.kind != kind or (kind != "balance" and (row, column) in analysis.solved.derived):
            continue  # a blank total is reported, with its computed value, by C101
        plus, minus = _sides(item.equation, analysis.solved.values)
        yield Finding(
            params={"name": item.equation.name, "plus": fmt(plus), "minus": fmt(minus)},
            table=spec.key, row=row, column=column, section=spec.section,
            expected=fmt(plus) if kind == "balance" else fmt(minus),
            found=fmt(minus) if kind == "balance" else fmt(plus),
            locator=table.cell(row, column).locator,
        )


def _found_tables(report: Report, *specs: TableSpec):
    for spec in specs:
        if report.tables[spec.key].found:
            yield spec, analyse(report, spec)


ERROR = Severity.ERROR


@rule(
    code="A100",
    name="inconsistent-cell",
    severity=ERROR,
    summary="能定位到单个单元格的算术错误：只报这个单元格和它应有的数值",
    message="{where}填的是 {found}，与表中其他数字不符，应为 {expected}（按{reasons}的合计）。",
    hint="核对这个单元格：改为 {expected} 后，相关的合计与勾稽关系都能对上；如果 {found} 是对的，请核对与它相关的其他数字。",
)
def inconsistent_cell(report: Report, context: Context):
    """一个数字填错，会让它所在的行合计、列合计和勾稽关系同时出错；当只有一个单元格能解释全部错误时，只报告这一个单元格及其正确数值。"""
    for spec, analysis in _found_tables(report, TABLE3, TABLE4):
        if analysis.cell:
            yield cell_finding(report, spec, analysis)


@rule(
    code="A105",
    name="inconsistent-row",
    severity=ERROR,
    summary="能定位到整行的算术错误（如（七）总计整行填 0）：只报这一行和它应有的数值",
    message="{where}一行填的是 {found}，与表中其他数字不符，按各列应为 {expected}。",
    hint="按表中其他数字重新计算这一行：各列应为 {expected}。",
)
def inconsistent_row(report: Report, context: Context):
    """整行合计填错（常见的是（七）总计整行填 0），会让每一列的勾稽关系都出错；当只有这一行能解释全部错误时，只报告这一行及其应有数值。"""
    for spec, analysis in _found_tables(report, TABLE3, TABLE4):
        if analysis.row:
            yield row_finding(report, spec, analysis)


@rule(
    code="A101",
    name="application-balance",
    severity=ERROR,
    summary="表三每一列：一、本年新收 + 二、上年结转 = 三、（七）总计 + 四、结转下年度继续办理",
    message="表三{name}的勾稽关系不成立：第一项加第二项为 {plus}，第三项（七）总计加第四项为 {minus}，两者应相等。",
    hint="核对这一列的新收、结转和办理结果数字：本年新收加上年结转，必须等于本年办结（七）总计加结转下年度。",
)
def application_balance(report: Report, context: Context):
    """表三自带的勾稽关系（表头注明）：第一项加第二项之和，等于第三项加第四项之和。"""
    for spec, analysis in _found_tables(report, TABLE3):
        yield from equation_findings(report, spec, analysis, "balance")


@rule(
    code="A102",
    name="result-total",
    severity=ERROR,
    summary="表三每一列：（七）总计 = （一）至（六）各项办理结果之和",
    message="表三{name}的（七）总计填的是 {plus}，应等于各项办理结果之和 {minus}。",
    hint="（七）总计应等于（一）予以公开、（二）部分公开及（三）至（六）各子项之和，请重新合计。",
)
def result_total(report: Report, context: Context):
    """（七）总计是（一）至（六）所有办理结果子项的合计。"""
    for spec, analysis in _found_tables(report, TABLE3):
        yield from equation_findings(report, spec, analysis, "column_total")


@rule(
    code="A103",
    name="applicant-total",
    severity=ERROR,
    summary="表三每一行：总计 = 自然人 + 五类法人或其他组织",
    message="表三{name}的总计填的是 {plus}，应等于自然人与各类法人或其他组织之和 {minus}。",
    hint="这一行的「总计」应等于自然人、商业企业、科研机构、社会公益组织、法律服务机构、其他六列之和。",
)
def applicant_total(report: Report, context: Context):
    """表三每一行的总计列是六类申请人之和。"""
    for spec, analysis in _found_tables(report, TABLE3):
        yield from equation_findings(report, spec, analysis, "row_total")


@rule(
    code="A104",
    name="review-total",
    severity=ERROR,
    summary="表四每一组（行政复议、未经复议直接起诉、复议后起诉）：总计 = 四种结果之和",
    message="表四{name}的总计填的是 {plus}，应等于结果维持、结果纠正、其他结果、尚未审结之和 {minus}。",
    hint="表四每组的「总计」应等于结果维持、结果纠正、其他结果、尚未审结之和。",
)
def review_total(report: Report, context: Context):
    """表四三组数字各自的总计等于四种结果之和。"""
    for spec, analysis in _found_tables(report, TABLE4):
        yield from equation_findings(report, spec, analysis, "group_total")
