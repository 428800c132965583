"""The plan year in section 五 however the plan is phrased, and the deadline by level."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
from fixtures.docx_builder import build_docx

from nianbao.validators.engine import check_bytes


def with_plan(clean, sentence: str):
    content = copy.deepcopy(clean)
    next(s for s in content["sections"] if s["number"] == "五")["paragraphs"].append(sentence)
    return content


@pytest.mark.parametrize(
    "sentence",
    ["改进措施：2024年定期开展政务公开培训。", "（二）改进情况：2024年加强答复文书审核。", "2024年，我镇将继续加强培训。"],
)
def test_a_plan_for_the_report_year_is_the_plan_year_mistake(clean, sentence):
    result = check_bytes(build_docx(with_plan(clean, sentence)), "r.docx")
    assert [(i.code, i.section, i.expected) for i in result.issues] == [("Y103", "五", "2025年")]
    assert sentence.rstrip("。").removeprefix("（二）") in result.issues[0].found


@pytest.mark.parametrize("sentence", ["改进措施：2025年定期开展政务公开培训。", "2024年已开展培训 3 次。"])
def test_a_plan_for_the_next_year_or_work_done_is_fine(clean, sentence):
    assert check_bytes(build_docx(with_plan(clean, sentence)), "r.docx").issues == []


def signed(clean, date: str):
    content = copy.deepcopy(clean)
    content["signature"] = ["文水县人民政府", date]
    return build_docx(content)


def late(result) -> list[str]:
    return [i.message for i in result.issues if i.code == "Y106"]


def test_a_government_publishes_its_own_report_by_31_march(clean):
    assert late(check_bytes(signed(clean, "2025年3月20日"), "r.docx", level="government")) == []
    [message] = late(check_bytes(signed(clean, "2025年4月2日"), "r.docx", level="government"))
    assert "2025年3月31日" in message
    [message] = late(check_bytes(signed(clean, "2025年3月20日"), "r.docx", level="township"))
    assert "2025年1月31日" in message


def test_the_government_deadline_is_configurable_like_the_other(clean):
    data = signed(clean, "2025年3月20日")
    options = {"level": "government", "deadline": dt.date(2025, 1, 15)}  # a departments' deadline does not apply
    assert late(check_bytes(data, "r.docx", **options)) == []
    [message] = late(check_bytes(data, "r.docx", government_deadline=dt.date(2025, 3, 15), **options))
    assert "2025年3月15日" in message
