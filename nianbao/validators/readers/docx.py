"""Word .docx (as Word and WPS save it): paragraphs and tables read on the grid.

The package is opened once (``package``); the body is then walked once with lxml, as a person reads it
(``word_body``: content controls, custom XML, layout tables, the table of contents, altChunk
parts; hidden text left out, a text box read once). ``row.cells`` in python-docx recomputes the
grid for every call and is slow on large merged tables, so merged cells are resolved here
directly from ``w:gridSpan``/``w:vMerge``/``w:gridBefore``. A Strict Open XML package is read
under the ordinary names (``strict``). What was read from is kept on ``Document.word``
(``word_tree``) for the marked-up copy.
"""

from __future__ import annotations

from lxml import etree

from ..document import DocCell, DocParagraph, DocTable, Document, ReadError
from ..model import Locator, shared_locator
from ..text import squash
from .numbering import Numbering
from .package import Package
from .strict import is_strict, transitional, transitional_package
from .word_body import (
    ALT_CHUNK, FIELD_MARKS, MC_FALLBACK, TXBX, VANISH, W, Hidden, StyledToc, TocFields, blocks, drop_fallbacks, hidden_of, table_holders, toc_reader,
)  # fmt: skip
from .word_tree import WordTree

_P, _TBL, _TR, _TC, _SDT = f"{W}p", f"{W}tbl", f"{W}tr", f"{W}tc", f"{W}sdt"
_T, _TAB, _BR, _CR = f"{W}t", f"{W}tab", f"{W}br", f"{W}cr"
_VAL = f"{W}val"
_TCPR, _GRIDSPAN, _VMERGE, _HMERGE = f"{W}tcPr", f"{W}gridSpan", f"{W}vMerge", f"{W}hMerge"
_GRIDBEFORE = f"{W}gridBefore"
# no entities resolved, no network, no huge trees: hostile XML cannot expand or reach out
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)
# elements whose presence asks for more work (read once by one walk of the tree)
_FLAGS = (MC_FALLBACK, f"{W}moveFrom", f"{W}showingPlcHdr", TXBX, ALT_CHUNK)


