"""The blank report template: a real .docx in the standard format that our own checker reads."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile

import docx
import pdfplumber
import pytest

from nianbao.reports.blank import blank_report_docx, report_title
from nianbao.validators.engine import check_bytes
from nianbao.validators.template import SECTIONS, TABLE2, TABLE3, TABLES

HEADINGS = [f"{s.number}、{s.title}" for s in SECTIONS]
STRUCTURE_CODES = {"S101", "S102", "T101", "T102", "T103", "T104", "T105", "T106"}
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def blank() -> bytes:
    return blank_report_docx(2024, "学张乡人民政府")


@pytest.fixture(scope="module")
def checked(blank):
    return check_bytes(blank, "blank.docx")


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _cell_texts(table) -> set[str]:
    return {cell.text.strip() for row in table.rows for cell in row.cells}


def test_opens_with_python_docx(blank):
    document = docx.Document(io.BytesIO(blank))
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs[0] == "学张乡人民政府2024年政府信息公开工作年度报告"
    assert [p for p in paragraphs if p in HEADINGS] == HEADINGS  # all six, in order
    assert any("统计期限自2024年1月1日起至2024年12月31日止" in p for p in paragraphs)
    assert len(document.tables) == 3
    assert [(len(t.rows), len(t.columns)) for t in document.tables] == [(14, 4), (28, 10), (4, 15)]


def test_every_label_of_the_standard(blank):
    table2, table3, table4 = docx.Document(io.BytesIO(blank)).tables
    for spec, table in zip(TABLES, (table2, table3, table4)):
        texts = _cell_texts(table)
        labels = {row.printed for row in spec.rows} if spec.row_labelled else {row.label for row in spec.rows}
        columns = {c for row in spec.rows for c in row.columns}
        assert labels <= texts, labels - texts
        assert columns <= texts, columns - texts
    assert {r.group for r in TABLE2.rows} <= _cell_texts(table2)
    assert {r.group for r in TABLE3.rows if r.group} <= _cell_texts(table3)
    assert {"申请人情况", "法人或其他组织", TABLE3.headers[0]} <= _cell_texts(table3)
    assert "行政诉讼" in _cell_texts(table4)


def test_value_cells_are_empty(checked):
    for table in checked.report.tables.values():
        for cell in table.all_cells():
            assert cell.found and not cell.raw.strip() and cell.number is None, (cell.row, cell.column, cell.raw)


def _merges(data: bytes) -> list[tuple[int, int, int]]:
    """Per table: (w:gridSpan count, w:vMerge restart count, w:vMerge continue count)."""
    from lxml import etree

    body = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"))
    counts = []
    for tbl in body.iter(f"{W}tbl"):
        vmerge = [v.get(f"{W}val") for v in tbl.iter(f"{W}vMerge")]
        counts.append((len(list(tbl.iter(f"{W}gridSpan"))), vmerge.count("restart"), len(vmerge) - vmerge.count("restart")))
    return counts


def test_tables_have_merged_cells(blank):
    # the same merges as the official template (template_2021_wps.docx) has
    assert _merges(blank) == [(11, 0, 0), (11, 8, 40), (4, 5, 5)]


def test_merges_match_the_official_template(blank, template_path):
    assert _merges(blank) == _merges(template_path.read_bytes())


def test_checker_finds_every_part(checked):
    assert checked.error is None and checked.input_format == "docx"
    report = checked.report
    assert report.year == 2024
    assert report.agency == "学张乡人民政府"
    for section in report.sections:
        assert section.heading_found and section.numbering == f"{section.number}、", section.number
    for spec in TABLES:
        table = report.tables[spec.key]
        assert table.found, spec.key
        for row in spec.rows:
            cells = table.rows.get(row.label)
            assert cells and set(cells) == set(row.columns) and all(c.found for c in cells.values()), (spec.key, row.label)


def test_only_content_issues(checked):
    codes = {issue.code for issue in checked.issues}
    assert not codes & STRUCTURE_CODES, [i.message for i in checked.issues if i.code in STRUCTURE_CODES]
    assert "C101" in codes  # blank cells are what a blank template has
    assert not any(code.startswith("A") for code in codes)  # nothing to add up yet


def test_placeholders_without_year_or_agency():
    data = blank_report_docx()
    paragraphs = [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]
    assert paragraphs[0] == report_title() == "XX××××年政府信息公开工作年度报告"
    result = check_bytes(data, "blank.docx")
    assert not {i.code for i in result.issues} & STRUCTURE_CODES
    assert "X106" in {i.code for i in result.issues}  # the placeholders are flagged until filled in


def test_year_only():
    paragraphs = [p.text for p in docx.Document(io.BytesIO(blank_report_docx(2025))).paragraphs]
    assert paragraphs[0] == "XX2025年政府信息公开工作年度报告"
    assert any("2026年" in p for p in paragraphs[-2:])  # the date line is in the next year


def test_pdf_through_libreoffice(blank, tmp_path):
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    source = tmp_path / "blank.docx"
    source.write_bytes(blank)
    command = [
        soffice,
        "--headless",
        f"-env:UserInstallation=file://{tmp_path / 'profile'}",
        "--convert-to",
        "pdf",
        "--outdir",
        str(tmp_path),
        str(source),
    ]
    subprocess.run(command, check=True, timeout=180, capture_output=True)
    with pdfplumber.open(tmp_path / "blank.pdf") as pdf:
        assert len(pdf.pages) >= 2
        text = _squash("".join(page.extract_text() or "" for page in pdf.pages))
    for heading in HEADINGS:
        assert heading in text, heading
    assert "学张乡人民政府2024年政府信息公开工作年" in text
    for label in ("法人或其他组织", "未经复议直接起诉", "第二十条第（八）项", "四、结转下年度继续办理"):
        assert label in text, label
