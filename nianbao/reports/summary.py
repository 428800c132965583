"""The county's summed tables: the three standard tables added up cell by cell over the agencies.

Input is plain data (one :class:`AgencyEntry` per agency, its tables as the engine's
``Report.tables_json()`` gives them and the store keeps them in ``report["tables"]``); output is
a :class:`Summary`, an .xlsx workbook (:func:`summary_xlsx`) and a short chat text
(:func:`summary_text`). Only numbers are summed: a blank, ``None`` or text cell is missing (and
noted), never a zero. Agencies whose latest draft has errors are left out unless asked.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ..validators.template import (
    T3_CARRIED,
    T3_FORWARD,
    T3_NEW,
    T3_TOTAL,
    T4_GROUPS,
    TABLE2,
    TABLE3,
    TABLE4,
    TABLES,
)
from ..states import STATE_LABELS as SUBMISSION_STATE_LABELS
from ..storage.figures import CELLS, INDEX, Figures
from ..validators.identities import complete_tables, identity_breaks, number, zero_filled
from .money import figure_text

__all__ = [
    "KEY_FIGURES",
    "STATE_LABELS",
    "AgencyEntry",
    "AgencyLine",
    "Figures",
    "Summary",
    "summarize",
    "summary_text",
    "summary_xlsx",
]

Number = int | float
Tables = Mapping[str, Mapping[str, Mapping[str, Any]]]
CellKey = tuple[str, str, str]  # (table key, row label, column)

STATE_LABELS = SUBMISSION_STATE_LABELS
SUMMED_STATES = ("passing", "errors", "imported")
NO_TABLES = "未读取到统计表"
UNKNOWN_STATE = "状态未知"

# Headline cells of the per-agency sheet: (column header, table, row, column).
KEY_FIGURES: tuple[tuple[str, str, str, str], ...] = (
    ("制发规章", TABLE2.key, "规章", "本年制发件数"),
    ("制发行政规范性文件", TABLE2.key, "行政规范性文件", "本年制发件数"),
    ("新收申请", TABLE3.key, T3_NEW, "总计"),
    ("上年结转", TABLE3.key, T3_CARRIED, "总计"),
    ("办理结果总计", TABLE3.key, T3_TOTAL, "总计"),
    ("结转下年度", TABLE3.key, T3_FORWARD, "总计"),
    ("行政复议总计", TABLE4.key, T4_GROUPS[0], "总计"),
    ("直接起诉总计", TABLE4.key, T4_GROUPS[1], "总计"),
    ("复议后起诉总计", TABLE4.key, T4_GROUPS[2], "总计"),
)


@dataclass(frozen=True)
class AgencyEntry:
    """One agency's latest draft of the year, as the bot knows it."""

    name: str
    state: str = "passing"  # the store's states: passing / errors / unreadable / not_submitted
    tables: Tables | None = None  # {table key: {row label: {column: value}}}; None: none read
    level: str | None = None  # a key of nianbao.levels.LEVELS ("township", …) or free text
    region: str | None = None
    error_count: int = 0
    warning_count: int = 0
    file_name: str | None = None
    received_at: date | datetime | None = None
    left_out: str | None = None  # why it is not summed whatever its state (another year, an older copy)
    accepted: int = 0  # errors accepted by a supervisor (passing with them: 通过（含 N 项已确认）)
    blanks_as_zero: bool = False  # a supervisor accepted its blank cells as 0: summed as 0, and marked
    figures: Figures | None = None  # its tables' figures as kept when stored (``Store.figures_of``), read instead of ``tables``


