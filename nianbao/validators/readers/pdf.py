"""PDF with a text layer (a published report): tables through pdfplumber, text outside them as
paragraphs. A scan without a text layer cannot be read and says so."""

from __future__ import annotations

import io
import re

from ..document import DocCell, DocParagraph, DocTable, Document, ReadError
from ..model import Locator

MAX_PAGES = 60
_SENTENCE_END = tuple("。；;！!？?：:")
_PAGE_NUMBER = re.compile(r"\s*[-—–]\s*\d{1,3}\s*[-—–]\s*$")
_NEW_ITEM = re.compile(r"^\s*([一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）]|\d+[.、．])")


def read_pdf(data: bytes) -> Document:
    import pdfplumber

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:  # pdfminer raises many types for broken files
        raise ReadError("corrupt_pdf", "PDF 文件已损坏，无法读取。请发送报告的 Word 原稿（.docx）。") from exc
    with pdf:
        if len(pdf.pages) > MAX_PAGES:
            raise ReadError("too_large", f"PDF 超过 {MAX_PAGES} 页，不像一份年度报告。")
        reader = _PdfReader()
        try:
            for number, page in enumerate(pdf.pages):
                reader.read_page(page, number)
        except Exception as exc:  # a malformed page: pdfminer's errors are not one type
            raise ReadError("corrupt_pdf", "PDF 文件的内容已损坏，无法读取。请发送报告的 Word 原稿（.docx）。") from exc
    if not reader.text_found:
        raise ReadError(
            "scanned_pdf",
            "这个 PDF 没有文字层（可能是扫描件或图片），无法审核。请发送报告的 Word 原稿（.docx），或把全文复制粘贴发送。",
        )
    return Document(source="pdf", layout="pdf", blocks=reader.blocks)


class _PdfReader:
    def __init__(self) -> None:
        self.blocks: list = []
        self.tables = 0
        self.lines = 0
        self.text_found = False

    def read_page(self, page, number: int) -> None:
        found = page.find_tables()
        grids = [t for t in found if len(t.extract()[0] or []) > 1] if found else []
        # one-column "tables" are framed text: read as lines like the rest
        # a table starts at its first cell; text inside its frame but in no cell (a heading on the
        # line above the table) is read as a line of its own
        items = [(min((cell[1] for cell in t.cells), default=t.bbox[1]), "table", t) for t in grids]
        cells = [cell for t in grids for cell in t.cells]
        outside = page.filter(lambda obj: not any(_inside(obj, cell) for cell in cells))
        for line in outside.extract_text_lines(return_chars=False):
            text = _PAGE_NUMBER.sub("", line["text"])
            if text.strip():
                items.append((line["top"], "line", text))
        items.sort(key=lambda item: item[0])
        pending: list[str] = []
        for _, kind, item in items:
            if kind == "table":
                self._flush(pending, number)
                pending = []
                self.blocks.append(self._table(item.extract()))
            else:
                self.text_found = self.text_found or bool(item.strip())
                pending.append(item)
        self._flush(pending, number)

    def _flush(self, lines: list[str], page: int) -> None:
        """Join the lines a paragraph was broken into by the page width."""
        if not lines:
            return
        width = max(_width(line) for line in lines)
        paragraph = ""
        for line in lines:
            text = line.strip()
            previous = paragraph.splitlines()[-1] if paragraph else ""
            if paragraph and (_NEW_ITEM.match(text) or _width(previous) < 0.75 * width or previous.endswith(_SENTENCE_END)):
                self._paragraph(paragraph, page)
                paragraph = text
            else:
                paragraph = f"{paragraph}\n{text}" if paragraph else text
        self._paragraph(paragraph, page)

    def _paragraph(self, text: str, page: int) -> None:
        joined = text.replace("\n", "")
        if joined.strip():
            self.lines += 1
            self.blocks.append(DocParagraph(joined.strip(), Locator(source="pdf", paragraph=self.lines - 1, line=page + 1)))

    def _table(self, rows: list[list[str | None]]) -> DocTable:
        index = self.tables
        self.tables += 1
        grid = []
        for r, row in enumerate(rows):
            cells = [
                DocCell((text or "").strip(), Locator(source="pdf", table=index, grid_row=r, grid_col=c))
                for c, text in enumerate(row)
                if text is not None  # None: covered by a merged cell
            ]
            grid.append(cells)
        return DocTable(index, grid, Locator(source="pdf", table=index))


def _width(text: str) -> float:
    """Printed width: a Chinese character is as wide as two digits or spaces."""
    return sum(0.5 if ch.isascii() else 1.0 for ch in text.strip())


def _inside(obj, bbox) -> bool:
    x0, top, x1, bottom = bbox
    return obj.get("x0", 0) >= x0 - 1 and obj.get("x1", 0) <= x1 + 1 and obj.get("top", 0) >= top - 1 and obj.get("bottom", 0) <= bottom + 1
