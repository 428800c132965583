"""What a person reading the draft does not see, and the reader left out: hidden text (Word's
「隐藏文字」, ``w:vanish``). Last year's figure kept hidden beside this year's, template guidance
hidden instead of deleted: the review reads what is shown, and says where hidden numbers are."""

from __future__ import annotations

from ..model import Place, Report, Severity
from ..template import TABLE_BY_KEY, TABLES
from . import Context, Finding, rule
from ._where import at_cell, clip, places


@rule(
    code="X110",
    name="hidden-text",
    severity=Severity.INFO,
    summary="没有藏着数字的隐藏文字（Word「隐藏文字」：审核按看得见的内容进行）",
    message="{where}有隐藏文字（如「{found}」），审核时已略过，按看得见的内容核对。",
    hint="隐藏文字打印时看不到，但转换格式、复制粘贴时会被带出来：在 Word 中点「开始→显示/隐藏编辑标记」找到它，确认无用后删除。",
    group_message="{table_name}有 {count} 个单元格藏有隐藏文字（{cells}等，如「{found}」），审核按看得见的数字核算。",
    group_by_value=False,
)
def hidden_text(report: Report, context: Context):
    """上一年的数字隐藏在单元格里、模板的填写说明隐藏而没有删除：读者看不到，审核也不读它们；但其中的数字在转换格式、复制到汇总表时会冒出来，所以指出位置。"""
    if not report.hidden:
        return
    cells = {
        cell.locator: (spec, cell)
        for spec in TABLES
        for cell in report.tables[spec.key].all_cells()
        if cell.found and cell.locator is not None and cell.locator.grid_col is not None
    }
    named = {paragraph.locator: (section, where) for section, where, paragraph in places(report)}
    headings = {s.locator: (s.number, f"第{s.number}部分标题") for s in report.sections if s.heading_found}
    in_text = []
    for hidden in report.hidden:
        if hidden.locator in cells:
            spec, cell = cells[hidden.locator]
            yield at_cell(TABLE_BY_KEY[spec.key], cell, found=clip(hidden.text, 20))
        else:
            place = headings.get(hidden.locator) or named.get(hidden.locator) or (None, hidden.locator.describe() or "正文")
            in_text.append((*place, hidden))
    if in_text:  # guidance hidden in the text: one issue, every paragraph a place
        section, _, first = in_text[0]
        parts = "、".join(dict.fromkeys(where for _, where, _ in in_text))
        where = parts if len(in_text) == 1 else f"{parts}共 {len(in_text)} 处"
        yield Finding(
            params={"where": where}, section=section, found=clip(first.text, 20), locator=first.locator,
            places=[Place(found=clip(h.text, 20), locator=h.locator) for _, _, h in in_text],
        )
