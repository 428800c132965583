"""The published copy against the reviewed draft, as pure data: every difference said the way a
reviewer says it, and the publication date a saved page states."""

from __future__ import annotations

import datetime as dt

import pytest

from nianbao.reports.published import compare_reports, publication_date
from nianbao.validators.engine import check_bytes
from nianbao.validators.render import result_json
from reports.published_pages import changed, mht, page
from reports.region_rosters import fixed_tables

AGENCY = "芮城县财政局"
TODAY = dt.date(2025, 3, 1)


def _read(data: bytes, name: str = "发布稿.html") -> dict:
    result = check_bytes(data, name, expected_year=2024, expected_agency=AGENCY)
    assert result.error is None
    return result_json(result)


@pytest.fixture(scope="module")
def tables() -> dict:
    return fixed_tables(1)


@pytest.fixture(scope="module")
def reviewed(tables) -> dict:
    return _read(page(AGENCY, tables), "审核稿.html")


def test_the_same_report_published_has_no_difference(reviewed, tables):
    assert compare_reports(reviewed, _read(page(AGENCY, tables, published="2025-01-25"))) == []
    assert compare_reports(reviewed, _read(mht(page(AGENCY, tables)), "发布稿.mht")) == []


def test_a_changed_cell_is_named_with_both_values(reviewed, tables):
    total = tables["依申请公开"]["总计"]["总计"]
    published = changed(tables, "依申请公开", "总计", "总计", 59)
    (difference,) = compare_reports(reviewed, _read(page(AGENCY, published)))
    assert difference.text == f"表三「（七）总计」「总计」审核稿为 {total}，发布稿为 59"
    assert (difference.kind, difference.reviewed, difference.published) == ("cell", str(total), "59")


def test_table_four_and_two_cells_blank_and_fee_amounts(reviewed, tables):
    published = changed(changed(tables, "复议诉讼", "行政复议", "结果纠正", 9), "主动公开", "行政许可", "本年处理决定数量", None)
    published = changed(published, "主动公开", "行政事业性收费", "本年收费金额（单位：万元）", 1.5)
    texts = [d.text for d in compare_reports(reviewed, _read(page(AGENCY, published)))]
    permits = tables["主动公开"]["行政许可"]["本年处理决定数量"]
    fee = tables["主动公开"]["行政事业性收费"]["本年收费金额（单位：万元）"]
    assert f"表二「行政许可」「本年处理决定数量」审核稿为 {permits}，发布稿为 空白" in texts
    assert any(t.startswith("表二「行政事业性收费」「本年收费金额（单位：万元）」审核稿为 ") and t.endswith("发布稿为 1.5") for t in texts)
    assert any(t.startswith("表四「行政复议」「结果纠正」") and t.endswith("发布稿为 9") for t in texts)
    assert fee != 1.5


def test_title_headings_and_signature_date(reviewed, tables):
    published = page(AGENCY, tables, date="2025年2月8日", headings={"五": "五、存在问题"}, title="芮城县财政局2024年度政务公开工作报告")
    found = {d.kind: d.text for d in compare_reports(reviewed, _read(published))}
    assert found["title"] == "标题审核稿为 「芮城县财政局2024年政府信息公开工作年度报告」，发布稿为 「芮城县财政局2024年度政务公开工作报告」"
    assert found["heading"].startswith("第五部分标题审核稿为 「五、存在的主要问题及改进情况」，发布稿为 「五、存在问题")
    assert found["date"] == "成文日期审核稿为 2025年1月20日，发布稿为 2025年2月8日"


def test_a_table_missing_from_the_published_copy_is_one_difference_not_a_hundred(reviewed, tables):
    without = {key: value for key, value in tables.items() if key != "依申请公开"}
    found = compare_reports(reviewed, _read(page(AGENCY, without)))
    assert [d.text for d in found if d.kind == "table"] == ["发布稿中没有找到表三「收到和处理政府信息公开申请情况」，或表中没有数字"]
    assert not [d for d in found if d.kind == "cell" and d.where.startswith("表三「")]


def test_the_publication_date_a_page_states(tables):
    with_meta = page(AGENCY, tables, published="2025-01-25")
    assert publication_date(with_meta, [], 2024, TODAY) == dt.date(2025, 1, 25)
    chrome_only = with_meta.replace(b'<meta name="PubDate" content="2025-01-25 09:30">', b"")
    assert publication_date(chrome_only, [], 2024, TODAY) == dt.date(2025, 1, 25)
    assert publication_date(mht(with_meta), [], 2024, TODAY) == dt.date(2025, 1, 25)
    assert publication_date(page(AGENCY, tables), [], 2024, TODAY) is None  # the signature date is not the publication's
    assert publication_date(b"%PDF-1.4", ["发布日期：2025年1月28日"], 2024, TODAY) == dt.date(2025, 1, 28)
    assert publication_date(page(AGENCY, tables, published="2024-06-01"), [], 2024, TODAY) is None  # before the year ended
    assert publication_date(page(AGENCY, tables, published="2025-04-01"), [], 2024, TODAY) is None  # after today
