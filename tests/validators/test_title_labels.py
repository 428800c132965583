"""A document-information table's label glued to the title it names (issue 19: a PDF's title fix
offered 「名称桑墟镇…」): the row 「名称 | 沭阳县发展和改革局2023年…报告」 printed as one line is
the title without its label, and the fix Y110 suggests names the agency alone."""

from __future__ import annotations

import shutil
import subprocess

import pytest
import word_habits as made
from test_outside_reports import OUTSIDE

from nianbao.validators.engine import check_bytes

TITLE = "沭阳县发展和改革局2023年政府信息公开年度报告"
FIX = "沭阳县发展和改革局2023年政府信息公开工作年度报告"


def text_form() -> str:
    path = OUTSIDE / "shuyang_fgj_2023.txt"
    if not path.exists():
        pytest.skip("../shared/real/outside is not here")
    return path.read_text(encoding="utf-8")


def title_fix(result) -> list[str]:
    return [i.expected for i in result.issues if i.code == "Y110"]


@pytest.mark.parametrize(
    "line",
    [f"名称  {TITLE}", f"名称{TITLE}", f"名 称 {TITLE} 索引号 014314799/2024-00002", f"{TITLE}发布机构沭阳县发展和改革局"],
)
def test_a_label_glued_to_the_title_is_not_part_of_it(line):
    text = text_form().replace(f"名称\n{TITLE}\n", f"{line}\n")
    result = check_bytes(text.encode("utf-8"), "glued.txt")
    assert (result.report.title, result.report.agency) == (TITLE, "沭阳县发展和改革局")
    assert title_fix(result) == [FIX]


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice (soffice) is not installed")
def test_a_pdf_with_a_borderless_information_table(tmp_path):
    """The published page with its information table unframed, printed to PDF: pdfplumber finds no
    table there and reads the row 「名称 …报告」 as one line of text."""
    source = OUTSIDE / "shuyang_fgj_2023.docx"
    if not source.exists():
        pytest.skip("../shared/real/outside is not here")
    w = made.w

    def unframed(body):
        table = made.table_with(body, "索引号")
        for border in [*table.iter(w("tcBorders")), *table.iter(w("tblBorders"))]:
            border.getparent().remove(border)
        for width in [*table.iter(w("tcW")), *table.iter(w("gridCol"))]:
            width.set(w("w"), "4500")
        table.find(f"{w('tblPr')}/{w('tblW')}").set(w("w"), "9000")

    draft = tmp_path / "draft.docx"
    draft.write_bytes(made.edit(source.read_bytes(), unframed))
    subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to", "pdf", "--outdir", str(tmp_path), str(draft)],
        check=True, capture_output=True, timeout=180,
    )
    result = check_bytes((tmp_path / "draft.pdf").read_bytes(), "draft.pdf")
    assert any(p.text.startswith("名称") and TITLE in p.text for p in result.report.paragraphs)  # the glued line is there
    assert (result.report.title, result.report.agency) == (TITLE, "沭阳县发展和改革局")
    assert title_fix(result) == [FIX]
