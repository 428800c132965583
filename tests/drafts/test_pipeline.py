"""The draft pipeline without Telegram: a face that answers at once (``submit_draft``, as the web
desk does) and one that delivers later (``receive`` and ``recover``, as the bot does), on a real
SQLite file with checks in real worker processes. The face here records what it is asked to send."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib

import pytest

from nianbao.config import Config
from nianbao.drafts.pool import CheckPool
from nianbao.drafts import Arrival, DeliveryFailed, DraftPipeline, RateLimiter, Sender, steps
from nianbao.storage import FileStore, Store
from nianbao.storage.aio import AsyncStore

NOW = dt.datetime(2025, 1, 15, 2, 0, tzinfo=dt.timezone.utc)
STAFF, SUPERVISOR = 1001, 9001


class RecordingFace:
    """A face's ``Deliver``: keeps what it is asked to send; ``failing`` sends fail."""

    def __init__(self, uploads: dict[str, bytes] | None = None) -> None:
        self.sent: list[tuple[int, str]] = []
        self.uploads = uploads or {}
        self.failing = False

    async def send_text(self, chat_id: int, text: str) -> None:
        if self.failing:
            raise DeliveryFailed("offline")
        self.sent.append((chat_id, text))

    async def send_document(self, chat_id: int, data: bytes, filename: str, caption: str) -> None:
        await self.send_text(chat_id, f"[{filename}] {caption}")

    async def notify_plainly(self, chat_id: int, text: str) -> None:
        self.sent.append((chat_id, text))

    async def download(self, file_id: str) -> bytes:
        return self.uploads[file_id]

    async def working(self, chat_id: int) -> None:
        pass


@pytest.fixture
async def desk(tmp_path):
    store = Store(tmp_path / "nianbao.db")
    agency_id = store.add_agency("学张乡人民政府", "township")
    store.bind_member(STAFF, agency_id, "staff", "张三")
    config = Config(database=str(tmp_path / "nianbao.db"), report_year=2024, drafts_per_user=2)
    pool = CheckPool(1, timeout=60)
    face = RecordingFace()
    db = AsyncStore(store)
    pipeline = DraftPipeline(
        config=config, db=db, files=FileStore(config.files_path), pool=pool,
        limiter=RateLimiter(config.drafts_per_user, 60), deliver=face, clock=lambda: NOW,
    )
    yield pipeline, face, store
    pool.shutdown()
    db.shutdown()
    store.close()


async def test_a_face_that_answers_at_once_gets_the_reply_and_the_draft_is_recorded(desk, sample_texts):
    pipeline, face, store = desk
    agency = store.find_agency("学张乡")
    text = next(t for name, t in sample_texts.items() if name.startswith("000"))
    reply = await pipeline.submit_draft(Sender(STAFF, STAFF), agency, "年报.txt", text.encode())
    assert "审核结果：学张乡人民政府" in reply[0]["text"] and "个错误" in reply[0]["text"]
    [submission] = store.list_submissions(agency.id)
    assert submission.file_name == "年报.txt" and submission.update_id < 0  # a journal id of its own
    assert store.get_inbox(submission.update_id).state == "answered"
    assert face.sent == []  # nothing went through the other way
    await pipeline.submit_draft(Sender(STAFF, STAFF), agency, "二稿.txt", text.encode())
    refused = await pipeline.submit_draft(Sender(STAFF, STAFF), agency, "三稿.txt", text.encode())
    assert "发送得太频繁" in refused[0]["text"] and len(store.list_submissions(agency.id)) == 2


async def test_a_reply_that_could_not_be_delivered_is_sent_by_recovery_exactly_once(desk, sample_texts):
    pipeline, face, store = desk
    text = next(t for name, t in sample_texts.items() if name.startswith("000"))
    face.uploads["file-1"] = text.encode()
    face.failing = True
    await pipeline.receive(Arrival(Sender(STAFF, STAFF), "document", "年报.txt", journal_id=500, file_id="file-1"))
    entry = store.get_inbox(500)
    assert entry.state == "checked" and entry.reply and face.sent == []  # decided, kept, not sent
    assert entry.attempts == 1  # its one check, counted with the journal entry
    face.failing = False
    await pipeline.recover()
    for _ in range(100):
        await asyncio.sleep(0.05)
        if store.get_inbox(500).state == "answered":
            break
    assert store.get_inbox(500).state == "answered" and store.get_inbox(500).attempts == 1  # a delivery retry is no attempt
    assert [chat for chat, _ in face.sent] == [STAFF] and "审核结果" in face.sent[0][1]
    assert len(store.list_submissions(store.find_agency("学张乡").id)) == 1


