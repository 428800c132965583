"""A clean real .docx changed by exactly one habit of a clerk's Word or WPS, with lxml.

Each habit is a function ``(docx bytes, source page) -> docx bytes``: it edits
``word/document.xml`` (and adds a part where the habit needs one) and leaves the rest of the
package as it was. ``source page`` is the published web page the .docx was made from (the altChunk
habits embed it, or one of its tables). The habits are the ones issue 19 lists, and the ones that
already held (tracked changes, comments, fields, soft breaks …), so they keep holding.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Callable

from lxml import etree
from lxml import html as lxml_html

WNS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
RNS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
WPS = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
V = "urn:schemas-microsoft-com:vml"
NS = {"w": WNS, "r": RNS, "mc": MC, "wps": WPS, "wp": WP, "a": A, "v": V}
_NUMBER = re.compile(r"^\d+$")
Habit = Callable[[bytes, bytes], bytes]


def w(tag: str) -> str:
    return f"{{{WNS}}}{tag}"


def E(tag: str, *children, **attrs):
    """An element in one of NS's namespaces: E("w:p", E("w:r"), **{"w:val": "1"})."""
    prefix, name = tag.split(":")
    element = etree.Element(f"{{{NS[prefix]}}}{name}", nsmap={prefix: NS[prefix]})
    for key, value in attrs.items():
        p, n = key.split(":")
        element.set(f"{{{NS[p]}}}{n}", value)
    for child in children:
        element.append(child)
    return element


def run(text: str, hidden: bool = False):
    r = E("w:r")
    if hidden:
        r.append(E("w:rPr", E("w:vanish")))
    t = E("w:t", **{})
    t.text = text
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    r.append(t)
    return r


def paragraph(*runs):
    return E("w:p", *runs)


def text_of(element) -> str:
    return "".join(t.text or "" for t in element.iter(w("t")))


# ---------------------------------------------------------------- the package


def edit(data: bytes, change: Callable, parts: dict[str, bytes] | None = None) -> bytes:
    """The package with ``change(body)`` applied to its document and ``parts`` added or replaced."""
    source = zipfile.ZipFile(io.BytesIO(data))
    root = etree.fromstring(source.read("word/document.xml"))
    change(root.find(w("body")))
    replaced = {"word/document.xml": etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True), **(parts or {})}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, replaced.pop(info.filename, None) or source.read(info.filename))
        for name, content in replaced.items():
            target.writestr(name, content)
    return out.getvalue()


def _with_chunk_part(data: bytes, content: bytes, name: str = "afchunk1.htm") -> tuple[dict[str, bytes], str]:
    """The parts that declare an HTML altChunk part (content type, relationship) and its id."""
    source = zipfile.ZipFile(io.BytesIO(data))
    types = source.read("[Content_Types].xml").decode()
    types = types.replace("</Types>", f'<Override PartName="/word/{name}" ContentType="text/html"/></Types>')
    rels = source.read("word/_rels/document.xml.rels").decode()
    rid = f"rIdChunk{name.split('.')[0][-1]}"
    rels = rels.replace(
        "</Relationships>",
        f'<Relationship Id="{rid}" Type="{RNS}/aFChunk" Target="{name}"/></Relationships>',
    )
    return {"[Content_Types].xml": types.encode(), "word/_rels/document.xml.rels": rels.encode(), f"word/{name}": content}, rid


# ---------------------------------------------------------------- finding things in a report


def tables(body) -> list:
    return body.findall(w("tbl"))


def table_with(body, word: str):
    return next(t for t in tables(body) if word in text_of(t))


def value_cells(tbl) -> list:
    """The cells holding a number (one paragraph's text is all digits)."""
    return [tc for tc in tbl.iter(w("tc")) if _NUMBER.match(text_of(tc).strip())]


def set_text(tc, text: str) -> None:
    """The cell's first paragraph holds ``text`` in one run (formatting of its first run kept)."""
    p = tc.find(w("p"))
    first = p.find(w("r"))
    properties = first.find(w("rPr")) if first is not None else None
    for r in p.findall(w("r")):
        p.remove(r)
    new = run(text)
    if properties is not None:
        new.insert(0, properties)
    p.append(new)


def headings(body) -> list:
    pattern = re.compile(r"^\s*[一二三四五六]、")
    return [p for p in body.iterchildren(w("p")) if pattern.match(text_of(p)) and len(text_of(p).strip()) < 30]


def title_paragraph(body):
    return next(p for p in body.iter(w("p")) if "年度报告" in text_of(p) and len(text_of(p)) < 60)


