"""Year-to-year rules (H101–H103) and the PriorReport they read.

This year is the clean sample 002 (a 2024 report, see conftest.py); last year is the same
report's tables, as the storage keeps them, dated 2023, with one change made on either side.
"""

from __future__ import annotations

import copy
import json
from decimal import Decimal

import pytest
from fixtures.docx_builder import build_docx, content_to_text

from nianbao.validators.engine import check_bytes, check_report
from nianbao.validators.prior import PriorReport
from nianbao.validators.rules.history import describe_change, is_jump

T2, T3, T4 = "主动公开", "依申请公开", "复议诉讼"
NEW, CARRIED, FORWARD = "本年新收政府信息公开申请数量", "上年结转政府信息公开申请数量", "结转下年度继续办理"
SOURCE = "2023年已通过的报送"


def render(content, fmt: str) -> bytes:
    return build_docx(content) if fmt == "docx" else content_to_text(content, fmt).encode("utf-8")


def check(content, previous: PriorReport | None, fmt: str = "tabbed"):
    return check_bytes(render(content, fmt), "this_year.docx" if fmt == "docx" else "this_year.txt", previous=previous)


def history_issues(result) -> list:
    return [i for i in result.issues if i.code.startswith("H1")]


@pytest.fixture(scope="module")
def tables(clean) -> dict:
    """The clean report's tables, as Report.tables_json() gives them to the storage."""
    return check(clean, None).report.tables_json()


def prior(tables, change=None, year: int = 2023) -> PriorReport:
    tables = copy.deepcopy(tables)
    if change:
        change(tables)
    return PriorReport.from_tables(year, tables, agency="文水县刘胡兰镇", source=SOURCE)


def this_year(clean, change):
    content = copy.deepcopy(clean)
    change(content)
    return content


def set_cells(table: str, row: str, **values):
    def change(content):
        content["tables"][table][row]["values"].update({k: str(v) for k, v in values.items()})

    return change


def applications(count: int):
    """This year: ``count`` new applications from natural persons, all disclosed."""

    def change(content):
        for row in (NEW, "予以公开", "总计"):
            set_cells(T3, row, 自然人=count, 总计=count)(content)

    return change


def add_sentence(number: str, sentence: str):
    def change(content):
        next(s for s in content["sections"] if s["number"] == number)["paragraphs"].append(sentence)

    return change


def chain(*changes):
    def change(content):
        for item in changes:
            item(content)

    return change


# ---------------------------------------------------------------- consistent years


@pytest.mark.parametrize("fmt", ["docx", "tabbed", "markdown"])
def test_consistent_years_give_no_issue(clean, tables, fmt):
    result = check(clean, prior(tables), fmt)
    assert result.error is None
    assert [(i.code, i.message) for i in result.issues] == []


def test_consistent_documents_in_force_with_changes(clean, tables):
    """3 in force last year + 3 issued − 1 repealed = 5 in force this year."""
    content = this_year(clean, set_cells(T2, "行政规范性文件", 本年制发件数=3, 本年废止件数=1, 现行有效件数=5))
    last = prior(tables, lambda t: t[T2]["行政规范性文件"].update(现行有效件数=3))
    assert history_issues(check(content, last)) == []


def test_consistent_carry_over_with_applications(clean, tables):
    """Two applications carried over from 2023, both handled in 2024."""
    content = this_year(clean, chain(set_cells(T3, CARRIED, 自然人=2, 总计=2), set_cells(T3, "予以公开", 自然人=2, 总计=2), set_cells(T3, "总计", 自然人=2, 总计=2)))
    last = prior(tables, lambda t: t[T3][FORWARD].update(自然人=2, 总计=2))
    assert [i.code for i in check(content, last).issues] == []


# ---------------------------------------------------------------- H101 carried over


@pytest.mark.parametrize("fmt", ["docx", "tabbed"])
def test_carried_over_differs_per_column(clean, tables, fmt):
    last = prior(tables, lambda t: t[T3][FORWARD].update(商业企业=1, 总计=1))
    issues = history_issues(check(clean, last, fmt))
    assert [(i.code, i.severity.value, i.table, i.row, i.column, i.expected, i.found) for i in issues] == [
        ("H101", "error", T3, CARRIED, "商业企业", "1", "0"),
        ("H101", "error", T3, CARRIED, "总计", "1", "0"),
    ]
    first = issues[0]
    assert first.message == "表三「二、上年结转政府信息公开申请数量」「商业企业」为 0，而2023年已通过的报送中表三「四、结转下年度继续办理」「商业企业」为 1，两者应相等。"
    assert "改为 1" in first.hint
    assert first.locator is not None and first.locator.describe()
    if fmt == "docx":
        assert first.locator.table is not None and first.locator.grid_row is not None and first.locator.grid_col is not None


