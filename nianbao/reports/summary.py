"""The county's summed tables: the three standard tables added up cell by cell over the agencies.

Input is plain data (one :class:`AgencyEntry` per agency, its tables as the engine's
``Report.tables_json()`` gives them and the store keeps them in ``report["tables"]``); output is
a :class:`Summary`, an .xlsx workbook (:func:`summary_xlsx`) and a short chat text
(:func:`summary_text`). Only numbers are summed: a blank, ``None`` or text cell is missing (and
noted), never a zero. Agencies whose latest draft has errors are left out unless asked.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from ..levels import LEVELS
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
from .layout import GridCell, TableGrid, table_grid

__all__ = [
    "KEY_FIGURES",
    "STATE_LABELS",
    "AgencyEntry",
    "AgencyLine",
    "Summary",
    "summarize",
    "summary_text",
    "summary_xlsx",
]

Number = int | float
Tables = Mapping[str, Mapping[str, Mapping[str, Any]]]
CellKey = tuple[str, str, str]  # (table key, row label, column)

STATE_LABELS = {"passing": "通过", "errors": "有错误", "unreadable": "无法读取", "not_submitted": "未报送"}
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


@dataclass(frozen=True)
class AgencyLine:
    """An entry with the summary's verdict on it."""

    entry: AgencyEntry
    included: bool
    reason: str | None = None  # why it was left out (Chinese), None when included
    missing: tuple[CellKey, ...] = ()  # standard cells without a number (included agencies only)


@dataclass(frozen=True)
class Summary:
    tables: dict[str, dict[str, dict[str, Number | None]]]  # sums; None where no agency had a number
    contributors: dict[str, dict[str, dict[str, int]]]  # how many included agencies had a number
    lines: tuple[AgencyLine, ...]
    include_errors: bool = False
    year: int | None = None

    @property
    def included(self) -> list[AgencyEntry]:
        return [line.entry for line in self.lines if line.included]

    @property
    def excluded(self) -> list[tuple[AgencyEntry, str]]:
        return [(line.entry, line.reason or "") for line in self.lines if not line.included]

    @property
    def with_missing(self) -> list[AgencyLine]:
        """Included agencies with blank or non-numeric cells (their cells are not in the sums)."""
        return [line for line in self.lines if line.included and line.missing]

    def value(self, table: str, row: str, column: str) -> Number | None:
        return self.tables[table][row][column]


# ---------------------------------------------------------------- summing


