"""Checks run in worker processes: a hostile file that eats memory, hangs or crashes the
interpreter takes down one worker, never the bot, and several drafts are checked in parallel
(the engine is pure Python, so threads would share one core).

Workers are forked from a forkserver that has already imported the engine, so starting or
replacing one is cheap. Each worker has an address-space limit. Each worker has its next check
waiting for it in the executor (``QUEUED_PER_WORKER``; the others wait here): a worker that
finishes one starts the next at once, instead of waiting for the bot's event loop and two of the
executor's threads to hand it over (a few milliseconds each time, a third of a worker's day in a
burst). The time limit still counts only the check itself, never time spent queueing behind
other drafts: a queued check's clock starts when a check before it ends (``_Turns``). A check
that overruns its limit gets the whole pool replaced (``ProcessPoolExecutor`` cannot cancel one
running task): its workers and everything they started (a LibreOffice conversion) are killed.
The other checks that were running in it run again, each on its own in a one-off worker in one
of the new pool's places (never more checks at once than workers), so that a crash is blamed
only on the draft that causes it; those that were still waiting for a worker go to the new pool.

None of these processes outlives the bot, even when it is killed with SIGKILL (the OOM killer)
outside systemd: the forkserver asks Linux for SIGKILL when the bot dies (``lifeline``), each
worker for SIGTERM when the forkserver dies, and a worker ending that way first kills what it
started (a LibreOffice conversion runs in its own session). The resource tracker then ends by
itself: it stops when the last process holding its pipe is gone.
"""

from __future__ import annotations

import asyncio
import ctypes
import gc
import logging
import multiprocessing
import os
import resource
import signal
import threading
import weakref
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, Callable

log = logging.getLogger(__name__)

PRELOAD = ["nianbao.drafts.lifeline", "nianbao.drafts.checked"]  # the engine, the 批注版 and the slim result
PARENT_ENV = "NIANBAO_POOL_PARENT"  # the bot's pid, for the forkserver (see lifeline.py)
PR_SET_PDEATHSIG = 1
QUEUED_PER_WORKER = 1  # checks handed to the executor beyond those running, per worker


class CheckFailed(Exception):
    """The check could not finish: its worker died (twice), ran out of memory, or raised."""


class CheckTimedOut(Exception):
    """A check ran longer than the limit; its worker was stopped."""


class WorkerError(Exception):
    """An exception raised in a worker, flattened to text: not every exception pickles."""


def die_with_parent(signum: int) -> bool:
    """Ask Linux to send ``signum`` to this process when its parent ends (prctl
    PR_SET_PDEATHSIG); False where that is not available."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, signum, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _end_with_children(signum: int | None = None, frame: object = None) -> None:
    """A worker whose forkserver died: kill what it started (LibreOffice), then end."""
    for pid in _descendants([os.getpid()]):
        try:
            os.kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    os._exit(1)


def _name_the_parent() -> None:
    """Tell the forkserver, should this call start it, whom to die with (``lifeline``). Linux
    sends the parent-death signal when the *thread* that started a process ends, so only a
    forkserver started from the main thread is tied that way: one started from a thread that
    ends (a web desk on its own loop) would die with the thread. Without the tie, the forkserver
    still ends when the bot's end closes its pipe to it."""
    main_thread = threading.current_thread() is threading.main_thread()
    os.environ[PARENT_ENV] = str(os.getpid()) if main_thread else ""


def _start_worker(megabytes: int, bot_pid: int) -> None:
    # the engine the forkserver imported lives as long as the worker: out of the garbage
    # collector's way, so that the full collections a burst of checks sets off walk only what
    # the checks made (they cost the worker ~0.2 ms a draft)
    gc.freeze()
    if megabytes:
        limit = megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    signal.signal(signal.SIGTERM, _end_with_children)
    die_with_parent(signal.SIGTERM)
    if not _alive(bot_pid):  # the bot died before the line above took effect
        _end_with_children()


def _call(function: Callable[..., Any], args: tuple, kwargs: dict) -> Any:
    try:
        return function(*args, **kwargs)
    except MemoryError:
        raise
    except Exception as error:  # noqa: BLE001 - anything at all must come back as a result
        raise WorkerError(f"{type(error).__name__}: {error}") from None


class _Turns:
    """Which of the checks handed to one executor hold a worker. The executor starts them in the
    order they were handed over, each as a worker comes free; a check handed over while every
    worker is busy is queued, and its turn comes when a check before it ends."""

    def __init__(self, workers: int) -> None:
        self.free = workers
        self.queued: deque[asyncio.Event] = deque()

    def take(self) -> asyncio.Event | None:
        """None: a worker is free, the check starts now; else an event set when its turn comes."""
        if self.free > 0 and not self.queued:
            self.free -= 1
            return None
        turn = asyncio.Event()
        self.queued.append(turn)
        return turn

    def give_back(self, turn: asyncio.Event | None) -> None:
        """A check ended (``turn``: what ``take`` gave it): its worker goes to the next one queued."""
        if turn is not None and not turn.is_set():  # it ended while still queued: it held no worker
            self.queued.remove(turn)
        elif self.queued:
            self.queued.popleft().set()
        else:
            self.free += 1


