"""``w:altChunk``: content of another format kept inside a .docx as its own part, shown by Word in
its place (HTML pasted from a web editor, an OA system's export, a whole report as one HTML
page). The part is read by the reader of its format (the HTML reader for a page) and its blocks
take the chunk's place; their locators are the chunk's own (``source="html"``), numbered across
the document's chunks, so they never name an element of the Word body."""

from __future__ import annotations

import io
import posixpath
import zipfile

from lxml import etree

from ..document import DocCell, DocParagraph, DocTable, Document, ReadError
from ..model import Locator

_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
MAX_DEPTH = 2  # a .docx chunk holding chunks: read two levels deep, no more


class Chunks:
    def __init__(self, data: bytes, partname: str, parser, depth: int = 0) -> None:
        self.data = data
        self.depth = depth
        self.paragraphs = 0
        self.tables = 0
        self.targets = self._targets(partname, parser)

    def _targets(self, partname: str, parser) -> dict[str, str]:
        """Relationship id -> the zip member it points to, for the main part."""
        folder, name = posixpath.split(partname.lstrip("/"))
        try:
            with zipfile.ZipFile(io.BytesIO(self.data)) as archive:
                rels = etree.fromstring(archive.read(posixpath.join(folder, "_rels", f"{name}.rels")), parser)
        except (KeyError, zipfile.BadZipFile, etree.XMLSyntaxError, ValueError):
            return {}
        targets = {}
        for rel in rels.iter(_REL):
            if rel.get("TargetMode") == "External":
                continue
            target = rel.get("Target") or ""
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            targets[rel.get("Id") or ""] = path
        return targets

    def read(self, chunk) -> list:
        """The chunk's blocks, located as chunk content ([] when it cannot be read)."""
        path = self.targets.get(chunk.get(_R_ID) or "")
        if not path or self.depth >= MAX_DEPTH:
            return []
        try:
            with zipfile.ZipFile(io.BytesIO(self.data)) as archive:
                content = archive.read(path)
        except (KeyError, zipfile.BadZipFile, ValueError):
            return []
        try:
            document = _read_part(content, self.depth)
        except ReadError:
            return []
        return self._relocated(document)

    def _relocated(self, document: Document) -> list:
        blocks: list = []
        for block in document.blocks:
            if isinstance(block, DocTable):
                index = self.tables
                self.tables += 1
                rows = [
                    [DocCell(c.text, Locator(source="html", table=index, grid_row=c.locator.grid_row, grid_col=c.locator.grid_col)) for c in row]
                    for row in block.rows
                ]
                blocks.append(DocTable(index, rows, Locator(source="html", table=index)))
            else:
                blocks.append(DocParagraph(block.text, Locator(source="html", paragraph=self.paragraphs)))
                self.paragraphs += 1
        return blocks


def _read_part(content: bytes, depth: int) -> Document:
    from . import sniff
    from .docx import read_docx
    from .html import read_html, read_mhtml
    from .text import decode, read_text

    kind = sniff(content)
    if kind == "docx":
        return read_docx(content, depth=depth + 1)
    if kind == "html":
        return read_html(content)
    if kind == "mhtml":
        return read_mhtml(content)
    if kind == "text":
        text = decode(content)
        if text.lstrip().startswith("<"):  # an HTML fragment without <html> (what editors paste)
            from .html import read_html_text

            return read_html_text(f"<html><body>{text}</body></html>")
        return read_text(text)
    return Document(source="html", layout="html")  # RTF or another format: not read here