def _frame(*content):
    """A one-cell layout table holding ``content`` (a cell ends with a paragraph)."""
    tc = E("w:tc", E("w:tcPr", E("w:tcW", **{"w:w": "9000", "w:type": "dxa"})), *content, paragraph())
    return E("w:tbl", E("w:tblPr", E("w:tblW", **{"w:w": "9000", "w:type": "dxa"})), E("w:tblGrid", E("w:gridCol", **{"w:w": "9000"})), E("w:tr", tc))


# ---------------------------------------------------------------- the habits that broke a clean report


def hidden_numbers(data: bytes, page: bytes) -> bytes:
    """Last year's number kept hidden beside this year's, in every value cell of every table."""

    def change(body):
        for k, tc in enumerate(c for t in tables(body) for c in value_cells(t)):
            p = tc.find(w("p"))
            if k % 2:
                p.append(run("3001", hidden=True))
            else:
                p.insert(1 if p.find(w("pPr")) is not None else 0, run("3001", hidden=True))

    return edit(data, change)


def hidden_guidance(data: bytes, page: bytes) -> bytes:
    """Template guidance kept hidden instead of deleted: before the title, after each heading,
    and a whole hidden paragraph with placeholders (XX) after the title."""

    def change(body):
        title = title_paragraph(body)
        title.insert(1 if title.find(w("pPr")) is not None else 0, run("【填写说明：标题写机关全称和年度，如XX乡人民政府】", hidden=True))
        for heading in headings(body):
            heading.append(run("【填写说明：本部分写XX工作情况，不少于300字】", hidden=True))
        note = paragraph(run("【填写说明：正文用仿宋三号，XX处替换为本机关名称，××××年替换为报告年度】", hidden=True))
        note.insert(0, E("w:pPr", E("w:rPr", E("w:vanish"))))
        title.addnext(note)

    return edit(data, change)


def table3_in_a_frame(data: bytes, page: bytes) -> bytes:
    """Table 3 put inside a one-cell table (a box around it)."""

    def change(body):
        tbl = table_with(body, "本年新收")
        frame = _frame()
        tbl.addprevious(frame)
        frame.find(f"{w('tr')}/{w('tc')}").insert(1, tbl)

    return edit(data, change)


def report_in_a_frame(data: bytes, page: bytes) -> bytes:
    """The whole report inside a one-cell layout table, as OA systems and web editors export it."""

    def change(body):
        content = [child for child in body if child.tag != w("sectPr")]
        frame = _frame(*content)
        body.insert(0, frame)

    return edit(data, change)


def report_as_altchunk(data: bytes, page: bytes) -> bytes:
    """The body is one altChunk: the published web page as an embedded HTML part."""
    parts, rid = _with_chunk_part(data, page)

    def change(body):
        for child in [c for c in body if c.tag != w("sectPr")]:
            body.remove(child)
        body.insert(0, E("w:altChunk", **{"r:id": rid}))

    return edit(data, change, parts)


def table3_as_altchunk(data: bytes, page: bytes) -> bytes:
    """Table 3 pasted from a web page and stored as an HTML altChunk in its place."""
    root = lxml_html.document_fromstring(page.decode("utf-8", errors="replace"))
    table = next(t for t in root.iter("table") if "本年新收" in t.text_content() and t.find(".//table") is None)
    html = b"<html><head><meta charset='utf-8'></head><body>" + lxml_html.tostring(table, encoding="utf-8") + b"</body></html>"
    parts, rid = _with_chunk_part(data, html)

    def change(body):
        tbl = table_with(body, "本年新收")
        tbl.addprevious(E("w:altChunk", **{"r:id": rid}))
        body.remove(tbl)

    return edit(data, change, parts)


_TRANSITIONAL_TO_STRICT = (
    (b"http://schemas.openxmlformats.org/officeDocument/2006/relationships", b"http://purl.oclc.org/ooxml/officeDocument/relationships"),
    (b"http://schemas.openxmlformats.org/wordprocessingml/2006/main", b"http://purl.oclc.org/ooxml/wordprocessingml/main"),
    (b"http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing", b"http://purl.oclc.org/ooxml/drawingml/wordprocessingDrawing"),
    (b"http://schemas.openxmlformats.org/drawingml/2006/main", b"http://purl.oclc.org/ooxml/drawingml/main"),
    (b"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties", b"http://purl.oclc.org/ooxml/officeDocument/extendedProperties"),
    (b"http://schemas.openxmlformats.org/officeDocument/2006/custom-properties", b"http://purl.oclc.org/ooxml/officeDocument/customProperties"),
    (b"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes", b"http://purl.oclc.org/ooxml/officeDocument/docPropsVTypes"),
)