def number(value: Any) -> Decimal | None:
    """A cell value as a number, or None (blank, None, text, bool, NaN/inf are missing)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    result = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    return result if result.is_finite() else None


def _plain(value: Decimal) -> Number:
    return int(value) if value == value.to_integral_value() else float(value)


def _cell(tables: Tables | None, table: str, row: str, column: str) -> Any:
    try:
        return tables[table][row][column]  # type: ignore[index]
    except (KeyError, TypeError, IndexError):
        return None


def _standard_cells() -> Iterable[CellKey]:
    for spec in TABLES:
        for row in spec.rows:
            for column in row.columns:
                yield spec.key, row.label, column


def _verdict(entry: AgencyEntry, include_errors: bool) -> str | None:
    """Why an entry is left out of the sums, or None when it is summed."""
    if entry.state == "errors" and not include_errors:
        return STATE_LABELS["errors"]
    if entry.state not in ("passing", "errors"):
        return STATE_LABELS.get(entry.state, UNKNOWN_STATE)
    if not entry.tables:
        return NO_TABLES
    return None


def _line(entry: AgencyEntry, include_errors: bool) -> AgencyLine:
    reason = _verdict(entry, include_errors)
    if reason is not None:
        return AgencyLine(entry, False, reason)
    missing = tuple(key for key in _standard_cells() if number(_cell(entry.tables, *key)) is None)
    return AgencyLine(entry, True, None, missing)


def _empty() -> dict[str, dict[str, dict[str, Any]]]:
    return {spec.key: {row.label: {c: None for c in row.columns} for row in spec.rows} for spec in TABLES}


def summarize(entries: Iterable[AgencyEntry], include_errors: bool = False, *, year: int | None = None) -> Summary:
    """Sum the three tables cell by cell over the agencies that passed (and, with
    ``include_errors``, those with errors). Cells without a number are skipped and noted."""
    lines = tuple(_line(entry, include_errors) for entry in entries)
    totals, contributors = _empty(), _empty()
    for table, row, column in _standard_cells():
        values = [number(_cell(line.entry.tables, table, row, column)) for line in lines if line.included]
        values = [v for v in values if v is not None]
        totals[table][row][column] = _plain(sum(values, Decimal(0))) if values else None
        contributors[table][row][column] = len(values)
    return Summary(totals, contributors, lines, include_errors, year)


# ---------------------------------------------------------------- chat text


def _fmt(value: Number | None) -> str:
    if value is None:
        return "—"
    return str(value) if isinstance(value, int) else format(Decimal(str(value)).normalize(), "f")


def _reasons(summary: Summary) -> str:
    counts: dict[str, int] = {}
    for _, reason in summary.excluded:
        counts[reason] = counts.get(reason, 0) + 1
    return "、".join(f"{reason} {n} 个" for reason, n in counts.items())


def _scope_line(summary: Summary) -> str:
    included, excluded = summary.included, summary.excluded
    with_errors = sum(1 for e in included if e.state == "errors")
    scope = f"（含有错误的 {with_errors} 个）" if with_errors else "（均已通过审核）" if included else ""
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


def summary_text(summary: Summary) -> str:
    """A short Chinese text for the chat: who is summed, who is not, and the headline totals."""
    year = f"{summary.year}年度" if summary.year else ""
    lines = [f"{year}政府信息公开工作年度报告汇总", _scope_line(summary), *_excluded_names(summary)]
    if not summary.included:
        lines.append("没有可以汇总的报告。")
        return "\n".join(lines)
    lines += _headline_lines(summary)
    if summary.with_missing:
        lines.append(f"注意：{len(summary.with_missing)} 个机关的统计表有空白或不是数字的单元格，这些单元格没有计入合计。")
    if not summary.include_errors and any(e.state == "errors" for e, _ in summary.excluded):
        lines.append("有错误的报告没有计入；需要时可以连同有错误的报告一起汇总（机器人里发送 /summary 全部，命令行加 --include-errors）。")
    return "\n".join(lines)


# ---------------------------------------------------------------- workbook

THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
PARTIAL_FILL = PatternFill("solid", fgColor="FFF2CC")  # a sum that lacks some agencies' cells
ERROR_FILL = PatternFill("solid", fgColor="F8CBAD")  # an agency with errors
OUT_FILL = PatternFill("solid", fgColor="EDEDED")  # not submitted / unreadable
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
BOLD = Font(bold=True)
TITLE_FONT = Font(bold=True, size=14)

SHEET_NAMES = {spec.key: f"{spec.number} {spec.key}" for spec in TABLES}  # 表二 主动公开 …
AGENCY_SHEET = "各机关情况"
GRID_TOP = 4  # the first worksheet row of a table grid (title, note, blank row above it)
COLUMN_SCALE = {TABLE2.key: 18, TABLE3.key: 12, TABLE4.key: 9}  # characters per unit of grid width


def _title(ws, text: str, width: int) -> None:
    ws.cell(1, 1, text).font = TITLE_FONT
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)


def _note(ws, row: int, text: str, width: int) -> None:
    cell = ws.cell(row, 1, text)
    cell.alignment = LEFT
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)


def _write_grid_cell(ws, grid_cell: GridCell, value: Any, top: int) -> None:
    row, col = top + grid_cell.row, 1 + grid_cell.col
    end_row, end_col = row + grid_cell.rowspan - 1, col + grid_cell.colspan - 1
    cell = ws.cell(row, col, value)
    cell.border = BORDER  # merge_cells gives the range's edge cells the top-left cell's border
    cell.alignment = LEFT if grid_cell.kind == "label" and grid_cell.rowspan == 1 else CENTER
    if grid_cell.kind == "header":
        cell.font, cell.fill = BOLD, HEADER_FILL
    if (end_row, end_col) != (row, col):
        ws.merge_cells(start_row=row, start_column=col, end_row=end_row, end_column=end_col)


def _scope_note(summary: Summary) -> str:
    return _scope_line(summary) + (
        "" if not summary.with_missing else " 黄色单元格：部分机关该格空白或不是数字，合计只含填了数字的机关。"
    )


def _table_sheet(wb: Workbook, summary: Summary, grid: TableGrid, year: int | None) -> None:
    ws = wb.create_sheet(SHEET_NAMES[grid.spec.key])
    prefix = f"{year}年度 " if year else ""
    _title(ws, f"{prefix}{grid.spec.number} {grid.spec.title}（汇总）", grid.n_cols)
    _note(ws, 2, _scope_note(summary), grid.n_cols)
    ws.row_dimensions[2].height = 30
    included = len(summary.included)
    for grid_cell in grid.cells:
        if grid_cell.key is None:
            _write_grid_cell(ws, grid_cell, grid_cell.text, GRID_TOP)
            continue
        row, column = grid_cell.key
        _write_grid_cell(ws, grid_cell, summary.value(grid.spec.key, row, column), GRID_TOP)
        if summary.contributors[grid.spec.key][row][column] < included:
            ws.cell(GRID_TOP + grid_cell.row, 1 + grid_cell.col).fill = PARTIAL_FILL
    for i, width in enumerate(grid.widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width * COLUMN_SCALE[grid.spec.key]
    ws.freeze_panes = ws.cell(GRID_TOP + grid.header_rows, 1)


AGENCY_HEADERS = ("序号", "机关名称", "层级", "地区", "状态", "错误数", "警告数", "计入汇总", "说明", "文件名", "报送时间")


def _received(value: date | datetime | None) -> str | None:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return value.isoformat() if isinstance(value, date) else None


def _explanation(line: AgencyLine) -> str | None:
    if not line.included:
        return f"未计入：{line.reason}"
    if line.missing:
        return f"{len(line.missing)} 个单元格空白或不是数字，未计入合计"
    return None


def _agency_row(index: int, line: AgencyLine) -> list[Any]:
    entry = line.entry
    figures = [number(_cell(entry.tables, t, r, c)) for _, t, r, c in KEY_FIGURES]
    return [
        index,
        entry.name,
        LEVELS.get(entry.level or "", entry.level),
        entry.region,
        STATE_LABELS.get(entry.state, entry.state),
        entry.error_count if entry.state in ("passing", "errors") else None,
        entry.warning_count if entry.state in ("passing", "errors") else None,
        "是" if line.included else "否",
        _explanation(line),
        entry.file_name,
        _received(entry.received_at),
        *(_plain(f) if f is not None else None for f in figures),
    ]


def _agency_sheet(wb: Workbook, summary: Summary, year: int | None) -> None:
    ws = wb.create_sheet(AGENCY_SHEET)
    headers = AGENCY_HEADERS + tuple(h for h, *_ in KEY_FIGURES)
    prefix = f"{year}年度 " if year else ""
    _title(ws, f"{prefix}各机关报送与汇总情况", len(headers))
    _note(ws, 2, _scope_line(summary) + " 红色：报告有错误；灰色：未报送或无法读取。", len(headers))
    for c, text in enumerate(headers, start=1):
        cell = ws.cell(GRID_TOP, c, text)
        cell.font, cell.fill, cell.alignment, cell.border = BOLD, HEADER_FILL, CENTER, BORDER
    for i, line in enumerate(summary.lines, start=1):
        fill = ERROR_FILL if line.entry.state == "errors" else OUT_FILL if line.entry.state != "passing" else None
        for c, value in enumerate(_agency_row(i, line), start=1):
            cell = ws.cell(GRID_TOP + i, c, value)
            cell.border, cell.alignment = BORDER, LEFT if c in (2, 9, 10) else CENTER
            if fill is not None:
                cell.fill = fill
    _agency_totals(ws, summary, GRID_TOP + len(summary.lines) + 1, len(AGENCY_HEADERS))
    widths = (6, 28, 14, 12, 10, 8, 8, 9, 30, 24, 17) + (12,) * len(KEY_FIGURES)
    for c, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.freeze_panes = ws.cell(GRID_TOP + 1, 3)
    ws.auto_filter.ref = f"A{GRID_TOP}:{get_column_letter(len(headers))}{GRID_TOP + len(summary.lines)}"


def _agency_totals(ws, summary: Summary, row: int, offset: int) -> None:
    ws.cell(row, 2, "合计（计入汇总的机关）").font = BOLD
    for c, (_, table, label, column) in enumerate(KEY_FIGURES, start=offset + 1):
        cell = ws.cell(row, c, summary.value(table, label, column))
        cell.font, cell.border, cell.alignment = BOLD, BORDER, CENTER


def summary_xlsx(summary: Summary, year: int | None = None) -> bytes:
    """The workbook: one sheet per standard table laid out like the official one (merged
    headers, sums as numbers), and a per-agency sheet (state, errors, included or not, key
    figures; agencies with errors filled red)."""
    year = year or summary.year
    wb = Workbook()
    wb.remove(wb.active)
    for spec in TABLES:
        _table_sheet(wb, summary, table_grid(spec.key), year)
    _agency_sheet(wb, summary, year)
    wb.properties.title = f"{year or ''}政府信息公开工作年度报告汇总"
    out = io.BytesIO()
    _no_formulas(wb)
    wb.save(out)
    return out.getvalue()


def _no_formulas(wb: Workbook) -> None:
    """Agency and file names come from senders: a text starting with "=" must stay text, not
    become a live formula in the supervisor's Excel/WPS. (The workbook itself has no formulas.)"""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
