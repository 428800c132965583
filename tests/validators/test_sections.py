"""Section headings as real reports write them: reworded, misprinted, under markdown marks, or
after a sub-item that repeats a section's title."""

from __future__ import annotations

import copy
import io
import shutil
import subprocess

import docx
import pytest
from docx.oxml.ns import qn
from docx.oxml.parser import parse_xml
from fixtures.docx_builder import build_docx, content_to_text

from nianbao.validators.engine import check_bytes

FORMATS = ["docx", "tabbed", "one_per_line", "markdown"]
W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def render(content, fmt: str) -> bytes:
    return build_docx(content) if fmt == "docx" else content_to_text(content, fmt).encode("utf-8")


def with_heading(clean, number: str, heading: str):
    content = copy.deepcopy(clean)
    next(s for s in content["sections"] if s["number"] == number)["heading"] = heading
    return content


def codes(result):
    return [(i.code, i.severity.value, i.section) for i in result.issues]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    ("number", "heading"),
    [
        ("五", "五、存在问题及改进情况"),
        ("五", "五、政府信息公开工作存在的主要问题及改进情况"),
        ("五", "五、存在的主要问题及整改措施"),
        ("四", "四、政府信息公开行政法复议、行政诉讼情况"),
    ],
)
def test_a_heading_worded_differently_is_one_warning_at_it(clean, fmt, number, heading):
    result = check_bytes(render(with_heading(clean, number, heading), fmt), f"r.{fmt}")
    assert codes(result) == [("S106", "warning", number)]
    [issue] = result.issues
    assert issue.found == heading and issue.expected.startswith(f"{number}、") and issue.locator is not None
    assert result.report.section(number).heading_text == heading


def test_markdown_heading_marks_are_not_part_of_the_heading(clean):
    text = content_to_text(clean, "markdown")
    for heading in ("一、总体情况", "二、主动公开政府信息情况", "五、存在的主要问题及改进情况"):
        assert heading in text
        text = text.replace(heading, "## " + heading, 1)
    assert codes(check_bytes(text.encode("utf-8"), "r.md")) == []


def test_ocr_comma_for_the_enumeration_comma_in_a_label_is_not_a_deviation(clean):
    text = content_to_text(clean, "markdown")
    label = "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"
    assert label in text
    assert codes(check_bytes(text.replace(label, label.replace("、", ", ")).encode("utf-8"), "r.md")) == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_sub_item_repeating_a_section_title_is_not_that_section(clean, fmt):
    content = copy.deepcopy(clean)
    overview = next(s for s in content["sections"] if s["number"] == "一")
    overview["paragraphs"].insert(0, "（一）主动公开政府信息情况")
    result = check_bytes(render(content, fmt), f"r.{fmt}")
    assert codes(result) == []
    assert result.report.section("二").heading_text == "二、主动公开政府信息情况"


def heading_in_table(clean) -> bytes:
    """Section 二's heading typed into the first row of table 2 (one cell across the table)."""
    document = docx.Document(io.BytesIO(build_docx(clean)))
    body = document.element.body
    heading = next(p for p in body.iterchildren(qn("w:p")) if "".join(p.itertext()).startswith("二、主动公开"))
    table = heading.getnext()
    while table.tag != qn("w:tbl"):
        table = table.getnext()
    columns = len(table.find(qn("w:tblGrid")).findall(qn("w:gridCol")))
    row = parse_xml(
        f'<w:tr {W_NS}><w:tc><w:tcPr><w:gridSpan w:val="{columns}"/></w:tcPr>'
        f"<w:p><w:r><w:t>二、主动公开政府信息情况</w:t></w:r></w:p></w:tc></w:tr>"
    )
    first_row = table.find(qn("w:tr"))
    first_row.addprevious(row)
    body.remove(heading)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_a_heading_that_stands_alone_in_a_table_row_is_the_heading(clean):
    result = check_bytes(heading_in_table(clean), "r.docx")
    assert codes(result) == []
    assert result.report.section("二").heading_text == "二、主动公开政府信息情况"


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_a_heading_framed_with_its_table_in_a_pdf_is_the_heading(clean, tmp_path):
    source = tmp_path / "r.docx"
    source.write_bytes(heading_in_table(clean))
    subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        check=True, capture_output=True, timeout=180,
    )
    result = check_bytes((tmp_path / "r.pdf").read_bytes(), "r.pdf")
    assert result.report.section("二").heading_found
    assert [c for c in codes(result) if c[0].startswith(("S", "T"))] == []
