"""The region's summary report as a document: the national format our own checker reads without
an error, the summed tables as printed, the identities kept, the text drafted from the figures
only, and the places to complete highlighted."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import docx
from docx.enum.text import WD_COLOR_INDEX
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nianbao.reports.region_report import cell_text, region_report_docx, region_report_name
from nianbao.reports.region_text import FILL_PATTERN, Pending, RegionFacts, change, section_paragraphs
from nianbao.reports.summary import AgencyEntry, summarize
from nianbao.validators.engine import check_bytes
from nianbao.validators.identities import identity_breaks, number
from nianbao.validators.template import SECTIONS, TABLES
from reports.region_rosters import fixed_tables, tables

AGENCY, REGION, YEAR, TODAY = "芮城县人民政府", "芮城县", 2024, dt.date(2025, 3, 1)
STATES = ("passing", "passing", "imported", "errors", "not_submitted", "unreadable", "inactive")


def _check(data: bytes):
    return check_bytes(data, "汇总.docx", level="government", expected_year=YEAR, expected_agency=AGENCY, today=TODAY)


def _facts(entries, previous=None, pending=()) -> RegionFacts:
    return RegionFacts(AGENCY, REGION, YEAR, summarize(entries, year=YEAR), TODAY, tuple(pending), previous)


def _cells():
    for spec in TABLES:
        for row in spec.rows:
            for column in row.columns:
                yield spec.key, row.label, column


@st.composite
def entries(draw):
    count = draw(st.integers(1, 8))
    return [
        AgencyEntry(f"芮城县第{i + 1}乡人民政府", draw(st.sampled_from(STATES)), draw(tables()), level="township")
        for i in range(count)
    ]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(entries())
def test_the_report_passes_the_check_and_prints_the_sums_with_their_identities(members):
    facts = _facts(members)
    result = _check(region_report_docx(facts))
    assert result.error is None
    report = result.report
    assert (report.agency, report.year) == (AGENCY, YEAR)
    assert all(section.heading_found for section in report.sections)
    read = report.tables_json()
    assert identity_breaks(read, number) == []
    for table, row, column in _cells():
        summed = facts.summary.value(table, row, column)
        got = read[table][row][column]
        assert (got is None) if summed is None else Decimal(str(got)) == Decimal(str(summed)), (table, row, column)
    if facts.summary.included:
        assert result.errors == 0, [(i.code, i.message) for i in result.issues if i.severity.value == "error"]


def test_the_title_headings_and_signature_are_the_standard_ones():
    document = docx.Document(io.BytesIO(region_report_docx(_facts([AgencyEntry("芮城县第1乡人民政府", "passing", fixed_tables())]))))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "芮城县人民政府2024年政府信息公开工作年度报告"
    assert [t for t in texts if t in {f"{s.number}、{s.title}" for s in SECTIONS}] == [f"{s.number}、{s.title}" for s in SECTIONS]
    assert texts[-2:] == [AGENCY, "2025年\u3000\u3000月\u3000\u3000日"]
    assert len(document.tables) == 3


def test_every_place_to_complete_is_highlighted_and_nothing_else_is():
    data = region_report_docx(_facts([AgencyEntry("芮城县第1乡人民政府", "passing", fixed_tables())]))
    runs = [run for p in docx.Document(io.BytesIO(data)).paragraphs for run in p.runs if run.text]
    marked = [run.text for run in runs if run.font.highlight_color == WD_COLOR_INDEX.YELLOW]
    assert marked and all(FILL_PATTERN.fullmatch(text) for text in marked)
    assert not any(FILL_PATTERN.search(run.text) for run in runs if run.font.highlight_color != WD_COLOR_INDEX.YELLOW)
    assert any("工作考核、社会评议和责任追究结果" in text for text in marked)  # a government reports them


def test_the_change_from_last_year():
    assert change(9, 8) == "，较上年增长 12.5%"
    assert change(6, 8) == "，较上年下降 25%"
    assert change(8, 8) == "，与上年持平"
    assert change(3, 0) == "（上年为 0）"
    assert change(3, None) == "" and change(None, 3) == "" and change(3, "—") == ""
    assert change(10001, 10000) == "，与上年基本持平"


def test_the_text_states_the_totals_the_change_and_who_is_not_passing():
    this_year = fixed_tables()
    last_year = {key: {row: dict(cells) for row, cells in rows.items()} for key, rows in this_year.items()}
    new = this_year["依申请公开"]["本年新收政府信息公开申请数量"]["总计"]
    if new:
        last_year["依申请公开"]["本年新收政府信息公开申请数量"]["总计"] = new * 2
    entries_ = [AgencyEntry("芮城县第1乡人民政府", "passing", this_year), AgencyEntry("芮城县财政局", "errors", this_year)]
    pending = [Pending("芮城县财政局", "有错误", late_days=28)]
    text = "\n".join(p for ps in section_paragraphs(_facts(entries_, last_year, pending)).values() for p in ps)
    assert "已报送 2 个，审核通过 1 个；尚未通过审核的 1 个（1 个已超过报送期限）：芮城县财政局（有错误，已逾期）" in text
    assert "未纳入汇总的 1 个单位：有错误 1 个（芮城县财政局）" in text
    assert "由芮城县 1 个行政机关的年度报告数据相加而成" in text and "芮城县第1乡人民政府" in text
    if new:
        assert f"收到政府信息公开申请 {new} 件，较上年下降 50%" in text
        assert "本年汇总尚未包括全部单位" in text  # the change is against a partial sum: said so


def test_no_fact_is_invented_where_no_agency_is_counted():
    facts = _facts([AgencyEntry("芮城县第1乡人民政府", "not_submitted")], pending=[Pending("芮城县第1乡人民政府", "未报送")])
    result = _check(region_report_docx(facts))
    assert result.error is None
    assert all(cell.number is None for table in result.report.tables.values() for cell in table.all_cells())
    text = "\n".join(p for ps in section_paragraphs(facts).values() for p in ps)
    assert "由芮城县 0 个行政机关" in text and "【请补充】 件" in text
    assert {i.code for i in result.issues if i.severity.value == "error"} <= {"C101"}  # the blank tables, said plainly


def test_cells_print_as_numbers_and_the_file_is_named_after_the_report():
    assert [cell_text(v) for v in (12, 3.5, 474.28, None, 0, 2.0)] == ["12", "3.5", "474.28", "", "0", "2"]
    assert region_report_name(_facts([])) == "芮城县人民政府2024年政府信息公开工作年度报告（汇总稿）.docx"
