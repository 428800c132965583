"""Every cell: filled in, a number, not negative, a whole number where it counts things."""

from __future__ import annotations


from ..model import Report, Severity
from ..template import APPLICANT_PARTS, TABLE3, TABLE4, TABLES
from . import GROUP_MIN, Context, Finding, rule
from ._where import at_cell, cell_name, cell_place, fmt, row_name
from .arithmetic import analyse

ERROR, WARNING = Severity.ERROR, Severity.WARNING
MAX_FEE_DECIMALS = 4


def _derived_values(report: Report) -> dict:
    derived = {}
    for spec in (TABLE3, TABLE4):
        if report.tables[spec.key].found:
            derived.update({(spec.key, *k): v for k, v in analyse(report, spec).solved.derived.items()})
    return derived


@rule(
    code="C101",
    name="blank-cell",
    severity=ERROR,
    summary="统计表没有空白单元格（空白不等于 0）",
    message="{where}{what}为空{computed}",
    hint="{fix}",
    group_message="{table_name}有 {count} 个单元格空白（{cells}等）。",
    group_hint="逐项填写数字；没有发生的事项填 0，不要留空。",
)
def blank_cell(report: Report, context: Context):
    """空白单元格无法汇总，也说不清是 0 还是漏填；没有发生的事项要填 0。能由其他数字推算的合计，给出应填的数值。"""
    derived = _derived_values(report)
    for spec in TABLES:
        table = report.tables[spec.key]
        if not table.found:
            continue
        cells = [cell for cell in table.all_cells() if cell.found]
        if len(cells) > 1 and all(cell.blank for cell in cells):
            yield _empty_table_finding(spec, cells)  # one issue, not one per row
            continue
        columns = _whole_blank_columns(spec, cells)
        if columns:  # one issue, named by column; the other blanks row by row
            in_columns = [c for c in cells if c.blank and c.column in columns]
            computed = {derived.get((spec.key, c.row, c.column)) for c in in_columns}
            yield _blank_columns_finding(spec, columns, in_columns, computed.pop() if len(computed) == 1 else None)
        for row in spec.rows:
            cells = table.rows[row.label]
            blanks = [cell for cell in cells.values() if cell.blank and cell.column not in columns]
            if not blanks:
                continue
            computed = [derived.get((spec.key, c.row, c.column)) for c in blanks]
            yield _blank_finding(spec, row, blanks, computed, whole_row=len(blanks) == len(cells) > 1)


def _empty_table_finding(spec, cells) -> Finding:
    return Finding(
        params={
            "where": f"{spec.number}「{spec.title}」",
            "what": f"全部 {len(cells)} 个单元格",
            "computed": "，整张表还没有填写。",
            "fix": "逐项填写数字；没有发生的事项填 0，不要留空。",
        },
        table=spec.key,
        section=spec.section,
        expected="0 或实际数字",
        found="空白",
        locator=cells[0].locator,
        places=[cell_place(spec.key, c, "0 或实际数字", "空白") for c in cells],
    )


def _whole_blank_columns(spec, cells) -> list[str]:
    """The columns left blank in every one of their (three or more) rows."""
    if len(spec.rows) < GROUP_MIN:
        return []
    columns = []
    by_column: dict[str, list] = {}
    for cell in cells:
        by_column.setdefault(cell.column, []).append(cell)
    for column in _columns(spec):
        column_cells = by_column.get(column, [])
        if len(column_cells) >= GROUP_MIN and all(cell.blank for cell in column_cells):
            columns.append(column)
    return columns


def _columns(spec) -> list[str]:
    seen: list[str] = []
    for row in spec.rows:
        seen.extend(c for c in row.columns if c not in seen)
    return seen


def _blank_columns_finding(spec, columns: list[str], blanks, computed) -> Finding:
    """``computed``: the one value the arithmetic gives every one of these cells, if it does."""
    if tuple(columns) == APPLICANT_PARTS[1:] and spec is TABLE3:
        named = f"「法人或其他组织」的 {len(columns)} 列（{'、'.join(columns)}）"
    else:
        named = "「" + "」「".join(columns) + f"」{len(columns)} 列" if len(columns) > 1 else f"「{columns[0]}」列"
    return Finding(
        params={
            "where": f"{spec.number}「{spec.title}」",
            "what": f"{named}全部 {len(blanks)} 个单元格",
            "computed": "。" if computed is None else f"：按表中其他数字推算，都应为 {fmt(computed)}。",
            "fix": f"把{named}逐项填上数字；没有发生的事项填 0，不要留空。",
        },
        table=spec.key,
        section=spec.section,
        expected="0 或实际数字" if computed is None else fmt(computed),
        found="空白",
        locator=blanks[0].locator,
        places=[cell_place(spec.key, c, "0 或实际数字" if computed is None else fmt(computed), "空白") for c in blanks],
    )


