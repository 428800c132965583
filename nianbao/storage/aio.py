"""The store for coroutines: the one way the bot's handlers and jobs reach the database.

Every call runs in a thread, never on the event loop: a write waiting up to ``busy_timeout`` for
another process (the CLI, a backup) must not freeze every chat. Writes, reads and the
supervisors' reports each have their own threads, so a blocked write holds up only the writes
behind it, and a burst of drafts does not queue ``/status`` behind the drafts' bookkeeping.

    db = AsyncStore(store)
    member = await db.get_member(user_id)            # any Store method, same arguments
    png = await db.report(status_picture, config, year, today)  # function(store, ...) in a thread
    entry = await db.together(step)(data)            # a write sharing a commit with those made at the moment
    person = await db.read_together(person_of)(config, user_id)  # a short read sharing a trip
"""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any, Awaitable, Callable

from .store import Store


class AsyncStore:
    def __init__(self, store: Store, *, readers: int = 4, writers: int = 4, reporters: int = 2) -> None:
        self.store = store
        self._readers = readers
        self._reads = ThreadPoolExecutor(readers, thread_name_prefix="store-read")
        self._writes = ThreadPoolExecutor(writers, thread_name_prefix="store-write")
        self._reports = ThreadPoolExecutor(reporters, thread_name_prefix="store-report")
        self._together: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, tuple[Batches, Batches]] = weakref.WeakKeyDictionary()

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

    def together(self, function: Callable[..., Any]) -> Callable[..., Awaitable[Any]]:
        """``function(store, ...)`` as a write that goes to the store with the other writes made at
        the same moment (``Batches``: one trip, one commit; called in a coroutine: each event loop
        has its own batches)."""
        return partial(self._batches()[0], function)

    def read_together(self, function: Callable[..., Any]) -> Callable[..., Awaitable[Any]]:
        """``function(store, ...)`` as a short read that goes to the readers' threads with the
        others made at the same moment (one trip for the hundred senders of a burst's updates)."""
        return partial(self._batches()[1], function)

    def _batches(self) -> tuple["Batches", "Batches"]:
        loop = asyncio.get_running_loop()
        found = self._together.get(loop)
        if found is None:
            found = self._together[loop] = (
                Batches(partial(self.write, _each_in_a_savepoint), at_once=1),  # one writer at a time anyway
                Batches(partial(self.read, _each_of), at_once=self._readers),
            )
        return found

    async def _run(self, executor: ThreadPoolExecutor, function, args, kwargs) -> Any:
        call = partial(function, self.store, *args, **kwargs)
        return await asyncio.get_running_loop().run_in_executor(executor, call)

    def shutdown(self) -> None:
        for executor in (self._reads, self._writes, self._reports):
            executor.shutdown(wait=False, cancel_futures=True)


class Batches:
    """Calls to the store that go to its threads together. A call made while ``at_once`` batches
    are on their way waits for one of them, then goes with the others that waited: one trip to a
    thread (handing work to a thread and hearing back cost the event loop a wake-up each, and the
    thread one too), and for writes one transaction, so one commit (one sync of the journal to the
    disk) for all of them, each call in a savepoint of its own so that one that raises fails alone
    (a failing commit fails them all). Each call returns once its batch is done (written:
    committed), as with ``AsyncStore.write``/``read``. When drafts arrive by the hundred, their
    admissions take a few commits instead of hundreds, and a call on a quiet store goes at once."""

    def __init__(self, run: Callable[[list[tuple[Callable[..., Any], tuple, dict]]], Awaitable[list[tuple[bool, Any]]]], *, at_once: int) -> None:
        self._run, self.at_once = run, at_once
        self._waiting: list[tuple[Callable[..., Any], tuple, dict, asyncio.Future]] = []
        self._going = 0  # batches on their way
        self._soon = False  # a batch is to leave in this turn of the loop

    async def __call__(self, function: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self._waiting.append((function, args, kwargs, future))
        if not self._soon and self._going < self.at_once:
            self._soon = True
            loop.call_soon(self._next_batch)  # the calls made in this turn of the loop join it
        return await future

    def _next_batch(self) -> None:
        self._soon = False
        if not self._waiting or self._going >= self.at_once:
            return
        batch, self._waiting = self._waiting, []
        self._going += 1
        going = asyncio.ensure_future(self._run([(function, args, kwargs) for function, args, kwargs, _ in batch]))
        going.add_done_callback(lambda done: self._settle(batch, done))

    def _settle(self, batch: list[tuple[Callable[..., Any], tuple, dict, asyncio.Future]], done: asyncio.Future) -> None:
        self._going -= 1
        error = asyncio.CancelledError() if done.cancelled() else done.exception()
        for number, (*_, future) in enumerate(batch):
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


def _each_in_a_savepoint(store: Store, calls: list[tuple[Callable[..., Any], tuple, dict]]) -> list[tuple[bool, Any]]:
    """``function(store, *args, **kwargs)`` for each call, in one transaction, each in a savepoint
    of its own: (raised, result or error) each."""
    with store.transaction():
        return _each_of(store, calls, in_savepoints=True)


def _each_of(store: Store, calls: list[tuple[Callable[..., Any], tuple, dict]], *, in_savepoints: bool = False) -> list[tuple[bool, Any]]:
    """``function(store, *args, **kwargs)`` for each call (each in a savepoint of its own when
    ``in_savepoints``): (raised, result or error) each."""
    results: list[tuple[bool, Any]] = []
    for function, args, kwargs in calls:
        try:
            with store.transaction() if in_savepoints else contextlib.nullcontext():
                results.append((False, function(store, *args, **kwargs)))
        except Exception as error:  # noqa: BLE001 - this call's failure is its caller's alone
            if in_savepoints and not store.in_transaction():
                raise  # SQLite undid the whole batch (a full disk): every call of it failed
            results.append((True, error))
    return results