@dataclass(frozen=True)
class AgencyLine:
    """An entry with the summary's verdict on it."""

    entry: AgencyEntry
    included: bool
    reason: str | None = None  # why it was left out (Chinese), None when included
    missing: tuple[CellKey, ...] = ()  # standard cells without a number (included agencies only)
    derived: tuple[CellKey, ...] = ()  # blank cells derived from the identities (included agencies only)
    values: Mapping[CellKey, Decimal] = field(default_factory=dict)  # the cells summed for this agency
    zeroed: tuple[CellKey, ...] = ()  # blank cells summed as 0 because a supervisor accepted them
    cells: tuple = field(default=(), repr=False, compare=False)  # ``values`` in the order of CELLS, None where missing


@dataclass(frozen=True)
class Summary:
    tables: dict[str, dict[str, dict[str, Number | None]]]  # sums; None where no agency had a number
    contributors: dict[str, dict[str, dict[str, int]]]  # how many included agencies had a number
    lines: tuple[AgencyLine, ...]
    include_errors: bool = False
    year: int | None = None
    breaks: tuple[str, ...] = ()  # identities the summed tables break (never, unless a bug slipped in)

    @property
    def included(self) -> list[AgencyEntry]:
        return [line.entry for line in self.lines if line.included]

    @property
    def excluded(self) -> list[tuple[AgencyEntry, str]]:
        return [(line.entry, line.reason or "") for line in self.lines if not line.included]

    @property
    def with_derived(self) -> list[AgencyLine]:
        return [line for line in self.lines if line.included and line.derived]

    @property
    def with_missing(self) -> list[AgencyLine]:
        """Included agencies with blank or non-numeric cells (their cells are not in the sums)."""
        return [line for line in self.lines if line.included and line.missing]

    def value(self, table: str, row: str, column: str) -> Number | None:
        return self.tables[table][row][column]


# ---------------------------------------------------------------- summing


def _plain(value: Decimal) -> Number:
    return int(value) if value == value.to_integral_value() else float(value)


def _cell(tables: Tables | None, table: str, row: str, column: str) -> Any:
    try:
        return tables[table][row][column]  # type: ignore[index]
    except (KeyError, TypeError, IndexError):
        return None


# every cell an identity names: a blank one among them is derived (or makes the tables incomplete)
_IN_IDENTITIES = operator.itemgetter(
    *sorted({INDEX[(spec.key, row, column)] for spec in TABLES for equation in spec.equations for _, row, column in equation.terms})
)


def _verdict(entry: AgencyEntry, include_errors: bool) -> str | None:
    """Why an entry is left out of the sums, or None when it is summed."""
    if entry.left_out:
        return entry.left_out
    if entry.state == "errors" and not include_errors:
        return STATE_LABELS["errors"]
    if entry.state not in SUMMED_STATES:
        return STATE_LABELS.get(entry.state, UNKNOWN_STATE)
    if entry.figures is None and not entry.tables:
        return NO_TABLES
    return None


def _line(entry: AgencyEntry, include_errors: bool) -> AgencyLine:
    """Summed only when its tables satisfy the identities (blank cells derived from them first).
    Figures kept when the report was stored are summed as they are when nothing is left to derive
    (whether they satisfy the identities was worked out then); else the identities are asked."""
    reason = _verdict(entry, include_errors)
    if reason is not None:
        return AgencyLine(entry, False, reason)
    kept = entry.figures
    if kept is None:
        return _worked_out(entry, entry.tables)
    if entry.blanks_as_zero or (kept.problem is None and None in _IN_IDENTITIES(kept.cells)):
        return _worked_out(entry, _tables_of(kept.cells))
    if kept.problem is not None:
        return AgencyLine(entry, False, kept.problem)
    cells = kept.cells
    missing = tuple(key for key, value in zip(CELLS, cells) if value is None) if None in cells else ()
    return AgencyLine(entry, True, None, missing, (), _Values(cells), (), cells)


