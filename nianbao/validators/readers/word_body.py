"""A Word body as a person reads it, whatever Word, WPS or an export tool wrapped around it.

``blocks()`` walks the body in reading order and yields its paragraphs and data tables. Both the
reader (``readers.docx``) and the marked-up copy (``body_map``) walk it this way, so a locator
counted by one names the same element in the other. What it looks through:

- content controls (``w:sdt``) and custom XML (``w:customXml``, Word 2007 and template engines),
  which wrap paragraphs and tables without being either;
- layout tables: a table holding another table, or a single cell (a whole report exported by an
  OA system or a web editor inside a frame, table 3 put in a one-cell box) is a frame, not data:
  its cells' content is read as blocks;
- an automatic table of contents (目录): its paragraphs are yielded as ``toc`` (counted, not read:
  「一、总体情况 1」 is not the heading);
- ``w:altChunk``: a part of another format (HTML pasted from a web editor) read in its place.

``Hidden`` knows the runs a reader does not see (``w:vanish``, directly or by style; the source
of a tracked move, an unfilled content control's prompt), and
``TocFields`` the paragraphs inside a TOC field (Word's and WPS's 目录 without a content control).
"""

from __future__ import annotations

import re
from functools import cached_property
from typing import Iterator

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
P, TBL, TR, TC, SDT, R = f"{W}p", f"{W}tbl", f"{W}tr", f"{W}tc", f"{W}sdt", f"{W}r"
SDT_CONTENT, CUSTOM_XML, ALT_CHUNK = f"{W}sdtContent", f"{W}customXml", f"{W}altChunk"
TXBX = f"{W}txbxContent"
_VAL = f"{W}val"
_GALLERY = f"{W}sdtPr/{W}docPartObj/{W}docPartGallery"
_VANISH, _RPR, _PPR, _MOVE_FROM = f"{W}vanish", f"{W}rPr", f"{W}pPr", f"{W}moveFrom"
_PLACEHOLDER = f"{W}showingPlcHdr"
_RSTYLE, _PSTYLE = f"{W}rStyle", f"{W}pStyle"
_FLDCHAR, _INSTR, _FLDSIMPLE, _HYPERLINK, _T = f"{W}fldChar", f"{W}instrText", f"{W}fldSimple", f"{W}hyperlink", f"{W}t"
_TAB = f"{W}tab"
_TOC_STYLE = re.compile(r"^(toc|TOC|目录)\s?\d$")
_OFF = ("0", "false", "off")


def blocks(element, toc: bool = False, holders: set | None = None) -> Iterator[tuple[str, object]]:
    """("p" | "toc", w:p), ("tbl", w:tbl) or ("chunk", w:altChunk) in reading order.
    ``holders``: the tables that hold another table, where they are known (``table_holders``)."""
    for child in element.iterchildren():
        tag = child.tag
        if tag == P:
            yield ("toc" if toc else "p"), child
        elif tag == TBL:
            if is_frame(child, holders):
                for tc in frame_cells(child):
                    yield from blocks(tc, toc, holders)
            else:
                yield "tbl", child
        elif tag == SDT:
            content = child.find(SDT_CONTENT)
            if content is not None:
                gallery = child.find(_GALLERY)
                in_toc = toc or (gallery is not None and "content" in (gallery.get(_VAL) or "").lower())
                yield from blocks(content, in_toc, holders)
        elif tag == CUSTOM_XML:
            yield from blocks(child, toc, holders)
        elif tag == ALT_CHUNK:
            yield "chunk", child


def table_holders(tables, root) -> set:
    """The tables that hold another table, from every w:tbl of the document (``tables``; those
    no longer under ``root``, set aside with a fallback, left out): what ``is_frame`` would find
    looking through each table, without looking through it."""
    holders = set()
    for table in tables:
        chain = list(table.iterancestors())
        if chain and chain[-1] is root:
            holders.update(ancestor for ancestor in chain if ancestor.tag == TBL)
    return holders


def _children(element, tag: str):
    """Children with ``tag``, looking through content controls and custom XML around them."""
    for child in element.iterchildren():
        if child.tag == tag:
            yield child
        elif child.tag == SDT:
            content = child.find(SDT_CONTENT)
            if content is not None:
                yield from _children(content, tag)
        elif child.tag == CUSTOM_XML:
            yield from _children(child, tag)


