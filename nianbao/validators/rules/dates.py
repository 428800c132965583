"""The report year everywhere: title, 统计期限, plans in 五, the date of issue and the deadline."""

from __future__ import annotations

import datetime as dt
import re

from ..model import Report, Severity
from ..text import compact
from . import Context, Finding, rule
from ._where import clip, places

ERROR, WARNING = Severity.ERROR, Severity.WARNING
STANDARD_TITLE = "政府信息公开工作年度报告"
_YEAR = re.compile(r"(20\d{2})年")
_PERIOD = re.compile(r"统计(期限|年限|时限|区间|期间|时间|范围)")
_PLAN_WORDS = re.compile(r"(将|计划|拟|打算|下一步|下一年|明年|继续)")
# 「改进措施：2024年定期开展…」: a plan under its label, without 将
_PLAN_LABEL = re.compile(r"(改进|整改)(措施|情况|计划|打算|方向)[:：](20\d{2})年")
_GARBLED_DATE = re.compile(r"(?<!\d)(\d{5,})月|(?<!\d)(20\d{2})(1[0-2]|[1-9])月\d{1,2}日|〔\d{5,}号|〔\d{1,3}〕")
_SENTENCE = re.compile(r"[^。；;！!？?]+")


def deadline_for(report: Report, context: Context) -> dt.date | None:
    """31 January of the next year; a county-level-or-above people's government publishes its own
    report by 31 March (条例 第四十九条). Both can be set (``Context.deadline``, ``government_deadline``)."""
    if report.level == "government":
        if context.government_deadline:
            return context.government_deadline
        return dt.date(report.year + 1, 3, 31) if report.year else None
    if context.deadline:
        return context.deadline
    return dt.date(report.year + 1, 1, 31) if report.year else None


@rule(
    code="Y101",
    name="title-missing",
    severity=WARNING,
    summary="报告有标题「××机关××××年政府信息公开工作年度报告」",
    message="没有找到报告标题（「（机关名称）{year}年政府信息公开工作年度报告」）。",
    hint="在报告开头写上标题「（机关全称）{year}年政府信息公开工作年度报告」。",
)
def title_missing(report: Report, context: Context):
    """标题写明机关名称和年度，公开后才能被检索和归档。"""
    if not report.title:
        yield Finding(params={"year": report.year or "××××"}, section="title")


@rule(
    code="Y110",
    name="title-nonstandard",
    severity=WARNING,
    summary="标题与标准写法一致，有年份，没有错字漏字（如「工作告年度报」）",
    message="标题「{found}」与标准写法「（机关名称）××××年政府信息公开工作年度报告」不一致，可能有错字、漏字或缺少年份。",
    hint="标题写为「{title}」。",
)
def title_nonstandard(report: Report, context: Context):
    """标题的错字（如「工作告年度报」）和缺少年份，在公开后最显眼，上级审核一定会退回。"""
    if report.title and (STANDARD_TITLE not in report.title.replace("年度政府", "年政府") or not report.year):
        standard = f"{report.year or '××××'}年{STANDARD_TITLE}"
        title = f"{report.agency}{standard}" if report.agency else f"（机关全称）{standard}"
        yield Finding(
            params={"year": report.year or "××××", "title": title},
            section="title", found=report.title, expected=title if report.agency else standard, locator=report.title_locator,
        )


@rule(
    code="Y102",
    name="period-year",
    severity=ERROR,
    summary="统计期限是报告年度的 1 月 1 日至 12 月 31 日",
    message="统计期限写的是「{found}」，与报告年度 {year} 年不一致。",
    hint="统计期限应为「{year}年1月1日至{year}年12月31日」。",
)
def period_year(report: Report, context: Context):
    """数据统计期限必须是报告年度的全年；沿用上一年报告时最容易忘改。"""
    if not report.year:
        return
    for paragraph in report.paragraphs[:12]:
        for sentence in _SENTENCE.findall(compact(paragraph.text)):
            if not _PERIOD.search(sentence):
                continue
            years = {int(y) for y in _YEAR.findall(sentence)}
            if years and years != {report.year}:
                yield Finding(params={"year": report.year}, section="period", found=clip(sentence, 60), expected=f"{report.year}年1月1日至12月31日", locator=paragraph.locator)
                return


@rule(
    code="Y103",
    name="plan-year",
    severity=WARNING,
    summary="第五部分的改进计划说的是下一年（2024 年度报告写「2025年将…」）",
    message="第五部分的改进计划写的是「{found}」：{year}年度报告的改进措施应针对 {next_year} 年。",
    hint="把计划中的年份改为 {next_year} 年（报告年度的下一年）。",
)
def plan_year(report: Report, context: Context):
    """改进措施是对下一年度的安排；写成报告年度本身，通常是照抄了上一年的报告。"""
    if not report.year:
        return
    for paragraph in report.section("五").paragraphs:
        for sentence in _SENTENCE.findall(compact(paragraph.text)):
            years = [int(y) for y in _YEAR.findall(sentence)]
            done = "了" in sentence or "已" in sentence  # what was improved this year, not a plan
            planned = _PLAN_WORDS.search(sentence) or _PLAN_LABEL.search(sentence)
            if years and planned and not done and max(years) <= report.year:
                yield Finding(
                    params={"year": report.year, "next_year": report.year + 1},
                    section="五", found=clip(sentence), expected=f"{report.year + 1}年", locator=paragraph.locator,
                )
                return


