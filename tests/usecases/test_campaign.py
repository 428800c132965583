"""The campaign state's rules, on a real SQLite file, through the same functions every window
calls (``usecases.campaign``): what decides, lateness, what is counted in the sum and why."""

from __future__ import annotations

import copy
import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest

from nianbao.config import Config
from nianbao.reports.summary import summary_xlsx
from nianbao.storage import Store, SubmissionIn
from nianbao.usecases.campaign import county_rows, county_summary
from nianbao.validators.engine import check_bytes
from nianbao.validators.render import result_json

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "samples"
CONFIG = Config()
UTC = dt.timezone.utc
JAN_20, FEB_10 = dt.datetime(2025, 1, 20, 2, tzinfo=UTC), dt.datetime(2025, 2, 10, 2, tzinfo=UTC)


@pytest.fixture(scope="module")
def clean_tables() -> dict:
    """A real report without errors (刘胡兰镇's), as the engine maps it."""
    sample = next(SAMPLES.glob("002_*.txt"))
    return result_json(check_bytes(sample.read_bytes(), sample.name, expected_year=2024))["tables"]


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "nianbao.db") as store:
        yield store


def _draft(store, agency_id, tables, *, errors=0, issues=(), when=JAN_20, off_target=None, parsed=True):
    return store.add_submission(
        SubmissionIn(
            agency_id=agency_id, year=2024, input_format="docx", parsed=parsed, error_count=errors,
            issues=list(issues), report={"tables": tables} if parsed else None, received_at=when,
            off_target=off_target is not None, off_target_reason=off_target,
        )
    )


def _states(store, today=dt.date(2025, 2, 10)):
    return {state.agency.name: state for state in county_rows(store, CONFIG, 2024, today)}


def _blanked(tables: dict) -> dict:
    """Two whole columns of table 3 left blank (they hold 0 in the report): C101's case."""
    blanked = copy.deepcopy(tables)
    for row in blanked["依申请公开"].values():
        for column in ("科研机构", "社会公益组织"):
            if column in row:
                row[column] = None
    return blanked


def test_blank_cells_a_supervisor_accepted_are_summed_as_zero_and_marked(store, clean_tables):
    agency = store.add_agency("桑墟镇人民政府", "乡镇")
    blank = {"code": "C101", "severity": "error", "number": 1, "table": "依申请公开", "column": "科研机构", "message": "空白"}
    draft = _draft(store, agency, _blanked(clean_tables), errors=1, issues=[blank])
    before = _states(store)["桑墟镇人民政府"]
    assert (before.state, before.counted, before.not_counted) == ("errors", False, "有错误")

    store.accept_issue(agency, 2024, ("C101", "依申请公开", None, "科研机构", None), code="C101", message="空白",
                       submission_id=draft, reason="该单位无此类申请，同意按0汇总", by=9001)
    after = _states(store)["桑墟镇人民政府"]
    assert (after.label, after.counted, after.blanks_as_zero, after.remaining_errors) == ("通过（含 1 项已确认）", True, True, 0)

    summary = county_summary(store, CONFIG, 2024, dt.date(2025, 2, 10))
    (line,) = summary.lines
    assert line.included and len(line.zeroed) == 2 * len(clean_tables["依申请公开"])
    sheet = openpyxl.load_workbook(io.BytesIO(summary_xlsx(summary, 2024)))["各机关情况"]
    row = next(r for r in ([c.value for c in row] for row in sheet.iter_rows()) if "桑墟镇人民政府" in r)
    assert "通过（含 1 项已确认）" in row and "是" in row and any("经督导员确认按 0 计入" in str(c) for c in row)


def test_what_decides_and_what_is_late(store, clean_tables):
    passed_late = store.add_agency("迟交镇", "乡镇")
    _draft(store, passed_late, clean_tables, errors=2, when=JAN_20)
    _draft(store, passed_late, clean_tables, when=dt.datetime(2025, 2, 3, 2, tzinfo=UTC))
    on_time = store.add_agency("县人民政府", "政府")  # a government's own report is due 31 March
    _draft(store, on_time, clean_tables, errors=1, when=FEB_10)
    imported = store.add_agency("邮件镇", "乡镇")
    store.save_prior_report(imported, 2024, clean_tables, file_name="邮件镇2024年报.pdf", now=FEB_10)
    other_year = store.add_agency("错年镇", "乡镇")
    _draft(store, other_year, clean_tables, off_target="Y108")
    _draft(store, other_year, clean_tables, off_target="S104")
    unreadable = store.add_agency("扫描镇", "乡镇")
    _draft(store, unreadable, None, parsed=False)
    gone = store.add_agency("撤并乡", "乡镇")
    _draft(store, gone, clean_tables)
    store.set_agency_active(gone, False)

    states = _states(store)
    assert (states["迟交镇"].state, states["迟交镇"].late_days, states["迟交镇"].counted) == ("passing", 3, True)
    assert (states["县人民政府"].state, states["县人民政府"].late_days) == ("errors", 0)
    assert states["县人民政府"].deadline == dt.date(2025, 3, 31)
    assert (states["邮件镇"].state, states["邮件镇"].source, states["邮件镇"].late_days, states["邮件镇"].counted) == (
        "imported", "imported", 0, True)
    assert not states["邮件镇"].needs_reminder
    assert (states["错年镇"].state, states["错年镇"].late_days) == ("not_submitted", 10)
    assert [s.reason for s in states["错年镇"].set_aside] == ["其他单位的报告", "非本年度的报告"]
    assert (states["扫描镇"].state, states["扫描镇"].counted, states["扫描镇"].not_counted) == ("unreadable", False, "无法读取")
    assert (states["撤并乡"].label, states["撤并乡"].counted, states["撤并乡"].late_days) == ("已停用", False, 0)
    assert not states["撤并乡"].needs_reminder

    summary = county_summary(store, CONFIG, 2024, dt.date(2025, 2, 10))
    assert sorted(e.name for e in summary.included) == ["迟交镇", "邮件镇"]
    assert {e.name: reason for e, reason in summary.excluded}["撤并乡"] == "已停用"