def _worked_out(entry: AgencyEntry, tables: Tables | None) -> AgencyLine:
    """An entry's line from its tables and the identities: blanks derived, or taken as 0 where a
    supervisor accepted them."""
    tables, zeroed = zero_filled(tables) if entry.blanks_as_zero else (tables, ())
    completion = complete_tables(tables, number)
    if completion.problem is not None:
        return AgencyLine(entry, False, completion.problem)
    values = {key: number(_cell(tables, *key)) for key in CELLS}
    values = {key: value for key, value in {**values, **completion.values}.items() if value is not None}
    missing = tuple(key for key in CELLS if key not in values)
    return AgencyLine(entry, True, None, missing, completion.derived, values, zeroed, tuple(map(values.get, CELLS)))


def _tables_of(cells: tuple) -> dict[str, dict[str, dict[str, Any]]]:
    tables: dict[str, dict[str, dict[str, Any]]] = {}
    for (table, row, column), value in zip(CELLS, cells):
        tables.setdefault(table, {}).setdefault(row, {})[column] = value
    return tables


class _Values(Mapping):
    """A line's summed cells (``AgencyLine.values``: cell -> Decimal) over its kept figures: a
    Decimal is made when a cell is asked for, not 200 for each of 5,000 agencies."""

    __slots__ = ("_cells",)

    def __init__(self, cells: tuple) -> None:
        self._cells = cells

    def __getitem__(self, key: CellKey) -> Decimal:
        place = INDEX.get(key)
        value = None if place is None else self._cells[place]
        if value is None:
            raise KeyError(key)
        return number(value)

    def __iter__(self) -> Iterator[CellKey]:
        return (key for key, value in zip(CELLS, self._cells) if value is not None)

    def __len__(self) -> int:
        return len(self._cells) - self._cells.count(None)


def _empty(fill: Any = None) -> dict[str, dict[str, dict[str, Any]]]:
    return {spec.key: {row.label: {c: fill for c in row.columns} for row in spec.rows} for spec in TABLES}


def _added(values: list) -> Number:
    """One cell's numbers added up: whole numbers as they are, else exactly as Decimals."""
    if set(map(type, values)) == {int}:
        return sum(values)
    return _plain(sum(map(number, values), Decimal(0)))


def summarize(entries: Iterable[AgencyEntry], include_errors: bool = False, *, year: int | None = None) -> Summary:
    """Sum the three tables cell by cell over the agencies that passed (and, with
    ``include_errors``, those with errors). Cells without a number are skipped and noted."""
    lines = tuple(_line(entry, include_errors) for entry in entries)
    totals, contributors = _empty(), _empty(0)
    columns = zip(*(line.cells for line in lines if line.included))  # one cell of every included agency at a time
    for (table, row, column), values in zip(CELLS, columns):
        present = [value for value in values if value is not None]
        if present:
            totals[table][row][column] = _added(present)
        contributors[table][row][column] = len(present)
    return Summary(totals, contributors, lines, include_errors, year, tuple(identity_breaks(totals, number)))


# ---------------------------------------------------------------- chat text


def _fmt(value: Number | None) -> str:
    """A summed cell as the form shows it (``money.figure_text``: 万元 to at most four decimals)."""
    return figure_text(value, blank="—")


def _reasons(summary: Summary) -> str:
    counts: dict[str, int] = {}
    for _, reason in summary.excluded:
        counts[reason] = counts.get(reason, 0) + 1
    return "、".join(f"{reason} {n} 个" for reason, n in counts.items())


def _scope_line(summary: Summary) -> str:
    included, excluded = summary.included, summary.excluded
    with_errors = sum(1 for e in included if e.state == "errors")
    imported = sum(1 for e in included if e.state == "imported")
    parts = [f"含有错误的 {with_errors} 个"] * bool(with_errors) + [f"导入的已公开报告 {imported} 个"] * bool(imported)
    scope = f"（{'，'.join(parts)}）" if parts else "（均已通过审核）" if included else ""
    text = f"纳入汇总 {len(included)} 个机关{scope}"
    if excluded:
        text += f"；未纳入 {len(excluded)} 个：{_reasons(summary)}"
    return text + "。"


