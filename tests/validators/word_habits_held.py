"""Habits of a clerk's Word that the reader already read as a person does, made on a clean real
.docx the same way as ``word_habits`` (one habit, lxml), so that they keep holding: tracked
changes, people's comments, fields, content controls, soft breaks and spaces in labels,
thousands separators and units, legacy horizontal merges, a landscape section."""

from __future__ import annotations

import io
import re
import zipfile

from word_habits import E, edit, paragraph, run, set_text, table_with, tables, text_of, title_paragraph, value_cells, w

_LABELS = re.compile(r"^(规章|行政许可|行政处罚|行政强制|结果维持|结果纠正|尚未审结|其他结果)$")


def tracked_changes(data: bytes, page: bytes) -> bytes:
    """Every number of the tables corrected with track changes on: the old one deleted, the
    right one inserted (read as accepted)."""

    def change(body):
        for k, tc in enumerate([c for t in tables(body) for c in value_cells(t)]):
            value = text_of(tc).strip()
            p = tc.find(w("p"))
            for r in p.findall(w("r")):
                p.remove(r)
            old = E("w:r", E("w:delText"))
            old[0].text = str(k + 7)
            attrs = {"w:author": "张三", "w:date": "2025-01-10T09:00:00Z"}
            p.append(E("w:del", old, **{"w:id": str(9000 + 2 * k), **attrs}))
            p.append(E("w:ins", run(value), **{"w:id": str(9001 + 2 * k), **attrs}))

    return edit(data, change)


def persons_comments(data: bytes, page: bytes) -> bytes:
    """A colleague's comments on cells and on a heading (their ranges and references in the body)."""
    comments = '<w:comments xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    marked = []

    def change(body):
        targets = [*value_cells(table_with(body, "本年新收"))[:3], title_paragraph(body)]
        for k, target in enumerate(targets):
            p = target if target.tag == w("p") else target.find(w("p"))
            p.insert(1 if p.find(w("pPr")) is not None else 0, E("w:commentRangeStart", **{"w:id": str(k)}))
            p.append(E("w:commentRangeEnd", **{"w:id": str(k)}))
            p.append(E("w:r", E("w:commentReference", **{"w:id": str(k)})))
            marked.append(k)

    data = edit(data, change)
    comments += "".join(
        f'<w:comment w:id="{k}" w:author="李四" w:initials="李"><w:p><w:r><w:t>请再核对第{k + 1}处。</w:t></w:r></w:p></w:comment>' for k in marked
    ) + "</w:comments>"
    source = zipfile.ZipFile(io.BytesIO(data))
    types = source.read("[Content_Types].xml").decode().replace(
        "</Types>", '<Override PartName="/word/comments.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"/></Types>'
    )
    rels = source.read("word/_rels/document.xml.rels").decode().replace(
        "</Relationships>",
        '<Relationship Id="rIdComments" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments" Target="comments.xml"/></Relationships>',
    )
    return edit(data, lambda body: None, {"[Content_Types].xml": types.encode(), "word/_rels/document.xml.rels": rels.encode(), "word/comments.xml": comments.encode()})


def fields(data: bytes, page: bytes) -> bytes:
    """The title as a DOCPROPERTY field (its result shown), a number of table 3 as a formula field."""

    def change(body):
        title = title_paragraph(body)
        shown = text_of(title)
        for r in title.findall(w("r")):
            title.remove(r)
        title.append(E("w:fldSimple", run(shown), **{"w:instr": " DOCPROPERTY Title \\* MERGEFORMAT "}))
        tc = value_cells(table_with(body, "本年新收"))[0]
        p = tc.find(w("p"))
        value = text_of(tc).strip()
        for r in p.findall(w("r")):
            p.remove(r)
        begin, separate, end = (E("w:r", E("w:fldChar", **{"w:fldCharType": kind})) for kind in ("begin", "separate", "end"))
        instr = E("w:r", E("w:instrText"))
        instr[0].text = " =SUM(RIGHT) "
        p.extend([begin, instr, separate, run(value), end])

    return edit(data, change)


def content_controls(data: bytes, page: bytes) -> bytes:
    """Content controls (WPS and template forms) around the value of every cell of table 3 (run
    level) and around whole rows of table 2 (row level)."""

    def change(body):
        for tc in value_cells(table_with(body, "本年新收")):
            p = tc.find(w("p"))
            runs = p.findall(w("r"))
            sdt = E("w:sdt", E("w:sdtPr", E("w:tag", **{"w:val": "value"})), E("w:sdtContent", *runs))
            p.append(sdt)
        table2 = table_with(body, "制发")
        for tr in table2.findall(w("tr"))[1:3]:
            sdt = E("w:sdt", E("w:sdtPr"), E("w:sdtContent"))
            tr.addprevious(sdt)
            sdt.find(w("sdtContent")).append(tr)

    return edit(data, change)


def soft_breaks_and_spaces(data: bytes, page: bytes) -> bytes:
    """Labels spaced out (「规  章」) and broken by a soft line break (「行政」↵「许可」)."""

    def change(body):
        for tc in (tc for t in tables(body) for tc in t.iter(w("tc"))):
            label = text_of(tc).strip()
            if _LABELS.match(label):
                p = tc.find(w("p"))
                for r in p.findall(w("r")):
                    p.remove(r)
                if len(label) == 2:
                    p.append(run(f"{label[0]}  {label[1]}"))
                else:
                    p.extend([run(label[:2]), E("w:r", E("w:br")), run(label[2:])])

    return edit(data, change)