class CheckPool:
    def __init__(self, workers: int, *, timeout: float = 120, memory_mb: int = 2048) -> None:
        self.workers = max(1, workers)
        self.timeout = timeout
        self.memory_mb = memory_mb
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(PRELOAD)
        self._turns: weakref.WeakKeyDictionary[ProcessPoolExecutor, _Turns] = weakref.WeakKeyDictionary()
        self._executor = self._new_executor()
        self._slots: asyncio.Semaphore | None = None  # created in the running loop
        self._closed = False
        self.restarts = 0

    def _new_executor(self, workers: int | None = None) -> ProcessPoolExecutor:
        executor = ProcessPoolExecutor(
            workers or self.workers, mp_context=self._context, initializer=_start_worker, initargs=(self.memory_mb, os.getpid())
        )
        self._turns[executor] = _Turns(workers or self.workers)
        return executor

    async def run(self, function: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        """Run ``function(*args, **kwargs)`` in a worker.

        If the pool breaks under it (another check crashed its worker, or a worker was killed),
        a check that was running runs again on its own in a one-off worker, once one of the new
        pool's places is free (no more checks run at once than there are workers): a check that
        crashes there too is the culprit, and only it is reported as failed. A check that was
        still waiting for a worker cannot be the culprit; it goes to the new pool."""
        if self._closed:
            raise CheckFailed("the pool is shut down")
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.workers * (1 + QUEUED_PER_WORKER))
        _name_the_parent()
        async with self._slots:
            while True:
                executor = self._usable_executor()
                started: list[bool] = []
                try:
                    return await self._await(executor, function, args, kwargs, started)
                except (BrokenProcessPool, asyncio.CancelledError):
                    if not self._lost_to_replacement(executor):
                        self._replace(executor, "a check was cancelled")  # stop the worker still running it
                        raise
                    self._replace(executor, "a worker died")
                if started[0]:
                    return await self._alone(function, args, kwargs)

    async def _alone(self, function, args: tuple, kwargs: dict) -> Any:
        """A check that was running in a pool that broke, again in a one-off worker of its own, in
        one of the new pool's places (its time limit starts when it has one)."""
        turns = self._turns[self._usable_executor()]
        turn = turns.take()
        try:
            if turn is not None:
                await turn.wait()
            alone = self._new_executor(workers=1)
            try:
                return await self._await(alone, function, args, kwargs)
            except BrokenProcessPool:
                raise CheckFailed("the worker died") from None
            finally:
                _kill_workers(alone)
        finally:
            turns.give_back(turn)

    def _usable_executor(self) -> ProcessPoolExecutor:
        """The pool, replaced first if it broke while idle (a worker killed from outside)."""
        if getattr(self._executor, "_broken", False):
            self._replace(self._executor, "the pool broke while idle")
        return self._executor

    async def _await(
        self, executor: ProcessPoolExecutor, function, args: tuple, kwargs: dict, started: list[bool] | None = None
    ) -> Any:
        """The check in ``executor``, timed from when it has a worker (``started`` is told whether
        it had one when it ended)."""
        turns = self._turns[executor]
        turn = turns.take()
        try:
            future = asyncio.get_running_loop().run_in_executor(executor, _call, function, args, kwargs)
            if turn is not None:  # queued: its clock starts when a worker comes free for it
                await _first_of(future, turn)
            return await asyncio.wait_for(future, self.timeout)
        except asyncio.TimeoutError:
            if executor is self._executor:
                self._replace(executor, "a check timed out")
            raise CheckTimedOut from None
        except (MemoryError, WorkerError) as error:
            raise CheckFailed(str(error) or "out of memory") from None
        finally:
            if started is not None:
                started.append(turn is None or turn.is_set())
            turns.give_back(turn)

    def _lost_to_replacement(self, executor: ProcessPoolExecutor) -> bool:
        """A BrokenProcessPool always is; a CancelledError only when the pool cancelled our
        future (being replaced), not when our own task is being cancelled."""
        task = asyncio.current_task()
        return not (task is not None and task.cancelling()) and (
            executor is not self._executor or getattr(executor, "_broken", False)
        )

    def _replace(self, broken: ProcessPoolExecutor, why: str) -> None:
        if broken is not self._executor or self._closed:
            return  # another caller already replaced it, or we are shutting down
        log.warning("replacing the check pool: %s", why)
        self.restarts += 1
        self._executor = self._new_executor()
        _kill_workers(broken)

    def shutdown(self) -> None:
        self._closed = True
        _kill_workers(self._executor)


async def _first_of(future: asyncio.Future, turn: asyncio.Event) -> None:
    """Wait until ``future`` is done or ``turn`` is set; cancelled, cancel ``future`` too."""
    waiting = asyncio.ensure_future(turn.wait())
    try:
        await asyncio.wait((future, waiting), return_when=asyncio.FIRST_COMPLETED)
    except asyncio.CancelledError:
        future.cancel()
        raise
    finally:
        waiting.cancel()


def _kill_workers(executor: ProcessPoolExecutor) -> None:
    # private attribute: the only way to stop a worker stuck in a task
    workers = [p.pid for p in (getattr(executor, "_processes", None) or {}).values() if p.pid]
    for pid in _descendants(workers) + workers:  # children first: they would outlive their parent
        try:
            os.kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    executor.shutdown(wait=False, cancel_futures=True)


def _descendants(roots: list[int]) -> list[int]:
    """Every process below ``roots`` (Linux /proc; elsewhere none are found)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            pid, rest = stat.read_text().split(" (", 1)
            parent = int(rest.rsplit(") ", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(parent, []).append(int(pid))
    found: list[int] = []
    pending = list(roots)
    while pending:
        for child in children.get(pending.pop(), []):
            found.append(child)
            pending.append(child)
    return found
