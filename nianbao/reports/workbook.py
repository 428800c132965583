"""The county summary as an .xlsx workbook: one sheet per standard table laid out like the
official one (merged headers, sums as numbers), and a per-agency sheet. Every sheet prints
landscape on A4, fitted to the page width, with its header rows repeated on each page. The
per-agency sheet's rows (one an agency: 5,000 in a large county) are written as the sheet's XML
at once (``xlsx_rows``), what openpyxl would write for them cell by cell."""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.styles.fonts import DEFAULT_FONT
from openpyxl.utils import get_column_letter

from ..levels import LEVELS
from ..states import STATES, state_label
from ..validators.template import TABLE2, TABLE3, TABLE4, TABLES
from .layout import GridCell, TableGrid, table_grid
from ..storage.figures import INDEX, cells_of
from ..validators.identities import number
from .summary import KEY_FIGURES, STATE_LABELS, AgencyLine, Summary, _plain, _scope_line, breaks_warning
from .money import figure_value
from .xlsx_rows import rows_xml, splice_rows

__all__ = ["AGENCY_HEADERS", "AGENCY_SHEET", "GRID_TOP", "SHEET_NAMES", "summary_workbook"]

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

# Every cell of the tables and of the per-agency sheet takes one of these named styles, made once per
# workbook: openpyxl hashes a font, fill, border and alignment given cell by cell (a county of 5,000
# agencies is 100,000 cells), a named style is one lookup.
STYLES = {
    "单元格居中": dict(border=BORDER, alignment=CENTER),
    "单元格靠左": dict(border=BORDER, alignment=LEFT),
    "表头": dict(font=BOLD, fill=HEADER_FILL, border=BORDER, alignment=CENTER),
    "部分合计居中": dict(fill=PARTIAL_FILL, border=BORDER, alignment=CENTER),
    "部分合计靠左": dict(fill=PARTIAL_FILL, border=BORDER, alignment=LEFT),
    "有错误居中": dict(fill=ERROR_FILL, border=BORDER, alignment=CENTER),
    "有错误靠左": dict(fill=ERROR_FILL, border=BORDER, alignment=LEFT),
    "未计入居中": dict(fill=OUT_FILL, border=BORDER, alignment=CENTER),
    "未计入靠左": dict(fill=OUT_FILL, border=BORDER, alignment=LEFT),
    "合计": dict(font=BOLD, border=BORDER, alignment=CENTER),
}


def _add_styles(wb: Workbook) -> dict[str, NamedStyle]:
    styles = {}
    for name, parts in STYLES.items():  # a style without a font of its own keeps the workbook's
        styles[name] = NamedStyle(name=name, **{"font": DEFAULT_FONT, **parts})
        wb.add_named_style(styles[name])
    return styles


def _style(kind: str, left: bool) -> str:
    """The named style of a cell: its kind (单元格, 部分合计, 有错误, 未计入) aligned left or centred; 表头 centred."""
    return kind if kind == "表头" else f"{kind}{'靠左' if left else '居中'}"


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


def _write_grid_cell(ws, grid_cell: GridCell, value: Any, top: int, partial: bool = False) -> None:
    row, col = top + grid_cell.row, 1 + grid_cell.col
    end_row, end_col = row + grid_cell.rowspan - 1, col + grid_cell.colspan - 1
    cell = ws.cell(row, col, value)
    left = grid_cell.kind == "label" and grid_cell.rowspan == 1
    # merge_cells gives the range's edge cells the top-left cell's border
    cell.style = _style("表头" if grid_cell.kind == "header" else "部分合计" if partial else "单元格", left)
    if (end_row, end_col) != (row, col):
        ws.merge_cells(start_row=row, start_column=col, end_row=end_row, end_column=end_col)