def test_carried_over_points_at_this_years_cell(clean, tables):
    """This year's 上年结转 is the wrong one: the issue sits at that cell (A-rules see the broken balance)."""
    content = this_year(clean, set_cells(T3, CARRIED, 自然人=3, 总计=3))
    result = check(content, prior(tables))
    [natural, total] = history_issues(result)
    assert (natural.column, natural.expected, natural.found) == ("自然人", "0", "3")
    assert (total.column, total.expected, total.found) == ("总计", "0", "3")
    cells = result.report.tables[T3].rows[CARRIED]
    assert natural.locator == cells["自然人"].locator and total.locator == cells["总计"].locator


# ---------------------------------------------------------------- H102 documents in force


@pytest.mark.parametrize("fmt", ["docx", "tabbed"])
def test_documents_in_force_mismatch(clean, tables, fmt):
    content = this_year(clean, set_cells(T2, "行政规范性文件", 本年制发件数=3, 本年废止件数=1, 现行有效件数=5))
    last = prior(tables, lambda t: t[T2]["行政规范性文件"].update(现行有效件数=2))
    result = check(content, last, fmt)
    [issue] = history_issues(result)
    assert (issue.code, issue.severity.value, issue.table, issue.row, issue.column, issue.section) == ("H102", "warning", T2, "行政规范性文件", "现行有效件数", "二")
    assert (issue.expected, issue.found) == ("4", "5")
    assert "2023年已通过的报送中的现行有效件数为 2，加本年制发 3、减本年废止 1，应为 4" in issue.message
    assert issue.locator == result.report.tables[T2].rows["行政规范性文件"]["现行有效件数"].locator


def test_documents_in_force_rules_row(clean, tables):
    last = prior(tables, lambda t: t[T2]["规章"].update(现行有效件数=1))
    [issue] = history_issues(check(clean, last))
    assert (issue.code, issue.row, issue.expected, issue.found) == ("H102", "规章", "1", "0")


# ---------------------------------------------------------------- silence


@pytest.mark.parametrize("year", [2022, 2024, 2025])
def test_silent_when_previous_is_not_the_year_before(clean, tables, year):
    wrong = prior(tables, lambda t: t[T3][FORWARD].update(自然人=2, 总计=2), year=year)
    assert history_issues(check(clean, wrong)) == []


def test_silent_without_previous(clean):
    assert history_issues(check(clean, None)) == []


@pytest.mark.parametrize("value", [None, "", "无", "—"])
def test_silent_when_last_years_cell_is_blank(clean, tables, value):
    def blank(t):
        t[T3][FORWARD]["自然人"] = value
        t[T2]["行政规范性文件"]["现行有效件数"] = value
        t[T3][NEW]["总计"] = value

    assert history_issues(check(clean, prior(tables, blank))) == []


def test_silent_when_last_years_table_is_missing(clean, tables):
    assert history_issues(check(clean, prior(tables, lambda t: [t.pop(T3), t.pop(T2)]))) == []


def test_silent_when_this_years_cell_is_blank(clean, tables):
    content = this_year(clean, chain(set_cells(T3, CARRIED, 自然人=""), set_cells(T2, "规章", 本年废止件数="空")))
    last = prior(tables, lambda t: (t[T3][FORWARD].update(自然人=2), t[T2]["规章"].update(现行有效件数=3)))
    result = check(content, last)
    assert {i.code for i in result.issues} >= {"C101", "C102"}
    assert history_issues(result) == []


# ---------------------------------------------------------------- H103 jumps


def test_tenfold_jump_warns(clean, tables):
    content = this_year(clean, applications(25))
    result = check(content, prior(tables, lambda t: t[T3][NEW].update(自然人=2, 总计=2)))
    [issue] = history_issues(result)
    assert (issue.code, issue.severity.value, issue.table, issue.row, issue.column, issue.found) == ("H103", "warning", T3, NEW, "总计", "25")
    assert issue.message == "表三「一、本年新收政府信息公开申请数量」「总计」本年为 25，2023年已通过的报送中为 2，增加到上年的 12.5 倍，正文没有说明原因。"
    assert issue.locator == result.report.tables[T3].rows[NEW]["总计"].locator


@pytest.mark.parametrize(
    "number, sentence",
    [
        ("一", "本年收到的政府信息公开申请较上年大幅增加，主要涉及征地补偿。"),
        ("三", "受辖区内征地拆迁项目集中实施影响，本年依申请公开数量同比增长较多，申请内容主要涉及征地补偿安置方案和补偿标准。"),
        ("六", "申请数量上升的原因是辖区内开展了征地工作。"),
    ],
)
def test_jump_explained_in_the_text_is_silent(clean, tables, number, sentence):
    content = this_year(clean, chain(applications(25), add_sentence(number, sentence)))
    assert history_issues(check(content, prior(tables, lambda t: t[T3][NEW].update(自然人=2, 总计=2)))) == []


