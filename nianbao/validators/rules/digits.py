"""How a table value is written, when a person still reads its number: Chinese numerals (「三」),
full-width digits (「４４０」), 「—」「/」「无」 for 0, a note after the number (「33（含自然失效16件）」).
Each is kept in its cell and summed with the value a person reads (see ..numerals and
..text.cell_number); the rules here only say how the form wants it written. A habit of the whole
table (full-width digits, dashes for 0) is one issue per table with every cell as a place."""

from __future__ import annotations

from ..model import Report, Severity
from ..numerals import arabic, chinese_number, wide_digits
from ..template import TABLES
from ..text import cell_note, zero_mark
from . import Context, Finding, rule
from ._where import at_cell, cell_place, clip, fmt


def _form(cell) -> str | None:
    """How a filled cell is written when it is not plain Arabic digits: words, zero, wide, note."""
    raw = cell.raw.strip()
    if raw.isascii() and raw.isdigit():
        return None  # nearly every cell: nothing to look at
    if zero_mark(raw):
        return "zero"
    if cell.number is None:
        return None
    if chinese_number(raw) is not None:
        return "words"
    if wide_digits(raw):
        return "wide"
    return "note" if cell_note(raw) is not None else None


def _written(report: Report, form: str):
    """(spec, cells written that way) for each table that has any, in the report's order."""

    def compute():
        forms = []
        for spec in TABLES:
            table = report.tables[spec.key]
            if table.found:
                forms.append((spec, [(c, _form(c)) for c in table.all_cells() if c.found and c.raw.strip()]))
        return forms

    for spec, cells in report.memo("written forms", compute):
        chosen = [cell for cell, kind in cells if kind == form]
        if chosen:
            yield spec, chosen


def _per_table(spec, cells, expected, **params) -> Finding:
    """One finding for a table, every cell a place of it."""
    symbols = "".join(f"「{s}」" for s in dict.fromkeys(c.raw.strip() for c in cells))
    each = [expected(c) if callable(expected) else expected for c in cells]
    return Finding(
        params={"table_name": f"{spec.number}「{spec.title}」", "count": len(cells), "symbols": symbols, **params},
        table=spec.key, section=spec.section, expected=each[0], found=cells[0].raw.strip(), locator=cells[0].locator,
        places=[cell_place(spec.key, c, e, c.raw.strip()) for c, e in zip(cells, each)],
    )


@rule(
    code="C106",
    name="number-in-words",
    severity=Severity.ERROR,
    summary="单元格用阿拉伯数字填写（不写「三」「十二」）",
    message="{where}填的是「{found}」，请改为阿拉伯数字 {expected}。",
    hint="统计表一律用阿拉伯数字填写，上级汇总时才能直接相加；汉字数字要改过来。",
    group_message="{table_name}有 {count} 个单元格用汉字数字填写（{cells}等）。",
    group_hint="统计表一律用阿拉伯数字填写：把这 {count} 个单元格都改为 0、1、2…这样的数字。",
    group_by_value=False,
)
def number_in_words(report: Report, context: Context):
    """汉字数字（「三」「十二」）在汇总表里不能参与计算；审核时按其数值核算勾稽关系，只在这个单元格提示改写。"""
    for spec, cells in _written(report, "words"):
        for cell in cells:
            yield at_cell(spec, cell, expected=arabic(cell.raw), found=cell.raw.strip())


@rule(
    code="C107",
    name="zero-as-symbol",
    severity=Severity.WARNING,
    summary="没有发生的事项填 0，不填「—」「/」「无」（按 0 核算，每张表提示一次）",
    message="{table_name}有 {count} 个单元格填的是{symbols}，已按 0 核算；统一格式要求没有发生的事项填 0。",
    hint="把这 {count} 个{symbols}都改为 0：上级汇总表只认数字。",
)
def zero_as_symbol(report: Report, context: Context):
    """「—」「－」「——」「/」「无」，读者都当作 0，审核也按 0 核算全部勾稽关系；但统一格式要求填 0，上级汇总时符号无法相加。每张表只提示一次，列出全部单元格。"""
    for spec, cells in _written(report, "zero"):
        yield _per_table(spec, cells, "0")


@rule(
    code="C108",
    name="full-width-digits",
    severity=Severity.WARNING,
    summary="数字用半角（「440」，不用全角「４４０」；按数值核算，每张表提示一次）",
    message="{table_name}有 {count} 个单元格用全角数字填写（如「{found}」），已按数值核算；请改为半角数字。",
    hint="选中表格，把全角数字改为半角（Word：开始→更改大小写→半角），上级汇总时才能直接相加。",
)
def full_width_digits(report: Report, context: Context):
    """全角数字（「４４０」）读者一眼就认得，审核也按其数值核算；但汇总表格要求半角数字，复制到 Excel 时全角数字不能相加。"""
    for spec, cells in _written(report, "wide"):
        yield _per_table(spec, cells, lambda c: arabic(c.raw) or fmt(c.number))


@rule(
    code="C109",
    name="number-with-note",
    severity=Severity.INFO,
    summary="单元格只填数字，说明写在表外（「33（含自然失效16件）」按 33 核算）",
    message="{where}填的是「{found}」：按 {expected} 核算，括号里的说明「{note}」不参与计算。",
    hint="统计表单元格只填数字；说明文字请写在表格下方或正文中，上级汇总时才能直接相加。",
    group_message="{table_name}有 {count} 个单元格在数字后加了说明（{cells}等），已按数字核算。",
    group_by_value=False,
)
def number_with_note(report: Report, context: Context):
    """公开的报告里常见「33（含自然失效16件）」这样带说明的数字：读者按 33 读，审核也只取数字，说明照样保留；提示把说明移到表外。"""
    for spec, cells in _written(report, "note"):
        for cell in cells:
            yield at_cell(spec, cell, expected=fmt(cell.number), found=clip(cell.raw.strip()), note=cell_note(cell.raw))
