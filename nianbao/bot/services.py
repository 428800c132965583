"""The bot's services, wired once (``Services`` in ``bot_data``): the office every face shares
(configuration, the store reached only through ``db``, the async path; stored files, the worker
pool, the clock), this face's draft pipeline and the pastes being collected; and who a user is."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Callable, Coroutine

from ..config import Config
from ..drafts import Deliver, DraftPipeline
from ..drafts.pool import CheckPool
from ..storage import Agency, FileStore, Store
from ..storage.aio import AsyncStore
from ..usecases.office import Office
from ..usecases.ordering import InOrder
from ..usecases.people import Person


@dataclass
class PasteBuffer:
    chat_id: int
    update_id: int  # the first message's (the lowest id): the draft's id in the journal
    parts: dict[int, str] = field(default_factory=dict)  # by update id: Telegram numbers them as sent

    def add(self, update_id: int, text: str) -> None:
        """A part in its place, whenever its handler gets to it (a part looked up more slowly
        than the next one must not end up after it)."""
        self.parts[update_id] = text
        self.update_id = min(self.update_id, update_id)

    @property
    def text(self) -> str:
        return "\n".join(self.parts[update_id] for update_id in sorted(self.parts))


@dataclass
class Services:
    office: Office
    pipeline: DraftPipeline
    owns_office: bool = True  # shut the office down with the bot (not when another face shares it)
    pastes: dict[int, PasteBuffer] = field(default_factory=dict)
    texts_in_order: InOrder = field(default_factory=InOrder)  # one user's texts in the order sent

    @classmethod
    def create(
        cls,
        config: Config,
        store: Store,
        deliver: Deliver,
        clock: Callable[[], dt.datetime] | None = None,
        spawn: Callable[[Coroutine], object] | None = None,
        office: Office | None = None,
    ) -> "Services":
        owns = office is None
        office = office or Office.open(config, store, clock)
        pipeline = office.pipeline(deliver, kinds=("document", "paste"), spawn=spawn)

        async def reach(user_id: int, text: str) -> bool:
            if user_id <= 0:  # a member of the web desk alone: no chat to write to
                return False
            await deliver.send_text(user_id, text)
            return True

        office.reach.append(reach)
        return cls(office, pipeline, owns)

    @property
    def config(self) -> Config:
        return self.office.config

    @property
    def db(self) -> AsyncStore:
        return self.office.db

    @property
    def files(self) -> FileStore:
        return self.office.files

    @property
    def pool(self) -> CheckPool:
        return self.office.pool

    @property
    def clock(self) -> Callable[[], dt.datetime]:
        return self.office.clock

    async def person(self, user_id: int) -> Person:
        return await self.office.person(user_id)

    async def role_of(self, user_id: int) -> str | None:
        role = (await self.office.person(user_id)).role
        return role.value if role else None

    async def staff_agency(self, user_id: int) -> Agency | None:
        """The agency a staff member is bound to (None for supervisors and strangers)."""
        return (await self.office.person(user_id)).agency

    def year(self) -> int:
        return self.office.year()

    def today(self) -> dt.date:
        return self.office.today()

    def shutdown(self) -> None:
        if self.owns_office:
            self.office.shutdown()