@rule(
    code="Y104",
    name="date-missing",
    severity=WARNING,
    summary="报告末尾有机关名称和成文日期",
    message="报告末尾没有成文日期（落款日期）。",
    hint="在报告最后写明机关名称和成文日期，如「{year_after}年1月20日」。",
)
def date_missing(report: Report, context: Context):
    """年度报告以机关名称和成文日期结尾，日期用来判断是否按期报送。网上发布的报告常把日期放在页面的发布信息里、正文末尾没有落款，所以只作提醒。"""
    if report.issue_date is None and not report.issue_date_text:
        yield Finding(params={"year_after": (report.year or 2024) + 1}, section="signature")


@rule(
    code="Y105",
    name="date-too-early",
    severity=ERROR,
    summary="成文日期在报告年度结束之后",
    message="成文日期「{found}」早于报告年度结束（{year}年12月31日），不可能。",
    hint="核对成文日期，应在 {year_after} 年 1 月。",
)
def date_too_early(report: Report, context: Context):
    """年度报告总结全年情况，不可能在当年结束前成文；常见于照抄上一年的落款。"""
    if report.issue_date and report.year and report.issue_date <= dt.date(report.year, 12, 31):
        yield Finding(
            params={"year": report.year, "year_after": report.year + 1},
            section="signature", found=report.issue_date_text, expected=f"{report.year + 1}年1月", locator=report.issue_date_locator,
        )


@rule(
    code="Y106",
    name="date-late",
    severity=WARNING,
    summary="成文日期不晚于报送截止日期（默认次年 1 月 31 日；县级以上人民政府本级报告 3 月 31 日）",
    message="成文日期「{found}」晚于截止日期 {deadline}。",
    hint="按《条例》第四十九条，部门和乡镇报告应于每年 1 月 31 日前报送，县级以上人民政府的本级报告应于 3 月 31 日前公布；请核对日期或说明原因。",
)
def date_late(report: Report, context: Context):
    """《条例》第四十九条规定部门报告在每年 1 月 31 日前报送，县级以上人民政府在 3 月 31 日前公布本级报告。"""
    deadline = deadline_for(report, context)
    if report.issue_date and deadline and report.issue_date > deadline:
        yield Finding(
            params={"deadline": f"{deadline.year}年{deadline.month}月{deadline.day}日"},
            section="signature", found=report.issue_date_text, expected=f"不晚于{deadline.isoformat()}", locator=report.issue_date_locator,
        )


@rule(
    code="Y107",
    name="garbled-date",
    severity=WARNING,
    summary="日期和文号没有缺字或粘连（如「20231月1日」「国办公开办函〔202130号」）",
    message="{where}的「{found}」不完整，可能缺字（年份后的「年」或文号的「〕」）。",
    hint="日期写成「2024年1月1日」，文号写成「国办公开办函〔2021〕30号」的完整形式。",
)
def garbled_date(report: Report, context: Context):
    """「20231月1日」「〔202130号」之类是编辑时删掉了「年」字或括号。"""
    for section, where, paragraph in places(report):
        if "月" not in paragraph.text and "〔" not in paragraph.text:
            continue  # (every garbled form holds one or the other)
        match = _GARBLED_DATE.search(compact(paragraph.text))
        if match:
            yield Finding(params={"where": where}, section=section, found=match.group(0), locator=paragraph.locator)
            return


@rule(
    code="Y108",
    name="report-year",
    severity=ERROR,
    summary="报告年度是正在审核的年度（如 2025 年 1 月报送的是 2024 年度报告）",
    message="这份报告是 {found} 年度的，现在审核的是 {expected} 年度报告。",
    hint="确认发送的是 {expected} 年度的报告；如果是沿用上一年的文件，请把标题、统计期限和全部数字改为 {expected} 年度。",
)
def report_year(report: Report, context: Context):
    """发错年度的文件，或者沿用上一年报告忘了改标题，都会在这里发现。"""
    if context.expected_year and report.year and report.year != context.expected_year:
        yield Finding(section="title", found=str(report.year), expected=str(context.expected_year), locator=report.title_locator)


@rule(
    code="Y109",
    name="date-invalid",
    severity=ERROR,
    summary="成文日期是真实存在的日期（没有「1月32日」「13月」）",
    message="成文日期「{found}」不是有效的日期。",
    hint="核对落款日期，写成「{year_after}年1月20日」这样的有效日期。",
)
def date_invalid(report: Report, context: Context):
    """落款日期打错（1月32日、13月1日）会让报送时间无法判断。"""
    if report.issue_date is None and report.issue_date_text:
        yield Finding(params={"year_after": (report.year or 2024) + 1}, section="signature", found=report.issue_date_text, locator=report.issue_date_locator)
