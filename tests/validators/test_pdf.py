"""A published report as PDF with a text layer: read through pdfplumber, all three tables complete."""

from __future__ import annotations

from pathlib import Path

import pytest

from nianbao.validators.engine import check_bytes
from nianbao.validators.template import TOTAL_CELLS

REAL_PDF = Path(__file__).resolve().parents[2].parent / "shared" / "real" / "szfgs2024.pdf"

# an empty A4 page: a valid PDF with no text layer, like a scan without OCR
BLANK_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


@pytest.fixture(scope="module")
def result():
    if not REAL_PDF.exists():
        pytest.skip("the real PDF is not in ../shared/real")
    return check_bytes(REAL_PDF.read_bytes(), REAL_PDF.name)


def test_city_report_pdf_is_read_completely(result):
    report = result.report
    assert result.error is None and result.input_format == "pdf"
    assert (report.agency, report.level, report.year) == ("淮安市人民政府", "government", 2024)
    cells = [c for t in report.tables.values() for c in t.all_cells()]
    assert len(cells) == TOTAL_CELLS and all(c.found and c.number is not None for c in cells)
    assert all(s.heading_found and s.numbering == f"{s.number}、" for s in report.sections)
    tables = report.tables_json()
    assert tables["主动公开"]["行政规范性文件"] == {"本年制发件数": 8, "本年废止件数": 26, "现行有效件数": 66}
    assert tables["主动公开"]["行政处罚"]["本年处理决定数量"] == 3985758
    assert tables["依申请公开"]["本年新收政府信息公开申请数量"]["总计"] == 3119
    assert tables["复议诉讼"]["行政复议"] == {"结果维持": 72, "结果纠正": 64, "其他结果": 178, "尚未审结": 37, "总计": 351}


def test_city_report_pdf_is_consistent_and_only_lacks_a_date(result):
    assert [(i.code, i.severity.value) for i in result.issues] == [("Y104", "warning")]
    assert "全年收取政府信息公开信息处理费 3940 元" in result.report.section("六").text


def test_scanned_pdf_gets_a_clear_answer():
    result = check_bytes(BLANK_PDF, "扫描件.pdf")
    assert result.error.code == "scanned_pdf" and "没有文字层" in result.error.message


def test_broken_pdf_gets_a_clear_answer():
    result = check_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 50, "坏.pdf")
    assert result.error is not None and result.error.code in ("corrupt_pdf", "scanned_pdf")
    assert "PDF" in result.error.message