def separators_and_units(data: bytes, page: bytes) -> bytes:
    """Numbers with thousands separators (「3,985,758」) and a unit (「33件」)."""

    def change(body):
        for k, tc in enumerate(c for t in tables(body) for c in value_cells(t)):
            value = int(text_of(tc).strip())
            set_text(tc, f"{value:,}" if value >= 1000 else f"{value}件" if k % 3 == 0 else str(value))

    return edit(data, change)


def legacy_merges(data: bytes, page: bytes) -> bytes:
    """A label spanning two columns stored as Word 97 does: two cells, ``w:hMerge`` restart and
    continue, instead of one cell with ``w:gridSpan``."""

    def change(body):
        for tc in (tc for t in tables(body) for tc in t.iter(w("tc"))):
            span = tc.find(f"{w('tcPr')}/{w('gridSpan')}")
            if span is None or not text_of(tc).strip() or value_cells_in(tc):
                continue
            count = int(span.get(w("val")))
            span.getparent().remove(span)
            properties = tc.find(w("tcPr"))
            properties.append(E("w:hMerge", **{"w:val": "restart"}))
            for _ in range(count - 1):
                follower = E("w:tc", E("w:tcPr", E("w:hMerge")), paragraph())
                tc.addnext(follower)

    return edit(data, change)


def value_cells_in(tc) -> bool:
    return text_of(tc).strip().isdigit()


def landscape_section(data: bytes, page: bytes) -> bytes:
    """Table 3 on a landscape page: a section break before and after it."""

    def change(body):
        tbl = table_with(body, "本年新收")
        for anchor, orient in ((tbl.getprevious(), "portrait"), (tbl.getnext(), "landscape")):
            size = {"w:w": "16838", "w:h": "11906", "w:orient": "landscape"} if orient == "landscape" else {"w:w": "11906", "w:h": "16838"}
            sect = E("w:sectPr", E("w:pgSz", **size))
            p = paragraph(E("w:r"))
            p.insert(0, E("w:pPr", sect))
            if anchor is not None:
                anchor.addnext(p) if orient == "portrait" else anchor.addprevious(p)

    return edit(data, change)


def tracked_row_deletion(data: bytes, page: bytes) -> bytes:
    """A row of table 3 pasted twice and the copy deleted with track changes on (the row marked
    deleted, its text in ``w:delText``): read as accepted, the row is not there."""
    from lxml import etree

    def change(body):
        tr = next(tr for tr in table_with(body, "本年新收").iter(w("tr")) if "予以公开" in text_of(tr))
        copy = etree.fromstring(etree.tostring(tr))
        properties = copy.find(w("trPr"))
        if properties is None:
            properties = E("w:trPr")
            copy.insert(0, properties)
        properties.append(E("w:del", **{"w:id": "8000", "w:author": "张三"}))
        for k, r in enumerate(list(copy.iter(w("r")))):
            for t in r.findall(w("t")):
                t.tag = w("delText")
                t.text = f"9{t.text}" if (t.text or "").isdigit() else t.text
            wrapper = E("w:del", **{"w:id": str(8001 + k), "w:author": "张三"})
            r.addprevious(wrapper)
            wrapper.append(r)
        tr.addnext(copy)

    return edit(data, change)


def title_in_page_header(data: bytes, page: bytes) -> bytes:
    """The title printed in the page header instead of the body (some templates), and page
    numbers 「- 1 -」 in the footer."""
    parts: dict[str, bytes] = {}
    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'

    def change(body):
        title = title_paragraph(body)
        shown = text_of(title)
        above = title.getprevious()
        if above is not None and above.tag == w("p") and 0 < len(text_of(above).strip()) <= 20:  # 「淮安市人民政府」 / 「2024 年…报告」
            shown = text_of(above).strip() + shown
            body.remove(above)
        body.remove(title)
        parts["word/header1.xml"] = f'<w:hdr {ns}><w:p><w:r><w:t>{shown}</w:t></w:r></w:p></w:hdr>'.encode()
        parts["word/footer1.xml"] = f'<w:ftr {ns}><w:p><w:r><w:t>- 1 -</w:t></w:r></w:p></w:ftr>'.encode()
        section = body.find(w("sectPr"))
        for kind, rid in (("headerReference", "rIdHeader1"), ("footerReference", "rIdFooter1")):
            section.insert(0, E(f"w:{kind}", **{"w:type": "default", "r:id": rid}))

    data = edit(data, change)
    source = zipfile.ZipFile(io.BytesIO(data))
    office = "application/vnd.openxmlformats-officedocument.wordprocessingml"
    types = source.read("[Content_Types].xml").decode().replace(
        "</Types>",
        f'<Override PartName="/word/header1.xml" ContentType="{office}.header+xml"/>'
        f'<Override PartName="/word/footer1.xml" ContentType="{office}.footer+xml"/></Types>',
    )
    relationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    rels = source.read("word/_rels/document.xml.rels").decode().replace(
        "</Relationships>",
        f'<Relationship Id="rIdHeader1" Type="{relationships}/header" Target="header1.xml"/>'
        f'<Relationship Id="rIdFooter1" Type="{relationships}/footer" Target="footer1.xml"/></Relationships>',
    )
    return edit(data, lambda body: None, {"[Content_Types].xml": types.encode(), "word/_rels/document.xml.rels": rels.encode(), **parts})
