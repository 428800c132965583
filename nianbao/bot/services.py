"""The bot's services, wired once (``Services`` in ``bot_data``): configuration, the store (reached
from coroutines only through ``db``, the async facade), the stored files, the worker pool and the
draft pipeline; and who a user is."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Callable, Coroutine

from ..drafts import Deliver, DraftPipeline, RateLimiter
from ..storage import Agency, FileStore, Store
from ..storage.aio import AsyncStore
from ..config import Config
from ..drafts.pool import CheckPool


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


@dataclass
class PasteBuffer:
    chat_id: int
    update_id: int  # the first message's: the draft's id in the journal
    parts: list[str] = field(default_factory=list)


@dataclass
class Services:
    config: Config
    db: AsyncStore  # the only way handlers and jobs reach the store
    files: FileStore
    pool: CheckPool
    pipeline: DraftPipeline
    clock: Callable[[], dt.datetime] = utc_now
    pastes: dict[int, PasteBuffer] = field(default_factory=dict)

    @classmethod
    def create(
        cls,
        config: Config,
        store: Store,
        deliver: Deliver,
        clock: Callable[[], dt.datetime] | None = None,
        spawn: Callable[[Coroutine], object] | None = None,
    ) -> "Services":
        clock = clock or utc_now
        db = AsyncStore(store)
        files = FileStore(config.files_path)
        pool = CheckPool(config.check_workers, timeout=config.check_timeout_seconds, memory_mb=config.worker_memory_mb)
        limiter = RateLimiter(config.drafts_per_user, config.rate_window_seconds)
        pipeline = DraftPipeline(
            config=config, db=db, files=files, pool=pool, limiter=limiter, deliver=deliver, clock=clock, spawn=spawn
        )
        return cls(config, db, files, pool, pipeline, clock)

    async def role_of(self, user_id: int) -> str | None:
        member = await self.db.get_member(user_id)
        if user_id in self.config.admins or (member and member.role == "admin"):
            return "admin"
        if user_id in self.config.supervisors or (member and member.role == "supervisor"):
            return "supervisor"
        if member and member.role == "staff" and member.agency_id is not None:
            agency = await self.db.member_agency(user_id)
            return "staff" if agency is not None and agency.active else None  # a deactivated agency's staff lose access
        return None

    async def staff_agency(self, user_id: int) -> Agency | None:
        """The agency a staff member is bound to (None for supervisors and strangers)."""
        return await self.db.member_agency(user_id)

    def year(self) -> int:
        return self.config.year_under_review(self.clock())

    def today(self) -> dt.date:
        return self.clock().astimezone(self.config.tz).date()

    def shutdown(self) -> None:
        self.pool.shutdown()
        self.db.shutdown()
