"""Table values written in Chinese numerals or full-width digits: kept in their cell and summed
with their value (see ..numerals), and reported at the cell (once per table when it is a habit)."""

from __future__ import annotations

from ..model import Report, Severity
from ..numerals import arabic, written_in_words
from ..template import TABLES
from . import Context, rule
from ._where import at_cell


@rule(
    code="C106",
    name="number-in-words",
    severity=Severity.ERROR,
    summary="单元格用阿拉伯数字填写（不写「三」「十二」或全角数字「３」）",
    message="{where}填的是「{found}」，请改为阿拉伯数字 {expected}。",
    hint="统计表一律用半角阿拉伯数字填写，上级汇总时才能直接相加；汉字数字和全角数字要改过来。",
    group_message="{table_name}有 {count} 个单元格用汉字数字或全角数字填写（{cells}等）。",
    group_hint="统计表一律用半角阿拉伯数字填写：把这 {count} 个单元格都改为 0、1、2…这样的数字。",
    group_by_value=False,
)
def number_in_words(report: Report, context: Context):
    """汉字数字（「三」「十二」）或全角数字（「３」）在汇总表里不能参与计算；审核时按其数值核算勾稽关系，只在这个单元格提示改写。"""
    for spec in TABLES:
        table = report.tables[spec.key]
        if not table.found:
            continue
        for cell in table.all_cells():
            if cell.found and cell.number is not None and written_in_words(cell.raw):
                yield at_cell(spec, cell, expected=arabic(cell.raw), found=cell.raw.strip())