def test_unrelated_change_does_not_explain_a_jump(clean, tables):
    content = this_year(clean, chain(applications(25), add_sentence("一", "本年主动公开信息数量较上年有所增加。")))
    assert [i.code for i in history_issues(check(content, prior(tables, lambda t: t[T3][NEW].update(自然人=2, 总计=2))))] == ["H103"]


def test_drop_to_zero_warns_on_reviews(clean, tables):
    last = prior(tables, lambda t: t[T4]["行政复议"].update(结果维持=12, 总计=12))
    [issue] = history_issues(check(clean, last))
    assert (issue.code, issue.table, issue.row, issue.column, issue.found) == ("H103", T4, "行政复议", "总计", "0")
    assert "相差十倍以上" in issue.message


@pytest.mark.parametrize("last, now", [(0, 3), (2, 19), (0, 19), (5, 40)])
def test_small_or_moderate_changes_are_silent(clean, tables, last, now):
    content = this_year(clean, applications(now))
    assert history_issues(check(content, prior(tables, lambda t: t[T3][NEW].update(自然人=last, 总计=last)))) == []


@pytest.mark.parametrize(
    "last, now, floor, jump",
    [(0, 3, 20, False), (0, 20, 20, True), (2, 20, 20, True), (2, 19, 20, False), (300, 30, 100, True), (300, 31, 100, False), (5, 0, 20, False), (-5, 100, 20, False)],
)
def test_is_jump(last, now, floor, jump):
    assert is_jump(Decimal(last), Decimal(now), floor) is jump


def test_describe_change():
    assert describe_change(Decimal(2), Decimal(25)) == "增加到上年的 12.5 倍"
    assert describe_change(Decimal(300), Decimal(15)) == "下降了 95%"
    assert describe_change(Decimal(0), Decimal(25)) == "相差十倍以上"


# ---------------------------------------------------------------- PriorReport


def test_prior_report_round_trips_from_tables_json(clean):
    report = check(clean, None, "docx").report
    from_report = PriorReport.from_report(report, year=2023, source=SOURCE)
    assert from_report.tables == report.tables_json()
    assert (from_report.year, from_report.agency, from_report.source) == (2023, report.agency, SOURCE)
    stored = json.loads(json.dumps(report.tables_json(), ensure_ascii=False))  # as the storage keeps it
    assert PriorReport.from_tables(2023, stored, agency=report.agency, source=SOURCE) == from_report
    assert PriorReport.model_validate_json(from_report.model_dump_json()) == from_report


def test_prior_report_values(tables):
    last = prior(tables, lambda t: t[T2]["行政事业性收费"].update({"本年收费金额（单位：万元）": 1.25}))
    assert last.value(T3, FORWARD, "总计") == 0
    assert last.value(T2, "行政事业性收费", "本年收费金额（单位：万元）") == Decimal("1.25")
    assert last.value(T3, "no such row", "总计") is None and last.value("no such table", FORWARD, "总计") is None
    assert prior(tables, lambda t: t[T3][FORWARD].update(总计="空")).value(T3, FORWARD, "总计") is None
    assert prior(tables, lambda t: t[T3][FORWARD].update(总计="无")).value(T3, FORWARD, "总计") == 0  # read as a person reads it


def test_prior_report_defaults(clean, tables):
    last = PriorReport.from_tables(2023, tables)
    assert (last.agency, last.source) == (None, "2023年的报告")
    report = check(clean, None).report
    assert PriorReport.from_report(report).year == 2024  # the year read from its title
    report.year = None
    with pytest.raises(ValueError):
        PriorReport.from_report(report)


def test_default_source_named_in_messages(clean, tables):
    last = PriorReport.from_tables(2023, copy.deepcopy(tables))
    last.tables[T3][FORWARD]["自然人"] = 1
    issues = history_issues(check(clean, last))
    assert issues and "而2023年的报告中表三" in issues[0].message


def test_check_report_takes_previous(clean, tables):
    report = check(clean, None).report
    last = prior(tables, lambda t: t[T3][FORWARD].update(自然人=1, 总计=1))
    assert [i.code for i in check_report(report, previous=last)] == ["H101", "H101"]
    assert check_report(report) == []


def test_all_zero_tables_repeated_from_last_year_are_not_called_copied(clean, tables):
    # most townships truthfully report zeros year after year
    assert history_issues(check(clean, prior(tables, lambda t: None))) == []
