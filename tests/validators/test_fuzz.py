"""Any input ends in a report or in the engine's own ReadError, never another exception."""

from __future__ import annotations

import io
import zipfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nianbao.validators.engine import check_bytes

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
CELLS = st.sampled_from(["\t0", "\t", "\t1", "\t-3", "\t无", "\t１２", "0", "", "| 0 |", "|---|", "\t规章", "\t（七）总计", "三、收到和处理政府信息公开申请情况", "2、 主动公开政府信息情况", "\t一、本年新收政府信息公开申请数量", "2025年1月32日", "\t3.其他", "[bookmark: x]"])


def assert_handled(data: bytes) -> None:
    result = check_bytes(data, "fuzz")
    assert (result.error is None) != (result.report is None)
    if result.report is not None:
        for issue in result.issues:
            assert issue.message and "{" not in issue.message


@FAST
@given(st.lists(CELLS, max_size=300))
def test_text_made_of_report_fragments(lines):
    assert_handled("\n".join(lines).encode("utf-8"))


@FAST
@given(st.binary(max_size=2000))
def test_arbitrary_bytes(data):
    assert_handled(data)


@FAST
@given(st.data())
def test_sample_text_cut_and_spliced(sample_texts, data):
    text = data.draw(st.sampled_from(sorted(sample_texts.values())))
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    insert = data.draw(st.sampled_from(["", "\n", "\t", "\t0\n", "|", "一、"]))
    assert_handled((text[:start] + insert + text[end:]).encode("utf-8"))


@FAST
@given(st.data())
def test_mutated_docx_packages(sample_docx, data):
    original = data.draw(st.sampled_from(sorted(sample_docx.values())))
    archive = zipfile.ZipFile(io.BytesIO(original))
    xml = archive.read("word/document.xml")
    start = data.draw(st.integers(0, len(xml)))
    end = data.draw(st.integers(start, min(len(xml), start + 400)))
    replacement = data.draw(st.sampled_from([b"", b"<", b"<w:tc>", b"</w:tr>", b'w:val="9"', b"&amp;", b"<!DOCTYPE x [<!ENTITY a 'aaaa'>]>"]))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in archive.infolist():
            blob = archive.read(info.filename)
            target.writestr(info, xml[:start] + replacement + xml[end:] if info.filename == "word/document.xml" else blob)
    assert_handled(out.getvalue())


@FAST
@given(st.binary(max_size=3000))
def test_bytes_that_claim_to_be_pdf(data):
    assert_handled(b"%PDF-1.4\n" + data)


def test_truncated_docx(sample_docx):
    data = next(iter(sample_docx.values()))
    for size in (10, 100, len(data) // 2, len(data) - 10):
        assert_handled(data[:size])