def read_docx(data: bytes, depth: int = 0) -> Document:
    package = Package(data)
    partname, xml = package.main_part()
    if is_strict(xml):  # Word's "Strict Open XML": the same document under other namespace names
        data, xml = transitional_package(data), transitional(xml)
        package = Package(data, checked=False)
    try:
        root = etree.fromstring(xml, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise ReadError("corrupt_docx", "Word 文档的正文已损坏，无法读取。请在 Word/WPS 中重新保存为 .docx 后再发送。") from exc
    body = root.find(f"{W}body")
    if body is None:
        raise ReadError("corrupt_docx", "Word 文档没有正文内容。")
    found = list(root.iter(*_FLAGS, *FIELD_MARKS, VANISH, _TBL))
    flags = {element.tag for element in found}
    fallbacks = drop_fallbacks(body) if MC_FALLBACK in flags else []
    reader = _BodyReader(Numbering.from_package(package.archive, _PARSER))
    moves, prompts = f"{W}moveFrom" in flags, f"{W}showingPlcHdr" in flags
    reader.hidden = hidden_of(body, package.get("word/styles.xml"), _PARSER, moves=moves, prompts=prompts, vanish=VANISH in flags)
    reader.holders = table_holders([element for element in found if element.tag == _TBL], root)
    reader.toc = toc_reader(xml, [element for element in found if element.tag in FIELD_MARKS])
    reader.boxes = TXBX in flags
    if ALT_CHUNK in flags:
        from .chunks import Chunks

        reader.chunks = Chunks(data, partname, _PARSER, depth)
    reader.walk(body)
    word = WordTree(package, partname, root, reader.paragraphs, reader.tables, fallbacks)
    return Document(source="docx", layout="docx", blocks=reader.blocks, hidden=reader.hidden_notes, word=word)


class _BodyReader:
    def __init__(self, numbering: Numbering | None = None) -> None:
        self.numbering = numbering
        self.hidden: Hidden | None = None
        self.toc: TocFields | StyledToc | None = None
        self.chunks = None
        self.boxes = False  # the document has text boxes
        self.holders: set | None = None  # the tables holding a table (word_body.table_holders)
        self.blocks: list = []
        self.hidden_notes: list[DocParagraph] = []  # hidden text that holds a number, where it is
        self.paragraphs: list = []  # every body paragraph's w:p (a table of contents' too), by locator
        self.tables: list = []  # every data table's w:tbl, by locator

    def walk(self, element) -> None:
        for kind, child in blocks(element, holders=self.holders):
            if kind == "tbl":
                self.blocks.append(read_table(child, len(self.tables), self.numbering, self.hidden, self.hidden_notes))
                self.tables.append(child)
            elif kind == "chunk":
                if self.chunks is not None:
                    self.blocks += self.chunks.read(child)
            else:
                in_toc = kind == "toc" or (self.toc is not None and self.toc.entry(child))
                if in_toc and self.blocks and isinstance(self.blocks[-1], DocParagraph) and squash(self.blocks[-1].text) in _TOC_TITLES:
                    self.blocks.pop()  # the 目录 heading above its entries
                self._add_paragraph(child, skip=in_toc)

    def _add_paragraph(self, p, skip: bool = False) -> None:
        locator = shared_locator("docx", paragraph=len(self.paragraphs))
        self.paragraphs.append(p)
        if skip:  # a line of the table of contents: counted (the marked-up copy counts it), not read
            return
        hidden = self.hidden.skipped if self.hidden else _NOTHING
        boxes = self.boxes and p.find(f".//{TXBX}") is not None
        for k, box in enumerate(p.iter(TXBX) if boxes else (), start=1):
            for inner in box.iter(_P):  # a text box (the title is often one) reads as its own lines
                text = paragraph_text(inner, hidden)
                if text.strip():
                    self.blocks.append(DocParagraph(text.strip(), Locator(source="docx", paragraph=locator.paragraph, line=k)))
        text = paragraph_text(p, hidden, outside_boxes=boxes)
        if hidden:
            self._note_hidden(p, locator)
            if not text.strip() and (p in self.hidden.marks or p.find(f".//{_T}") is not None):
                return  # a paragraph hidden (or moved away) as a whole: no list number either
        if self.numbering is not None:
            text = self.numbering.label(p) + text.lstrip()
        if text.strip():
            self.blocks.append(DocParagraph(text.strip(), locator))

    def _note_hidden(self, p, locator: Locator) -> None:
        text = "".join(t.text or "" for r in p.iter(f"{W}r") if r in self.hidden.runs for t in r.iter(_T))
        if any(ch.isdigit() for ch in text):
            self.hidden_notes.append(DocParagraph(text.strip(), locator))


_NOTHING: frozenset = frozenset()
_TOC_TITLES = frozenset({"目录", "目次"})


def paragraph_text(p, hidden=_NOTHING, outside_boxes: bool = False) -> str:
    """The text of a paragraph as it reads: hidden runs left out; with ``outside_boxes``, the
    text of the text boxes anchored in it left out too (they are read on their own)."""
    parts: list[str] = []
    for node in p.iter(_T, _TAB, _BR, _CR):
        if hidden and node.getparent() in hidden:
            continue
        if outside_boxes and next(node.iterancestors(TXBX), None) is not None:
            continue
        tag = node.tag
        if tag == _T:
            parts.append(node.text or "")
        elif tag == _TAB:
            parts.append(" ")
        else:
            parts.append("\n")
    return "".join(parts)


def _cell_text(tc, numbering: Numbering | None = None) -> str:
    """Paragraphs of a cell joined by line breaks (labels are broken over lines: 本年制 / 发件数)."""
    if numbering is None:
        return "\n".join("".join(p.itertext(_T)) for p in tc.iter(_P)).strip()
    return "\n".join(numbering.label(p) + "".join(p.itertext(_T)) for p in tc.iter(_P)).strip()


def _val(element, default: int) -> int:
    try:
        return max(1, int(element.get(_VAL, default)))
    except ValueError:
        return default


def read_table(tbl, index: int, numbering: Numbering | None = None, hidden: Hidden | None = None, notes: list | None = None) -> DocTable:
    """One pass over the table's rows, cells, merge marks (``gridSpan``, ``vMerge``, the legacy
    ``hMerge``), paragraphs and text runs, in document order. Hidden runs are left out (their
    numbers, if any, noted in ``notes``)."""
    rows: list[list[DocCell]] = []
    cells: list[DocCell] = []
    parts: list[str] = []
    unseen: list[str] = []
    skipped = hidden.skipped if hidden else _NOTHING
    noted = hidden.runs if hidden else _NOTHING
    column = span = 0
    skip = False
    row_no = -1
    t_tag, p_tag, tc_tag, tr_tag, val = _T, _P, _TC, _TR, _VAL  # (locals: this loop sees every cell)
    open_cell = False
    for element in tbl.iter(_TR, _TC, _GRIDBEFORE, _GRIDSPAN, _VMERGE, _HMERGE, _P, _T):
        tag = element.tag
        if tag == t_tag:
            if skipped and element.getparent() in skipped:
                if element.getparent() in noted:
                    unseen.append(element.text or "")
            else:
                parts.append(element.text or "")
        elif tag == p_tag:
            if parts:
                parts.append("\n")
            if numbering is not None:
                parts.append(numbering.label(element))
        elif tag == tc_tag or tag == tr_tag:
            if open_cell and not skip:  # the cell before ends
                locator = shared_locator("docx", index, row_no, column)
                cells.append(DocCell("".join(parts).strip(), locator))
                if unseen and notes is not None and any(ch.isdigit() for ch in "".join(unseen)):
                    notes.append(DocParagraph("".join(unseen).strip(), locator))
            if tag == tc_tag:
                if open_cell:
                    column += span
                open_cell, parts, unseen, span, skip = True, [], [], 1, False
            else:  # a new row
                if row_no >= 0:
                    rows.append(cells)
                row_no, cells, column, open_cell = row_no + 1, [], 0, False
        elif tag == _GRIDSPAN:
            span = _val(element, 1)
        elif tag == _VMERGE:
            skip = element.get(val, "continue") == "continue"
        elif tag == _HMERGE:  # Word 97's horizontal merge: the continuation belongs to the cell on its left
            skip = skip or element.get(val, "continue") == "continue"
        else:  # gridBefore
            column = _val(element, 0)
    if open_cell and not skip:
        locator = shared_locator("docx", index, row_no, column)
        cells.append(DocCell("".join(parts).strip(), locator))
        if unseen and notes is not None and any(ch.isdigit() for ch in "".join(unseen)):
            notes.append(DocParagraph("".join(unseen).strip(), locator))
    if row_no >= 0:
        rows.append(cells)
    return DocTable(index, rows, Locator(source="docx", table=index))