def strict_open_xml(data: bytes, page: bytes) -> bytes:
    """Saved as "Strict Open XML 文档": every part under Strict's namespace names."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename.endswith((".xml", ".rels")):
                for ordinary, strict in _TRANSITIONAL_TO_STRICT:
                    content = content.replace(ordinary, strict)
                if info.filename == "word/document.xml":
                    content = content.replace(b"<w:body>", b"<w:body>", 1).replace(b"<w:document ", b'<w:document w:conformance="strict" ', 1)
            target.writestr(info.filename, content)
    return out.getvalue()


def value_with_note(data: bytes, page: bytes) -> bytes:
    """A value with a note in its cell, as published reports print it: 「33（含自然失效16件）」."""

    def change(body):
        row = next(tr for tr in table_with(body, "制发").iter(w("tr")) if "规范性文件" in text_of(tr))
        cells = value_cells(row)
        set_text(cells[1], f"{text_of(cells[1]).strip()}（含自然失效{min(16, int(text_of(cells[1]).strip()))}件）")
        total = next(tr for tr in table_with(body, "本年新收").iter(w("tr")) if "本年新收" in text_of(tr))
        last = value_cells(total)[-1]
        set_text(last, f"{text_of(last).strip()}(其中网上申请{int(text_of(last).strip()) // 2}件)")

    return edit(data, change)


def _text_box(p):
    """A run holding a text box with ``p`` in it, stored twice: DrawingML and its VML fallback."""
    choice = E("mc:Choice", **{})
    choice.set("Requires", "wps")
    drawing = E("w:drawing", E("wp:anchor", E("a:graphic", E("a:graphicData", E("wps:wsp", E("wps:txbx", E("w:txbxContent", etree.fromstring(etree.tostring(p)))))))))
    choice.append(drawing)
    fallback = E("mc:Fallback", E("w:pict", E("v:shape", E("v:textbox", E("w:txbxContent", etree.fromstring(etree.tostring(p)))))))
    return E("w:r", E("mc:AlternateContent", choice, fallback))


def title_in_a_text_box(data: bytes, page: bytes) -> bytes:
    """The title typed into a text box anchored in an empty paragraph."""

    def change(body):
        title = title_paragraph(body)
        title.addprevious(paragraph(_text_box(title)))
        body.remove(title)

    return edit(data, change)


def title_box_anchored_in_text(data: bytes, page: bytes) -> bytes:
    """The title's text box anchored at the start of the paragraph after it."""

    def change(body):
        title = title_paragraph(body)
        following = title.getnext()
        following.insert(1 if following.find(w("pPr")) is not None else 0, _text_box(title))
        body.remove(title)

    return edit(data, change)


def _field(instruction: str, result: list) -> list:
    """The runs of a complex field: begin, instruction, separate, its result, end."""
    begin, separate, end = (E("w:r", E("w:fldChar", **{"w:fldCharType": kind})) for kind in ("begin", "separate", "end"))
    instr = E("w:r", E("w:instrText"))
    instr[0].text = instruction
    return [begin, instr, separate, *result, end]


def _toc_entries(body, word_style: bool, links: bool) -> list:
    entries = []
    for page, heading in enumerate(headings(body), start=1):
        text = text_of(heading).strip()
        runs = [run(text), E("w:r", E("w:tab")), *_field(f" PAGEREF _Toc{page} \\h ", [run(str(page))])]
        p = paragraph()
        if word_style:
            p.append(E("w:pPr", E("w:pStyle", **{"w:val": "TOC1"})))
        if links:
            link = E("w:hyperlink", *runs, **{"w:anchor": f"_Toc{page}"})
            p.append(link)
        else:
            p.extend(runs)
        entries.append(p)
    return entries


def toc_field(data: bytes, page: bytes) -> bytes:
    """Word's automatic 目录 (a content control around a TOC field) after the title."""

    def change(body):
        entries = _toc_entries(body, word_style=True, links=True)
        first = entries[0]
        for k, r in enumerate(_field(' TOC \\o "1-3" \\h \\z \\u ', [])[:3]):
            first.insert(1 + k, r)
        entries.append(paragraph(*_field("", [])[-1:]))
        gallery = E("w:sdtPr", E("w:docPartObj", E("w:docPartGallery", **{"w:val": "Table of Contents"}), E("w:docPartUnique")))
        sdt = E("w:sdt", gallery, E("w:sdtContent", paragraph(run("目  录")), *entries))
        title_paragraph(body).addnext(sdt)

    return edit(data, change)


