"""A report pasted as text: its messages collected for ``paste_delay_seconds`` and checked as one
draft (the journal id made from the first message's), and a report split by hand into parts sent
minutes apart held for ``fragment_wait_seconds`` until the rest comes, as in Telegram
(``bot/fragments.py``, whose deciding functions are not yet in the use-case layer: the few words
they look for are repeated here)."""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass, field
from typing import Awaitable, Callable

from .. import messages as say
from ..usecases.intake import looks_like_report
from ..usecases.fragments import fragment_gaps, looks_like_report_text

@dataclass
class _Buffer:
    first_id: int  # the first message's journal id
    parts: list[str] = field(default_factory=list)
    timer: asyncio.TimerHandle | None = None


@dataclass
class _Held:
    text: str
    since: dt.datetime
    timer: asyncio.TimerHandle | None = None


class Pastes:
    """One user's texts become one draft; ``check(user_id, text, first_id)`` is called with it,
    ``tell(user_id, chat_html)`` says something meanwhile."""

    def __init__(self, delay: float, wait: float, clock: Callable[[], dt.datetime],
                 check: Callable[[int, str, int], Awaitable[None]], tell: Callable[[int, str], Awaitable[None]],
                 spawn: Callable) -> None:
        self.delay, self.wait, self.clock = delay, wait, clock
        self.check, self.tell, self.spawn = check, tell, spawn
        self.buffers: dict[int, _Buffer] = {}
        self.held: dict[int, _Held] = {}

    def collecting(self, user_id: int) -> bool:
        return user_id in self.buffers

    def busy(self) -> bool:
        """Parts being collected (a held part is silence to the user, not work)."""
        return bool(self.buffers)

    def add(self, user_id: int, text: str, message_id: int) -> None:
        buffer = self.buffers.setdefault(user_id, _Buffer(message_id))
        buffer.parts.append(text)
        if buffer.timer is not None:
            buffer.timer.cancel()
        loop = asyncio.get_running_loop()
        buffer.timer = loop.call_later(self.delay, lambda: self.spawn(self._flush(user_id)))

    async def _flush(self, user_id: int) -> None:
        buffer = self.buffers.get(user_id)
        if buffer is None:
            return
        text = "\n".join(buffer.parts)
        try:
            text = await self._hold_or_join(user_id, text)
        finally:
            self.buffers.pop(user_id, None)
        if text is None:
            return
        if not looks_like_report(text):
            await self.tell(user_id, say.SHORT_TEXT)
            return
        await self.check(user_id, text, buffer.first_id)

    async def _hold_or_join(self, user_id: int, text: str) -> str | None:
        before = self.held.pop(user_id, None)
        if before is None and not looks_like_report_text(text):
            return text
        if before is not None:
            before.timer.cancel()
            if not looks_like_report_text(text):  # a remark between the parts: keep waiting
                self._hold(user_id, before.text, before.since, self.wait - (self.clock() - before.since).total_seconds())
                return text
            starts_later = say.MISSING_START in (await asyncio.to_thread(fragment_gaps, before.text) or [])
            text = f"{text}\n{before.text}" if starts_later else f"{before.text}\n{text}"
        gaps = await asyncio.to_thread(fragment_gaps, text)
        if not gaps:
            return text
        self._hold(user_id, text, self.clock(), self.wait)
        await self.tell(user_id, say.fragment_held(gaps, self.wait))
        return None

    def _hold(self, user_id: int, text: str, since: dt.datetime, seconds: float) -> None:
        loop = asyncio.get_running_loop()
        timer = loop.call_later(max(1.0, seconds), lambda: self.spawn(self._let_go(user_id)))
        self.held[user_id] = _Held(text, since, timer)

    async def _let_go(self, user_id: int) -> None:
        item = self.held.pop(user_id, None)
        if item is not None:
            await self.tell(user_id, say.fragment_let_go(len(item.text)))

    def close(self) -> None:
        for item in [*self.buffers.values(), *self.held.values()]:
            if item.timer is not None:
                item.timer.cancel()
        self.buffers.clear()
        self.held.clear()
