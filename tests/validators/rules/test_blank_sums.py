"""Many blank cells must not hide broken totals (A106), and blanks that are whole columns are named
by column (C101), on real published reports: 上海市人民政府办公厅 2019 (126 blank cells in table 3,
the 总计 column left blank under filled applicant columns, （七）总计 805 over blank outcome rows) and
沭阳县发展和改革局 2023 (the five 法人或其他组织 columns blank in every row)."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from fixtures.docx_builder import build_docx

from nianbao.validators.engine import check_bytes

OUTSIDE = Path(__file__).resolve().parents[3].parent / "shared" / "real" / "outside"


def _check(name: str):
    path = OUTSIDE / name
    if not path.exists():
        pytest.skip("../shared/real/outside is not here")
    result = check_bytes(path.read_bytes(), name)
    assert result.error is None
    return result


@pytest.mark.parametrize("name", ["shanghai_gov_office_2019.docx", "shanghai_gov_office_2019.txt"])
def test_totals_left_blank_over_filled_parts_are_one_issue_and_a_stated_total_over_blanks_another(name):
    issues = [i for i in _check(name).issues if i.code == "A106"]
    assert [(i.table, i.row, i.column) for i in issues] == [("依申请公开", None, None), ("依申请公开", "总计", "总计")]
    habit, stated = issues
    assert habit.message.startswith(
        "表三「收到和处理政府信息公开申请情况」有 11 处合计与已填的分项对不上（「（一）予以公开」「总计」、"
    )
    assert "例如：表三「（一）予以公开」「总计」为空，而自然人与各类法人或其他组织中已填的数字之和为 272（另有 2 项空白，按 0 计）" in habit.message
    assert stated.message == (
        "表三「（七）总计」「总计」填的是 805，而（一）至（六）各项办理结果中已填的数字之和为 0"
        "（另有 19 项空白，按 0 计），合计与分项对不上。"
    )
    assert (stated.found, stated.expected) == ("805", "0")


def test_a_blank_total_that_can_be_computed_is_c101_alone(clean):
    """One blank 总计 with all its parts filled: C101 gives the value it should have; A106 is silent."""
    content = copy.deepcopy(clean)
    content["tables"]["复议诉讼"]["行政复议"]["values"].update({"结果维持": "1", "总计": ""})
    result = check_bytes(build_docx(content), "r.docx")
    assert [(i.code, i.message) for i in result.issues] == [("C101", "表四「行政复议」「总计」为空：按表中其他数字推算，应为 1。")]


@pytest.mark.parametrize("name", ["shuyang_fgj_2023.docx", "shuyang_fgj_2023.txt"])
def test_blank_whole_columns_are_named_as_columns(name):
    [issue] = [i for i in _check(name).issues if i.code == "C101"]
    assert issue.message == (
        "表三「收到和处理政府信息公开申请情况」「法人或其他组织」的 5 列（商业企业、科研机构、社会公益组织、"
        "法律服务机构、其他）全部 125 个单元格为空。"
    )
    assert issue.row is None and issue.table == "依申请公开"


@pytest.mark.parametrize("name", ["shanghai_gov_office_2019.docx", "shanghai_gov_office_2019.txt"])
def test_whole_blank_columns_are_named_and_the_other_blanks_listed_by_row(name):
    blanks = [i for i in _check(name).issues if i.code == "C101"]
    assert [i.message for i in blanks] == [
        "表三「收到和处理政府信息公开申请情况」「科研机构」「社会公益组织」2 列全部 46 个单元格为空。",
        "表三「收到和处理政府信息公开申请情况」有 80 个单元格空白（「二、上年结转政府信息公开申请数量」、"
        "「（一）予以公开」「总计」、「（二）部分公开（区分处理的，只计这一情形，不计其他情形）」等）。",
        "表四「政府信息公开行政复议、行政诉讼情况」「结果纠正」「其他结果」2 列全部 6 个单元格为空。",
        "表四「复议后起诉」「结果维持」「尚未审结」「总计」为空。",
    ]


def test_totals_filled_over_blank_applicant_columns_are_one_issue_not_one_per_row(clean):
    """A clerk who fills only the 总计 column: every row's total over six blank columns is one habit."""
    content = copy.deepcopy(clean)
    table = content["tables"]["依申请公开"]
    for row in table.values():
        row["values"].update({column: "" for column in row["values"] if column != "总计"})
    for row, total in (("本年新收政府信息公开申请数量", "5"), ("予以公开", "3"), ("属于国家秘密", "2")):
        table[row]["values"]["总计"] = total
    result = check_bytes(build_docx(content), "r.docx")
    [issue] = [i for i in result.issues if i.code == "A106"]
    assert issue.row is None and issue.message.startswith("表三「收到和处理政府信息公开申请情况」有 3 处合计与已填的分项对不上")
    assert "例如：表三「一、本年新收政府信息公开申请数量」「总计」填的是 5，而自然人与各类法人或其他组织全部空白" in issue.message
