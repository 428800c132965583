"""A web page saved from a browser (网页另存为 .html/.htm, or .mht as one file): paragraphs and
tables, like a .docx.

Publishing offices collect the reports from their sites. The page is parsed with lxml.html;
scripts, styles, forms and navigation (nav/header/footer/aside, blocks that are nothing but
links: menus, breadcrumbs, 相关链接) are dropped. A ``<table>`` holding another table is page
layout: its cells are read as blocks. Every other table is read on its grid: ``rowspan`` and
``colspan`` become merged cells as in the .docx reader (a merged cell appears once, at the
column where it starts; the rows it spans below leave it out).
"""

from __future__ import annotations

import email
import email.policy
import re

from lxml import etree
from lxml import html as lxml_html

from ..document import DocCell, DocParagraph, DocTable, Document, ReadError
from ..model import Locator
from .text import decode

MAX_SPAN = 100  # a real report's table is 10 columns wide and 30 rows tall

_DROPPED = {
    "script", "style", "noscript", "template", "head", "nav", "header", "footer", "aside",
    "form", "iframe", "select", "button", "svg", "object", "embed", "input", "textarea",
}
_BLOCKS = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd",
    "section", "article", "main", "blockquote", "pre", "center", "address", "figure",
    "figcaption", "caption", "hr", "body", "html", "td", "th", "tr", "tbody", "thead", "tfoot",
}
_SEPARATORS = re.compile(r"[|>›»/·\-–—]")
MAX_UNLINKED = 6
_SPACES = re.compile(r"[ \t\r\n\f\v\xa0]+")
_BREAK = "\x00"  # a line break of the page (<br>, a block's edge), not a new line of its source
_MIME_HEADER = re.compile(rb"^[a-z][a-z0-9-]*:")  # 「From: <Saved by Blink>」, 「MIME-Version: 1.0」
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_HTML_START = re.compile(rb"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<(!doctype\s+html|html[\s>])", re.IGNORECASE | re.DOTALL)


