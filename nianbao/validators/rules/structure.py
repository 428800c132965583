"""Sections and tables: present, in order, numbered, with the standard rows and labels."""

from __future__ import annotations

from ...names import same_agency
from ..model import Report, Severity
from ..sections import title_as_written
from ..template import TABLE_BY_KEY
from ..text import squash
from . import Context, Finding, rule
from ._where import clip, row_name

ERROR, WARNING = Severity.ERROR, Severity.WARNING


@rule(
    code="S101",
    name="section-missing",
    severity=ERROR,
    summary="六个部分的标题齐全（一、总体情况 … 六、其他需要报告的事项）",
    message="缺少第{number}部分标题「{number}、{title}」{detail}",
    hint="按国办公开办函〔2021〕30号格式补上标题「{number}、{title}」，六个部分依次编号一至六。",
)
def section_missing(report: Report, context: Context):
    """年度报告必须按统一格式分为六个部分，每部分以「一、总体情况」这样的标题开头。"""
    for section in report.sections:
        if section.heading_found:
            continue
        detail = "（正文内容存在，但没有标题）。" if section.paragraphs else "，也没有找到这一部分的内容。"
        if section.number in "二三四":
            table = next(t for t in report.tables.values() if TABLE_BY_KEY[t.key].section == section.number)
            detail = "（表格存在，但没有标题）。" if table.found else detail
        yield Finding(
            params={"number": section.number, "title": section.title, "detail": detail},
            section=section.number,
            expected=f"{section.number}、{section.title}",
            found=None,
            locator=section.locator,
        )


@rule(
    code="S102",
    name="section-numbering",
    severity=ERROR,
    summary="部分标题用中文数字加顿号编号（二、而不是 2、或（二））",
    message="第{number}部分标题编号有误：写成了「{found}」，应为「{expected}」。",
    hint="把标题改为「{expected}」：六个部分用「一、」至「六、」编号，不用阿拉伯数字或括号。",
)
def section_numbering(report: Report, context: Context):
    """部分标题应使用「一、」…「六、」；「2、」「（二）」或无编号都是格式错误。"""
    for section in report.sections:
        if section.heading_found and section.numbering != f"{section.number}、":
            yield Finding(
                params={"number": section.number},
                section=section.number,
                expected=f"{section.number}、{section.title}",
                found=squash(section.heading_text or ""),
                locator=section.locator,
            )


@rule(
    code="S106",
    name="section-title-wording",
    severity=WARNING,
    summary="部分标题用统一格式的措辞",
    message="第{number}部分标题写成了「{found}」，统一格式为「{expected}」。",
    hint="把标题改为统一格式的「{expected}」，不要增删字或改写。",
)
def section_title_wording(report: Report, context: Context):
    """标题措辞不同（「存在问题及整改措施」「政府信息公开工作存在的主要问题…」）或有错字时，这一部分仍能认出，提醒改回统一格式的标题。"""
    for section in report.sections:
        if section.heading_found and title_as_written(section.heading_text or "") != section.title:
            yield Finding(
                params={"number": section.number},
                section=section.number,
                expected=f"{section.number}、{section.title}",
                found=squash(section.heading_text or ""),
                locator=section.locator,
            )


@rule(
    code="S103",
    name="section-empty",
    severity=WARNING,
    summary="第五部分写明存在的问题和改进措施，不是空白或「无」",
    message="第五部分「存在的主要问题及改进情况」{detail}",
    hint="写明本机关本年度政务公开工作存在的具体问题，以及下一年度的改进措施。",
)
def section_empty(report: Report, context: Context):
    """第五部分是上级审核的重点：空白、「无」「暂无」或只写问题不写改进，都需要补充。"""
    section = report.section("五")
    if not section.heading_found:
        return
    text = squash(section.text)
    if len(text) <= 4:
        detail = "内容为空或只写了「无」。"
    elif not any(w in text for w in ("问题", "不足", "短板", "差距")):
        detail = "没有写明存在的问题。"
    elif not any(w in text for w in ("改进", "措施", "下一步", "将", "计划", "加强", "打算")):
        detail = "没有写明改进措施。"
    else:
        return
    yield Finding(params={"detail": detail}, section="五", found=clip(text, 30) or "（空）", locator=section.locator)


@rule(
    code="T101",
    name="table-missing",
    severity=ERROR,
    summary="三张统计表（主动公开、依申请公开、复议诉讼）都在",
    message="没有找到{number}「{title}」。",
    hint="按统一格式在第{section}部分插入{number}「{title}」，不要删除或改成文字描述。",
)
def table_missing(report: Report, context: Context):
    """第二、三、四部分各有一张统一格式的统计表，不能省略、合并或改成文字。"""
    for note in report.notes:
        if note.kind == "missing_table":
            spec = TABLE_BY_KEY[note.table]
            yield Finding(params={"number": spec.number, "title": spec.title, "section": spec.section}, table=note.table, section=spec.section)