def _scope_note(summary: Summary, scope: str) -> str:
    note = scope
    if summary.excluded:
        note += " 未纳入的机关及原因见「各机关情况」表。"
    if summary.with_derived:
        note += " 部分机关的空白单元格已按勾稽关系推算后计入。"
    if summary.with_missing:
        note += " 黄色单元格：部分机关该格空白或不是数字，合计只含填了数字的机关。"
    if summary.breaks:
        note = breaks_warning(summary) + " " + note
    return note


def _print_setup(ws, title_rows: str) -> None:
    """Landscape A4, fitted to the page width (as many pages down as needed), the header rows
    repeated on every page: 表四's ten columns stay on one sheet of paper."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = title_rows
    ws.print_options.horizontalCentered = True


def _table_sheet(wb: Workbook, summary: Summary, grid: TableGrid, year: int | None, note: str) -> None:
    ws = wb.create_sheet(SHEET_NAMES[grid.spec.key])
    prefix = f"{year}年度 " if year else ""
    _title(ws, f"{prefix}{grid.spec.number} {grid.spec.title}（汇总）", grid.n_cols)
    _note(ws, 2, note, grid.n_cols)
    ws.row_dimensions[2].height = 30
    included = len(summary.included)
    for grid_cell in grid.cells:
        if grid_cell.key is None:
            _write_grid_cell(ws, grid_cell, grid_cell.text, GRID_TOP)
            continue
        row, column = grid_cell.key
        partial = summary.contributors[grid.spec.key][row][column] < included
        _write_grid_cell(ws, grid_cell, figure_value(summary.value(grid.spec.key, row, column)), GRID_TOP, partial)
    for i, width in enumerate(grid.widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width * COLUMN_SCALE[grid.spec.key]
    ws.freeze_panes = ws.cell(GRID_TOP + grid.header_rows, 1)
    _print_setup(ws, f"{GRID_TOP}:{GRID_TOP + grid.header_rows - 1}")


AGENCY_HEADERS = ("序号", "机关名称", "层级", "地区", "状态", "错误数", "警告数", "计入汇总", "说明", "文件名", "报送时间")


def _received(value: date | datetime | None) -> str | None:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return value.isoformat() if isinstance(value, date) else None


def _explanation(line: AgencyLine) -> str | None:
    if not line.included:
        return f"未计入：{line.reason}"
    notes = []
    if line.zeroed:
        notes.append(f"{len(line.zeroed)} 个空白单元格经督导员确认按 0 计入")
    if line.derived:
        notes.append(f"{len(line.derived)} 个空白单元格按勾稽关系推算后计入")
    if line.missing:
        notes.append(f"{len(line.missing)} 个单元格空白或不是数字，未计入合计")
    return "；".join(notes) or None


KEY_PLACES = tuple(INDEX[(table, row, column)] for _, table, row, column in KEY_FIGURES)  # in the order of CELLS


def _key_figures(line: AgencyLine) -> list[Any]:
    """The line's key figures as the sheet keeps them: summed as summed, else as its report has them."""
    entry = line.entry
    if line.included:
        cells = line.cells
    else:
        cells = entry.figures.cells if entry.figures is not None else cells_of(entry.tables)
    return [_shown(cells[place]) for place in KEY_PLACES]


def _shown(value: Any) -> Any:
    """A figure as a sheet keeps it (``money.figure_value``): a whole number as it is."""
    if value is None or type(value) is int:
        return value
    return figure_value(_plain(number(value)))


def _agency_row(index: int, line: AgencyLine) -> list[Any]:
    entry = line.entry
    return [
        index,
        entry.name,
        LEVELS.get(entry.level or "", entry.level),
        entry.region,
        state_label(entry.state, entry.accepted) if entry.state in STATES else STATE_LABELS.get(entry.state, entry.state),
        entry.error_count if entry.state in ("passing", "errors") else None,
        entry.warning_count if entry.state in ("passing", "errors") else None,
        "是" if line.included else "否",
        _explanation(line),
        entry.file_name,
        _received(entry.received_at),
        *_key_figures(line),
    ]


