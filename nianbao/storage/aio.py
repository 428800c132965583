"""The store for coroutines: the one way the bot's handlers and jobs reach the database.

Every call runs in a thread, never on the event loop: a write waiting up to ``busy_timeout`` for
another process (the CLI, a backup) must not freeze every chat. Writes, reads and the
supervisors' reports each have their own threads, so a blocked write holds up only the writes
behind it, and a burst of drafts does not queue ``/status`` behind the drafts' bookkeeping.

    db = AsyncStore(store)
    member = await db.get_member(user_id)            # any Store method, same arguments
    png = await db.report(status_picture, config, year, today)  # function(store, ...) in a thread
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any, Callable

from .store import Store


class AsyncStore:
    def __init__(self, store: Store, *, readers: int = 4, writers: int = 4, reporters: int = 2) -> None:
        self.store = store
        self._reads = ThreadPoolExecutor(readers, thread_name_prefix="store-read")
        self._writes = ThreadPoolExecutor(writers, thread_name_prefix="store-write")
        self._reports = ThreadPoolExecutor(reporters, thread_name_prefix="store-report")

    def __getattr__(self, name: str) -> Callable[..., Any]:
        method = getattr(self.store, name)
        if name.startswith("_") or not callable(method):
            raise AttributeError(name)
        executor = self._writes if getattr(method, "writes", False) else self._reads

        async def call(*args: Any, **kwargs: Any) -> Any:
            return await asyncio.get_running_loop().run_in_executor(executor, partial(method, *args, **kwargs))

        call.__name__ = name
        return call

    async def call(self, function: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        """``function(*args)`` in the store's threads: a Store method in the writers' threads when
        it writes, else the readers'; any other function (several statements, some work) in the
        reporters'. How a face that keeps its functions as they are reaches the store."""
        if getattr(function, "__self__", None) is self.store:
            executor = self._writes if getattr(function, "writes", False) else self._reads
        else:
            executor = self._reports
        return await asyncio.get_running_loop().run_in_executor(executor, partial(function, *args, **kwargs))

    async def read(self, function: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        """``function(store, *args)`` in the readers' threads (several statements that only read)."""
        return await self._run(self._reads, function, args, kwargs)

    async def write(self, function: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        """``function(store, *args)`` in the writers' threads (several statements that write)."""
        return await self._run(self._writes, function, args, kwargs)

    async def report(self, function: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        """``function(store, *args)`` in the reporters' threads (a supervisor's view: reads and work)."""
        return await self._run(self._reports, function, args, kwargs)

    async def _run(self, executor: ThreadPoolExecutor, function, args, kwargs) -> Any:
        call = partial(function, self.store, *args, **kwargs)
        return await asyncio.get_running_loop().run_in_executor(executor, call)

    def shutdown(self) -> None:
        for executor in (self._reads, self._writes, self._reports):
            executor.shutdown(wait=False, cancel_futures=True)