def toc_wps(data: bytes, page: bytes) -> bytes:
    """WPS's 目录: the TOC field alone, no content control, no style, no links."""

    def change(body):
        entries = _toc_entries(body, word_style=False, links=False)
        head = _field(' TOC \\o "1-2" ', [])
        for k, r in enumerate(head[:3]):
            entries[0].insert(k, r)
        entries[-1].append(head[-1])
        anchor = title_paragraph(body)
        for entry in reversed([paragraph(run("目录")), *entries]):
            anchor.addnext(entry)

    return edit(data, change)


def _cycle(symbols):
    def habit(data: bytes, page: bytes) -> bytes:
        def change(body):
            zeros = [tc for t in tables(body) for tc in value_cells(t) if text_of(tc).strip() == "0"]
            for k, tc in enumerate(zeros):
                set_text(tc, symbols[k % len(symbols)])

        return edit(data, change)

    return habit


zero_as_dash = _cycle(["—", "－", "——", "/", "无"])


def fullwidth_digits(data: bytes, page: bytes) -> bytes:
    """Every number in the tables typed with full-width digits (「４４０」)."""

    def change(body):
        for tc in (tc for t in tables(body) for tc in value_cells(t)):
            set_text(tc, text_of(tc).strip().translate(str.maketrans("0123456789", "０１２３４５６７８９")))

    return edit(data, change)


def custom_xml(data: bytes, page: bytes) -> bytes:
    """customXml blocks (Word 2007, template engines) around every heading and around table 4."""

    def change(body):
        blocks = [*headings(body), table_with(body, "复议")]
        for block in blocks:
            wrapper = E("w:customXml", **{"w:uri": "urn:nianbao:report", "w:element": "part"})
            block.addprevious(wrapper)
            wrapper.append(block)

    return edit(data, change)


def tracked_moves(data: bytes, page: bytes) -> bytes:
    """Text dragged with track changes on: the title moved up from below the first paragraph, and
    a number moved into its cell from the cell beside it (the source keeps the text, marked
    ``w:moveFrom``; read as accepted, it is only where it was moved to)."""

    def moved(tag: str, runs: list, name: str, k: int):
        start = E(f"w:{tag}RangeStart", **{"w:id": str(7000 + 2 * k), "w:name": name})
        end = E(f"w:{tag}RangeEnd", **{"w:id": str(7000 + 2 * k)})
        return [start, E(f"w:{tag}", *runs, **{"w:id": str(7001 + 2 * k), "w:author": "张三"}), end]

    def change(body):
        title = title_paragraph(body)
        runs = title.findall(w("r"))
        for r in runs:
            title.remove(r)
        title.extend(moved("moveTo", runs, "move1", 0))
        source = paragraph(*moved("moveFrom", [etree.fromstring(etree.tostring(r)) for r in runs], "move1", 1))
        title.getnext().addnext(source)
        row = next(tr for tr in table_with(body, "制发").iter(w("tr")) if "规范性文件" in text_of(tr))
        first, second = value_cells(row)[:2]
        p = first.find(w("p"))
        runs = p.findall(w("r"))
        for r in runs:
            p.remove(r)
        p.extend(moved("moveTo", runs, "move2", 2))
        second.find(w("p")).extend(moved("moveFrom", [etree.fromstring(etree.tostring(r)) for r in runs], "move2", 3))

    return edit(data, change)


def _prompt(text: str = "单击或点击此处输入文字。"):
    """A content control showing its prompt (not filled in)."""
    return E("w:sdt", E("w:sdtPr", E("w:showingPlcHdr")), E("w:sdtContent", run(text)))


def unfilled_controls(data: bytes, page: bytes) -> bytes:
    """A template of content controls: every blank cell, and the date line under the report, a
    control still showing its grey prompt (a person reads them as empty)."""

    def change(body):
        for tc in (tc for t in tables(body) for tc in t.iter(w("tc"))):
            if not text_of(tc).strip() and tc.find(w("tbl")) is None:
                tc.find(w("p")).append(_prompt())
        last = [p for p in body.iterchildren(w("p")) if text_of(p).strip()][-1]
        last.addnext(paragraph(_prompt("单击或点击此处输入日期。")))

    return edit(data, change)
