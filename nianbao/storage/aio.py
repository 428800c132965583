"""The store for coroutines: the one way the bot's handlers and jobs reach the database.

Every call runs in a thread, never on the event loop: a write waiting up to ``busy_timeout`` for
another process (the CLI, a backup) must not freeze every chat. Writes, reads and the
supervisors' reports each have their own threads, so a blocked write holds up only the writes
behind it, and a burst of drafts does not queue ``/status`` behind the drafts' bookkeeping.

    db = AsyncStore(store)
    member = await db.get_member(user_id)            # any Store method, same arguments
    png = await db.report(status_picture, config, year, today)  # function(store, ...) in a thread
    entry = await db.together(step)(data)            # a write whose calls at one moment share a commit
"""

from __future__ import annotations

import asyncio
import weakref
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
        self._together: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[Callable[..., Any], Together]] = weakref.WeakKeyDictionary()

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

    def together(self, function: Callable[..., Any]) -> "Together":
        """``function(store, ...)`` as a write whose calls, when many come at once, go to the store
        together (``Together``; called in a coroutine: each event loop has its own batches)."""
        batches = self._together.setdefault(asyncio.get_running_loop(), {})
        if function not in batches:
            batches[function] = Together(self, function)
        return batches[function]

    async def _run(self, executor: ThreadPoolExecutor, function, args, kwargs) -> Any:
        call = partial(function, self.store, *args, **kwargs)
        return await asyncio.get_running_loop().run_in_executor(executor, call)

    def shutdown(self) -> None:
        for executor in (self._reads, self._writes, self._reports):
            executor.shutdown(wait=False, cancel_futures=True)


class Together:
    """Group commit for one write step. The calls made while a batch of them is being written wait
    for it, then go to the writers' threads together: one trip, one transaction, one commit (one
    sync of the journal to the disk), each call in a savepoint of its own, so one that raises
    fails alone (a failing commit fails them all). Each call returns once its write is committed,
    as with ``AsyncStore.write``. When drafts arrive by the hundred, their admissions take a few
    commits instead of hundreds, and the writers' queue stays short for the drafts already being
    checked; a call on a quiet store is written at once."""

    def __init__(self, db: AsyncStore, function: Callable[..., Any]) -> None:
        self.db, self.function = db, function
        self._waiting: list[tuple[tuple, dict, asyncio.Future]] = []
        self._writing = False

    async def __call__(self, *args: Any, **kwargs: Any) -> Any:
        future = asyncio.get_running_loop().create_future()
        self._waiting.append((args, kwargs, future))
        if not self._writing:
            self._writing = True
            asyncio.get_running_loop().call_soon(self._next_batch)  # the calls made in this turn of the loop join it
        return await future

    def _next_batch(self) -> None:
        batch, self._waiting = self._waiting, []
        if not batch:
            self._writing = False
            return
        calls = [(args, kwargs) for args, kwargs, _ in batch]
        written = asyncio.ensure_future(self.db.write(_each_in_a_savepoint, self.function, calls))
        written.add_done_callback(lambda done: self._settle(batch, done))

    def _settle(self, batch: list[tuple[tuple, dict, asyncio.Future]], done: asyncio.Future) -> None:
        error = asyncio.CancelledError() if done.cancelled() else done.exception()
        for number, (_, _, future) in enumerate(batch):
            if future.done():  # its caller was cancelled (its write stands, as with ``write``)
                continue
            if error is not None:
                future.set_exception(error)
                continue
            failed, value = done.result()[number]
            if failed:
                future.set_exception(value)
            else:
                future.set_result(value)
        self._next_batch()


def _each_in_a_savepoint(store: Store, function: Callable[..., Any], calls: list[tuple[tuple, dict]]) -> list[tuple[bool, Any]]:
    """``function(store, *args, **kwargs)`` for each call, in one transaction: (raised, result or error) each."""
    results: list[tuple[bool, Any]] = []
    with store.transaction():
        for args, kwargs in calls:
            try:
                with store.transaction():
                    results.append((False, function(store, *args, **kwargs)))
            except Exception as error:  # noqa: BLE001 - this call's failure is its caller's alone
                results.append((True, error))
    return results
