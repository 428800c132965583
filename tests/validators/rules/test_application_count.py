"""X103 on a real report: 沭阳县人民政府 2025 writes 「共受理政府信息公开申请 749 件」 where table 3 has
713 new applications and 36 carried over from last year (749 = 713 + 36, the applications handled)."""

from __future__ import annotations

from pathlib import Path

import pytest

from nianbao.validators.engine import check_bytes

SHUYANG = Path(__file__).resolve().parents[3].parent / "shared" / "real" / "outside" / "shuyang_gov_2025.txt"
STATED = "全县全年共受理政府信息公开申请 749 件"


def _x103(text: str) -> list:
    result = check_bytes(text.encode("utf-8"), "shuyang_gov_2025.txt")
    assert result.error is None
    return [i for i in result.issues if i.code == "X103"]


@pytest.fixture(scope="module")
def shuyang() -> str:
    if not SHUYANG.exists():
        pytest.skip("../shared/real/outside is not here")
    text = SHUYANG.read_text(encoding="utf-8")
    assert STATED in text
    return text


@pytest.mark.parametrize("stated", ["749", "713"], ids=["new-plus-carried", "new"])
def test_the_new_applications_or_with_those_carried_over_agree_with_table_3(shuyang, stated):
    assert _x103(shuyang.replace(STATED, STATED.replace("749", stated))) == []


def test_a_number_that_is_neither_is_reported(shuyang):
    [issue] = _x103(shuyang.replace(STATED, STATED.replace("749", "750")))
    assert issue.message == (
        "第一部分写「受理政府信息公开申请750件」，而表三「一、本年新收政府信息公开申请数量」总计为 713，"
        "加上年结转 36 件为 749。"
    )
    assert (issue.table, issue.row, issue.column) == ("依申请公开", "本年新收政府信息公开申请数量", "总计")


def test_last_years_count_in_the_same_sentence_is_not_this_years(shuyang):
    assert _x103(shuyang.replace(STATED, "上年共受理政府信息公开申请 600 件，" + STATED)) == []
