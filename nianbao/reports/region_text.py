"""The region's summary report in words: each section's paragraphs drafted from the summed
tables and the campaign state, for a person to finish.

Only figures are stated: the sums (:class:`~nianbao.reports.summary.Summary`), last year's
summary where it is on file (「较上年增长 12.5%」), who is counted and who is not and why, and
the agencies not yet passing. Everything else (how the work was done, the problems, the plans,
the fees charged) is left as a highlighted 【请补充：…】 for the office to write: the draft never
invents a fact. The sentences are worded so that the checker's text-against-table rules hold
(「收到政府信息公开申请 N 件」 is table 3's 新收 总计; a denial only when the table has none).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ..validators.template import T3_CARRIED, T3_FORWARD, T3_NEW, T3_TOTAL, T4_GROUPS, TABLE2, TABLE3, TABLE4
from .summary import Number, Summary

__all__ = ["FILL", "FILL_PATTERN", "Pending", "RegionFacts", "change", "fill", "section_paragraphs", "figure"]

FILL = "【请补充】"
FILL_PATTERN = re.compile(r"【请补充[^】]*】")  # what the document highlights
FEE = TABLE2.row("行政事业性收费").columns[0]
ISSUED, REPEALED, IN_FORCE = TABLE2.row("行政规范性文件").columns
DECISIONS = TABLE2.row("行政许可").columns[0]
# table 3's handling results by group: (the words, the rows summed)
RESULT_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("予以公开", ("予以公开",)),
    ("部分公开", (TABLE3.rows[3].label,)),
    *(
        (group[3:], tuple(r.label for r in TABLE3.rows if r.group == group))
        for group in ("（三）不予公开", "（四）无法提供", "（五）不予处理", "（六）其他处理")
    ),
)
NAMES_LISTED = 1000  # agencies named per list before 「等 N 个」 (a county has a few hundred at most)


def fill(what: str = "") -> str:
    """A place for a person to complete, highlighted in the document."""
    return f"【请补充：{what}】" if what else FILL


@dataclass(frozen=True)
class Pending:
    """An agency of the region not yet passing, as the campaign state says."""

    name: str
    label: str  # 有错误 / 无法读取 / 未报送
    late_days: int = 0


@dataclass(frozen=True)
class RegionFacts:
    agency: str  # the report's author: the region's government
    region: str  # 芮城县
    year: int
    summary: Summary  # the three tables summed over the region's agencies (``county_summary``)
    as_of: dt.date  # the day the campaign state was read
    pending: tuple[Pending, ...] = ()
    previous: Mapping[str, Any] | None = None  # last year's summary tables, where on file


# ---------------------------------------------------------------- figures


def _fmt(value: Number | Decimal) -> str:
    if isinstance(value, int):
        return str(value)
    text = format(Decimal(str(value)).normalize(), "f")
    return text


def figure(facts: RegionFacts, table: str, row: str, column: str = "总计") -> Number | None:
    return facts.summary.value(table, row, column)


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return Decimal(str(value))


def change(now: Number | None, before: Any) -> str:
    """「，较上年增长 12.5%」, 「，较上年下降 3.2%」, 「，与上年持平」, 「（上年为 0）」 or "" (no figure
    last year, or none this year)."""
    last, current = _number(before), _number(now)
    if last is None or current is None:
        return ""
    if current == last:
        return "，与上年持平"
    if last == 0:
        return "（上年为 0）"
    percent = ((current - last) * 100 / last).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    if percent == 0:
        return "，与上年基本持平"
    return f"，较上年{'增长' if percent > 0 else '下降'} {_fmt(abs(percent))}%"


def _count(facts: RegionFacts, table: str, row: str, column: str = "总计", unit: str = "件", *, compare: bool = True) -> str:
    """「12 件，较上年增长 12.5%」; a cell no agency had a number for is left to complete."""
    value = figure(facts, table, row, column)
    if value is None:
        return f"{fill()} {unit}"
    previous = ((facts.previous or {}).get(table) or {}).get(row, {}).get(column) if compare else None
    return f"{_fmt(value)} {unit}{change(value, previous)}"


def _sum(facts: RegionFacts, table: str, rows: tuple[str, ...], column: str = "总计", *, compare: bool = False) -> str:
    """The sum of several cells, 「15 件」 (with the change from last year's sum of them)."""
    values = [figure(facts, table, row, column) for row in rows]
    if any(v is None for v in values):
        return f"{fill()} 件"
    total = sum((Decimal(str(v)) for v in values), Decimal(0))
    before = [((facts.previous or {}).get(table) or {}).get(row, {}).get(column) for row in rows] if compare else [None]
    last = None if any(_number(v) is None for v in before) else sum(_number(v) for v in before)
    return f"{_fmt(total)} 件{change(total, last)}"


# ---------------------------------------------------------------- who is counted


def _names(names: list[str]) -> str:
    more = f"等 {len(names)} 个" if len(names) > NAMES_LISTED else ""
    return "、".join(names[:NAMES_LISTED]) + more


def _active(facts: RegionFacts):
    return [line for line in facts.summary.lines if line.entry.state != "inactive"]


def _coverage_caution(facts: RegionFacts) -> str:
    left_out = [line for line in _active(facts) if not line.included]
    if facts.previous is None or not left_out:
        return ""
    return f"（本年汇总尚未包括全部单位，未纳入的 {len(left_out)} 个单位纳入后，与上年的比较需重新核对。）"


def _progress(facts: RegionFacts) -> str:
    lines = _active(facts)
    submitted = sum(1 for line in lines if line.entry.state != "not_submitted")
    passing = sum(1 for line in lines if line.entry.state in ("passing", "imported"))
    text = (
        f"{facts.year}年度，{facts.region}共有 {len(lines)} 个行政机关编制政府信息公开工作年度报告。"
        f"截至{facts.as_of.year}年{facts.as_of.month}月{facts.as_of.day}日，已报送 {submitted} 个，审核通过 {passing} 个"
    )
    if not facts.pending:
        return text + "。"
    late = sum(1 for p in facts.pending if p.late_days > 0)
    listed = "、".join(f"{p.name}（{p.label}{'，已逾期' if p.late_days > 0 else ''}）" for p in facts.pending[:NAMES_LISTED])
    more = f"等 {len(facts.pending)} 个" if len(facts.pending) > NAMES_LISTED else ""
    overdue = f"（{late} 个已超过报送期限）" if late else ""
    return text + f"；尚未通过审核的 {len(facts.pending)} 个{overdue}：{listed}{more}。"


def _scope(facts: RegionFacts) -> list[str]:
    summary = facts.summary
    included = [line.entry.name for line in summary.lines if line.included]
    paragraphs = [
        f"（二）汇总范围。本报告第二、三、四部分的统计表由{facts.region} {len(included)} 个行政机关的年度报告数据相加而成"
        f"（截至{facts.as_of.year}年{facts.as_of.month}月{facts.as_of.day}日）"
        + (f"：{_names(included)}。" if included else "。")
    ]
    by_reason: dict[str, list[str]] = {}
    for entry, reason in summary.excluded:
        if entry.state != "inactive":  # off the roster: not one of the region's agencies any more
            by_reason.setdefault(reason, []).append(entry.name)
    if by_reason:
        parts = "；".join(f"{reason} {len(names)} 个（{_names(names)}）" for reason, names in by_reason.items())
        paragraphs.append(f"未纳入汇总的 {sum(len(names) for names in by_reason.values())} 个单位：{parts}。")
    if summary.with_derived:
        paragraphs.append(f"{len(summary.with_derived)} 个单位的统计表有空白单元格，已按表内勾稽关系推算后计入。")
    zeroed = [line for line in summary.lines if line.included and line.zeroed]
    if zeroed:
        paragraphs.append(f"{len(zeroed)} 个单位的空白单元格经审核人员确认按 0 计入。")
    if summary.with_missing:
        paragraphs.append(f"{len(summary.with_missing)} 个单位的统计表有空白或不是数字的单元格，这些单元格没有计入。")
    return paragraphs


# ---------------------------------------------------------------- the sections


def _section_one(facts: RegionFacts) -> list[str]:
    t2, t3 = TABLE2.key, TABLE3.key
    rules = figure(facts, t2, "规章", ISSUED)
    rules_text = f"制发规章 {_count(facts, t2, '规章', ISSUED)}，" if rules else ""
    documents = (
        f"（一）主动公开。{facts.year}年，{facts.region}各行政机关{rules_text}"
        f"制发行政规范性文件 {_count(facts, t2, '行政规范性文件', ISSUED)}，"
        f"废止 {_count(facts, t2, '行政规范性文件', REPEALED, compare=False)}，"
        f"现行有效 {_count(facts, t2, '行政规范性文件', IN_FORCE, compare=False)}；"
        f"作出行政许可决定 {_count(facts, t2, '行政许可', DECISIONS)}，"
        f"行政处罚决定 {_count(facts, t2, '行政处罚', DECISIONS)}，"
        f"行政强制决定 {_count(facts, t2, '行政强制', DECISIONS)}；"
        f"收取行政事业性收费 {_count(facts, t2, '行政事业性收费', FEE, '万元')}。"
        f"{fill('主动公开工作的主要做法和成效')}"
    )
    new, carried = figure(facts, t3, T3_NEW), figure(facts, t3, T3_CARRIED)
    if new == 0 and carried == 0:
        applications = f"（二）依申请公开。{facts.year}年，{facts.region}各行政机关未收到政府信息公开申请，也没有上年结转的申请。"
    else:
        applications = (
            f"（二）依申请公开。{facts.year}年，{facts.region}各行政机关收到政府信息公开申请 {_count(facts, t3, T3_NEW)}；"
            f"上年结转 {_count(facts, t3, T3_CARRIED, compare=False)}；"
            f"本年度办结 {_count(facts, t3, T3_TOTAL, compare=False)}，"
            f"结转下年度继续办理 {_count(facts, t3, T3_FORWARD, compare=False)}。"
        )
    applications += _coverage_caution(facts) + fill("依申请公开工作的主要做法")
    return [
        documents,
        applications,
        f"（三）政府信息管理。{fill('政府信息管理工作情况')}",
        f"（四）政府信息公开平台建设。{fill('政府网站、政务新媒体等公开平台建设情况')}",
        f"（五）监督保障。{_progress(facts)}{fill('工作考核、社会评议和责任追究结果情况')}",
    ]


def _section_two(facts: RegionFacts) -> list[str]:
    return [f"{facts.region}各行政机关主动公开政府信息情况汇总如下。"]


def _section_three(facts: RegionFacts) -> list[str]:
    t3 = TABLE3.key
    if figure(facts, t3, T3_TOTAL) in (None, 0):
        return [f"{facts.region}各行政机关收到和处理政府信息公开申请情况汇总如下。"]
    results = "，".join(f"{words} {_sum(facts, t3, rows)}" for words, rows in RESULT_GROUPS)
    return [f"{facts.region}各行政机关收到和处理政府信息公开申请情况汇总如下。本年度办理结果中，{results}。"]


def _section_four(facts: RegionFacts) -> list[str]:
    t4 = TABLE4.key
    review, direct, after = T4_GROUPS
    totals = [figure(facts, t4, group) for group in T4_GROUPS]
    if totals == [0, 0, 0]:
        return [f"{facts.year}年，{facts.region}各行政机关未发生因政府信息公开引起的行政复议、行政诉讼。"]
    suits = _sum(facts, t4, (direct, after), compare=True)
    corrected = [figure(facts, t4, group, "结果纠正") for group in T4_GROUPS]
    text = (
        f"{facts.year}年，{facts.region}各行政机关因政府信息公开被申请行政复议 {_count(facts, t4, review)}，"
        f"被提起行政诉讼 {suits}（未经复议直接起诉 {_count(facts, t4, direct, compare=False)}、"
        f"复议后起诉 {_count(facts, t4, after, compare=False)}）。"
    )
    if any(corrected):
        text += fill("被纠错案件的原因分析和整改情况")
    return [text]


def _section_five(facts: RegionFacts) -> list[str]:
    problems = "（一）存在的主要问题。"
    if facts.pending:
        late = sum(1 for p in facts.pending if p.late_days > 0)
        problems += (
            f"截至{facts.as_of.year}年{facts.as_of.month}月{facts.as_of.day}日，{facts.region}有 {len(facts.pending)} 个单位的年度报告尚未通过审核"
            + (f"（{late} 个已超过报送期限）。" if late else "。")
        )
    problems += fill("本地区政府信息公开工作存在的主要问题")
    return [problems, f"（二）改进情况。{fill(f'{facts.year + 1}年将采取的改进措施')}"]


def _section_six(facts: RegionFacts) -> list[str]:
    fees = f"（一）信息处理费。{facts.year}年，{facts.region}各行政机关发出政府信息公开信息处理费收费通知 {FILL} 件，收取信息处理费 {FILL} 元。"
    return [fees, *_scope(facts), f"（三）其他需要报告的事项。{FILL}"]


def section_paragraphs(facts: RegionFacts) -> dict[str, list[str]]:
    """Section number (一 … 六) -> the paragraphs written under its heading (before its table)."""
    return {
        "一": _section_one(facts),
        "二": _section_two(facts),
        "三": _section_three(facts),
        "四": _section_four(facts),
        "五": _section_five(facts),
        "六": _section_six(facts),
    }
