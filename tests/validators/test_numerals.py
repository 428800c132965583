"""A number written in Chinese (or in full-width digits) in a table cell stays in its cell: one
error there (full-width digits: one warning for the table), and the sums use its value (issue 13,
item 2; issue 19)."""

from __future__ import annotations

import copy

import pytest
from fixtures.docx_builder import LAYOUTS, build_docx, content_to_text

from nianbao.validators.engine import check_bytes
from nianbao.validators.numerals import arabic, chinese_number, written_in_words

T2, T3 = "主动公开", "依申请公开"
FORMATS = ["docx", *LAYOUTS]


@pytest.mark.parametrize(
    ("text", "value"),
    [("三", 3), ("十二", 12), ("两", 2), ("二十", 20), ("一百零五", 105), ("一〇五", 105), ("〇", 0), ("十", 10), ("三件", 3), ("两千零一十", 2010)],
)
def test_chinese_numerals_have_their_value(text, value):
    assert chinese_number(text) == value and written_in_words(text) and arabic(text) == str(value)


@pytest.mark.parametrize("text", ["三四十", "十百", "其他", "一、", "无", "—", "3", ""])
def test_other_text_is_not_a_chinese_numeral(text):
    assert chinese_number(text) is None


def test_full_width_digits_are_written_in_words_too():
    assert written_in_words("１２") and arabic("１２") == "12" and not written_in_words("12")


def render(content, fmt: str) -> bytes:
    return build_docx(content) if fmt == "docx" else content_to_text(content, fmt).encode("utf-8")


def check(content, fmt):
    result = check_bytes(render(content, fmt), f"draft.{'docx' if fmt == 'docx' else 'txt'}")
    assert result.error is None
    return result


def with_applications(clean, natural: str):
    """Three applications from 自然人, all 予以公开; the 新收 cell written as ``natural``."""
    content = copy.deepcopy(clean)
    for row in ("本年新收政府信息公开申请数量", "予以公开", "总计"):
        content["tables"][T3][row]["values"].update({"自然人": "3", "总计": "3"})
    content["tables"][T3]["本年新收政府信息公开申请数量"]["values"]["自然人"] = natural
    one = next(s for s in content["sections"] if s["number"] == "一")
    one["paragraphs"] = [p.replace("无依申请公开事项", "收到依申请公开事项3件，均已按期答复") for p in one["paragraphs"]]
    return content


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_chinese_numeral_in_table_three_is_one_error_at_its_cell(clean, fmt):
    result = check(with_applications(clean, "三"), fmt)
    [issue] = result.issues
    assert (issue.code, issue.table, issue.row, issue.column) == ("C106", T3, "本年新收政府信息公开申请数量", "自然人")
    assert issue.message == "表三「一、本年新收政府信息公开申请数量」「自然人」填的是「三」，请改为阿拉伯数字 3。"
    assert issue.locator == result.report.tables[T3].cell("本年新收政府信息公开申请数量", "自然人").locator
    assert result.report.tables[T3].value("本年新收政府信息公开申请数量", "自然人") == 3


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_sums_use_the_numerals_value(clean, fmt):
    """「三」 where the sums say 4: the 勾稽关系 errors name 3 as the value, at the right rows."""
    content = with_applications(clean, "三")
    for row in ("予以公开", "总计"):
        content["tables"][T3][row]["values"].update({"自然人": "4", "总计": "4"})
    result = check(content, fmt)
    codes = {(i.code, i.row) for i in result.issues}
    assert ("C106", "本年新收政府信息公开申请数量") in codes
    assert not any(i.code in ("T104", "C101", "C102") for i in result.issues), [(i.code, i.message) for i in result.issues]
    assert {i.table for i in result.issues} == {T3}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(("written", "digits"), [("十二", "12"), ("两", "2")])
def test_a_numeral_in_table_two_is_one_error_at_its_cell(clean, fmt, written, digits):
    content = copy.deepcopy(clean)
    content["tables"][T2]["行政许可"]["values"]["本年处理决定数量"] = written
    result = check(content, fmt)
    [issue] = result.issues
    assert (issue.code, issue.row, issue.column) == ("C106", "行政许可", "本年处理决定数量")
    assert f"填的是「{written}」，请改为阿拉伯数字 {digits}。" in issue.message


@pytest.mark.parametrize("fmt", FORMATS)
def test_full_width_digits_are_read_as_the_number_and_one_warning(clean, fmt):
    """「１２」 is read as 12 by anyone: summed as 12, one warning for the table, the cell its place."""
    content = copy.deepcopy(clean)
    content["tables"][T2]["行政许可"]["values"]["本年处理决定数量"] = "１２"
    result = check(content, fmt)
    [issue] = result.issues
    assert (issue.code, issue.severity.value, issue.table, issue.row) == ("C108", "warning", T2, None)
    assert "1 个单元格用全角数字填写（如「１２」）" in issue.message
    assert [(p.row, p.column, p.expected, p.found) for p in issue.all_places()] == [("行政许可", "本年处理决定数量", "12", "１２")]
    assert result.report.tables[T2].value("行政许可", "本年处理决定数量") == 12