def frame_cells(tbl):
    for tr in _children(tbl, TR):
        yield from _children(tr, TC)


def is_frame(tbl, holders: set | None = None) -> bool:
    """A layout table: it holds another table, or it is a single cell."""
    rows = list(_children(tbl, TR))
    if len(rows) == 1 and len(list(_children(rows[0], TC))) == 1:
        return True
    if holders is not None:
        return tbl in holders
    return next(tbl.iterdescendants(TBL), None) is not None


def drop_fallbacks(root) -> list[tuple]:
    """A text box (and any drawing) is stored twice, as DrawingML and as its VML fallback
    (``mc:Fallback``): only the first is read. Returns what was taken out, (parent, position,
    fallback) in document order, for ``restore_fallbacks``."""
    dropped = []
    for fallback in list(root.iter(MC_FALLBACK)):
        parent = fallback.getparent()
        dropped.append((parent, parent.index(fallback), fallback))
        parent.remove(fallback)
    return dropped


def restore_fallbacks(dropped: list[tuple]) -> None:
    """Put the fallbacks ``drop_fallbacks`` took out back where they were (a nested one first)."""
    for parent, position, fallback in reversed(dropped):
        parent.insert(position, fallback)


def _on(element) -> bool:
    return element.get(_VAL, "true").lower() not in _OFF


def _hidden_styles(styles) -> set[str]:
    """Style ids whose own run properties hide the text."""
    hidden = set()
    if styles is None:
        return hidden
    for style in styles.iterchildren(f"{W}style"):
        vanish = style.find(f"{_RPR}/{_VANISH}")
        if vanish is not None and _on(vanish):
            hidden.add(style.get(f"{W}styleId", ""))
    return hidden


class Hidden:
    """The runs hidden as Word shows a document (``w:vanish`` set on the run, on its character
    style or its paragraph's style), the paragraphs whose mark is hidden, and the runs a person does
    not read as text: what a tracked move left behind (``w:moveFrom``: read as accepted, the text
    is where it was moved to) and the prompt a content control shows until it is filled in."""

    def __init__(self, root, styles=None, moves: bool = False, prompts: bool = False) -> None:
        self.runs: set = set()
        self.marks: set = set()  # paragraphs whose paragraph mark is hidden
        self.moved: set = set()  # not there as a person reads it: moved away, or a control's prompt
        if moves:
            for source in root.iter(_MOVE_FROM):
                self.moved.update(source.iter(R))
        if prompts:  # a content control still showing its prompt (「单击或点击此处输入文字。」) is empty
            for flag in root.iter(_PLACEHOLDER):
                content = flag.getparent().getparent().find(SDT_CONTENT)
                if content is not None:
                    self.moved.update(content.iter(R))
        styled = _hidden_styles(styles)
        for vanish in root.iter(_VANISH):
            properties = vanish.getparent()
            owner = properties.getparent() if properties is not None else None
            if owner is None or properties.tag != _RPR:
                continue
            if owner.tag == R and _on(vanish):
                self.runs.add(owner)
            elif owner.tag == _PPR and _on(vanish):
                self.marks.add(owner.getparent())
        if styled:
            self._by_style(root, styled)

    def _by_style(self, root, styled: set[str]) -> None:
        for run in root.iter(R):
            properties = run.find(_RPR)
            direct = properties.find(_VANISH) if properties is not None else None
            if direct is not None:
                continue  # the run's own setting wins
            style = properties.find(_RSTYLE) if properties is not None else None
            if style is not None and style.get(_VAL) in styled:
                self.runs.add(run)
                continue
            paragraph = next(run.iterancestors(P), None)
            pstyle = paragraph.find(f"{_PPR}/{_PSTYLE}") if paragraph is not None else None
            if pstyle is not None and pstyle.get(_VAL) in styled:
                self.runs.add(run)

    @cached_property
    def skipped(self) -> set:
        """Every run not read: hidden, or moved away (asked once the runs are known)."""
        return self.runs | self.moved if self.moved else self.runs

    def __bool__(self) -> bool:
        return bool(self.runs or self.marks or self.moved)


