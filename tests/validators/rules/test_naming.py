"""What a clerk met (issue 13): a copied report, titles without a name or with 年度 twice, a
title wrapped by a PDF, a title that is missing, and a list of parts before its total. Each
case is the issue's own input, as a real .docx and as pasted text."""

from __future__ import annotations

import copy
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from fixtures.docx_builder import build_docx, content_from_sample, content_to_text
from fixtures.roundtrip import replace_in_document

from nianbao.validators.engine import check_bytes

FORMATS = ["docx", "tabbed"]


def sample(sample_texts, prefix: str):
    name = next(n for n in sample_texts if n.startswith(prefix))
    return content_from_sample(sample_texts[name], f"{name}.txt")


def render(content, fmt: str) -> bytes:
    return build_docx(content) if fmt == "docx" else content_to_text(content, fmt).encode("utf-8")


def check(content, fmt: str, **options):
    result = check_bytes(render(content, fmt), f"draft.{'docx' if fmt == 'docx' else 'txt'}", **options)
    assert result.error is None
    return result


def only(result, code: str):
    found = [i for i in result.issues if i.code == code]
    assert len(found) == 1, [(i.code, i.message) for i in result.issues]
    return found[0]


# ---------------------------------------------------------------- a report copied from another agency


def copied_004(sample_texts):
    """Sample 004 (策勒乡) with only its title and signature changed to 学张乡人民政府."""
    content = sample(sample_texts, "004")
    content["title"] = [line.replace("策勒乡", "学张乡") for line in content["title"]]
    content["signature"] = [line.replace("策勒乡", "学张乡") for line in content["signature"]]
    return content


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_report_copied_from_another_agency_is_an_error_at_the_first_sentence_naming_it(sample_texts, fmt):
    result = check(copied_004(sample_texts), fmt, expected_agency="学张乡人民政府", expected_year=2024)
    issue = only(result, "S105")
    assert issue.severity.value == "error" and not result.passed
    assert issue.message == (
        "报告开头写到「2024年，策勒乡人民政府严格依照《中华人民共和国政府信息…」：策勒乡不是本机关（学张乡人民政府），"
        "全文共 8 处提到策勒乡，可能是照抄了其他单位的报告。"
    )
    first = next(p for p in result.report.paragraphs if "策勒乡" in p.text)
    assert issue.locator == first.locator
    assert "S104" not in {i.code for i in result.issues}  # the title and signature are the sender's


def test_copying_is_found_without_knowing_the_sender_from_the_reports_own_title(sample_texts):
    result = check(copied_004(sample_texts), "docx")
    assert "策勒乡不是本机关（学张乡人民政府）" in only(result, "S105").message


def test_another_agencys_whole_report_is_s104_alone(sample_texts):
    content = sample(sample_texts, "004")
    result = check(content, "docx", expected_agency="学张乡人民政府")
    assert "S104" in {i.code for i in result.issues} and "S105" not in {i.code for i in result.issues}


FGJ = Path(__file__).resolve().parents[3].parent / "shared" / "real" / "outside" / "shuyang_fgj_2023"


@pytest.mark.parametrize("suffix", [".txt", ".docx"])
def test_the_same_department_of_another_county_is_another_agency(suffix):
    """A county department (沭阳县发展和改革局, a real report) naming 泗阳县发展和改革局 as its actor."""
    source = FGJ.with_suffix(suffix)
    if not source.exists():
        pytest.skip("the real reports are not in ../shared/real/outside")
    original = source.read_bytes()
    data = (
        replace_in_document(original, "我局严格审签程序", "泗阳县发展和改革局严格审签程序")
        if suffix == ".docx" else original.replace("我局严格审签程序".encode(), "泗阳县发展和改革局严格审签程序".encode())
    )
    assert "S105" not in {i.code for i in check_bytes(original, source.name).issues}
    issue = only(check_bytes(data, source.name), "S105")
    assert "泗阳县发展和改革局不是本机关（沭阳县发展和改革局），全文共 1 处提到泗阳县发展和改革局" in issue.message


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_own_superior_bodies_and_neighbours_in_general_are_not_another_agency(sample_texts, prefix):
    """芮城县政府官网, 运城市, 「周边乡镇」, 「我镇政府信息公开工作」: no other agency named."""
    result = check(sample(sample_texts, prefix), "docx")
    assert "S105" not in {i.code for i in result.issues}


# ---------------------------------------------------------------- titles


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_title_without_the_agency_name_is_a_warning_at_the_title(sample_texts, fmt):
    result = check(sample(sample_texts, "000"), fmt)
    issue = only(result, "Y111")
    assert issue.message == "标题「2024年政府信息公开工作年度报告」没有写机关名称。"
    assert issue.hint == "在标题开头写上机关全称：「学张乡人民政府2024年政府信息公开工作年度报告」。"
    assert issue.locator == result.report.title_locator


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_title_with_nian_du_twice_is_a_warning(sample_texts, fmt):
    result = check(sample(sample_texts, "004"), fmt)
    issue = only(result, "Y112")
    assert issue.message == "标题「策勒乡人民政府2024年度政府信息公开工作年度报告」中「年度」出现了两次。"
    assert issue.hint == "标题写为「策勒乡人民政府2024年政府信息公开工作年度报告」。"


