"""Plain text in the three layouts seen in the wild, detected from the content.

- ``tabbed``: table cells one per line, each starting with a tab, rows separated by blank lines
  (text extracted from Word); a line without a tab right after a cell continues that cell.
- ``markdown``: tables as ``| a | b |`` lines (PDF converters), split across pages.
- ``rows``: each table row on one line, label and numbers side by side (text taken out of a PDF:
  ``pdftotext -layout``, pdfplumber), read by ``rows.py``.
- ``one_per_line``: every paragraph and every cell on its own line, blank lines between them
  (text copied from a web page); the rows are not known, the mapper reads it as a stream.
"""

from __future__ import annotations

import re

from ..document import DocCell, DocParagraph, DocTable, Document, ReadError
from ..model import Locator
from ..text import looks_like_value, strip_artifacts
from .rows import looks_like_rows, read_rows

MAX_TEXT_CHARS = 2_000_000


def decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    if b"\x00" in data[:4096]:
        raise ReadError("not_text", "文件不是文本，也不是 Word（.docx）文档，无法读取。请上传 .docx 文件或直接粘贴报告全文。")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace")


def detect_layout(lines: list[str]) -> str:
    pipe = sum(1 for line in lines if line.lstrip().startswith("|") and line.rstrip().endswith("|"))
    tabbed = sum(1 for line in lines if line.startswith("\t"))
    if pipe >= 5 and pipe >= tabbed:
        return "markdown"
    if tabbed >= 10:
        return "tabbed"
    if looks_like_rows(lines):
        return "rows"
    return "one_per_line"


def read_text(text: str) -> Document:
    if len(text) > MAX_TEXT_CHARS:
        raise ReadError("too_large", f"文本过长（超过 {MAX_TEXT_CHARS // 10000} 万字），不像一份年度报告。")
    lines = strip_artifacts(text.replace("\r\n", "\n").replace("\r", "\n")).split("\n")
    layout = detect_layout(lines)
    reader = {"markdown": _read_markdown, "tabbed": _read_tabbed, "rows": read_rows}.get(layout, _read_one_per_line)
    return Document(source="text", layout=layout, blocks=reader(lines))


_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s*")


def _paragraph(line: str, number: int) -> DocParagraph:
    """A line of text; markdown's heading marks (「## 一、总体情况」) are not part of it."""
    return DocParagraph(_MARKDOWN_HEADING.sub("", line.strip()), Locator(source="text", line=number))


def _read_one_per_line(lines: list[str]) -> list:
    """Sparse (a web page's text): one blank line separates cells, an empty cell shows as two more
    blank lines. Dense (a word processor's text export): cells on consecutive lines, so every
    blank line is an empty cell."""
    dense = _is_dense(lines)
    blocks, blanks = [], 0
    for i, line in enumerate(lines):
        if not line.strip():
            blanks += 1
            continue
        empty_cells = blanks if dense else (blanks - 1) // 2 if blanks >= 3 else 0
        if blocks and empty_cells:
            blocks += [DocParagraph("", Locator(source="text", line=i + 1 - blanks + k)) for k in range(empty_cells)]
        blocks.append(_paragraph(line, i + 1))
        blanks = 0
    return blocks


MAX_CELL_CHARS = 12


def _is_dense(lines: list[str]) -> bool:
    """Short lines (cells) mostly follow each other without a blank line between."""
    adjacent = separated = blanks = 0
    previous = ""
    for line in lines:
        text = line.strip()
        if not text:
            blanks += 1
            continue
        if previous and len(text) <= MAX_CELL_CHARS and len(previous) <= MAX_CELL_CHARS:
            adjacent += blanks == 0
            separated += blanks == 1
        previous, blanks = text, 0
    return adjacent > 3 * separated and adjacent >= 20


class _TableBuilder:
    def __init__(self, index: int, first_line: int):
        self.table = DocTable(index, [], Locator(source="text", line=first_line, table=index))
        self.row: list[DocCell] = []

    def add_cell(self, text: str, line: int) -> None:
        row_no = len(self.table.rows)
        self.row.append(
            DocCell(text, Locator(source="text", line=line, table=self.table.index, grid_row=row_no, grid_col=len(self.row)))
        )

    def extend_cell(self, text: str) -> None:
        last = self.row[-1]
        last.text = f"{last.text}\n{text}"

    def end_row(self) -> None:
        if self.row:
            self.table.rows.append(self.row)
            self.row = []

    def finish(self) -> DocTable:
        self.end_row()
        return self.table


def _read_tabbed(lines: list[str]) -> list:
    blocks: list = []
    builder: _TableBuilder | None = None
    previous_was_cell = False
    table_count = 0
    for i, line in enumerate(lines):
        number = i + 1
        if line.startswith("\t"):
            if builder is None:
                builder = _TableBuilder(table_count, number)
                table_count += 1
            builder.add_cell(line[1:].strip(), number)
            previous_was_cell = True
        elif not line.strip():
            if builder is not None:
                builder.end_row()
            previous_was_cell = False
        elif previous_was_cell and builder is not None and _continues(builder.row, line):
            builder.extend_cell(line.strip())
        elif previous_was_cell and builder is not None and looks_like_value(line):
            builder.add_cell(line.strip(), number)  # its tab was lost (a pasted message is trimmed)
        else:
            if builder is not None:
                blocks.append(builder.finish())
                builder = None
            blocks.append(_paragraph(line, number))
    if builder is not None:
        blocks.append(builder.finish())
    return blocks


def _continues(row: list[DocCell], line: str) -> bool:
    """A line without a tab right after a label cell is the rest of that label ("本年制" / "发件数")."""
    previous = row[-1].text if row else ""
    return bool(previous.strip()) and not looks_like_value(previous) and not looks_like_value(line) and len(line.strip()) <= 20


def _split_markdown_row(line: str) -> list[str]:
    inner = line.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") else inner
    return [cell.strip() for cell in inner.split("|")]


def _is_separator(cells: list[str]) -> bool:
    return all(set(cell) <= set("-: ") for cell in cells) and any("-" in cell for cell in cells)


def _read_markdown(lines: list[str]) -> list:
    blocks: list = []
    builder: _TableBuilder | None = None
    table_count = 0
    for i, line in enumerate(lines):
        number = i + 1
        stripped = line.strip()
        if stripped.startswith("|"):
            cells = _split_markdown_row(stripped)
            if _is_separator(cells):
                continue
            if builder is None:
                builder = _TableBuilder(table_count, number)
                table_count += 1
            for cell in cells:
                builder.add_cell(cell, number)
            builder.end_row()
            continue
        if builder is not None:
            blocks.append(builder.finish())
            builder = None
        if stripped:
            blocks.append(_paragraph(line, number))
    if builder is not None:
        blocks.append(builder.finish())
    return blocks
