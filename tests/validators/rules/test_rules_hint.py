"""L101's hint: move 规章 numbers to the 规范性文件 row only when that row is empty; when it
already has numbers, say so (moving would overwrite them)."""

from __future__ import annotations

from nianbao.validators.engine import check_bytes

NAME = "003_2b155fb9c9cacf46"


def _l101_hint(text: str) -> str:
    result = check_bytes(text.encode("utf-8"), "draft.txt")
    [issue] = [i for i in result.issues if i.code == "L101"]
    return issue.hint


def test_rules_hint_when_the_normative_documents_row_has_numbers(sample_texts):
    hint = _l101_hint(sample_texts[NAME])  # 规章 5/0/5 and 行政规范性文件 5/0/5
    assert "把这个数字移到" not in hint
    assert "「行政规范性文件」一行已经填了数字（本年制发件数 5、现行有效件数 5）" in hint
    assert "加到「行政规范性文件」一行" in hint


def test_rules_hint_when_the_normative_documents_row_is_empty(sample_texts):
    text = sample_texts[NAME].replace("\t行政规范性文件\n\t5\n\t0\n\t5\n", "\t行政规范性文件\n\t0\n\t0\n\t0\n", 1)
    assert text != sample_texts[NAME]
    assert _l101_hint(text) == "把这个数字移到「行政规范性文件」一行，「规章」各列填 0。"
