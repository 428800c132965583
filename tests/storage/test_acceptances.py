"""Acceptances on a real SQLite file: kept with who, when and why; carried over while the same
issue remains; an agency whose remaining errors are all accepted passes with their count."""

from __future__ import annotations

import datetime as dt

import pytest

from nianbao.config import Config
from nianbao.storage import Store, SubmissionIn
from nianbao.storage.acceptances import issue_key

T0 = dt.datetime(2025, 1, 10, 8, 0, tzinfo=dt.timezone.utc)
LICENCE = {"number": 1, "code": "L103", "severity": "error", "table": "主动公开", "row": "行政许可", "column": "本年处理决定数量", "section": "二", "message": "行政许可为 0"}
TOTAL = {"number": 2, "code": "A100", "severity": "error", "table": "依申请公开", "row": "予以公开", "column": "自然人", "section": "三", "message": "合计不符"}
WARNING = {"number": 3, "code": "Y103", "severity": "warning", "table": None, "row": None, "column": None, "section": "一", "message": "日期"}


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "nianbao.db") as store:
        yield store


def draft(store: Store, agency_id: int, issues: list[dict], minutes: int = 0, **kw) -> int:
    errors = sum(1 for i in issues if i["severity"] == "error")
    warnings = sum(1 for i in issues if i["severity"] == "warning")
    return store.add_submission(
        SubmissionIn(agency_id=agency_id, year=2024, input_format="docx", parsed=True, issues=issues,
                     error_count=errors, warning_count=warnings, **kw),
        now=T0 + dt.timedelta(minutes=minutes),
    )


def accept(store: Store, agency_id: int, issue: dict, submission_id: int, reason: str = "经核实，该单位本年无行政许可事项"):
    return store.accept_issue(
        agency_id, 2024, issue_key(issue), code=issue["code"], message=issue["message"],
        submission_id=submission_id, reason=reason, by=9001, now=T0,
    )


def standing(store: Store, agency_id: int):
    """The agency's campaign state, as every window reads it."""
    return store.agency_state(agency_id, 2024, Config(), T0.date())


def test_all_errors_accepted_passes_with_their_count(store):
    agency = store.add_agency("学张乡人民政府", "township")
    first = draft(store, agency, [LICENCE, TOTAL, WARNING])
    accept(store, agency, LICENCE, first)
    assert (standing(store, agency).state, standing(store, agency).accepted) == ("errors", 1)
    accept(store, agency, TOTAL, first, reason="县里核对过")
    assert (standing(store, agency).state, standing(store, agency).accepted) == ("passing", 2)
    assert standing(store, agency).label == "通过（含 2 项已确认）"


def test_an_acceptance_carries_over_while_the_issue_remains_and_lapses_once_it_is_gone(store):
    agency = store.add_agency("学张乡人民政府", "township")
    first = draft(store, agency, [LICENCE])
    accept(store, agency, LICENCE, first)
    draft(store, agency, [LICENCE], minutes=5)  # the same issue again: still accepted
    assert standing(store, agency).state == "passing"
    draft(store, agency, [], minutes=10)  # fixed
    assert standing(store, agency).state == "passing" and standing(store, agency).accepted == 0
    draft(store, agency, [LICENCE], minutes=15)  # back again later: a new question for the supervisor
    assert standing(store, agency).state == "errors"


def test_an_unreadable_or_off_target_draft_does_not_break_the_carry_over(store):
    agency = store.add_agency("学张乡人民政府", "township")
    accept(store, agency, LICENCE, draft(store, agency, [LICENCE]))
    store.add_submission(SubmissionIn(agency_id=agency, year=2024, input_format="pdf", parsed=False), now=T0 + dt.timedelta(minutes=3))
    draft(store, agency, [LICENCE], minutes=5)
    assert standing(store, agency).state == "passing"


def test_revoking_is_kept_with_who_when_and_why(store):
    agency = store.add_agency("学张乡人民政府", "township")
    acceptance = accept(store, agency, LICENCE, draft(store, agency, [LICENCE]))
    later = T0 + dt.timedelta(hours=1)
    revoked = store.revoke_acceptance(acceptance.id, by=9002, reason="误判", now=later)
    assert (revoked.revoked_by, revoked.revoked_at, revoked.revoke_reason, revoked.reason) == (9002, later, "误判", acceptance.reason)
    assert standing(store, agency).state == "errors"
    assert [a.id for a in store.acceptances_of(agency, 2024)] == [acceptance.id]  # never deleted


def test_an_acceptance_needs_a_reason_and_is_not_doubled(store):
    agency = store.add_agency("学张乡人民政府", "township")
    first = draft(store, agency, [LICENCE])
    with pytest.raises(ValueError):
        accept(store, agency, LICENCE, first, reason="  ")
    assert accept(store, agency, LICENCE, first).id == accept(store, agency, LICENCE, first, reason="again").id


def test_acceptances_stay_with_their_agency(store):
    mine = store.add_agency("学张乡人民政府", "township")
    other = store.add_agency("策勒乡人民政府", "township")
    accept(store, mine, LICENCE, draft(store, mine, [LICENCE]))
    draft(store, other, [LICENCE], minutes=1)
    assert standing(store, mine).state == "passing" and standing(store, other).state == "errors"
