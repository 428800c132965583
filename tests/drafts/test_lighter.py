"""What the pipeline does to stay light on the bot's process under a burst, without changing what
anyone sees: the worker's slim result stores what the whole report stored, "typing…" is sent only
for a slow check, and the worker processes do not import the storage."""

from __future__ import annotations

import asyncio
import datetime as dt
import subprocess
import sys

import pytest

from nianbao.config import Config
from nianbao.drafts import Arrival, DraftPipeline, RateLimiter, Sender
from nianbao.drafts import pipeline as pipeline_module
from nianbao.drafts.checked import CheckedDraft, check_draft
from nianbao.drafts.pool import CheckPool
from nianbao.drafts.review import ReviewService
from nianbao.storage import FileStore, Store
from nianbao.storage.aio import AsyncStore
from nianbao.validators.annotate import check_and_annotate

from fixtures.docx_builder import build_docx, content_from_sample

NOW = dt.datetime(2025, 1, 15, 2, 0, tzinfo=dt.timezone.utc)
STAFF = 1001


def _sample(sample_texts: dict[str, str], prefix: str) -> str:
    return next(text for name, text in sample_texts.items() if name.startswith(prefix))


def test_the_slim_result_records_what_the_whole_report_recorded(tmp_path, sample_texts):
    """The same submission row (issues, report, counts, summability) and the same review, from the
    worker's slim result as from the engine's CheckResult."""
    text = _sample(sample_texts, "000")
    data = build_docx(content_from_sample(text, "000.txt"))
    config = Config(database=str(tmp_path / "nianbao.db"), report_year=2024)
    review = ReviewService(config)
    rows = {}
    for way in ("whole", "slim"):
        store = Store(tmp_path / f"{way}.db")
        agency = store.get_agency(store.add_agency("学张乡人民政府", "township"))
        options = review.check_options(store, NOW, agency)
        if way == "whole":
            result, marked = check_and_annotate(data, "年报.docx", **options)
        else:
            result = check_draft(data, "年报.docx", **options)
            marked = result.marked_up
        recorded = review.record(store, agency=agency, user_id=STAFF, file_name="年报.docx", result=result, now=NOW, update_id=7)
        [stored] = store.list_submissions(agency.id)
        columns = ("issues", "report", "error_count", "warning_count", "info_count", "parsed", "input_format",
                   "sha256", "size", "sum_problem", "sum_problem_zeros", "off_target")
        rows[way] = ({name: getattr(stored, name) for name in columns}, recorded.issues, marked is not None)
        store.close()
    assert rows["slim"] == rows["whole"]
    assert rows["slim"][0]["issues"] and rows["slim"][2]  # a draft with issues, and its 批注版


def test_an_unreadable_draft_is_slim_too():
    result = check_draft(b"\x89PNG\r\n\x1a\n not a report", "照片.docx")
    assert result.error is not None and result.report is None and result.sum_problems is None
    assert not result.passed and result.marked_up is None and result.issues == []
    again = CheckedDraft.failed("年报.docx", "0" * 64, 10, result.error)
    assert again.error.code == result.error.code and again.input_format == "unknown"


class CountingFace:
    """A face's ``Deliver`` that counts its "typing…" courtesies; downloads take ``delay`` seconds."""

    def __init__(self, data: bytes, delay: float = 0.0) -> None:
        self.data, self.delay = data, delay
        self.sent: list[str] = []
        self.typing = 0

    async def send_text(self, chat_id: int, text: str) -> None:
        self.sent.append(text)

    async def send_document(self, chat_id: int, data: bytes, filename: str, caption: str) -> None:
        self.sent.append(filename)

    async def notify_plainly(self, chat_id: int, text: str) -> None:
        self.sent.append(text)

    async def download(self, file_id: str) -> bytes:
        await asyncio.sleep(self.delay)
        return self.data

    async def working(self, chat_id: int) -> None:
        self.typing += 1


@pytest.fixture
async def office(tmp_path):
    store = Store(tmp_path / "nianbao.db")
    store.bind_member(STAFF, store.add_agency("学张乡人民政府", "township"), "staff", "张三")
    config = Config(database=str(tmp_path / "nianbao.db"), report_year=2024)
    pool = CheckPool(1, timeout=60)
    db = AsyncStore(store)
    yield config, store, db, pool
    pool.shutdown()
    db.shutdown()
    store.close()


async def _send(office, face, journal_id: int) -> None:
    config, store, db, pool = office
    pipeline = DraftPipeline(
        config=config, db=db, files=FileStore(config.files_path), pool=pool, limiter=RateLimiter(5, 60),
        deliver=face, clock=lambda: NOW,
    )
    await pipeline.receive(Arrival(Sender(STAFF, STAFF), "document", "年报.txt", journal_id=journal_id, file_id="f"))
    for _ in range(200):
        if pipeline.idle():
            break
        await asyncio.sleep(0.02)
    assert store.get_inbox(journal_id).state == "answered"


async def test_a_draft_answered_quickly_gets_no_typing_and_a_slow_one_gets_it_once(office, sample_texts, monkeypatch):
    data = _sample(sample_texts, "000").encode()
    quick = CountingFace(data)
    await _send(office, quick, 601)
    assert quick.typing == 0 and "审核结果" in quick.sent[0]
    monkeypatch.setattr(pipeline_module, "WORKING_AFTER", 0.05)
    slow = CountingFace(data, delay=0.3)
    await _send(office, slow, 602)
    assert slow.typing == 1 and "审核结果" in slow.sent[0]


def test_the_check_workers_do_not_import_the_storage():
    """The forkserver's preload (and so every worker) has the engine, the 批注版 and the slim
    result, not the pipeline's storage (sqlite-utils, numpy): less memory in every worker."""
    from nianbao.drafts.pool import PRELOAD

    probe = (
        f"import sys\nfor name in {PRELOAD!r}: __import__(name)\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'sqlite_utils', 'numpy', 'telegram', 'aiohttp'}),"
        " 'nianbao.storage' in sys.modules)"
    )
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[] False"