def is_html(data: bytes) -> bool:
    """A web page, by its content (not its name): it starts with <!DOCTYPE html> or <html>."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", errors="replace").encode("utf-8")
    return bool(_HTML_START.match(head))


def page_text(data: bytes) -> str:
    """The page as text, in the charset its <meta> declares (else as any text is decoded)."""
    declared = _CHARSET.search(data[:4096])
    if declared and not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        name = declared.group(1).decode("ascii").lower()
        name = "gb18030" if name in ("gb2312", "gbk", "gb18030") else name
        try:
            return data.decode(name, errors="replace")
        except LookupError:
            pass
    return decode(data)


def is_mhtml(data: bytes) -> bool:
    """A page saved as one file (.mht/.mhtml, 网页，单个文件): a MIME message around the page."""
    head = data[:2048].lstrip().lower()
    return bool(_MIME_HEADER.match(head)) and b"mime-version:" in head and b"multipart/related" in head


def mhtml_page(data: bytes) -> str | None:
    """The text of the first HTML part of a .mht, in the charset its part declares (None: none)."""
    message = email.message_from_bytes(data, policy=email.policy.compat32)
    for part in message.walk():
        if part.get_content_type() == "text/html":
            payload = part.get_payload(decode=True) or b""
            charset = part.get_content_charset()
            try:
                return payload.decode(charset, errors="replace") if charset else page_text(payload)
            except LookupError:
                return page_text(payload)
    return None


def read_mhtml(data: bytes) -> Document:
    """The first HTML part of a .mht, in the charset its part declares."""
    page = mhtml_page(data)
    if page is not None:
        return read_html_text(page)
    raise ReadError("corrupt_html", "这个网页文件（.mht）里没有网页正文。请把年度报告另存为 Word（.docx），或复制正文粘贴发送。")


def read_html(data: bytes) -> Document:
    return read_html_text(page_text(data))


def read_html_text(text: str) -> Document:
    text = re.sub(r"^\s*<\?xml[^>]*>", "", text)  # lxml refuses a str with an encoding declaration
    try:
        root = lxml_html.document_fromstring(text, parser=lxml_html.HTMLParser(remove_comments=True, remove_pis=True))
    except (etree.ParserError, ValueError) as exc:
        raise ReadError("corrupt_html", "网页文件无法读取。请把年度报告另存为 Word（.docx），或复制正文粘贴发送。") from exc
    body = root.find("body")
    top = body if body is not None else root
    reader = _PageReader()
    _measure(top, reader.sizes)
    reader.walk(top)
    reader.flush()
    return Document(source="html", layout="html", blocks=reader.blocks)


def _dropped(element) -> bool:
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag.lower() in _DROPPED or element.get("role") in ("navigation", "banner", "contentinfo"):
        return True
    style = (element.get("style") or "").replace(" ", "").lower()
    return "display:none" in style or element.get("hidden") is not None


def _measure(element, sizes: dict) -> tuple[int, int, bool]:
    """(characters of text, characters inside links, holds a table) of every element, in one pass."""
    text = len(_SEPARATORS.sub("", _SPACES.sub("", element.text or "")))
    linked, table = 0, element.tag == "table"
    for child in element:
        if isinstance(child.tag, str) and not _dropped(child):
            child_text, child_linked, child_table = _measure(child, sizes)
            text, linked, table = text + child_text, linked + child_linked, table or child_table
        text += len(_SEPARATORS.sub("", _SPACES.sub("", child.tail or "")))
    if element.tag == "a":
        linked = text
    sizes[element] = (text, linked, table)
    return text, linked, table


def _link_block(element, sizes: dict) -> bool:
    """A menu, breadcrumb or list of links: a block whose words are all inside links."""
    if element.tag not in ("ul", "ol", "div", "li", "p", "dl", "span", "td"):
        return False
    text, linked, table = sizes.get(element, (0, 0, True))
    return 0 < linked and not table and text - linked <= MAX_UNLINKED and text < 400


class _PageReader:
    def __init__(self) -> None:
        self.blocks: list = []
        self.parts: list[str] = []
        self.paragraph_count = 0
        self.table_count = 0
        self.sizes: dict = {}  # element -> _measure()

    def flush(self) -> None:
        text = "".join(self.parts)
        self.parts = []
        for line in _lines(text):
            if line:
                self.blocks.append(DocParagraph(line, Locator(source="html", paragraph=self.paragraph_count)))
                self.paragraph_count += 1

    def walk(self, element) -> None:
        if element.text:
            self.parts.append(element.text)
        for child in element:
            if not isinstance(child.tag, str) or _dropped(child) or _link_block(child, self.sizes):
                pass
            elif child.tag == "table" and child.find(".//table") is None:
                self.flush()
                self.blocks.append(read_table(child, self.table_count))
                self.table_count += 1
            elif child.tag == "br":
                self.parts.append(_BREAK)
            elif child.tag in _BLOCKS or child.tag == "table":
                self.flush()
                self.walk(child)
                self.flush()
            else:
                self.walk(child)
            if child.tail:
                self.parts.append(child.tail)


def _collapse(match: re.Match) -> str:
    """White space as a browser shows it: one space, and none for a line break of the source
    between Chinese characters (「、\n主动公开」 is 「、主动公开」)."""
    if "\n" not in match.group(0) and "\r" not in match.group(0):
        return " "
    text, start, end = match.string, match.start(), match.end()
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    return "" if (before and ord(before) > 0x2E7F) or (after and ord(after) > 0x2E7F) else " "


def _lines(text: str) -> list[str]:
    lines = (_SPACES.sub(_collapse, line).strip() for line in text.split(_BREAK))
    return [line for line in lines if line]


def _cell_text(td) -> str:
    """The cell's paragraphs and line breaks as lines (labels are broken over lines: 结果<br/>纠正)."""
    parts: list[str] = []

    def walk(element) -> None:
        if element.text:
            parts.append(element.text)
        for child in element:
            if isinstance(child.tag, str) and not _dropped(child):
                block = child.tag in _BLOCKS
                if block or child.tag == "br":
                    parts.append(_BREAK)
                walk(child)
                if block:
                    parts.append(_BREAK)
            if child.tail:
                parts.append(child.tail)

    walk(td)
    return "\n".join(_lines("".join(parts)))


def _span(cell, name: str) -> int:
    try:
        return min(MAX_SPAN, max(1, int((cell.get(name) or "1").strip() or 1)))
    except ValueError:
        return 1


def _rows(table) -> list:
    """The table's own rows (thead/tbody/tfoot included, nested tables not)."""
    return [tr for tr in table.iter("tr") if next(tr.iterancestors("table"), None) is table]


def read_table(table, index: int) -> DocTable:
    rows: list[list[DocCell]] = []
    taken: dict[int, int] = {}  # column -> rows still covered by a rowspan from above
    for row_no, tr in enumerate(_rows(table)):
        cells: list[DocCell] = []
        column = 0
        for td in tr:
            if not isinstance(td.tag, str) or td.tag not in ("td", "th"):
                continue
            while taken.get(column, 0) > 0:
                column += 1
            colspan, rowspan = _span(td, "colspan"), _span(td, "rowspan")
            cells.append(DocCell(_cell_text(td), Locator(source="html", table=index, grid_row=row_no, grid_col=column)))
            for covered in range(column, column + colspan):
                taken[covered] = max(taken.get(covered, 0), rowspan)
            column += colspan
        taken = {c: n - 1 for c, n in taken.items() if n > 1}
        rows.append(cells)
    return DocTable(index, rows, Locator(source="html", table=index))
