"""The draft journal, earlier years' reports, and the content-addressed draft files."""

from __future__ import annotations

import hashlib
import os
import time
from datetime import datetime, timedelta, timezone

import pytest

from nianbao.config import Config
from nianbao.storage import FileStore, NotFound, Store, SubmissionIn

T0 = datetime(2025, 1, 10, 8, 0, tzinfo=timezone.utc)


def test_journal_is_idempotent_and_tracks_the_life_of_a_draft(store: Store) -> None:
    entry, created = store.journal_draft(7, chat_id=1, user_id=1, kind="document", file_id="F", file_name="a.docx", now=T0)
    assert created and entry.state == "received" and entry.pending and entry.attempts == 0
    again, created = store.journal_draft(7, chat_id=1, user_id=1, kind="document", file_id="OTHER", now=T0)
    assert not created and again.file_id == "F"
    assert store.inbox_attempt(7) == 1
    store.inbox_checked(7, None, reply=[{"text": "<b>审核结果</b>"}, {"document": "ab" * 32, "filename": "批注.docx"}], sha256="cd" * 32)
    checked = store.get_inbox(7)
    assert checked.reply[1]["filename"] == "批注.docx" and checked.state == "checked" and checked.sha256 == "cd" * 32
    assert [e.update_id for e in store.pending_drafts()] == [7]
    assert store.pending_drafts(max_attempts=1) == []
    store.inbox_answered(7, now=T0)
    assert store.pending_drafts() == [] and store.get_inbox(7).state == "answered"
    store.inbox_failed(7, "late failure")  # an answered draft stays answered
    assert store.get_inbox(7).state == "answered" and store.inbox_counts() == {"answered": 1}


def test_prior_report_prefers_the_published_import_over_the_last_passing_draft(store: Store) -> None:
    agency = store.add_agency("城关镇", "township")
    accepted = {"依申请公开": {"结转下年度继续办理": {"总计": 5}}}
    store.add_submission(SubmissionIn(agency, 2023, "docx", True, error_count=0, report={"tables": accepted}), now=T0)
    store.add_submission(SubmissionIn(agency, 2023, "docx", True, error_count=2, report={"tables": {}}), now=T0 + timedelta(1))
    prior = store.prior_report(agency, 2023)
    assert prior.source == "accepted" and prior.tables == accepted  # the last draft without errors
    imported = {"依申请公开": {"结转下年度继续办理": {"总计": 3}}}
    assert store.save_prior_report(agency, 2023, {"x": {}}, file_name="old.docx", now=T0) is False
    assert store.save_prior_report(agency, 2023, imported, file_name="2023.docx", now=T0) is True  # replaced
    prior = store.prior_report(agency, 2023)
    assert prior.source == "imported" and prior.tables == imported and prior.file_name == "2023.docx"
    assert store.prior_report(agency, 2022) is None
    with pytest.raises(NotFound):
        store.save_prior_report(999, 2023, {})


def test_files_to_keep_spares_recent_pending_and_each_agencys_latest(store: Store) -> None:
    a, b = store.add_agency("甲镇", "township"), store.add_agency("乙镇", "township")
    old, newer, recent = "1" * 64, "2" * 64, "3" * 64
    store.add_submission(SubmissionIn(a, 2024, "docx", True, sha256=old), now=T0 - timedelta(days=500))
    store.add_submission(SubmissionIn(a, 2024, "docx", True, sha256=newer), now=T0 - timedelta(days=450))
    store.add_submission(SubmissionIn(b, 2024, "docx", True, sha256=recent), now=T0)
    pending = "4" * 64
    store.journal_draft(1, chat_id=1, user_id=1, kind="paste", sha256=pending, now=T0 - timedelta(days=999))
    keep = store.files_to_keep(T0 - timedelta(days=400))
    assert keep == {newer, recent, pending}
    assert store.latest_stored_draft(a).sha256 == newer


def test_file_store_is_content_addressed_atomic_and_purged(tmp_path) -> None:
    files = FileStore(tmp_path / "files")
    data = "学张乡年报".encode()
    sha = files.put(data)
    assert sha == hashlib.sha256(data).hexdigest()
    assert files.path(sha) == tmp_path / "files" / sha[:2] / sha and files.get(sha) == data
    assert files.put(data) == sha and len(list((tmp_path / "files").rglob("*"))) == 2  # one dir, one file
    with pytest.raises(ValueError):
        files.path("../../etc/passwd")
    stale = files.put(b"old draft")
    leftover = files.path(sha).parent / ".incoming-x"
    leftover.write_bytes(b"half")
    past = time.time() - 10 * 86400
    for path in (files.path(stale), leftover):
        os.utime(path, (past, past))
    assert files.purge(keep=set(), older_than_seconds=86400) == 2
    assert files.get(stale) is None and files.get(sha) == data and not leftover.exists()


def test_reads_do_not_wait_behind_a_write_blocked_by_another_process(tmp_path) -> None:
    import sqlite3
    import threading

    store = Store(tmp_path / "n.db", busy_timeout_ms=2000)
    agency = store.add_agency("甲镇", "township")
    store.bind_member(1, agency, "staff", "张三")
    other_process = sqlite3.connect(tmp_path / "n.db", isolation_level=None)
    other_process.execute("BEGIN IMMEDIATE")
    failures: list[Exception] = []

    def write() -> None:
        try:
            store.journal_draft(5, chat_id=1, user_id=1, kind="paste")
        except sqlite3.OperationalError as error:
            failures.append(error)

    writer = threading.Thread(target=write)
    writer.start()
    time.sleep(0.2)  # the writer now holds the store's write lock, waiting for the database
    started = time.perf_counter()
    assert store.get_member(1).agency_id == agency  # what every handler asks first
    assert time.perf_counter() - started < 0.5
    writer.join()
    other_process.execute("ROLLBACK")
    assert failures and "locked" in str(failures[0])
    assert store.get_inbox(5) is None  # nothing half-written
    store.close()


def test_another_agencys_or_years_report_never_becomes_the_agencys_draft(store: Store) -> None:
    agency = store.add_agency("甲镇", "township")
    passing = store.add_submission(SubmissionIn(agency, 2024, "docx", True, sha256="1" * 64, error_count=0), now=T0)
    store.add_submission(
        SubmissionIn(agency, 2024, "text", True, sha256="2" * 64, error_count=3, off_target=True), now=T0 + timedelta(hours=1)
    )
    [state] = store.campaign(2024, Config(), T0.date())
    assert state.state == "passing" and state.deciding.id == passing
    assert state.drafts == 1  # 报送次数 counts the agency's own reports only (issue 13, item 6)
    assert [s.reason for s in state.set_aside] == ["其他单位或非本年度的报告"]  # listed apart, with why
    assert sum(n for _, n in store.submissions_per_day(2024)) == 1  # nor among the drafts received per day
    assert store.latest_submission(agency, 2024, parsed_only=True).id == passing
    assert store.latest_stored_draft(agency).id == passing
    assert store.latest_submission(agency, 2024).off_target  # still recorded, newest of all