def _total(summary: Summary, table: str, row: str, column: str = "总计") -> str:
    return _fmt(summary.value(table, row, column))


def _headline_lines(summary: Summary) -> list[str]:
    t2 = {row.label: _total(summary, TABLE2.key, row.label, row.columns[0]) for row in TABLE2.rows}  # 本年制发 / 决定 / 金额
    t3 = {label: _total(summary, TABLE3.key, label) for label in (T3_NEW, T3_CARRIED, T3_TOTAL, T3_FORWARD, "予以公开")}
    review, direct, after = (_total(summary, TABLE4.key, group) for group in T4_GROUPS)
    return [
        (
            f"主动公开：本年制发规章 {t2['规章']} 件、行政规范性文件 {t2['行政规范性文件']} 件；"
            f"行政许可 {t2['行政许可']} 件、行政处罚 {t2['行政处罚']} 件、行政强制 {t2['行政强制']} 件；"
            f"行政事业性收费 {t2['行政事业性收费']} 万元。"
        ),
        (
            f"依申请公开：本年新收申请 {t3[T3_NEW]} 件，上年结转 {t3[T3_CARRIED]} 件，"
            f"办理结果总计 {t3[T3_TOTAL]} 件（其中予以公开 {t3['予以公开']} 件），结转下年度继续办理 {t3[T3_FORWARD]} 件。"
        ),
        f"行政复议 {review} 件；行政诉讼：未经复议直接起诉 {direct} 件、复议后起诉 {after} 件。",
    ]


def _excluded_names(summary: Summary, limit: int = 8) -> list[str]:
    """One line per reason with the agencies left out for it (the first ``limit`` names)."""
    by_reason: dict[str, list[str]] = {}
    for entry, reason in summary.excluded:
        by_reason.setdefault(reason, []).append(entry.name)
    lines = []
    for reason, names in by_reason.items():
        more = f" 等 {len(names)} 个" if len(names) > limit else ""
        lines.append(f"未纳入（{reason}）：{'、'.join(names[:limit])}{more}")
    return lines


def breaks_warning(summary: Summary) -> str:
    return f"⚠️ 汇总后的统计表勾稽关系不成立（{'、'.join(summary.breaks)}），请勿直接使用，并把此情况告诉系统管理员。"


def derived_note(summary: Summary) -> str:
    names = "、".join(line.entry.name for line in summary.with_derived[:5])
    more = f" 等 {len(summary.with_derived)} 个机关" if len(summary.with_derived) > 5 else ""
    return f"注意：{names}{more}的统计表有空白单元格，已按勾稽关系推算后计入合计。"


def summary_text(summary: Summary) -> str:
    """A short Chinese text for the chat: who is summed, who is not, and the headline totals."""
    year = f"{summary.year}年度" if summary.year else ""
    lines = [f"{year}政府信息公开工作年度报告汇总", _scope_line(summary), *_excluded_names(summary)]
    if summary.breaks:
        lines.append(breaks_warning(summary))
    if not summary.included:
        lines.append("没有可以汇总的报告。")
        return "\n".join(lines)
    lines += _headline_lines(summary)
    if summary.with_derived:
        lines.append(derived_note(summary))
    if summary.with_missing:
        lines.append(f"注意：{len(summary.with_missing)} 个机关的统计表有空白或不是数字的单元格，这些单元格没有计入合计。")
    if not summary.include_errors and any(e.state == "errors" for e, _ in summary.excluded):
        lines.append("有错误的报告没有计入；需要时可以连同有错误的报告一起汇总（机器人里发送 /summary 全部，命令行加 --include-errors）。")
    return "\n".join(lines)


# ---------------------------------------------------------------- workbook


def summary_xlsx(summary: Summary, year: int | None = None) -> bytes:
    """The workbook (see :mod:`nianbao.reports.workbook`)."""
    from .workbook import summary_workbook

    return summary_workbook(summary, year)