def test_the_pipeline_knows_no_telegram():
    import subprocess
    import sys

    probe = "import sys, nianbao.drafts, nianbao.storage.aio; print(sorted(m for m in sys.modules if m.split('.')[0] == 'telegram'))"
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]"


async def test_a_draft_interrupted_before_it_is_recorded_is_downloaded_again_and_kept_once(desk, sample_texts):
    """A chat draft's copy is written only with its submission (``steps.decide``): interrupted
    before that (a crash during its check), nothing of it is on disk and the journal still holds
    it; recovery downloads it again, keeps it with its submission (counted against the agency's
    quota) and answers it once."""
    pipeline, face, store = desk
    text = next(t for name, t in sample_texts.items() if name.startswith("000")).encode()
    sha = hashlib.sha256(text).hexdigest()
    face.uploads["file-2"] = text
    downloads, download = [], face.download

    async def counted_download(file_id: str) -> bytes:
        downloads.append(file_id)
        return await download(file_id)

    face.download = counted_download
    stalled, run_check = asyncio.Event(), pipeline._run_check

    async def check_that_never_ends(*args):
        pipeline._run_check = run_check  # the next one (recovery's) runs
        stalled.set()
        await asyncio.Event().wait()

    pipeline._run_check = check_that_never_ends
    receiving = asyncio.ensure_future(pipeline.receive(Arrival(Sender(STAFF, STAFF), "document", "年报.txt", journal_id=600, file_id="file-2")))
    await asyncio.wait_for(stalled.wait(), 10)
    receiving.cancel()  # the process "dies" while the draft is being checked
    await asyncio.gather(receiving, return_exceptions=True)
    agency = store.find_agency("学张乡")
    entry = store.get_inbox(600)
    assert entry.state == "received" and entry.sha256 is None and entry.attempts == 1 and downloads == ["file-2"]
    assert pipeline.files.get(sha) is None and store.list_submissions(agency.id) == []

    await pipeline.recover()
    for _ in range(200):
        if store.get_inbox(600).state == "answered":
            break
        await asyncio.sleep(0.05)
    entry = store.get_inbox(600)
    assert entry.state == "answered" and entry.attempts == 2 and entry.sha256 == sha and downloads == ["file-2"] * 2
    assert pipeline.files.get(sha) == text and steps.stored_bytes(store, pipeline.files, agency.id) == len(text)
    assert [s.update_id for s in store.list_submissions(agency.id)] == [600]
    assert [chat for chat, _ in face.sent] == [STAFF] and "审核结果" in face.sent[0][1]


async def test_a_draft_refused_by_the_rate_limit_leaves_nothing_on_the_disk(desk, sample_texts):
    pipeline, face, store = desk
    agency = store.find_agency("学张乡")
    text = next(t for name, t in sample_texts.items() if name.startswith("000"))
    for number in range(2):  # drafts_per_user=2: both checked and kept
        await pipeline.submit_draft(Sender(STAFF, STAFF), agency, f"第{number}稿.txt", f"{text}\n{number}".encode())
    uploaded, pasted = f"{text}\n上传".encode(), f"{text}\n粘贴".encode()
    refused = await pipeline.submit_draft(Sender(STAFF, STAFF), agency, "三稿.txt", uploaded)
    assert "发送得太频繁" in refused[0]["text"]
    await pipeline.receive(Arrival(Sender(STAFF, STAFF), "paste", "粘贴的文本", journal_id=900), pasted, agency=agency)
    assert "发送得太频繁" in face.sent[-1][1] and store.get_inbox(900).state == "failed"
    kept = {path.name for path in pipeline.files.root.glob("??/*")}
    assert len(kept) == 2 and hashlib.sha256(uploaded).hexdigest() not in kept and hashlib.sha256(pasted).hexdigest() not in kept
