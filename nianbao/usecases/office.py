"""The services every face shares, wired once: ``Office.open(config, store)`` for ``nianbao
serve`` (chat and web desk on one event loop), ``nianbao web`` and the demo alike."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Awaitable, Callable, Coroutine

from ..config import Config
from ..drafts import Deliver, DraftPipeline, RateLimiter
from ..drafts.pool import CheckPool
from ..storage import FileStore, Store
from ..storage.aio import AsyncStore
from .people import Person, person_of

log = logging.getLogger(__name__)

@dataclass(frozen=True)
class MachineRoute:
    """An HTTP route another system calls (a messenger's callback), served on the web desk's
    host and port outside its sessions and form tokens: the face that adds it checks every
    request itself (a signature)."""

    method: str  # "GET" / "POST"
    path: str  # e.g. "/wecom/callback"
    handler: Callable  # an aiohttp handler: request -> response


# A face's way to reach a person now (a chat message); True when it did. The web desk has none:
# what a person is told waits for them as a notice (storage/notices.py) on their next page.
Reach = Callable[[int, str], Awaitable[bool]]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


@dataclass
class Office:
    config: Config
    store: Store  # for the threads of ``db`` only: coroutines go through ``db``
    db: AsyncStore
    files: FileStore
    pool: CheckPool
    limiter: RateLimiter
    clock: Callable[[], dt.datetime] = utc_now
    reach: list[Reach] = field(default_factory=list)
    web_url: str | None = None  # the web desk's address once it listens (links name the real port)
    machine_routes: list[MachineRoute] = field(default_factory=list)  # served by the web desk (started last)

    @classmethod
    def open(cls, config: Config, store: Store, clock: Callable[[], dt.datetime] | None = None) -> "Office":
        pool = CheckPool(config.check_workers, timeout=config.check_timeout_seconds, memory_mb=config.worker_memory_mb)
        limiter = RateLimiter(config.drafts_per_user, config.rate_window_seconds)
        return cls(config, store, AsyncStore(store), FileStore(config.files_path), pool, limiter, clock or utc_now)

    def pipeline(
        self, deliver: Deliver, *, kinds: tuple[str, ...], spawn: Callable[[Coroutine], object] | None = None
    ) -> DraftPipeline:
        """The draft pipeline of one face (its ``Deliver``, the journal entries it recovers), on
        the shared store, files, worker pool and rate limits."""
        return DraftPipeline(
            config=self.config, db=self.db, files=self.files, pool=self.pool, limiter=self.limiter,
            deliver=deliver, clock=self.clock, spawn=spawn, kinds=kinds,
        )

    def year(self) -> int:
        return self.config.year_under_review(self.clock())

    def today(self) -> dt.date:
        return self.clock().astimezone(self.config.tz).date()

    async def person(self, user_id: int) -> Person:
        return await self.db.read_together(person_of)(self.config, user_id)

    async def tell(self, user_ids: list[int], text: str, agency_id: int | None = None) -> None:
        """Tell people something in every face they use: kept as a notice for the web desk, and
        sent now by each face that can reach them."""
        if not user_ids:
            return
        await self.db.add_notices(user_ids, text, agency_id=agency_id, now=self.clock())
        for user_id in user_ids:
            for reach in self.reach:
                try:
                    await reach(user_id, text)
                except Exception:  # noqa: BLE001 - one face failing must not stop the others
                    log.warning("telling user %s failed in one face", user_id, exc_info=True)

    def shutdown(self) -> None:
        self.pool.shutdown()
        self.db.shutdown()