def test_the_agency_on_its_own_line_above_the_title_is_part_of_it(clean):
    content = copy.deepcopy(clean)
    content["title"] = ["文水县刘胡兰镇", "2024年政府信息公开工作年度报告"]
    result = check(content, "docx")
    assert result.report.title == "文水县刘胡兰镇2024年政府信息公开工作年度报告"
    assert [i.code for i in result.issues] == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_missing_title_is_said_missing_and_no_body_sentence_names_the_agency(clean, fmt):
    """Issue 10: no title line, the preamble opening with 「本报告所列数据统计时限为…」."""
    content = copy.deepcopy(clean)
    content["title"] = []
    content["preamble"] = ["本报告所列数据统计时限为2024年1月1日至2024年12月31日。", *content["preamble"]]
    result = check(content, fmt, expected_agency="刘胡兰镇人民政府", expected_year=2024)
    codes = [i.code for i in result.issues]
    assert "Y110" not in codes and "S104" not in codes
    assert only(result, "Y101").message == "没有找到报告标题（「（机关名称）2024年政府信息公开工作年度报告」）。"
    assert result.report.title is None and result.report.agency == "刘胡兰镇人民政府"  # from the signature


def test_without_title_and_signature_the_agency_is_unknown_not_taken_from_a_sentence(clean):
    content = copy.deepcopy(clean)
    content["title"], content["signature"] = [], ["2025年1月20日"]
    content["preamble"] = ["2024年文水县刘胡兰镇人民政府严格执行《中华人民共和国政府信息公开条例》。", *content["preamble"]]
    result = check(content, "docx")
    assert result.report.agency is None


def test_a_title_printed_in_the_page_header_is_the_title(clean):
    """Issue 10: some templates print the title in the page header, not in the body."""
    import io

    import docx

    content = copy.deepcopy(clean)
    content["title"] = []
    document = docx.Document(io.BytesIO(build_docx(content)))
    document.sections[0].header.paragraphs[0].text = "文水县刘胡兰镇2024年政府信息公开工作年度报告"
    out = io.BytesIO()
    document.save(out)
    result = check_bytes(out.getvalue(), "draft.docx", expected_agency="刘胡兰镇人民政府", expected_year=2024)
    assert result.report.title == "文水县刘胡兰镇2024年政府信息公开工作年度报告"
    assert (result.report.agency, result.report.year) == ("文水县刘胡兰镇", 2024)
    assert [(i.code, i.message) for i in result.issues] == []


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_a_title_wrapped_in_a_pdf_is_joined(clean, tmp_path):
    """The same draft as .docx and as the PDF Word makes of it: the title wraps before 「告」."""
    content = copy.deepcopy(clean)
    content["title"] = ["文水县刘胡兰镇2024年政府信息公开工作年度报告"]
    (tmp_path / "draft.docx").write_bytes(build_docx(content))
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(tmp_path / "draft.docx")],
        check=True, capture_output=True, timeout=120,
    )
    result = check_bytes((tmp_path / "draft.pdf").read_bytes(), "draft.pdf")
    lines = [p.text for p in result.report.paragraphs[:3]]
    assert any(re.sub(r"\s", "", line).endswith("年度报") for line in lines) and "告" in lines  # the PDF really wraps it
    assert result.report.title == "文水县刘胡兰镇2024年政府信息公开工作年度报告"
    assert [i.code for i in result.issues] == []


# ---------------------------------------------------------------- a total after its parts


@pytest.mark.parametrize("fmt", FORMATS)
def test_parts_before_their_total_that_do_not_add_up(sample_texts, fmt):
    content = sample(sample_texts, "000")
    one = next(s for s in content["sections"] if s["number"] == "一")
    one["paragraphs"] = [p.replace("累计共5条", "累计共8条") for p in one["paragraphs"]]
    result = check(content, fmt)
    issue = only(result, "X102")
    assert issue.message == "第一部分写「…领导班子分工1条、财政信息1条、部门信息公开2条。累计共8条」：分项之和为 5，与总数 8 不符。"
    assert issue.section == "一" and "累计共8条" in next(p.text for p in result.report.paragraphs if p.locator == issue.locator)


def test_parts_before_a_total_that_add_up_are_silent(sample_texts):
    assert "X102" not in {i.code for i in check(sample(sample_texts, "000"), "docx").issues}


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_standard_title_offered_keeps_the_agency_name(clean, fmt):
    """Y110's expected value is copied as the new title (JSON, the web desk): it must keep the
    agency, or the copy removes it."""
    content = copy.deepcopy(clean)
    content["title"] = ["文水县刘胡兰镇2024年政府信息公开工作告年度报"]
    issue = only(check(content, fmt), "Y110")
    assert issue.expected == "文水县刘胡兰镇2024年政府信息公开工作年度报告"
    assert issue.hint == "标题写为「文水县刘胡兰镇2024年政府信息公开工作年度报告」。"


def test_without_an_agency_name_the_standard_title_says_where_it_goes(clean):
    content = copy.deepcopy(clean)
    content["title"] = ["2024年政府信息公开工作告年度报"]
    content["signature"] = []
    result = check(content, "docx")
    issue = only(result, "Y110")
    if result.report.agency:
        pytest.skip(f"the agency was found elsewhere: {result.report.agency}")
    assert issue.expected == "2024年政府信息公开工作年度报告"
    assert issue.hint == "标题写为「（机关全称）2024年政府信息公开工作年度报告」。"
