"""Retention reaches the rows: past ``retention_days`` the journal forgets its replies and old
submissions their issues and reports, while each agency keeps its history of states and its
latest submission whole."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from nianbao.storage import Store, SubmissionIn

T0 = datetime(2025, 1, 10, 8, 0, tzinfo=timezone.utc)
ISSUES = [{"code": "E101", "severity": "error", "message": "总计不符"}]


def test_purge_rows_forgets_old_texts_and_keeps_the_history_of_states(store: Store) -> None:
    a, b = store.add_agency("甲镇", "township"), store.add_agency("乙镇", "township")
    old = store.add_submission(SubmissionIn(a, 2024, "docx", True, error_count=1, warning_count=2, issues=ISSUES, report={"tables": {"x": 1}}), now=T0 - timedelta(days=500))
    passed = store.add_submission(SubmissionIn(a, 2023, "docx", True, report={"tables": {"y": 2}}), now=T0 - timedelta(days=700))
    latest = store.add_submission(SubmissionIn(a, 2024, "docx", True, error_count=1, issues=ISSUES, report={"tables": {"z": 3}}), now=T0 - timedelta(days=450))
    other = store.add_submission(SubmissionIn(b, 2024, "docx", False, message="无法读取"), now=T0 - timedelta(days=600))
    recent = store.add_submission(SubmissionIn(b, 2025, "docx", True, issues=ISSUES, report={"tables": {}}), now=T0)
    store.journal_draft(1, chat_id=1, user_id=1, kind="paste", now=T0 - timedelta(days=500))
    store.inbox_checked(1, old, reply=[{"text": "<b>审核结果</b>：总计不符"}])
    store.inbox_answered(1, now=T0 - timedelta(days=500))
    store.journal_draft(2, chat_id=1, user_id=1, kind="paste", now=T0 - timedelta(days=500))
    store.inbox_checked(2, None, reply=[{"text": "尚未送达"}])  # still pending: its reply is needed

    assert store.purge_rows(T0 - timedelta(days=400)) == {"replies": 1, "reports": 2}

    forgotten = store.get_submission(old)
    assert forgotten.issues == [] and forgotten.report is None
    assert (forgotten.received_at, forgotten.parsed, forgotten.error_count, forgotten.warning_count) == (T0 - timedelta(days=500), True, 1, 2)
    assert store.get_submission(other).message is None and not store.get_submission(other).parsed
    assert store.get_submission(latest).issues == ISSUES and store.get_submission(latest).report == {"tables": {"z": 3}}
    assert store.prior_report(a, 2023).tables == {"y": 2}  # the year's report of record stays
    assert store.get_submission(recent).issues == ISSUES
    assert store.get_inbox(1).reply is None and store.get_inbox(1).state == "answered"
    assert store.get_inbox(2).reply == [{"text": "尚未送达"}]
    assert [s.id for s in store.list_submissions(a)] == [latest, old, passed]  # the history of states
    assert store.purge_rows(T0 - timedelta(days=400)) == {"replies": 0, "reports": 0}
