"""Which paragraphs are a table of contents' entries (``word_body.toc_reader``): a document without
fields and without links to a ``_Toc`` bookmark is not searched for 「TOC」 unless a paragraph
has a TOC style, and every paragraph is judged as before (``TocFields`` when the XML names a
TOC, no entry at all when it does not)."""

from __future__ import annotations

import io
import zipfile

import pytest
import word_habits as made
from lxml import etree
from test_outside_reports import OUTSIDE
from test_word_habits import HABITS

from nianbao.validators.readers.docx import _PARSER
from nianbao.validators.readers.word_body import FIELD_MARKS, StyledToc, TocFields, blocks, drop_fallbacks, toc_reader

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def entries(xml: bytes, reader) -> list[bool]:
    root = etree.fromstring(xml, _PARSER)
    drop_fallbacks(root)
    toc = reader(xml, list(root.iter(*FIELD_MARKS)))
    return [kind == "toc" or (toc is not None and toc.entry(p)) for kind, p in blocks(root.find(f"{W}body")) if kind in ("p", "toc")]


def as_before(xml: bytes, marks) -> TocFields | None:
    return TocFields() if b"TOC" in xml or b"_Toc" in xml else None


def document_xml(data: bytes) -> bytes:
    return zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml")


def test_every_paragraph_of_every_habit_is_judged_as_before(sample_docx):
    if not (OUTSIDE / "pingtan_2024.docx").exists():
        pytest.skip("../shared/real/outside is not here")
    data, page = (OUTSIDE / "pingtan_2024.docx").read_bytes(), (OUTSIDE / "src" / "pingtan_2024.html").read_bytes()
    drafts = [*sample_docx.values(), *(path.read_bytes() for path in OUTSIDE.glob("*.docx"))]
    drafts += [change(data, page) for habit, (change, _) in HABITS.items() if habit != "strict_open_xml"]
    for draft in drafts:
        xml = document_xml(draft)
        assert entries(xml, toc_reader) == entries(xml, as_before)
    assert any(any(entries(document_xml(d), toc_reader)) for d in drafts)  # the TOC habits are there


def body(*paragraphs: str) -> bytes:
    return (f'<w:document xmlns:w="{W[1:-1]}"><w:body>' + "".join(paragraphs) + "</w:body></w:document>").encode()


def styled(style: str, text: str = "一、总体情况\t1") -> str:
    return f'<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr><w:r><w:t>{text.split(chr(9))[0]}</w:t></w:r><w:r><w:tab/><w:t>1</w:t></w:r></w:p>'


PLAIN = "<w:p><w:r><w:t>正文</w:t></w:r></w:p>"
CASES = {
    "a TOC style, nothing naming a TOC": body(styled("toc 1"), PLAIN),
    "a TOC style, a _Toc bookmark": body('<w:p><w:bookmarkStart w:id="0" w:name="_Toc1"/></w:p>', styled("toc 1"), PLAIN),
    "a TOC style named TOC1": body(styled("TOC1"), PLAIN),
    "a 目录 style, TOC in the text": body(styled("目录1"), "<w:p><w:r><w:t>TOC</w:t></w:r></w:p>"),
    "a lower-case toc field": body(
        '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>toc \\o</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r></w:p>',
        styled("a"), '<w:p><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>', PLAIN,
    ),
    "a TOC field": body(
        '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>TOC \\o</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r></w:p>',
        styled("a"), '<w:p><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>', PLAIN,
    ),
    "a link to a _Toc bookmark": body('<w:p><w:hyperlink w:anchor="_Toc12"><w:r><w:t>一、总体情况</w:t></w:r><w:r><w:tab/><w:t>1</w:t></w:r></w:hyperlink></w:p>', PLAIN),
    "a link elsewhere": body('<w:p><w:hyperlink w:anchor="top"><w:r><w:t>一、总体情况</w:t></w:r><w:r><w:tab/><w:t>1</w:t></w:r></w:hyperlink></w:p>', PLAIN),
    "nothing": body(PLAIN, PLAIN),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_toc_is_found_where_it_was(case):
    xml = CASES[case]
    assert entries(xml, toc_reader) == entries(xml, as_before)


def test_only_a_styled_paragraph_asks_whether_the_xml_names_a_toc():
    for xml, named in ((CASES["nothing"], None), (CASES["a TOC style, nothing naming a TOC"], False), (CASES["a TOC style named TOC1"], True)):
        root = etree.fromstring(xml, _PARSER)
        toc = toc_reader(xml, list(root.iter(*FIELD_MARKS)))
        assert isinstance(toc, StyledToc)
        [toc.entry(p) for p in root.iter(f"{W}p")]
        assert toc.named is named
    assert entries(CASES["a TOC style, a _Toc bookmark"], toc_reader)[:2] == [False, True]
    assert not any(entries(CASES["a TOC style, nothing naming a TOC"], toc_reader))


def test_a_report_without_fields_gets_the_styled_reader():
    if not (OUTSIDE / "pingtan_2024.docx").exists():
        pytest.skip("../shared/real/outside is not here")
    xml = document_xml(made.title_in_a_text_box((OUTSIDE / "pingtan_2024.docx").read_bytes(), b""))
    root = etree.fromstring(xml, _PARSER)
    assert isinstance(toc_reader(xml, list(root.iter(*FIELD_MARKS))), StyledToc)


def test_the_tables_holding_a_table_are_those_is_frame_finds(sample_docx):
    """``table_holders`` from the document's tables (before the fallbacks are set aside) names
    exactly the tables ``is_frame`` finds holding one by looking through them (after)."""
    from test_annotate import _tricky_docx

    from nianbao.validators.readers.word_body import TBL, is_frame, table_holders

    box = f'<w:r><mc:AlternateContent xmlns:mc="{made.MC}"><mc:Choice Requires="wps"><w:t>框</w:t></mc:Choice><mc:Fallback><w:pict><w:txbxContent><w:tbl><w:tr><w:tc><w:p/></w:tc></w:tr></w:tbl></w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r>'
    two_cells = "<w:tr><w:tc><w:p/></w:tc><w:tc><w:p>{}</w:p></w:tc></w:tr>"
    in_a_fallback = body(f"<w:tbl>{two_cells.format(box)}{two_cells.format('')}</w:tbl>", PLAIN)
    xmls = [document_xml(d) for d in (*sample_docx.values(), _tricky_docx())] + [in_a_fallback]
    if (OUTSIDE / "pingtan_2024.docx").exists():
        data, page = (OUTSIDE / "pingtan_2024.docx").read_bytes(), (OUTSIDE / "src" / "pingtan_2024.html").read_bytes()
        xmls += [document_xml(HABITS[h][0](data, page)) for h in ("report_in_a_frame", "table3_in_a_frame", "content_controls", "custom_xml", "title_in_a_text_box")]
    holding = 0
    for xml in xmls:
        root = etree.fromstring(xml, _PARSER)
        tables = list(root.iter(TBL))
        drop_fallbacks(root)
        holders = table_holders(tables, root)
        for table in root.iter(TBL):
            assert is_frame(table, holders) == is_frame(table)
            holding += next(table.iterdescendants(TBL), None) is not None
    assert holding >= 3  # frames, a table in a content control's cell