@rule(
    code="T102",
    name="row-missing",
    severity=ERROR,
    summary="统计表的每一行都在，没有删行",
    message="{where}这一行缺失。",
    hint="按统一格式补上「{expected}」这一行并填写数字（没有发生的填 0）。",
)
def row_missing(report: Report, context: Context):
    """统一格式的行不能删除；即使数字都是 0，也要保留这一行并填 0。"""
    for note in report.notes:
        if note.kind == "missing_row":
            yield Finding(
                params={"where": row_name(note.table, note.row)},
                table=note.table,
                row=note.row,
                section=TABLE_BY_KEY[note.table].section,
                expected=note.expected_text,
                locator=report.tables[note.table].locator,
            )


@rule(
    code="T103",
    name="label-deviation",
    severity=ERROR,
    summary="行名称使用标准表述（如「行政规范性文件」不能写成「规范性文件」）",
    message="{table_number}的行名称「{found}」与统一格式不符，应为「{expected}」。",
    hint="把行名称改回统一格式的「{expected}」，不要改写、简写或增删字。",
)
def label_deviation(report: Report, context: Context):
    """统计表的行、列名称必须与国办统一格式一致，改写后上级汇总时无法对应。"""
    for note in report.notes:
        if note.kind == "label_deviation":
            yield Finding(
                params={"table_number": TABLE_BY_KEY[note.table].number},
                table=note.table,
                row=note.row,
                section=TABLE_BY_KEY[note.table].section,
                expected=note.expected_text,
                found=note.found_text,
                locator=note.locator,
            )


@rule(
    code="T104",
    name="value-count",
    severity=ERROR,
    summary="每一行的数字个数与统一格式的列数一致（没有多出或缺少单元格）",
    message="{where}{detail}",
    hint="对照统一格式核对这一行的单元格：每列填一个数字，不要增删列。",
)
def value_count(report: Report, context: Context):
    """一行的数字比标准列数多或少，通常是增删了列或数字错位。"""
    for note in report.notes:
        if note.kind in ("extra_values", "missing_values"):
            where = row_name(note.table, note.row) + "行" if note.row else TABLE_BY_KEY[note.table].number
            detail = f"多出 {note.count} 个数字。" if note.kind == "extra_values" else f"少了 {note.count} 个单元格（已按空白处理）。"
            yield Finding(params={"where": where, "detail": detail}, table=note.table, row=note.row, section=TABLE_BY_KEY[note.table].section, locator=note.locator)


@rule(
    code="T105",
    name="old-format",
    severity=ERROR,
    summary="2021 年及以后的报告不能使用 2019 年试行版表格",
    message="表格使用了 2019 年试行版格式（出现「{found}」），{year}年度报告应使用 2021 年统一格式。",
    hint="按国办公开办函〔2021〕30号重新制作三张统计表，不要沿用往年的旧表。",
)
def old_format(report: Report, context: Context):
    """旧版（2019 试行）表格的栏目与新版不同，数据无法对应，整张表需要按新格式重做。"""
    if report.year is not None and report.year < 2021:
        return
    for note in report.notes:
        if note.kind == "old_format":
            yield Finding(params={"year": report.year or "本"}, table=note.table, section="二", found=note.found_text, locator=note.locator)


@rule(
    code="T106",
    name="other-handling-collapsed",
    severity=WARNING,
    summary="表三「（六）其他处理」列出三个子项，而不是合并成一行",
    message="表三「（六）其他处理」只有一行，缺少 1.～3. 三个子项（已把这一行的数字作为三项之和参与核算）。",
    hint="按统一格式把「（六）其他处理」拆成三个子项分别填写。",
)
def other_collapsed(report: Report, context: Context):
    """不少报告把（六）其他处理印成一行；数字仍可核算，但格式不完整。"""
    if report.year is not None and report.year < 2021:
        return  # the 2019 format has （六）其他处理 as one row
    for note in report.notes:
        if note.kind == "collapsed_other":
            yield Finding(table=note.table, row=note.row, section="三", found=note.found_text, locator=note.locator)




@rule(
    code="S104",
    name="agency-mismatch",
    severity=ERROR,
    summary="报告写的机关名称与发送人所在单位一致（防止发错文件或照抄别的单位）",
    message="报告的机关名称是「{found}」，而您绑定的单位是「{expected}」。",
    hint="确认发送的是本单位的报告；如果是参照其他单位的报告修改的，请把机关名称和全部内容改为本单位的。",
)
def agency_mismatch(report: Report, context: Context):
    """发错文件，或照抄其他单位的报告忘了改名称，都会在这里发现（只在知道发送人单位时检查）。"""
    if context.expected_agency and report.agency and not same_agency(report.agency, context.expected_agency):
        yield Finding(section="title", found=report.agency, expected=context.expected_agency, locator=report.title_locator)