def _blank_finding(spec, row, blanks, computed, whole_row: bool) -> Finding:
    known = [v for v in computed if v is not None]
    if whole_row:
        what = "整行"
        where = row_name(spec.key, row.label)
    elif len(blanks) == 1:
        what, where = "", cell_name(spec.key, row.label, blanks[0].column)
    else:
        what = "「" + "」「".join(c.column for c in blanks) + "」"
        where = row_name(spec.key, row.label)
    if known and len(known) == len(blanks):
        values = "、".join(fmt(v) for v in computed)
        reason = "应为各办理结果之和，" if row.label == "总计" and spec is TABLE3 else "按表中其他数字推算，"
        computed_text = f"：{reason}按各列应为 {values}。" if len(blanks) > 1 else f"：{reason}应为 {values}。"
        fix = f"填入 {values}（由表中其他数字算出），并核对与之相关的数字。"
        expected = values
    else:
        computed_text = "。"
        fix = "填写数字；没有发生的事项填 0，不要留空。"
        expected = "0 或实际数字"
    first = blanks[0]
    each = [fmt(v) if v is not None and len(known) == len(blanks) else "0 或实际数字" for v in computed]
    return Finding(
        params={"where": where, "what": what, "computed": computed_text, "fix": fix, "cell_count": len(blanks)},
        table=spec.key,
        row=row.label,
        column=None if len(blanks) > 1 else first.column,
        section=spec.section,
        expected=expected,
        found="空白",
        locator=first.locator,
        places=[cell_place(spec.key, c, e, "空白") for c, e in zip(blanks, each)],
    )


def _filled_cells(report: Report) -> list:
    """(table spec, row spec, cell) for every cell with something in it, computed once."""

    def compute():
        return [
            (spec, row, cell)
            for spec in TABLES
            if report.tables[spec.key].found
            for row in spec.rows
            for cell in report.tables[spec.key].rows[row.label].values()
            if cell.found and cell.raw.strip()
        ]

    return report.memo("filled cells", compute)


@rule(
    code="C102",
    name="not-a-number",
    severity=ERROR,
    summary="单元格填的是数字，不是文字或符号",
    message="{where}填的是「{found}」，不是数字。",
    hint="改为阿拉伯数字；没有发生的填 0，不要填「无」「—」「/」或文字说明。",
    group_message="{table_name}有 {count} 个单元格填的是「{found}」，不是数字（{cells}等）。",
    group_hint="没有发生的填 0，不要填「{found}」：把这 {count} 个「{found}」都改为 0。",
)
def not_a_number(report: Report, context: Context):
    """统计表只能填数字：「无」「—」或文字会让合计和上级汇总出错。"""
    for spec, row, cell in _filled_cells(report):
        if cell.number is None:
            yield at_cell(spec, cell, expected="数字", found=cell.raw)


@rule(
    code="C103",
    name="negative-number",
    severity=ERROR,
    summary="没有负数",
    message="{where}为负数 {found}。",
    hint="件数和金额不能为负，请核对后改为实际数字。",
)
def negative_number(report: Report, context: Context):
    """件数、案件数和收费金额都不可能为负。"""
    for spec, row, cell in _filled_cells(report):
        if cell.number is not None and cell.number < 0:
            yield at_cell(spec, cell, expected="≥ 0", found=fmt(cell.number))


@rule(
    code="C104",
    name="not-a-whole-number",
    severity=ERROR,
    summary="件数是整数（只有收费金额可以有小数）",
    message="{where}为 {found}，件数应为整数。",
    hint="件数、决定数量和案件数只能是整数，请核对。",
)
def not_a_whole_number(report: Report, context: Context):
    """除「行政事业性收费」的金额（万元）外，表中都是件数，不能有小数。"""
    for spec, row, cell in _filled_cells(report):
        if row.amount or cell.number is None:
            continue
        if cell.number != cell.number.to_integral_value():
            yield at_cell(spec, cell, expected="整数", found=fmt(cell.number))


@rule(
    code="C105",
    name="fee-precision",
    severity=WARNING,
    summary="收费金额（万元）的小数位数合理（不超过 4 位，即精确到元）",
    message="{where}为 {found} 万元，小数位数过多（超过 {digits} 位）。",
    hint="金额单位是万元，保留到小数点后 4 位（即精确到元）即可，请确认没有把元当成万元填写。",
)
def fee_precision(report: Report, context: Context):
    """190.457379 万元这样的金额精确到了分以下，通常是单位换算错误。"""
    for spec, row, cell in _filled_cells(report):
        if row.amount and cell.number is not None and cell.number.as_tuple().exponent < -MAX_FEE_DECIMALS:
            yield at_cell(spec, cell, found=fmt(cell.number), digits=MAX_FEE_DECIMALS)


