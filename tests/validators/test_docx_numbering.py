"""Word's automatic list numbering read as Word shows it: the six headings numbered 「一、」 by a
chineseCounting list, the 「（一）」 sub-headings by its second level, table 3's row labels 「1.」
by decimal lists restarted in each group. Files from python-docx, and the same files saved again
by LibreOffice (which rewrites numbering.xml its own way)."""

from __future__ import annotations

import copy
import io
import re
import shutil
import subprocess

import docx
import pytest
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.oxml.ns import qn
from docx.parts.numbering import NumberingPart
from docx.oxml.parser import parse_xml
from fixtures.docx_builder import build_docx

from nianbao.validators.annotate import annotate_docx, read_comments
from nianbao.validators.engine import check_bytes
from nianbao.validators.readers.numbering import chinese, format_number

W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
HEADING = re.compile(r"^([一二三四五六])、")
SUB_HEADING = re.compile(r"^（([一二三四五六七八九十]+)）")
ROW_LABEL = re.compile(r"^(\d)\.(?=\D)")

ABSTRACTS = f"""
<w:abstractNum {W_NS} w:abstractNumId="90">
  <w:multiLevelType w:val="multilevel"/>
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/><w:lvlJc w:val="left"/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/><w:lvlJc w:val="left"/></w:lvl>
</w:abstractNum>|
<w:abstractNum {W_NS} w:abstractNumId="91">
  <w:multiLevelType w:val="singleLevel"/>
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/><w:lvlJc w:val="left"/></w:lvl>
</w:abstractNum>"""


def _num(num_id: int, abstract: int, restart: bool = False) -> str:
    override = '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride>' if restart else ""
    return f'<w:num {W_NS} w:numId="{num_id}"><w:abstractNumId w:val="{abstract}"/>{override}</w:num>'


def _number(paragraph, num_id: int, level: int) -> None:
    ppr = paragraph.get_or_add_pPr()
    ppr.append(parse_xml(f'<w:numPr {W_NS}><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>'))


def _strip(paragraph, pattern: re.Pattern) -> bool:
    """Drop the typed number from the paragraph's first text run; True when there was one."""
    texts = [t for t in paragraph.iter(qn("w:t")) if t.text]
    if not texts or not pattern.match(texts[0].text):
        return False
    texts[0].text = pattern.sub("", texts[0].text, count=1)
    return True


def _numbering_part(document):
    try:
        return document.part.numbering_part
    except (KeyError, NotImplementedError):  # a package without numbering.xml: add an empty one
        part = NumberingPart(
            PackURI("/word/numbering.xml"), CT.WML_NUMBERING, parse_xml(f"<w:numbering {W_NS}/>"), document.part.package
        )
        document.part.relate_to(part, RT.NUMBERING)
        return part


def auto_numbered(clean) -> bytes:
    """The clean report with its headings, sub-headings and table-3 item numbers as list numbering."""
    document = docx.Document(io.BytesIO(build_docx(copy.deepcopy(clean))))
    numbering = _numbering_part(document).element
    first_num = numbering.find(qn("w:num"))
    for xml in ABSTRACTS.split("|"):
        element = parse_xml(xml)
        first_num.addprevious(element) if first_num is not None else numbering.append(element)
    numbering.append(parse_xml(_num(90, 90)))
    body = document.element.body
    counts = {"heading": 0, "sub": 0, "row": 0}
    for p in body.iterchildren(qn("w:p")):
        if _strip(p, HEADING):
            _number(p, 90, 0)
            counts["heading"] += 1
        elif _strip(p, SUB_HEADING):
            _number(p, 90, 1)
            counts["sub"] += 1
    group_num = 100
    for tbl in body.iterchildren(qn("w:tbl")):
        for tr in tbl.iterchildren(qn("w:tr")):
            for p in tr.iter(qn("w:p")):
                text = "".join(t.text or "" for t in p.iter(qn("w:t")))
                if text.startswith("1."):
                    group_num += 1  # each group of items restarts at 1
                    numbering.append(parse_xml(_num(group_num, 91, restart=True)))
                if _strip(p, ROW_LABEL):
                    _number(p, group_num, 0)
                    counts["row"] += 1
    assert counts["heading"] == 6 and counts["sub"] >= 3 and counts["row"] == 19, counts
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def saved_by_libreoffice(data: bytes, tmp_path) -> bytes:
    source = tmp_path / "numbered.docx"
    source.write_bytes(data)
    out = tmp_path / "out"
    subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(out), str(source)],
        check=True, capture_output=True, timeout=180,
    )
    return (out / "numbered.docx").read_bytes()


def assert_read_as_word_shows_it(data: bytes) -> None:
    result = check_bytes(data, "numbered.docx")
    assert [(i.code, i.message) for i in result.issues] == []
    report = result.report
    assert [s.heading_text for s in report.sections] == [f"{s.number}、{s.title}" for s in report.sections]
    subs = [p.text[:3] for p in report.section("一").paragraphs if SUB_HEADING.match(p.text)]
    assert subs[:3] == ["（一）", "（二）", "（三）"]
    cells = [c for t in report.tables.values() for c in t.all_cells()]
    assert len(cells) == 200 and all(c.found for c in cells)


def test_auto_numbered_headings_sub_headings_and_row_labels_from_python_docx(clean):
    assert_read_as_word_shows_it(auto_numbered(clean))


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_auto_numbered_report_saved_by_libreoffice(clean, tmp_path):
    assert_read_as_word_shows_it(saved_by_libreoffice(auto_numbered(clean), tmp_path))


def test_marked_up_copy_of_a_numbered_report_anchors_at_the_right_places(clean):
    content = copy.deepcopy(clean)
    content["tables"]["依申请公开"]["予以公开"]["values"]["自然人"] = "—"
    next(s for s in content["sections"] if s["number"] == "五")["paragraphs"].append("改进措施：2024年定期开展培训。")
    clean_numbered = auto_numbered(clean)
    mistaken = auto_numbered(content)
    result = check_bytes(mistaken, "numbered.docx")
    assert {i.code for i in result.issues} >= {"C107", "Y103"}
    comments = {c.number: c for c in read_comments(annotate_docx(mistaken, result))}
    for issue in result.issues:
        comment = comments[issue.number]
        assert comment.locator == issue.locator
        if issue.code == "C107":
            assert comment.anchor_text == "—"
        if issue.code == "Y103":
            assert comment.anchor_text.startswith("改进措施：2024年")
    assert check_bytes(clean_numbered, "clean.docx").issues == []


@pytest.mark.parametrize(
    ("n", "fmt", "shown"),
    [(1, "chineseCounting", "一"), (10, "chineseCounting", "十"), (12, "chineseCounting", "十二"), (21, "chineseCountingThousand", "二十一"),
     (3, "decimal", "3"), (2, "decimalEnclosedCircle", "②"), (3, "ideographTraditional", "丙"), (4, "upperRoman", "IV"), (105, "chineseCounting", "一百零五")],
)
def test_number_formats(n, fmt, shown):
    assert format_number(n, fmt) == shown
    assert chinese(6) == "六"
