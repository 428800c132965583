"""A blank annual report in the 2021 national format, as a Word (.docx) file.

Title, a short preamble with the statistics period, the six section headings with a line of
guidance under each, the three tables (merged headers, every row and column label of the
standard, value cells empty) and a signature block. Everything comes from
:mod:`nianbao.validators.template` through :mod:`nianbao.reports.layout`.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from functools import lru_cache

import docx
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_ALIGN_VERTICAL, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from ..validators.template import GUIDANCE, PLACEHOLDER_AGENCY, PLACEHOLDER_YEAR, SECTIONS, TABLES, TableSpec
from .layout import TableGrid, table_grid

__all__ = ["GUIDANCE", "blank_report_docx", "report_title"]

TITLE_FONT, HEADING_FONT, BODY_FONT, LATIN_FONT = "方正小标宋简体", "黑体", "仿宋_GB2312", "Times New Roman"
TABLE_FONT = "宋体"
BODY_SIZE, TABLE_SIZES = Pt(16), {"主动公开": Pt(10.5), "依申请公开": Pt(9), "复议诉讼": Pt(9)}
PAGE_WIDTH, PAGE_HEIGHT = Cm(21), Cm(29.7)
ROW_HEIGHT = Cm(0.6)
MARGINS = {"top": Cm(3.7), "bottom": Cm(3.5), "left": Cm(2.5), "right": Cm(2.5)}


def report_title(year: int | None = None, agency: str | None = None) -> str:
    return f"{agency or PLACEHOLDER_AGENCY}{year or PLACEHOLDER_YEAR}年政府信息公开工作年度报告"


def _preamble(year: int | None, agency: str | None) -> str:
    y = year or PLACEHOLDER_YEAR
    return (
        f"本报告是{agency or PLACEHOLDER_AGENCY}根据《中华人民共和国政府信息公开条例》和"
        "《中华人民共和国政府信息公开工作年度报告格式》（国办公开办函〔2021〕30号）要求编制的。"
        f"本报告中所列数据的统计期限自{y}年1月1日起至{y}年12月31日止。"
    )


# ---------------------------------------------------------------- formatting helpers


def _set_fonts(run, east_asian: str, size, bold: bool = False) -> None:
    run.font.name = LATIN_FONT
    run.font.size = size
    run.font.bold = bold
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), east_asian)


def _paragraph(document, text: str, font: str = BODY_FONT, size=BODY_SIZE, *, bold=False, align=None, indent=True, keep=False):
    p = document.add_paragraph()
    p.paragraph_format.keep_with_next = keep
    if align is not None:
        p.alignment = align
    if indent:
        p.paragraph_format.first_line_indent = Pt(size.pt * 2)
    p.paragraph_format.line_spacing = 1.25
    _set_fonts(p.add_run(text), font, size, bold)
    return p


def _page_setup(document) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    for side, value in MARGINS.items():
        setattr(section, f"{side}_margin", value)


def _text_width():
    return PAGE_WIDTH - MARGINS["left"] - MARGINS["right"]


# ---------------------------------------------------------------- tables


def _rows_format(table, header_rows: int) -> None:
    """A minimum row height, and the header rows repeated on each page the table runs over."""
    for i, row in enumerate(table.rows):
        row.height_rule, row.height = WD_ROW_HEIGHT_RULE.AT_LEAST, ROW_HEIGHT
        if i < header_rows:
            row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))


def _column_widths(table, grid: TableGrid) -> None:
    total = sum(grid.widths)
    widths = [int(_text_width() * w / total) for w in grid.widths]
    table.autofit = False
    for column, width in zip(table.columns, widths):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths):
            cell.width = width


def _fill_cell(cell, text: str, size, bold: bool) -> None:
    cell.vertical_alignment = WD_ALIGN_VERTICAL.CENTER
    p = cell.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if text:
        _set_fonts(p.add_run(text), TABLE_FONT, size, bold)


def _add_table(document, spec: TableSpec):
    grid = table_grid(spec.key)
    table = document.add_table(rows=grid.n_rows, cols=grid.n_cols)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _column_widths(table, grid)
    size = TABLE_SIZES.get(spec.key, Pt(9))
    matrix = [list(row.cells) for row in table.rows]  # before merging: one w:tc per grid cell
    for cell in grid.cells:
        target = matrix[cell.row][cell.col]
        if cell.rowspan > 1 or cell.colspan > 1:
            target = target.merge(matrix[cell.row + cell.rowspan - 1][cell.col + cell.colspan - 1])
        _fill_cell(target, cell.text, size, bold=cell.kind == "header")
    _rows_format(table, grid.header_rows)
    return table


# ---------------------------------------------------------------- the document


def blank_report_docx(year: int | None = None, agency: str | None = None) -> bytes:
    """A blank report in the standard format (title, six sections, three empty tables) as .docx.

    ``year`` is the report year (the title, the statistics period; the date line is the next
    year), ``agency`` the agency's name; either left out becomes a placeholder (XX, ××××).
    """
    return _blank_report_docx(year, (agency or "").strip() or None)


@lru_cache(maxsize=32)
def _blank_report_docx(year: int | None, agency: str | None) -> bytes:
    document = docx.Document()
    _page_setup(document)
    _paragraph(document, report_title(year, agency), TITLE_FONT, Pt(22), align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _paragraph(document, _preamble(year, agency))
    tables = {spec.section: spec for spec in TABLES}
    for section in SECTIONS:
        has_table = section.number in tables
        _paragraph(document, f"{section.number}、{section.title}", HEADING_FONT, keep=True)
        _paragraph(document, GUIDANCE[section.number], keep=has_table)
        if has_table:
            _add_table(document, tables[section.number])
            document.add_paragraph()
    _paragraph(document, agency or f"{PLACEHOLDER_AGENCY}（机关名称）", align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    _paragraph(
        document,
        f"{(year + 1) if year else PLACEHOLDER_YEAR}年\u3000\u3000月\u3000\u3000日",
        align=WD_ALIGN_PARAGRAPH.RIGHT,
        indent=False,
    )
    properties = document.core_properties
    properties.title, properties.author, properties.last_modified_by = report_title(year, agency), agency or "", ""
    properties.comments = properties.subject = ""
    properties.created = properties.modified = datetime.now(UTC).replace(microsecond=0)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