def hidden_of(root, styles_xml: bytes | None, parser, moves: bool = False, prompts: bool = False, vanish: bool | None = None) -> Hidden | None:
    """The document's hidden runs (and those moved away, or a content control's prompt), or None
    when there are none (most documents: no work). ``vanish``: whether the document has a
    w:vanish at all, where that is known already."""
    styles = None
    if styles_xml and b"vanish" in styles_xml:
        try:
            styles = etree.fromstring(styles_xml, parser)
        except etree.XMLSyntaxError:
            styles = None
    if vanish is None:
        vanish = next(root.iter(_VANISH), None) is not None
    if styles is None and not moves and not prompts and not vanish:
        return None
    hidden = Hidden(root, styles, moves, prompts)
    return hidden or None


def toc_styled(p) -> bool:
    """The paragraph has a table-of-contents entry's style (``TOC1``, ``toc 2``, ``目录1``)."""
    for properties in p.iterchildren(_PPR):
        for style in properties.iterchildren(_PSTYLE):
            return bool(_TOC_STYLE.match(style.get(_VAL) or ""))
    return False


FIELD_MARKS = (_FLDCHAR, _INSTR, _FLDSIMPLE, _HYPERLINK)  # what makes a TOC entry other than its style
VANISH = _VANISH


class StyledToc:
    """``TocFields`` for a document with no field, no simple field and no link to a ``_Toc``
    bookmark (told by ``FIELD_MARKS``): there an entry can only be a paragraph with a TOC
    style, and as before only in a document whose XML names a TOC at all (``TOC``, ``_Toc``:
    looked for once a styled paragraph asks)."""

    def __init__(self, xml: bytes) -> None:
        self.xml = xml
        self.named: bool | None = None

    def entry(self, p) -> bool:
        if not toc_styled(p):
            return False
        if self.named is None:
            self.named = b"TOC" in self.xml or b"_Toc" in self.xml
        return self.named


def toc_reader(xml: bytes, marks) -> "TocFields | StyledToc | None":
    """What finds the table of contents' entries: ``marks`` are the ``FIELD_MARKS`` elements
    of the document (a hyperlink counts only when it links to a ``_Toc`` bookmark)."""
    if any(mark.tag != _HYPERLINK or (mark.get(f"{W}anchor") or "").startswith("_Toc") for mark in marks):
        return TocFields() if b"TOC" in xml or b"_Toc" in xml else None
    return StyledToc(xml)


class TocFields:
    """Paragraphs of an automatic table of contents (Word's and WPS's 目录 without a content
    control): styled as TOC entries, or ending in a page number after a tab while inside a TOC
    field or linking to a ``_Toc`` bookmark (a field left open by a broken file hides nothing else)."""

    def __init__(self) -> None:
        self.fields: list[list] = []  # open fields: [instruction so far, is a TOC]

    def entry(self, p) -> bool:
        style = p.find(f"{_PPR}/{_PSTYLE}")
        styled = style is not None and bool(_TOC_STYLE.match(style.get(_VAL) or ""))
        inside = linked = tabbed = False
        texts: list[str] = []  # the text after the last tab: the page number of an entry
        for node in p.iter(_FLDCHAR, _INSTR, _FLDSIMPLE, _HYPERLINK, _T, _TAB):
            tag = node.tag
            if tag == _TAB:
                tabbed, texts = True, []
            elif tag == _T:
                texts.append(node.text or "")
                inside = inside or (bool(node.text and node.text.strip()) and any(f[1] for f in self.fields))
            elif tag == _FLDCHAR:
                kind = node.get(f"{W}fldCharType")
                if kind == "begin":
                    self.fields.append(["", False])
                elif kind == "end" and self.fields:
                    self.fields.pop()
            elif tag == _INSTR and self.fields:
                field = self.fields[-1]
                field[0] += node.text or ""
                field[1] = field[1] or field[0].lstrip().upper().startswith("TOC")
            elif tag == _FLDSIMPLE:
                styled = styled or (node.get(f"{W}instr") or "").lstrip().upper().startswith("TOC")
            else:
                linked = linked or (node.get(f"{W}anchor") or "").startswith("_Toc")
        if styled:
            return True
        page = "".join(texts).strip()
        return (inside or linked) and tabbed and page.isdigit() and len(page) <= 3