def test_one_agency_alone_is_the_same_as_in_the_county(store, clean_tables):
    for name in ("甲镇", "乙镇", "丙镇"):
        _draft(store, store.add_agency(name, "乡镇"), clean_tables, errors=len(name))
    county = _states(store)
    for state in county.values():
        assert store.agency_state(state.agency.id, 2024, CONFIG, dt.date(2025, 2, 10)) == state


@pytest.mark.parametrize("include_errors", [False, True])
def test_the_county_is_summed_from_the_figures_kept_as_from_the_reports(store, clean_tables, include_errors):
    """``county_summary`` reads each report's figures as kept when it was stored: the same sums,
    lines and reasons as summing the reports' tables (``tables_of``)."""
    from dataclasses import replace

    from nianbao.reports.summary import summarize
    from nianbao.usecases.campaign import _entry

    blank = {"code": "C101", "severity": "error", "number": 1, "table": "依申请公开", "column": "科研机构", "message": "空白"}
    zeroed = store.add_agency("桑墟镇人民政府", "乡镇")
    draft = _draft(store, zeroed, _blanked(clean_tables), errors=1, issues=[blank])
    store.accept_issue(zeroed, 2024, ("C101", "依申请公开", None, "科研机构", None), code="C101", message="空白",
                       submission_id=draft, reason="同意按0汇总", by=9001)
    derived = copy.deepcopy(clean_tables)
    derived["依申请公开"]["总计"]["总计"] = None  # a blank the identities give
    broken = copy.deepcopy(clean_tables)
    broken["依申请公开"]["总计"]["总计"] += 1
    for name, tables, errors in (("甲镇", clean_tables, 0), ("乙镇", derived, 0), ("丙镇", broken, 0), ("丁镇", clean_tables, 2),
                                 ("戊镇", _blanked(clean_tables), 0), ("己镇", {}, 0)):
        _draft(store, store.add_agency(name, "乡镇"), tables, errors=errors)
    store.save_prior_report(store.add_agency("邮件镇", "乡镇"), 2024, clean_tables, file_name="邮件镇.pdf", now=FEB_10)
    _draft(store, store.add_agency("扫描镇", "乡镇"), None, parsed=False)
    gone = store.add_agency("撤并乡", "乡镇")
    _draft(store, gone, clean_tables)
    store.set_agency_active(gone, False)

    today = dt.date(2025, 2, 10)
    summary = county_summary(store, CONFIG, 2024, today, include_errors)
    states = county_rows(store, CONFIG, 2024, today)
    tables, words = store.tables_of(states), store.level_words()
    entries = [replace(_entry(state, None, CONFIG, words), tables=tables.get(state.agency.id)) for state in states]
    expected = summarize(entries, include_errors, year=2024)
    assert summary.tables == expected.tables and summary.contributors == expected.contributors
    assert [(l.entry.name, l.included, l.reason, l.missing, l.derived, dict(l.values), l.zeroed) for l in summary.lines] == [
        (l.entry.name, l.included, l.reason, l.missing, l.derived, dict(l.values), l.zeroed) for l in expected.lines]
    reasons = {line.entry.name: line.reason for line in summary.lines}
    assert reasons["乙镇"] is None and reasons["丙镇"] == "统计表勾稽关系不成立"
    assert reasons["己镇"] == "统计表不完整（空白单元格无法按勾稽关系推出）"  # the state's word: no tables to sum
    assert {line.entry.name for line in summary.lines if line.derived} == {"乙镇"}
    assert {line.entry.name for line in summary.lines if line.zeroed} == {"桑墟镇人民政府"}


def test_every_action_is_its_own_and_the_check_tells_people_apart():
    """One check for every face: staff only for their agency, supervisors within their scope."""
    from nianbao.roles import Role
    from nianbao.usecases.people import Action, Person, allowed

    assert len(set(Action)) == len(Action.__members__)  # no action is an alias of another
    staff = Person(1, Role.STAFF, agency=_agency(7))
    county = Person(2, "supervisor", covered=frozenset({7}))  # a role as stored works too
    city = Person(3, Role.SUPERVISOR)
    assert allowed(staff, Action.SEE_AGENCY, 7) and not allowed(staff, Action.SEE_AGENCY, 8)
    assert allowed(staff, Action.EXPLAIN, 7) and not allowed(city, Action.EXPLAIN, 7)
    assert not allowed(staff, Action.SEE_COUNTY) and allowed(city, Action.SEE_COUNTY)
    assert allowed(county, Action.SEE_AGENCY, 7) and not allowed(county, Action.SEE_AGENCY, 8)
    assert allowed(city, Action.ACCEPT, 8) and not allowed(county, Action.ACCEPT, 8)
    assert not allowed(None, Action.SEE_AGENCY, 7) and not allowed(Person(4, None), Action.SEE_AGENCY, 7)


def _agency(agency_id: int):
    from nianbao.storage import Agency

    return Agency(agency_id, "甲镇", "township", None, None, True, JAN_20)