def _agency_sheet(wb: Workbook, summary: Summary, year: int | None, styles: dict[str, NamedStyle], scope: str) -> bytes:
    """The per-agency sheet, its agencies' rows apart: they are written as the sheet's XML
    (``xlsx_rows``), to be put below its header row once the workbook is saved."""
    ws = wb.create_sheet(AGENCY_SHEET)
    headers = AGENCY_HEADERS + tuple(h for h, *_ in KEY_FIGURES)
    prefix = f"{year}年度 " if year else ""
    _title(ws, f"{prefix}各机关报送与汇总情况", len(headers))
    _note(ws, 2, scope + " 红色：报告有错误；灰色：未报送或无法读取。", len(headers))
    for c, text in enumerate(headers, start=1):
        ws.cell(GRID_TOP, c, text).style = "表头"
    ids = {}  # each style's id in the workbook, as its cells would have it
    for name in {_style(kind, left) for kind in ROW_KINDS for left in (True, False)}:
        ids[name] = Cell(ws, style_array=styles[name].as_tuple()).style_id
    columns = {kind: [ids[_style(kind, c in (2, 9, 10))] for c in range(1, len(headers) + 1)] for kind in ROW_KINDS}
    rows = (
        (_agency_row(i, line), columns[_row_kind(line)]) for i, line in enumerate(summary.lines, start=1)
    )  # below the header row, GRID_TOP + i
    body = rows_xml(GRID_TOP + 1, rows)
    _agency_totals(ws, summary, GRID_TOP + len(summary.lines) + 1, len(AGENCY_HEADERS))
    widths = (6, 28, 14, 12, 10, 8, 8, 9, 30, 24, 17) + (12,) * len(KEY_FIGURES)
    for c, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.freeze_panes = ws.cell(GRID_TOP + 1, 3)
    _print_setup(ws, f"{GRID_TOP}:{GRID_TOP}")
    ws.auto_filter.ref = f"A{GRID_TOP}:{get_column_letter(len(headers))}{GRID_TOP + len(summary.lines)}"
    return body


ROW_KINDS = ("有错误", "未计入", "单元格")


def _row_kind(line: AgencyLine) -> str:
    """有错误 (filled red), 未计入 (grey: not submitted, unreadable, …), else 单元格."""
    return "有错误" if line.entry.state == "errors" else "未计入" if not line.included and line.entry.state != "passing" else "单元格"


def _agency_totals(ws, summary: Summary, row: int, offset: int) -> None:
    ws.cell(row, 2, "合计（计入汇总的机关）").font = BOLD
    for c, (_, table, label, column) in enumerate(KEY_FIGURES, start=offset + 1):
        ws.cell(row, c, figure_value(summary.value(table, label, column))).style = "合计"


def summary_workbook(summary: Summary, year: int | None = None) -> bytes:
    """The workbook: one sheet per standard table laid out like the official one (merged
    headers, sums as numbers), and a per-agency sheet (state, errors, included or not, key
    figures; agencies with errors filled red)."""
    year = year or summary.year
    wb = Workbook()
    wb.remove(wb.active)
    styles = _add_styles(wb)
    scope = _scope_line(summary)  # who is summed and who is not, with why: worked out once
    note = _scope_note(summary, scope)
    for spec in TABLES:
        _table_sheet(wb, summary, table_grid(spec.key), year, note)
    rows = _agency_sheet(wb, summary, year, styles, scope)
    wb.properties.title = f"{year or ''}政府信息公开工作年度报告汇总"
    out = io.BytesIO()
    _no_formulas(wb.worksheets)  # the agencies' rows are written with text as text (``xlsx_rows``)
    wb.save(out)
    return splice_rows(out.getvalue(), wb[AGENCY_SHEET].path, GRID_TOP + len(summary.lines) + 1, rows)


def _no_formulas(worksheets) -> None:
    """Agency and file names come from senders: a text starting with "=" must stay text, not
    become a live formula in the supervisor's Excel/WPS. (The workbook itself has no formulas.)"""
    for ws in worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
