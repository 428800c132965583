"""Word .docx (as Word and WPS save it): paragraphs and tables read on the grid.

python-docx opens the package; the body is then walked once with lxml. ``row.cells`` in
python-docx recomputes the grid for every call and is slow on large merged tables, so merged
cells are resolved here directly from ``w:gridSpan``/``w:vMerge``/``w:gridBefore``.
"""

from __future__ import annotations

import io
import zipfile

from ..document import DocCell, DocParagraph, DocTable, Document, ReadError
from ..model import Locator

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_P, _TBL, _TR, _TC, _SDT = f"{W}p", f"{W}tbl", f"{W}tr", f"{W}tc", f"{W}sdt"
_T, _TAB, _BR, _CR = f"{W}t", f"{W}tab", f"{W}br", f"{W}cr"
_VAL = f"{W}val"

MAX_UNCOMPRESSED = 64 * 1024 * 1024  # a real report's document.xml is well under 5 MB
MAX_RATIO = 200


def check_package(data: bytes) -> None:
    """Refuse zip bombs and broken packages before any XML is parsed."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise ReadError("corrupt_docx", "文件已损坏或不是有效的 Word（.docx）文档，请在 Word/WPS 中重新“另存为 .docx”后再发送。") from exc
    names = {info.filename for info in infos}
    if "word/document.xml" not in names:
        raise ReadError("not_docx", "这个压缩包不是 Word（.docx）文档（缺少 word/document.xml）。请发送 .docx 文件。")
    total = sum(info.file_size for info in infos)
    if total > MAX_UNCOMPRESSED or any(
        info.compress_size and info.file_size / info.compress_size > MAX_RATIO and info.file_size > 1_000_000 for info in infos
    ):
        raise ReadError("too_large", "文档解压后体积异常（可能是压缩炸弹），已拒绝读取。请发送正常保存的 .docx 文件。")


def read_docx(data: bytes) -> Document:
    check_package(data)
    import docx  # python-docx: package and part handling

    try:
        body = docx.Document(io.BytesIO(data)).element.body
    except Exception as exc:  # python-docx raises many types for broken packages
        raise ReadError("corrupt_docx", "无法打开这个 Word 文档（文件结构损坏）。请在 Word/WPS 中重新保存为 .docx 后再发送。") from exc
    reader = _BodyReader()
    reader.walk(body)
    return Document(source="docx", layout="docx", blocks=reader.blocks)


class _BodyReader:
    def __init__(self) -> None:
        self.blocks: list = []
        self.paragraph_count = 0
        self.table_count = 0

    def walk(self, element) -> None:
        for child in element.iterchildren():
            tag = child.tag
            if tag == _P:
                self._add_paragraph(child)
            elif tag == _TBL:
                self.blocks.append(read_table(child, self.table_count))
                self.table_count += 1
            elif tag == _SDT:
                content = child.find(f"{W}sdtContent")
                if content is not None:
                    self.walk(content)

    def _add_paragraph(self, p) -> None:
        text = paragraph_text(p)
        locator = Locator(source="docx", paragraph=self.paragraph_count)
        self.paragraph_count += 1
        if text.strip():
            self.blocks.append(DocParagraph(text.strip(), locator))


def paragraph_text(p) -> str:
    parts: list[str] = []
    for node in p.iter(_T, _TAB, _BR, _CR):
        tag = node.tag
        if tag == _T:
            parts.append(node.text or "")
        elif tag == _TAB:
            parts.append(" ")
        else:
            parts.append("\n")
    return "".join(parts)


def _cell_text(tc) -> str:
    return "\n".join(paragraph_text(p) for p in tc.iter(_P)).strip()


def _int_attr(parent, path: str, default: int) -> int:
    node = parent.find(path)
    if node is None:
        return default
    try:
        return max(1, int(node.get(_VAL, default)))
    except ValueError:
        return default


def read_table(tbl, index: int) -> DocTable:
    rows: list[list[DocCell]] = []
    for row_no, tr in enumerate(tbl.iterchildren(_TR)):
        column = _int_attr(tr, f"{W}trPr/{W}gridBefore", 0) if tr.find(f"{W}trPr/{W}gridBefore") is not None else 0
        cells: list[DocCell] = []
        for tc in tr.iterchildren(_TC):
            span = _int_attr(tc, f"{W}tcPr/{W}gridSpan", 1)
            vmerge = tc.find(f"{W}tcPr/{W}vMerge")
            continues_above = vmerge is not None and vmerge.get(_VAL, "continue") == "continue"
            if not continues_above:
                locator = Locator(source="docx", table=index, grid_row=row_no, grid_col=column)
                cells.append(DocCell(_cell_text(tc), locator))
            column += span
        rows.append(cells)
    return DocTable(index, rows, Locator(source="docx", table=index))
