"""A report pasted six times over (issue 13, item 5): one error saying so, located where the
second copy starts, and the review of the first copy only — no false 第六部分 warning from the
copies piling up in the last section."""

from __future__ import annotations

import copy
import io
import zipfile

import pytest
from fixtures.docx_builder import build_docx, content_from_sample
from lxml import etree

from nianbao.validators.engine import check_bytes

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def sample_000(sample_texts) -> str:
    return sample_texts[next(n for n in sample_texts if n.startswith("000"))]


def keys(result) -> list[tuple]:
    return [(i.code, i.table, i.row, i.column, i.section, i.message) for i in result.issues]


def test_a_text_pasted_six_times_is_one_error_and_the_first_copy_is_reviewed(sample_texts):
    text = sample_000(sample_texts).rstrip("\n") + "\n"
    once = check_bytes(text.encode(), "粘贴的文本.txt")
    six = check_bytes((text * 6).encode(), "粘贴的文本.txt")
    second_copy_line = text.count("\n") + 1 + next(i for i, line in enumerate(text.split("\n")) if line.strip())
    [repeated] = [i for i in six.issues if i.code == "X109"]
    assert repeated.message == f"报告全文重复粘贴了 6 遍（第二遍从第{second_copy_line}行开始），只审核了第一遍。"
    assert repeated.severity.value == "error" and repeated.locator.line == second_copy_line
    assert [k[:5] for k in keys(six) if k[0] != "X109"] == [k[:5] for k in keys(once)]
    assert not any("第六部分" in i.message for i in six.issues)
    assert six.report.tables_json() == once.report.tables_json()


def _body_repeated(data: bytes, times: int) -> bytes:
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            blob = source.read(info.filename)
            if info.filename == "word/document.xml":
                root = etree.fromstring(blob)
                body = root.find(f"{W}body")
                content = [child for child in body if child.tag != f"{W}sectPr"]
                section = body.find(f"{W}sectPr")
                for _ in range(times - 1):
                    for child in content:
                        section.addprevious(copy.deepcopy(child))
                blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            target.writestr(info, blob)
    return out.getvalue()


def test_a_docx_holding_the_report_six_times_is_one_error(sample_texts):
    data = build_docx(content_from_sample(sample_000(sample_texts), "000.txt"))
    once, six = check_bytes(data, "年报.docx"), check_bytes(_body_repeated(data, 6), "年报.docx")
    [repeated] = [i for i in six.issues if i.code == "X109"]
    assert repeated.message.startswith("报告全文重复粘贴了 6 遍（第二遍从第") and repeated.locator.paragraph is not None
    assert [k[:5] for k in keys(six) if k[0] != "X109"] == [k[:5] for k in keys(once)]


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_a_report_there_once_is_not_a_repetition(sample_texts, prefix):
    text = sample_texts[next(n for n in sample_texts if n.startswith(prefix))]
    assert "X109" not in {i.code for i in check_bytes(text.encode(), "x.txt").issues}
