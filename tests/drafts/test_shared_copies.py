"""Two drafts with the same bytes share one stored file. The copy of an unreadable draft is deleted
once it is answered, unless something else needs the same bytes: that look and that delete cannot
fall between another draft's keeping of the same bytes and its journal row naming them (which
failed that draft with "storage unavailable", or left it without its copy)."""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from pathlib import Path

from nianbao.config import Config
from nianbao.drafts import steps
from nianbao.drafts.checked import check_draft
from nianbao.drafts.review import ReviewService
from nianbao.storage import FileStore, Store

NOW = dt.datetime(2025, 1, 15, 2, 0, tzinfo=dt.timezone.utc)
STAFF_A, STAFF_B, SUPERVISOR = 1001, 1002, 9001
BLANK = b" \n\n\t  \n"  # unreadable: its copy is not kept once answered
SHA = hashlib.sha256(BLANK).hexdigest()


class PausingFiles(FileStore):
    """A FileStore whose ``put`` of ``BLANK`` (or of the bytes hashed ``target``) stops right after
    finding the file there (before it touches it), until told to go on."""

    def __init__(self, root, target: str = SHA) -> None:
        super().__init__(root)
        self.found, self.go_on = threading.Event(), threading.Event()
        self.pause = False
        self.target = target

    def path(self, sha256: str) -> Path:
        files = self

        class Pausing(type(Path())):
            def exists(self) -> bool:
                there = super().exists()
                if there and files.pause and sha256 == files.target:
                    files.found.set()
                    files.go_on.wait(5)
                return there

        return Pausing(super().path(sha256))


def answered_while_kept(files: PausingFiles, keep, answer) -> None:
    """``keep`` run until it stops inside put, having found the file there; ``answer`` started
    meanwhile (it waits for the keeper's transaction); then both let finish."""
    files.pause = True
    keeping = threading.Thread(target=keep)
    keeping.start()
    assert files.found.wait(5)
    answering = threading.Thread(target=answer)
    answering.start()
    answering.join(0.3)
    files.go_on.set()
    keeping.join(5)
    answering.join(5)
    assert not keeping.is_alive() and not answering.is_alive()


def test_an_answered_copy_is_not_deleted_while_the_same_bytes_are_kept(tmp_path):
    store = Store(tmp_path / "nianbao.db")
    agency = store.get_agency(store.add_agency("学张乡人民政府", "township"))
    config = Config(database=str(tmp_path / "nianbao.db"), report_year=2024)
    files, review = PausingFiles(config.files_path), ReviewService(config)

    def upload(update_id: int, user: int):  # a web desk's draft: its bytes kept with its journal row
        return steps.admit(store, files, BLANK, update_id, quota=None, chat_id=user, user_id=user, kind="upload",
                           file_name="空白.txt", now=NOW)

    # A: uploaded, checked (unreadable) and decided; its copy is the one file of these bytes
    entry, _, _ = upload(1, STAFF_A)
    entry = steps.decide(store, files, review, config, entry, agency, check_draft(BLANK, "空白.txt"), "web")
    # B uploads the same bytes, stopping inside put; meanwhile A is answered: its copy is not
    # needed once answered, unless B needs the same bytes
    answered_while_kept(files, lambda: upload(2, STAFF_B), lambda: steps.answered(store, files, 1, NOW, len(entry.reply)))
    assert store.get_inbox(1).state == "answered" and store.get_inbox(2).sha256 == SHA
    assert files.get(SHA) == BLANK  # B's copy is there for its check, or a retry after a crash
    store.close()


def test_a_downloaded_draft_nobody_needs_is_never_written(tmp_path):
    """An unreadable chat draft is answered without its bytes ever reaching the disk (nothing to
    delete, nothing counted against the quota)."""
    store = Store(tmp_path / "nianbao.db")
    agency = store.get_agency(store.add_agency("学张乡人民政府", "township"))
    config = Config(database=str(tmp_path / "nianbao.db"), report_year=2024)
    files, review = FileStore(config.files_path), ReviewService(config)
    entry, _, _ = steps.admit(store, files, None, 1, quota=None, chat_id=STAFF_A, user_id=STAFF_A, kind="document",
                              file_id="f1", file_name="空白.txt", now=NOW)
    decided = steps.decide(store, files, review, config, entry, agency, check_draft(BLANK, "空白.txt"), "chat", BLANK)
    assert decided.sha256 is None and files.get(SHA) is None and steps.stored_bytes(store, files, agency.id) == 0
    steps.answered(store, files, 1, NOW, len(decided.reply))
    assert store.get_inbox(1).state == "answered" and not any(files.root.glob("??/*"))
    store.close()


