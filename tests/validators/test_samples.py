"""The five real samples: every cell found, every section located, the real mistakes reported
with their location, and nothing else reported as an error."""

from __future__ import annotations

import json

import pytest
from golden import NAMES, golden_file, golden_output, sample_path

from nianbao.validators.engine import check_bytes
from nianbao.validators.template import TOTAL_CELLS


@pytest.fixture(scope="module")
def results(samples_dir):
    paths = {name: sample_path(samples_dir, name) for name in NAMES}
    return {name: check_bytes(path.read_bytes(), path.name) for name, path in paths.items()}


def keys(result, severity=None):
    return {(i.code, i.table, i.row, i.column, i.section) for i in result.issues if severity is None or i.severity.value == severity}


@pytest.mark.parametrize("name", NAMES)
def test_every_cell_and_section_is_found(results, name):
    report = results[name].report
    cells = [c for t in report.tables.values() for c in t.all_cells()]
    assert len(cells) == TOTAL_CELLS == 200
    assert all(c.found for c in cells)
    assert all(s.located for s in report.sections), [s.number for s in report.sections if not s.located]
    assert report.year == 2024
    assert report.level == "township"


def test_000_sections_two_and_three_numbered_with_arabic_digits(results):
    result = results["000"]
    assert keys(result, "error") == {("S102", None, None, None, "二"), ("S102", None, None, None, "三")}
    messages = [i.message for i in result.issues]
    assert any("2、" in m and "二、主动公开政府信息情况" in m for m in messages)
    assert results["000"].report.agency == "学张乡人民政府"


def test_001_no_overview_heading_and_no_fee_statement(results):
    result = results["001"]
    assert keys(result, "error") == {("S101", None, None, None, "一"), ("X101", None, None, None, "六")}
    overview = result.report.section("一")
    assert not overview.heading_found and overview.paragraphs[0].text.startswith("(一)主动公开情况")


def test_002_improvement_plan_speaks_of_the_report_year(results):
    result = results["002"]
    assert keys(result, "error") == set()
    plan = [i for i in result.issues if i.code == "Y103"]
    assert len(plan) == 1 and plan[0].section == "五" and "2024年" in plan[0].found and plan[0].expected == "2025年"
    assert plan[0].severity.value == "warning"


def test_003_all_real_mistakes(results):
    result = results["003"]
    errors = {i.code: i for i in result.issues if i.severity.value == "error"}
    assert keys(result, "error") == {
        ("L101", "主动公开", "规章", None, "二"),
        ("C101", "主动公开", "行政事业性收费", "本年收费金额（单位：万元）", "二"),
        ("C101", "依申请公开", "总计", None, "三"),
        ("S102", None, None, None, "三"),
        ("S102", None, None, None, "四"),
        ("X101", None, None, None, "六"),
    }
    assert ("Y104", None, None, None, "signature") in keys(result, "warning")  # no date of issue: a warning
    assert "5" in errors["L101"].message and "行政规范性文件" in errors["L101"].message
    total_row = next(i for i in result.issues if i.code == "C101" and i.row == "总计")
    assert total_row.expected == "1、2、2、3、1、0、9"
    assert "（七）总计" in total_row.message and "整行为空" in total_row.message
    province = [i for i in result.issues if i.code == "L104"]
    assert len(province) == 1 and "全省" in province[0].found and province[0].section == "一"


def test_004_relabelled_row_and_section_three(results):
    result = results["004"]
    assert keys(result, "error") == {("T103", "主动公开", "行政规范性文件", None, "二"), ("S102", None, None, None, "三")}
    label = next(i for i in result.issues if i.code == "T103")
    assert label.found == "规范性文件" and label.expected == "行政规范性文件"
    assert result.report.tables["主动公开"].rows["行政规范性文件"]["本年制发件数"].locator.line == 25  # the line after "\t规范性文件"


@pytest.mark.parametrize("name", NAMES)
def test_matches_golden_output(results, name):
    """Tables and issues as a whole, so that any change of behaviour is seen and reviewed. A change
    that is meant: `python -m tests.validators.update_golden` rewrites the files and shows the diff."""
    expected = json.loads(golden_file(name).read_text(encoding="utf-8"))
    assert golden_output(results[name]) == expected, "run `python -m tests.validators.update_golden` to review the change"
