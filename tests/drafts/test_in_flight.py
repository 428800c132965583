"""A reply held back while it is delivered (Telegram's flood control can hold one for a minute)
holds no place among the drafts being downloaded and checked: the drafts behind it are checked
and answered meanwhile."""

from __future__ import annotations

import asyncio
import datetime as dt

from nianbao.config import Config
from nianbao.drafts import Arrival, DraftPipeline, RateLimiter, Sender
from nianbao.drafts.pipeline import MAX_DRAFTS_IN_FLIGHT
from nianbao.drafts.pool import CheckPool
from nianbao.storage import FileStore, Store
from nianbao.storage.aio import AsyncStore

NOW = dt.datetime(2025, 1, 15, 2, 0, tzinfo=dt.timezone.utc)
HELD_BACK = range(2001, 2001 + MAX_DRAFTS_IN_FLIGHT)
OTHER = 3001


class FloodControlledFace:
    """A face whose sends to the chats in ``HELD_BACK`` wait until ``lifted``."""

    def __init__(self) -> None:
        self.lifted = asyncio.Event()
        self.held = 0
        self.all_held = asyncio.Event()
        self.answered: dict[int, asyncio.Event] = {}

    async def send_text(self, chat_id: int, text: str) -> None:
        if chat_id in HELD_BACK:
            self.held += 1
            if self.held == len(HELD_BACK):
                self.all_held.set()
            await self.lifted.wait()
        self.answered.setdefault(chat_id, asyncio.Event()).set()

    async def send_document(self, chat_id: int, data: bytes, filename: str, caption: str) -> None:
        await self.send_text(chat_id, caption)

    async def notify_plainly(self, chat_id: int, text: str) -> None:
        pass

    async def download(self, file_id: str) -> bytes:
        return " \n".encode()  # blank: answered "无法审核" quickly

    async def working(self, chat_id: int) -> None:
        pass


async def test_drafts_are_checked_while_earlier_replies_wait_to_be_delivered(tmp_path):
    store = Store(tmp_path / "nianbao.db")
    config = Config(database=str(tmp_path / "nianbao.db"), report_year=2024, drafts_per_user=5)
    pool, db, face = CheckPool(1, timeout=60), AsyncStore(store), FloodControlledFace()
    pipeline = DraftPipeline(
        config=config, db=db, files=FileStore(config.files_path), pool=pool,
        limiter=RateLimiter(config.drafts_per_user, 60), deliver=face, clock=lambda: NOW,
    )
    try:
        arrivals = [Arrival(Sender(user, user), "document", "空白.txt", journal_id=user, file_id=f"f{user}") for user in HELD_BACK]
        held = [asyncio.ensure_future(pipeline.receive(arrival)) for arrival in arrivals]
        await asyncio.wait_for(face.all_held.wait(), 30)  # every earlier reply is waiting to go out
        other = asyncio.ensure_future(pipeline.receive(Arrival(Sender(OTHER, OTHER), "document", "空白.txt", journal_id=OTHER, file_id="f")))
        await asyncio.wait_for(face.answered.setdefault(OTHER, asyncio.Event()).wait(), 30)
        assert store.get_inbox(OTHER).state in ("checked", "answered") and not any(task.done() for task in held)
        face.lifted.set()
        await asyncio.gather(other, *held)
        assert store.inbox_counts() == {"answered": len(HELD_BACK) + 1}
    finally:
        pool.shutdown()
        db.shutdown()
        store.close()
