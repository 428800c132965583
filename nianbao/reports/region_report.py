"""The region's summary report as a Word (.docx) file in the national format: the blank
template's title, preamble, six headings, three tables and signature (:mod:`.blank`), with the
summed tables filled in and each section's text drafted from the figures
(:mod:`.region_text`). The places a person must complete (【请补充：…】) are highlighted.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from decimal import Decimal

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.shared import Pt

from ..validators.template import SECTIONS, TABLES
from .blank import (
    BODY_FONT,
    BODY_SIZE,
    HEADING_FONT,
    TABLE_SIZES,
    TITLE_FONT,
    _add_table,
    _fill_cell,
    _page_setup,
    _paragraph,
    _preamble,
    _set_fonts,
    report_title,
)
from .layout import table_grid
from .region_text import FILL_PATTERN, RegionFacts, section_paragraphs
from .money import figure_text

__all__ = ["RegionFacts", "cell_text", "region_report_docx", "region_report_name"]


def cell_text(value) -> str:
    """A summed cell as printed: 12, 3.5 (a fee in 万元), blank when no agency had a number."""
    if value is None or isinstance(value, bool):
        return ""
    return figure_text(value)


def region_report_name(facts: RegionFacts) -> str:
    """The file name: 芮城县人民政府2024年政府信息公开工作年度报告（汇总稿）.docx"""
    return f"{report_title(facts.year, facts.agency)}（汇总稿）.docx"


def _draft_paragraph(document, text: str):
    """A body paragraph whose 【请补充：…】 places are highlighted in yellow."""
    paragraph = _paragraph(document, "")
    position = 0
    for match in FILL_PATTERN.finditer(text):
        if match.start() > position:
            _set_fonts(paragraph.add_run(text[position : match.start()]), BODY_FONT, BODY_SIZE)
        run = paragraph.add_run(match.group(0))
        _set_fonts(run, BODY_FONT, BODY_SIZE)
        run.font.highlight_color = WD_COLOR_INDEX.YELLOW
        position = match.end()
    if position < len(text):
        _set_fonts(paragraph.add_run(text[position:]), BODY_FONT, BODY_SIZE)
    return paragraph


def _fill_table(table, key: str, sums) -> None:
    """Write the summed values into a table laid out by :func:`.blank._add_table`."""
    size = TABLE_SIZES.get(key, Pt(9))
    rows = sums.get(key) or {}
    grid = table_grid(key)
    cells = table._cells  # the grid in reading order, merged cells repeated (table.cell() redoes it per call)
    for (row, column), cell in grid.value_cells().items():
        text = cell_text((rows.get(row) or {}).get(column))
        if text:
            _fill_cell(cells[cell.row * grid.n_cols + cell.col], text, size, bold=False)


def region_report_docx(facts: RegionFacts, *, now: datetime | None = None) -> bytes:
    """The region's summary report (title, preamble, six sections with drafted text, the three
    summed tables, the signature with the date left to fill) as .docx bytes."""
    document = docx.Document()
    _page_setup(document)
    title = report_title(facts.year, facts.agency)
    _paragraph(document, title, TITLE_FONT, Pt(22), align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _paragraph(document, _preamble(facts.year, facts.agency))
    texts = section_paragraphs(facts)
    tables = {spec.section: spec for spec in TABLES}
    for section in SECTIONS:
        _paragraph(document, f"{section.number}、{section.title}", HEADING_FONT, keep=True)
        for text in texts[section.number]:
            _draft_paragraph(document, text).paragraph_format.keep_with_next = section.number in tables
        if section.number in tables:
            spec = tables[section.number]
            _fill_table(_add_table(document, spec), spec.key, facts.summary.tables)
            document.add_paragraph()
    _paragraph(document, facts.agency, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    _paragraph(document, f"{facts.year + 1}年\u3000\u3000月\u3000\u3000日", align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    properties = document.core_properties
    properties.title, properties.author, properties.last_modified_by = title, facts.agency, ""
    properties.comments = properties.subject = ""
    properties.created = properties.modified = (now or datetime.now(UTC)).replace(microsecond=0)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
