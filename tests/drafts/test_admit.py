"""A new draft admitted in one step (``steps.admit``): its agency's quota asked first (refused,
nothing is written), then journalled with its first attempt counted; a redelivered draft is found,
not journalled or counted again."""

from __future__ import annotations

import datetime as dt

from nianbao.drafts import steps
from nianbao.storage import FileStore, Store

NOW = dt.datetime(2025, 1, 15, 2, 0, tzinfo=dt.timezone.utc)
STAFF = 1001


def _admit(store, files, update_id, data, quota):
    return steps.admit(store, files, data, update_id, quota=quota, chat_id=STAFF, user_id=STAFF, kind="paste",
                       file_name="粘贴的文本", now=NOW)


def test_a_new_draft_is_journalled_with_its_first_attempt_and_a_redelivered_one_found(tmp_path):
    store, files = Store(tmp_path / "nianbao.db"), FileStore(tmp_path / "files")
    agency_id = store.add_agency("学张乡人民政府", "township")
    entry, created, used = _admit(store, files, 7, "年报全文".encode(), (agency_id, 12, 1024))
    assert created and used is None and entry.attempts == 1 and entry.state == "received"
    assert store.get_inbox(7) == entry and files.get(entry.sha256) == "年报全文".encode()
    again, created, used = _admit(store, files, 7, "年报全文".encode(), (agency_id, 12, 1024))
    assert not created and used is None and again == entry and store.get_inbox(7).attempts == 1
    store.close()


def test_over_the_quota_nothing_is_written(tmp_path):
    store, files = Store(tmp_path / "nianbao.db"), FileStore(tmp_path / "files")
    agency_id = store.add_agency("学张乡人民政府", "township")
    entry, created, used = _admit(store, files, 7, b"x" * 2000, (agency_id, 2000, 1024))
    assert (entry, created, used) == (None, False, 0)
    assert store.get_inbox(7) is None and store.inbox_counts() == {}
    assert not any((tmp_path / "files").rglob("*?"))  # not even the bytes
    test_draft, created, _ = _admit(store, files, 8, b"x" * 2000, None)  # a supervisor's: no agency, no quota
    assert created and test_draft.attempts == 1
    store.close()
