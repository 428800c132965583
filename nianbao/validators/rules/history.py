"""Year to year: this year's tables against the agency's report of the year before.

The rules run only when the caller passes last year's report (``Context.previous``) and it is
really the year before the report's year. A cell that is blank or not a number on either side
is skipped: C101/C102 report it in this year's draft, and last year's is history.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from ..model import Cell, Report, Severity
from ..prior import PriorReport
from ..template import (
    APPLICANT_COLUMNS,
    DECISIONS,
    DOCUMENT_ROWS,
    IN_FORCE,
    ISSUED,
    REPEALED,
    T3_CARRIED,
    T3_FORWARD,
    T3_NEW,
    T4_GROUPS,
    TABLE2,
    TABLE3,
    TABLE4,
    TableSpec,
)
from ..text import compact
from . import Context, Finding, rule
from ._where import at_cell, fmt

ERROR, WARNING = Severity.ERROR, Severity.WARNING


def previous_year(report: Report, context: Context) -> PriorReport | None:
    """Last year's report, when it is known and really of the year before."""
    prior = context.previous
    return prior if prior is not None and prior.precedes(report.year) else None


def number_cell(report: Report, spec: TableSpec, row: str, column: str) -> Cell | None:
    """This year's cell when it holds a number."""
    table = report.tables.get(spec.key)
    cell = table.rows.get(row, {}).get(column) if table is not None and table.found else None
    return cell if cell is not None and cell.number is not None else None


# ---------------------------------------------------------------- carried-over applications


@rule(
    code="H101",
    name="carried-over-from-last-year",
    severity=ERROR,
    summary="表三「二、上年结转政府信息公开申请数量」各列等于上年报告「四、结转下年度继续办理」的相应数字",
    message="{where}为 {found}，而{source}中表三「四、结转下年度继续办理」「{column}」为 {expected}，两者应相等。",
    hint="上年结转的申请就是上年报告中结转下年度继续办理的申请：改为 {expected}，并相应核对本年的办理结果。如果确实是上年报告的数字有误，请联系县政务公开办更正上年的记录。",
)
def carried_over(report: Report, context: Context):
    """上年报告结转下年度继续办理的申请，就是本年报告的上年结转申请，按申请人类别逐列相等；不相等说明其中一年填错，或有申请被漏统计。只有提供了上一年度的报告（且正好是上一年）时才检查。"""
    prior = previous_year(report, context)
    if prior is None:
        return
    for column in APPLICANT_COLUMNS:
        cell = number_cell(report, TABLE3, T3_CARRIED, column)
        last = prior.value(TABLE3.key, T3_FORWARD, column)
        if cell is not None and last is not None and cell.number != last:
            yield at_cell(TABLE3, cell, expected=fmt(last), found=fmt(cell.number), source=prior.source, column=column)


# ---------------------------------------------------------------- documents in force


@rule(
    code="H102",
    name="documents-in-force",
    severity=WARNING,
    summary="表二规章、行政规范性文件：现行有效件数 = 上年报告的现行有效件数 + 本年制发件数 − 本年废止件数",
    message="{where}为 {found}：{source}中的现行有效件数为 {last}，加本年制发 {issued}、减本年废止 {repealed}，应为 {expected}。",
    hint="核对现行有效、本年制发和本年废止件数（现行有效 = 上年现行有效 + 本年制发 − 本年废止）；如有文件因有效期届满自动失效、因机构调整划入划出，或更正了上年的统计，请在正文中说明。",
)
def documents_in_force(report: Report, context: Context):
    """现行有效件数是存量，本年制发、废止是增量，与上年报告的现行有效件数应能衔接；衔接不上多半是漏填或算错。但文件也可能因有效期届满自动失效（不计入「废止」）、因机构改革划入划出，或在文件清理中更正了上年的统计，这些都不是填报错误，所以本规则是警告而不是错误：请核对，确有原因的在正文中说明。"""
    prior = previous_year(report, context)
    if prior is None:
        return
    for row in DOCUMENT_ROWS:
        issued, repealed, current = (number_cell(report, TABLE2, row, column) for column in (ISSUED, REPEALED, IN_FORCE))
        last = prior.value(TABLE2.key, row, IN_FORCE)
        if last is None or issued is None or repealed is None or current is None:
            continue
        expected = last + issued.number - repealed.number
        if current.number != expected:
            yield at_cell(
                TABLE2, current, expected=fmt(expected), found=fmt(current.number),
                source=prior.source, last=fmt(last), issued=fmt(issued.number), repealed=fmt(repealed.number),
            )


# ---------------------------------------------------------------- unexplained jumps

RATIO = 10
_CHANGE_WORDS = re.compile(r"增长|增加|增多|上升|下降|减少|降低|回落|翻番|倍")
_SENTENCE = re.compile(r"[^。；;！!？?\n]+")


@dataclass(frozen=True)
class Watched:
    """A count compared with last year's: where it is, how the text names it, the smallest
    value (on the larger side) worth a warning."""

    spec: TableSpec
    row: str
    column: str
    words: tuple[str, ...]
    floor: int


