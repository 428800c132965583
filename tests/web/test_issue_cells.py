"""Where an issue is, as the web desk names it: the report's own words, never an internal key."""

from __future__ import annotations

from nianbao.validators.engine import check_bytes
from nianbao.validators.render import result_json
from nianbao.web.views import place


def test_every_issue_of_a_sample_is_placed_in_the_reports_own_words(sample_texts):
    for name, text in sample_texts.items():
        for issue in result_json(check_bytes(text.encode(), f"{name}.txt"))["issues"]:
            where = place(issue)
            assert not any(key in where for key in ("title", "signature", "period")), (name, where)


def test_parts_tables_and_sections_are_named_as_a_reviewer_says_them():
    assert place({"section": "title", "location": "第1段"}) == "标题 （第1段）"
    assert place({"section": "signature"}) == "落款"
    assert place({"section": "三"}) == "第三部分"
    assert place({"table": "依申请公开", "row": "（七）总计", "column": "自然人"}) == "表三 「（七）总计」行 「自然人」列"
