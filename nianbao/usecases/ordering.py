"""One person's messages handled one at a time, in the order they arrived, for every chat face
(a messenger delivers them concurrently; the parts of a paste must not overtake each other)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Hashable


class InOrder:
    """One user's texts handled one at a time, in the order they arrived (updates are handled
    concurrently). A user's lock is forgotten only when nobody holds it or waits for it: one
    forgotten while a part still waited would let the next part start beside it."""

    def __init__(self) -> None:
        self._locks: dict[Hashable, tuple[asyncio.Lock, int]] = {}  # user -> (lock, holding or waiting)

    @contextlib.asynccontextmanager
    async def turn(self, user_id: Hashable) -> AsyncIterator[None]:
        lock, users = self._locks.get(user_id) or (asyncio.Lock(), 0)
        self._locks[user_id] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[user_id]
            if users > 1:
                self._locks[user_id] = (lock, users - 1)
            else:
                del self._locks[user_id]

    def __len__(self) -> int:
        return len(self._locks)