WATCHED = (
    Watched(TABLE3, T3_NEW, "总计", ("申请",), 20),
    *(Watched(TABLE4, group, "总计", words, 10) for group, words in zip(T4_GROUPS, (("复议",), *[("诉讼", "起诉")] * 2))),
    Watched(TABLE2, "行政许可", DECISIONS, ("许可",), 100),
    Watched(TABLE2, "行政处罚", DECISIONS, ("处罚",), 100),
    Watched(TABLE2, "行政强制", DECISIONS, ("强制",), 100),
)


def is_jump(last: Decimal, now: Decimal, floor: int) -> bool:
    """Ten times (or a tenth) or more, with the larger side at least ``floor``: 0→3 is not a jump."""
    large, small = max(last, now), min(last, now)
    if small < 0:
        return False  # C103 reports negative numbers
    return large >= floor and large >= RATIO * max(small, Decimal(1))


def describe_change(last: Decimal, now: Decimal) -> str:
    if last == 0 or now == 0:
        return "相差十倍以上"
    if now > last:
        return f"增加到上年的 {fmt((now / last).quantize(Decimal('0.1')))} 倍"
    return f"下降了 {fmt(((1 - now / last) * 100).quantize(Decimal(1)))}%"


def explained(report: Report, item: Watched) -> bool:
    """A sentence of 一, the table's own section or 六 names the item and a change (增加、下降 …)."""
    for section in report.sections:
        if section.number not in ("一", item.spec.section, "六"):
            continue
        for sentence in _SENTENCE.findall(compact(section.text)):
            if _CHANGE_WORDS.search(sentence) and any(word in sentence for word in item.words):
                return True
    return False


@rule(
    code="H103",
    name="unexplained-jump",
    severity=WARNING,
    summary="申请数、复议诉讼案件数和行政许可、处罚、强制决定数与上年报告相差十倍以上时，正文说明了原因",
    message="{where}本年为 {found}，{source}中为 {last}，{change}，正文没有说明原因。",
    hint="核对这个数字有没有填错（多写或少写一位、填到了别的行列、把累计数当成本年数）；如果属实，在第一部分或第六部分说明变化的原因，例如「本年收到申请较上年大幅增加，主要是因为……」。",
)
def unexplained_jump(report: Report, context: Context):
    """同一机关的统计数字年与年之间通常不会相差十倍；相差十倍以上往往是多写或少写了一位、填错了行列，或者把累计数当成了本年数。检查的项目：表三本年新收申请总计、表四三组案件的总计、表二行政许可、行政处罚、行政强制的本年处理决定数量。本年数是上年数的 10 倍以上，或只有上年数的十分之一以下（为 0 时按 1 计），且两年中较大的数不小于门槛（申请 20 件，复议、诉讼 10 件，许可、处罚、强制决定 100 件，以免 0 件变 3 件这样的小数字也报警）时提示。如果第一部分、该表所在部分或第六部分有一句话同时提到这个项目（如「申请」「复议」「诉讼」「处罚」）和变化（增长、增加、增多、上升、下降、减少、降低、回落、翻番、倍），视为已经说明，不再提示。"""
    prior = previous_year(report, context)
    if prior is None:
        return
    for item in WATCHED:
        cell = number_cell(report, item.spec, item.row, item.column)
        last = prior.value(item.spec.key, item.row, item.column)
        if cell is None or last is None or not is_jump(last, cell.number, item.floor) or explained(report, item):
            continue
        yield at_cell(
            item.spec, cell, found=fmt(cell.number),
            source=prior.source, last=fmt(last), change=describe_change(last, cell.number),
        )


# ---------------------------------------------------------------- copied from last year

MIN_NONZERO_TO_CALL_IT_COPIED = 5  # most townships report all zeros, year after year, truthfully


@rule(
    code="H104",
    name="tables-copied-from-last-year",
    severity=WARNING,
    summary="三张统计表与上一年度报告一字不差（且不全是 0），可能是照抄上年报告",
    message="三张统计表的 {count} 个数字与{source}完全相同（其中 {nonzero} 个不为 0），看起来是照抄了上年的报告。",
    hint="逐项核对本年度的实际数字并更新；如果本年确实与上年完全相同，请在第一部分说明。",
)
def tables_copied(report: Report, context: Context):
    """统一格式的报告是逐年统计的，行政许可、处罚等数字和申请数量年年相同的可能性极小；三张表与上年报告一字不差，多半是拿上年的报告改了改年份。很多乡镇的数字全是 0、年年相同是真实的，所以不为 0 的数字少于 5 个时不提示。"""
    prior = previous_year(report, context)
    if prior is None:
        return
    compared = nonzero = 0
    for key, table in report.tables.items():
        if not table.found:
            return
        for row, cells in table.rows.items():
            for column, cell in cells.items():
                last = prior.value(key, row, column)
                if cell.number is None or last is None:
                    continue
                if cell.number != last:
                    return
                compared += 1
                nonzero += cell.number != 0
    if nonzero >= MIN_NONZERO_TO_CALL_IT_COPIED:
        yield Finding(params={"count": compared, "nonzero": nonzero, "source": prior.source}, section="一")
