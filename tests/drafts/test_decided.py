"""The entry ``steps.decide`` hands back (made, not read back) is the journal's own, as the
delivery and a later retry both read it; a downloaded draft's copy is kept by that step, and
only when somebody needs it."""

from __future__ import annotations

import datetime as dt
import hashlib

from nianbao.config import Config
from nianbao.drafts import steps
from nianbao.drafts.checked import check_draft
from nianbao.drafts.review import ReviewService
from nianbao.storage import FileStore, Store

NOW = dt.datetime(2025, 1, 15, 2, 0, tzinfo=dt.timezone.utc)
STAFF = 1001


def test_the_decided_entry_is_the_journals(tmp_path, sample_texts):
    store = Store(tmp_path / "nianbao.db")
    agency = store.get_agency(store.add_agency("学张乡人民政府", "township"))
    config = Config(database=str(tmp_path / "nianbao.db"), report_year=2024)
    files, review = FileStore(config.files_path), ReviewService(config)
    text = next(t for name, t in sample_texts.items() if name.startswith("000")).encode()
    for update_id, data, agency_of in ((1, text, agency), (2, b" \n", agency), (3, text + b"\n", None)):
        entry, _, _ = steps.admit(store, files, None, update_id, quota=None, chat_id=STAFF, user_id=STAFF, kind="document",
                                  file_id=f"f{update_id}", file_name="年报.txt", now=NOW)
        decided = steps.decide(store, files, review, config, entry, agency_of, check_draft(data, "年报.txt"), "chat", data)
        assert decided == store.get_inbox(update_id) and decided.state == "checked" and decided.reply
        kept = update_id == 1  # an agency's readable draft; not the unreadable one, nor a supervisor's test
        assert (decided.sha256 is not None) is kept and (files.get(hashlib.sha256(data).hexdigest()) == data) is kept
    store.close()
