"""One habit, one issue: 「—」 (or 「/」, 「无」) in every empty cell of a table is one issue for the
table, naming the symbol, the count and the rule, located at the table, with its first cells."""

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
@pytest.mark.parametrize("symbol", ["—", "/", "无"])
def test_a_symbol_in_every_empty_cell_is_one_issue_per_table(clean, fmt, symbol):
    content, counts = with_symbol_for_zero(clean, symbol)
    assert all(counts[spec.key] >= 3 for spec in TABLES)
    result = check_bytes(render(content, fmt), f"r.{fmt}")
    not_numbers = [i for i in result.issues if i.code == "C102"]
    assert sorted(i.table for i in not_numbers) == sorted(spec.key for spec in TABLES)  # one per table
    for issue in not_numbers:
        spec = next(s for s in TABLES if s.key == issue.table)
        assert f"{spec.number}「{spec.title}」有 {counts[spec.key]} 个单元格填的是「{symbol}」" in issue.message
        assert issue.row is None and issue.locator is not None and issue.locator.table is not None or fmt != "docx"
        assert f"不要填「{symbol}」" in issue.hint and "填 0" in issue.hint
        assert "「" in issue.message.split("不是数字")[1]  # the first cells are named
    assert len([i for i in result.issues if i.severity.value == "error"]) <= len(TABLES) + 2, [i.message for i in result.issues]


def test_one_cell_with_a_symbol_stays_an_issue_at_that_cell(clean):
    content = copy.deepcopy(clean)
    row = content["tables"]["依申请公开"]["予以公开"]["values"]
    row["科研机构"] = "—"
    result = check_bytes(build_docx(content), "r.docx")
    [issue] = [i for i in result.issues if i.code == "C102"]
    assert (issue.row, issue.column) == ("予以公开", "科研机构")


def test_the_same_columns_left_blank_in_every_row_are_one_issue(clean):
    content = copy.deepcopy(clean)
    for row in content["tables"]["依申请公开"].values():
        row["values"]["科研机构"] = ""
    result = check_bytes(build_docx(content), "r.docx")
    blanks = [i for i in result.issues if i.code == "C101"]
    assert len(blanks) == 1 and blanks[0].table == "依申请公开" and blanks[0].row is None
    assert blanks[0].message == "表三「收到和处理政府信息公开申请情况」「科研机构」列全部 25 个单元格为空：按表中其他数字推算，都应为 0。"
