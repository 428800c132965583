"""Real published reports nobody here wrote (../shared/real/outside), in every form found in the
wild (the published page saved as .html too): every cell of the hand-checked truth is read, each real defect is reported at its rows, and
no error is raised that is not one of them. The 淮安 PDF's text is also read as the three PDF
tools give it (pdftotext plain and -layout, pdfplumber's extract_text()), made here from the PDF."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from nianbao.validators.engine import check_bytes
from nianbao.validators.template import TABLE_BY_KEY
from nianbao.validators.text import label_key

REAL = Path(__file__).resolve().parents[2].parent / "shared" / "real"
OUTSIDE = REAL / "outside"
PDF = REAL / "szfgs2024.pdf"


def _manifest() -> list[dict]:
    path = OUTSIDE / "manifest.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else []


# Forms not read right yet, and why (strict: a form that starts passing must leave this list).
GAPS = {
}

# Errors that are right although real_defects (identities and blank cells only) do not list them.
RIGHT_ERRORS = {
    ("shuyang_fgj_2023", "T103"): "table 2 prints 「规范性文件」 for 「行政规范性文件」: a deviation from the 2021 wording",
}


def _forms(test: str) -> list:
    forms = []
    for report in _manifest():
        for name in report["files"]:
            if not name.startswith(("src/", "truth/", "aux/")) or (name.startswith("src/") and name.endswith(".html")):
                gap = GAPS.get((test, name))
                marks = [pytest.mark.xfail(reason=gap, strict=True)] if gap else []
                forms.append(pytest.param(report, name, id=name, marks=marks))
    return forms or [pytest.param(None, None, id="no-outside-reports")]


def _row_labels(table: str, printed: list[str]) -> set[str]:
    spec = TABLE_BY_KEY[table]
    by_key = {key: row.label for row in spec.rows for key in row.keys | row.deviation_keys}
    return {by_key[label_key(p)] for p in printed if label_key(p) in by_key}


def unread_cells(report: dict, result) -> list[tuple]:
    """Truth cells the engine did not read as they are (a blank must be read as blank)."""
    missed = []
    for table, rows in report["truth"].items():
        if report["format"] == "2019" and table == "主动公开":
            continue  # the old table 2 has rows the 2021 template does not (reported as old format)
        for printed, columns in rows.items():
            labels = _row_labels(table, [printed])
            if label_key(printed) == label_key("（六）其他处理"):
                labels = {"其他"}  # printed as one row (the 2019 format): read as the sum of its three items
            if not labels:
                continue  # a row of the old format (（六）其他处理 as one row)
            cells = result.report.tables[table].rows[labels.pop()]
            for column, value in columns.items():
                cell = cells[column]
                read = cell.json_value()
                if not cell.found or (read != value and not (value is None and cell.blank)):
                    missed.append((table, printed, column, value, read))
    return missed


def issue_matches_defect(issue, defect) -> bool:
    if issue.table != defect["table"]:
        return False
    if issue.row is None:  # one issue for a habit across a whole table: blank cells, totals over blanks
        if issue.code == "A106":
            return defect["kind"] == "sum"
        return issue.code == "C101" and (defect["kind"] == "blank" or "blank cells counted as 0" in defect["detail"])
    return issue.row in _row_labels(defect["table"], defect["rows"])


def check_form(report: dict, name: str):
    result = check_bytes((OUTSIDE / name).read_bytes(), name)
    assert result.error is None, result.error
    return result


@pytest.mark.parametrize(("report", "name"), _forms("cells"))
def test_every_cell_of_the_truth_is_read(report, name):
    if report is None:
        pytest.skip("../shared/real/outside is not here")
    result = check_form(report, name)
    assert unread_cells(report, result) == []


@pytest.mark.parametrize(("report", "name"), _forms("issues"))
def test_real_defects_are_found_and_nothing_else_is_an_error(report, name):
    if report is None:
        pytest.skip("../shared/real/outside is not here")
    result = check_form(report, name)
    defects = report["real_defects"]
    errors = [i for i in result.issues if i.severity.value == "error"]
    unfound = [d["detail"] for d in defects if not any(issue_matches_defect(i, d) for i in result.issues)]
    false_errors = [
        (i.code, i.message)
        for i in errors
        if not any(issue_matches_defect(i, d) for d in defects) and (report["name"], i.code) not in RIGHT_ERRORS
    ]
    assert (unfound, false_errors) == ([], [])
    assert result.report.year == report["year"]


# ---------------------------------------------------------------- the PDF's text, as the tools give it

HUAIAN = next((r for r in _manifest() if r["name"] == "huaian_gov_2024"), None)


def _pdftotext(*options: str) -> bytes:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    return subprocess.run(["pdftotext", *options, str(PDF), "-"], check=True, capture_output=True).stdout


def _pdfplumber_text() -> bytes:
    import pdfplumber

    with pdfplumber.open(PDF) as pdf:
        return "\n".join(page.extract_text() for page in pdf.pages).encode("utf-8")


@pytest.mark.parametrize(
    "extract",
    [
        pytest.param(lambda: _pdftotext(), id="pdftotext"),
        pytest.param(lambda: _pdftotext("-layout"), id="pdftotext-layout"),
        pytest.param(_pdfplumber_text, id="pdfplumber-extract_text"),
    ],
)
def test_text_taken_out_of_the_pdf_is_read_completely(extract):
    if HUAIAN is None or not PDF.exists():
        pytest.skip("the 淮安 PDF and its truth are not in ../shared/real")
    result = check_bytes(extract(), "复制的文本.txt")
    assert result.error is None
    assert unread_cells(HUAIAN, result) == []
    assert [i.code for i in result.issues if i.severity.value == "error"] == []
    assert all(section.heading_found for section in result.report.sections)


def test_rows_whose_blank_cells_were_dropped_are_fitted_to_their_columns():
    """沭阳 发改局 as a chat message keeps it: every blank line gone, table 3's rows are 「26」「26」
    (自然人 and 总计; the five 法人或其他组织 columns blank) and are read as such."""
    report = next((r for r in _manifest() if r["name"] == "shuyang_fgj_2023"), None)
    if report is None:
        pytest.skip("../shared/real/outside is not here")
    text = (OUTSIDE / "shuyang_fgj_2023.txt").read_text(encoding="utf-8")
    squeezed = "\n".join(line for line in text.splitlines() if line.strip())
    result = check_bytes(squeezed.encode("utf-8"), "粘贴的文本.txt")
    assert unread_cells(report, result) == []
    assert sorted(i.code for i in result.issues if i.severity.value == "error") == ["C101", "T103"]
