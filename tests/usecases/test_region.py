"""The region's summary report from the one campaign state, on a real SQLite file: the same sums
as ``county_summary`` over the region, the document our checker passes, the region's government
as its author (found, or added), the record that next year's carry-over checks read, and the
region filter."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import docx

import pytest
from hypothesis import HealthCheck, given, settings

from nianbao.config import Config
from nianbao.states import State
from nianbao.storage import Store, SubmissionIn
from nianbao.usecases.campaign import county_summary
from nianbao.usecases.region import REGION_SOURCE, RegionError, build_region_report, region_report, region_summary
from nianbao.validators.engine import check_bytes
from nianbao.validators.identities import identity_breaks, number
from nianbao.validators.prior import PriorReport
from reports.region_rosters import RECEIVED, TODAY, YEAR, Member, fixed_tables, populate, rosters

CONFIG = Config()
NOW = dt.datetime(2025, 3, 1, 2, tzinfo=dt.timezone.utc)


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "nianbao.db") as store:
        yield store


def _check(data: bytes, agency: str = "芮城县人民政府", year: int = YEAR, previous=None):
    return check_bytes(data, "汇总.docx", level="government", expected_year=year, expected_agency=agency, previous=previous,
                       today=dt.date(year + 1, 3, 1))  # fmt: skip


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(members=rosters())
def test_over_generated_rosters_the_report_passes_and_prints_the_county_sums(tmp_path_factory, members):
    with Store(tmp_path_factory.mktemp("roster") / "nianbao.db") as store:
        populate(store, members)
        expected = county_summary(store, CONFIG, YEAR, TODAY)  # no government in the roster: every agency
        made = build_region_report(store, CONFIG, YEAR, TODAY, now=NOW)
        assert made.added and made.recorded and made.holder.name == "芮城县人民政府"
        assert made.summary.tables == expected.tables
        assert [(line.entry.name, line.included, line.reason) for line in made.summary.lines] == [
            (line.entry.name, line.included, line.reason) for line in expected.lines
        ]
        result = _check(made.document)
        assert result.error is None and identity_breaks(result.report.tables_json(), number) == []
        for key, rows in made.summary.tables.items():
            for row, cells in rows.items():
                for column, value in cells.items():
                    got = result.report.tables[key].value(row, column)
                    assert (got is None) if value is None else got == Decimal(str(value)), (key, row, column)
        if made.summary.included:
            assert result.errors == 0, [(i.code, i.message) for i in result.issues if i.severity.value == "error"]


def test_the_government_of_the_region_is_the_author_and_never_one_of_the_summed(store):
    ids = populate(store, [Member("芮城县学张乡人民政府", "township", "passing", fixed_tables(1))])
    government = store.add_agency("芮城县人民政府", "政府", region="运城市")
    store.add_submission(SubmissionIn(
        agency_id=government, year=YEAR, input_format="docx", parsed=True, report={"tables": fixed_tables(2)}, received_at=RECEIVED,
    ))  # fmt: skip  (its finished region report, sent back as its draft)
    made = build_region_report(store, CONFIG, YEAR, TODAY, "芮城县", now=NOW)
    assert (made.holder.id, made.added) == (government, False)
    assert [line.entry.name for line in made.summary.lines] == ["芮城县学张乡人民政府"]
    assert made.summary.tables == county_summary(store, CONFIG, YEAR, TODAY, within=frozenset(ids.values())).tables
    assert made.file_name == "芮城县人民政府2024年政府信息公开工作年度报告（汇总稿）.docx"


def test_recorded_as_the_governments_report_without_changing_its_campaign_state(store):
    populate(store, [Member("芮城县学张乡人民政府", "township", "passing", fixed_tables(1))])
    made = build_region_report(store, CONFIG, YEAR, TODAY, now=NOW)
    kept = store.prior_report(made.holder.id, YEAR)
    assert (kept.source, kept.file_name, kept.tables) == (REGION_SOURCE, made.file_name, made.summary.tables)
    state = store.agency_state(made.holder.id, YEAR, CONFIG, TODAY)
    assert (state.state, state.counted) == (State.NOT_SUBMITTED, False)  # not an imported report: not summed, not passing
    again = build_region_report(store, CONFIG, YEAR, TODAY, now=NOW)  # generated again: replaced, not added twice
    assert (again.added, again.recorded, again.holder.id) == (False, True, made.holder.id)
    assert len(store.list_agencies()) == 2


def test_an_imported_report_of_the_year_is_the_figure_of_record_and_is_kept(store):
    populate(store, [Member("芮城县学张乡人民政府", "township", "passing", fixed_tables(1))])
    government = store.add_agency("芮城县人民政府", "政府", region="芮城县")
    store.save_prior_report(government, YEAR, fixed_tables(5), file_name="已公开.pdf")
    made = build_region_report(store, CONFIG, YEAR, TODAY, now=NOW)
    assert not made.recorded and store.prior_report(government, YEAR).file_name == "已公开.pdf"


def test_next_year_the_change_is_stated_and_the_carry_over_is_checked_against_it(store):
    ids = populate(store, [Member("芮城县学张乡人民政府", "township", "passing", fixed_tables(1))])
    first = build_region_report(store, CONFIG, YEAR, TODAY, now=NOW)
    later = fixed_tables(3)
    store.add_submission(SubmissionIn(
        agency_id=ids["芮城县学张乡人民政府"], year=YEAR + 1, input_format="docx", parsed=True, report={"tables": later},
        received_at=RECEIVED + dt.timedelta(days=366),
    ))  # fmt: skip
    second = build_region_report(store, CONFIG, YEAR + 1, dt.date(2026, 3, 1), now=NOW + dt.timedelta(days=365))
    assert second.previous and second.holder.id == first.holder.id
    body = "".join(p.text for p in docx.Document(io.BytesIO(second.document)).paragraphs)
    assert "较上年" in body or "与上年持平" in body or "上年为 0" in body
    stored = store.prior_report(first.holder.id, YEAR)
    previous = PriorReport.from_tables(YEAR, stored.tables, agency=first.holder.name)
    result = _check(second.document, year=YEAR + 1, previous=previous)
    carried_now = later["依申请公开"]["上年结转政府信息公开申请数量"]["总计"]
    forward_then = first.summary.value("依申请公开", "结转下年度继续办理", "总计")
    assert carried_now != forward_then  # this year's carry-over does not match last year's summary
    (h101,) = [i for i in result.issues if i.code == "H101" and i.column == "总计"]
    assert f"为 {carried_now}" in h101.message and str(forward_then) in h101.message


def test_the_region_limits_the_agencies_and_an_unknown_or_missing_region_is_said(store):
    populate(store, [Member("芮城县学张乡人民政府", "township", "passing", fixed_tables(1))])
    populate(store, [Member("大安市叉干镇人民政府", "township", "passing", fixed_tables(2))], region="大安市", parent="大安市人民政府")
    with pytest.raises(RegionError, match="芮城县、大安市|大安市、芮城县"):
        build_region_report(store, CONFIG, YEAR, TODAY)
    with pytest.raises(RegionError, match="永济市"):
        region_summary(store, CONFIG, YEAR, TODAY, "永济市")
    only = region_summary(store, CONFIG, YEAR, TODAY, "大安市")
    assert [line.entry.name for line in only.summary.lines] == ["大安市叉干镇人民政府"]
    assert store.find_agency("大安市人民政府") is None  # a summary alone records nothing and adds no one
    data = region_report(store, CONFIG, YEAR, TODAY, "大安市")
    assert _check(data, agency="大安市人民政府").errors == 0
    assert store.prior_report(store.find_agency("大安市人民政府").id, YEAR).source == REGION_SOURCE


def test_a_county_under_its_city_is_found_by_the_path_or_its_name(store):
    populate(store, [Member("芮城县学张乡人民政府", "township", "passing", fixed_tables(1))], region="运城市/芮城县")
    populate(store, [Member("运城市教育局", "city_department", "passing", fixed_tables(2))], region="运城市", parent="运城市人民政府")
    county = region_summary(store, CONFIG, YEAR, TODAY, "芮城县")
    assert [line.entry.name for line in county.summary.lines] == ["芮城县学张乡人民政府"]
    city = build_region_report(store, CONFIG, YEAR, TODAY, now=NOW)  # the whole roster: the city and its county
    assert city.name == "运城市" and city.holder.name == "运城市人民政府" and len(city.summary.lines) == 2
    made = build_region_report(store, CONFIG, YEAR, TODAY, "运城市/芮城县", now=NOW)
    assert made.holder.name == "芮城县人民政府" and made.holder.region == "运城市"  # a county's government sits in its city
