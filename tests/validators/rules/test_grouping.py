"""One habit, one issue: 「—」 (or 「/」, 「无」) in every empty cell of a table is read as 0 and is one
warning for the table, naming the symbol and the count, every cell one of its places; the same
columns left blank in every row are one issue."""

from __future__ import annotations

import copy

import pytest
from fixtures.docx_builder import build_docx, content_to_text

from nianbao.validators.engine import check_bytes
from nianbao.validators.template import TABLES

FORMATS = ["docx", "tabbed", "one_per_line", "markdown"]


def with_symbol_for_zero(clean, symbol: str) -> tuple[dict, dict[str, int]]:
    """The clean report with every 0 cell written as ``symbol``; the count per table."""
    content = copy.deepcopy(clean)
    counts = {}
    for spec in TABLES:
        counts[spec.key] = 0
        for row in content["tables"][spec.key].values():
            for column, value in row["values"].items():
                if str(value).strip() == "0":
                    row["values"][column] = symbol
                    counts[spec.key] += 1
    return content, counts


def render(content, fmt: str) -> bytes:
    return build_docx(content) if fmt == "docx" else content_to_text(content, fmt).encode("utf-8")


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("symbol", ["—", "/", "无", "－", "——"])
def test_a_symbol_in_every_empty_cell_is_read_as_0_with_one_warning_per_table(clean, fmt, symbol):
    """A person reads 「—」 as 0: every sum and check uses 0, no error; the form asks for 0, said
    once per table, every cell a place of that one warning."""
    content, counts = with_symbol_for_zero(clean, symbol)
    assert all(counts[spec.key] >= 3 for spec in TABLES)
    result = check_bytes(render(content, fmt), f"r.{fmt}")
    assert [i for i in result.issues if i.severity.value == "error"] == []
    zeros = [i for i in result.issues if i.code == "C107"]
    assert sorted(i.table for i in zeros) == sorted(spec.key for spec in TABLES)  # one per table
    for issue in zeros:
        spec = next(s for s in TABLES if s.key == issue.table)
        shown = symbol.replace("－", "－")
        assert issue.severity.value == "warning" and issue.row is None
        assert f"{spec.number}「{spec.title}」有 {counts[spec.key]} 个单元格填的是「{shown}」，已按 0 核算" in issue.message
        assert "改为 0" in issue.hint
        places = issue.all_places()
        assert len(places) == counts[spec.key] and all(p.found == symbol and p.expected == "0" and p.row and p.column for p in places)
    for spec in TABLES:
        cells = [c for c in result.report.tables[spec.key].all_cells() if c.raw.strip() == symbol]
        assert cells and all(c.number == 0 for c in cells)


def test_one_cell_with_a_symbol_is_one_warning_at_that_cell(clean):
    content = copy.deepcopy(clean)
    row = content["tables"]["依申请公开"]["予以公开"]["values"]
    row["科研机构"] = "—"
    result = check_bytes(build_docx(content), "r.docx")
    [issue] = result.issues
    assert (issue.code, issue.severity.value) == ("C107", "warning")
    assert [(p.row, p.column) for p in issue.all_places()] == [("予以公开", "科研机构")]
    assert issue.locator == result.report.tables["依申请公开"].cell("予以公开", "科研机构").locator


def test_text_that_is_not_a_number_nor_a_zero_stays_an_error_at_its_cell(clean):
    content = copy.deepcopy(clean)
    content["tables"]["依申请公开"]["予以公开"]["values"]["科研机构"] = "空"
    result = check_bytes(build_docx(content), "r.docx")
    [issue] = [i for i in result.issues if i.code == "C102"]
    assert (issue.row, issue.column, issue.severity.value) == ("予以公开", "科研机构", "error")


def test_the_same_columns_left_blank_in_every_row_are_one_issue(clean):
    content = copy.deepcopy(clean)
    for row in content["tables"]["依申请公开"].values():
        row["values"]["科研机构"] = ""
    result = check_bytes(build_docx(content), "r.docx")
    blanks = [i for i in result.issues if i.code == "C101"]
    assert len(blanks) == 1 and blanks[0].table == "依申请公开" and blanks[0].row is None
    assert blanks[0].message == "表三「收到和处理政府信息公开申请情况」「科研机构」列全部 25 个单元格为空：按表中其他数字推算，都应为 0。"