def test_a_copy_a_decision_is_keeping_is_not_deleted_by_another_drafts_answer(tmp_path, sample_texts):
    """A downloaded draft's copy is kept by ``steps.decide`` with the submission that needs it, in
    one transaction: a supervisor's test of the same bytes answered meanwhile (its copy not needed
    once answered) cannot delete the file between the two."""
    store = Store(tmp_path / "nianbao.db")
    agency = store.get_agency(store.add_agency("学张乡人民政府", "township"))
    config = Config(database=str(tmp_path / "nianbao.db"), report_year=2024)
    text = next(t for name, t in sample_texts.items() if name.startswith("000")).encode()
    sha = hashlib.sha256(text).hexdigest()
    files, review = PausingFiles(config.files_path, target=sha), ReviewService(config)
    # A: a supervisor's pasted test draft, its bytes kept with its journal row, checked and decided
    test, _, _ = steps.admit(store, files, text, 1, quota=None, chat_id=SUPERVISOR, user_id=SUPERVISOR, kind="paste",
                             file_name="粘贴.txt", now=NOW)
    test = steps.decide(store, files, review, config, test, None, check_draft(text, "粘贴.txt"), "chat")
    assert test.submission_id is None and files.get(sha) == text
    # B: an agency's chat draft of the same bytes, downloaded and readable; its decision stops in put, the file found
    draft, _, _ = steps.admit(store, files, None, 2, quota=None, chat_id=STAFF_B, user_id=STAFF_B, kind="document",
                              file_id="f2", file_name="年报.txt", now=NOW)
    result = check_draft(text, "年报.txt")
    answered_while_kept(files, lambda: steps.decide(store, files, review, config, draft, agency, result, "chat", text),
                        lambda: steps.answered(store, files, 1, NOW, len(test.reply)))
    assert store.get_inbox(1).state == "answered" and store.get_inbox(2).sha256 == sha
    assert files.get(sha) == text and steps.stored_bytes(store, files, agency.id) == len(text)
    store.close()


async def test_a_test_draft_answered_in_the_batch_that_keeps_the_same_bytes_leaves_them(tmp_path, sample_texts):
    # the supervisor's pasted test and an agency's draft of the same bytes finish together: their
    # steps share one transaction, and the answer's look whether the bytes are still needed must
    # see the row the agency's decision has just written in it
    import asyncio

    from nianbao.storage.aio import AsyncStore

    text = next(iter(sample_texts.values())).encode()
    store = Store(tmp_path / "nianbao.db")
    agency = store.get_agency(store.add_agency("学张乡人民政府", "township"))
    config = Config(database=str(tmp_path / "nianbao.db"), report_year=2024)
    files, review = FileStore(config.files_path), ReviewService(config)
    test, _, _ = steps.admit(store, files, text, 1, quota=None, chat_id=SUPERVISOR, user_id=SUPERVISOR, kind="paste", file_name="粘贴.txt", now=NOW)
    test = steps.decide(store, files, review, config, test, None, check_draft(text, "粘贴.txt"), "chat")
    draft, _, _ = steps.admit(store, files, None, 2, quota=None, chat_id=STAFF_B, user_id=STAFF_B, kind="document", file_id="f2", file_name="年报.txt", now=NOW)
    db = AsyncStore(store)
    try:
        await asyncio.gather(
            db.together(steps.decide)(files, review, config, draft, agency, check_draft(text, "年报.txt"), "chat", text),
            db.together(steps.answered)(files, 1, NOW, len(test.reply)),
        )
    finally:
        db.shutdown()
    assert store.get_inbox(1).state == "answered" and store.get_inbox(2).sha256 == hashlib.sha256(text).hexdigest()
    assert files.get(hashlib.sha256(text).hexdigest()) == text  # the agency's copy is still there
    store.close()
