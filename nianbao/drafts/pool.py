"""Checks run in worker processes: a hostile file that eats memory, hangs or crashes the
interpreter takes down one worker, never the bot, and several drafts are checked in parallel
(the engine is pure Python, so threads would share one core).

Each worker is a process with two pipes of its own, one for checks and one for their outcomes
(``worker.serve``); the bot reads and writes them on its event loop, with no thread and no lock in
between (``ProcessPoolExecutor`` needs two threads of its own and a wake-up of the loop from
them for every check: a third of the bot's own work on a draft in a burst). Workers are forked
from a forkserver that has already imported the engine, so starting or replacing one is cheap,
and each has an address-space limit.

A worker runs one check at a time, and has its next checks waiting in its pipe
(``QUEUED_PER_WORKER``; the others wait here): a worker that finishes one starts the next at once,
instead of waiting for the bot's event loop to hand it over (in a burst the loop is busy for a
few milliseconds at a time, and an unreadable file is checked in a tenth of one). The price: the
checks waiting behind a check that hangs wait for its time limit before another worker takes them. The time limit counts only the check
itself, never time spent queueing: a check's clock starts when the one before it in its worker
ends. Since the bot knows which check each worker is running:
- a check that overruns its limit gets its worker killed, with everything the worker started (a
  LibreOffice conversion); the checks waiting in that worker's pipe go to another worker;
- a worker that dies under a check (a crash, the OOM killer, someone's ``kill``) is replaced and
  the check runs once more in another worker: a check that kills its worker twice is reported as
  failed, and no other check is ever blamed for it;
- a check whose caller is cancelled is dropped if it has not started, and stops its worker if it
  has (one handed over to a worker but not started yet runs, and its outcome is dropped).

None of these processes outlives the bot, even when it is killed with SIGKILL (the OOM killer)
outside systemd: the forkserver asks Linux for SIGKILL when the bot dies (``lifeline``), each
worker for SIGTERM when the forkserver dies, and a worker ending that way first kills what it
started. The resource tracker then ends by itself: it stops when the last process holding its
pipe is gone.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import multiprocessing
import multiprocessing.forkserver
import os
import pickle
import threading
from multiprocessing.connection import Connection
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Callable

from .worker import PARENT_ENV, end_process, frame, kill_trees, serve, unframe

log = logging.getLogger(__name__)

PRELOAD = ["nianbao.drafts.lifeline", "nianbao.drafts.checked"]  # the engine, the 批注版 and the slim result
QUEUED_PER_WORKER = 2  # checks waiting in a worker's pipe behind the one it runs
MAX_CRASHES = 2  # a check whose worker dies under it this often is reported as failed


class CheckFailed(Exception):
    """The check could not finish: its worker died (twice), ran out of memory, or raised."""


class CheckTimedOut(Exception):
    """A check ran longer than the limit; its worker was stopped."""


def _name_the_parent() -> None:
    """Tell the forkserver, should this call start it, whom to die with (``lifeline``). Linux
    sends the parent-death signal when the *thread* that started a process ends, so only a
    forkserver started from the main thread is tied that way: one started from a thread that
    ends (a web desk on its own loop) would die with the thread. Without the tie, the forkserver
    still ends when the bot's end closes its pipe to it."""
    main_thread = threading.current_thread() is threading.main_thread()
    os.environ[PARENT_ENV] = str(os.getpid()) if main_thread else ""


@dataclass(eq=False)
class _Check:
    task: bytes  # framed pickle of (function, args, kwargs)
    future: asyncio.Future
    crashes: int = 0


@dataclass(eq=False)
class _Worker:
    process: Any  # multiprocessing.Process
    pipes: tuple[Any, Any]  # the bot's ends: checks to it, outcomes from it
    checks: deque[_Check] = field(default_factory=deque)  # the first is running; the others wait in its pipe
    sending: asyncio.WriteTransport | None = None
    receiving: asyncio.ReadTransport | None = None
    clock: asyncio.TimerHandle | None = None  # the running check's time limit
    stopped: bool = False


class _Outcomes(asyncio.Protocol):
    """The worker's outcome pipe: each whole message to the pool; its end (the worker died, or
    was stopped) too."""

    def __init__(self, pool: "CheckPool", worker: _Worker) -> None:
        self.pool, self.worker, self.buffer = pool, worker, bytearray()

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while (message := unframe(self.buffer)) is not None:
            self.pool._finished(self.worker, message)

    def eof_received(self) -> bool:
        return False  # close the transport: connection_lost follows

    def connection_lost(self, exc: Exception | None) -> None:
        self.pool._lost(self.worker)


class CheckPool:
    def __init__(self, workers: int, *, timeout: float = 120, memory_mb: int = 2048) -> None:
        self.workers = max(1, workers)
        self.timeout = timeout
        self.memory_mb = memory_mb
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(PRELOAD)
        self._loop: asyncio.AbstractEventLoop | None = None  # the loop the workers' pipes are on
        self._running: list[_Worker] = []
        self._starting = 0  # workers being started for this loop
        self._generation = 0  # bumped when the pool moves to another loop: starts for the old one are void
        self._waiting: deque[_Check] = deque()  # not handed to a worker yet
        self._tasks: set[asyncio.Future] = set()
        self._delegated: set[concurrent.futures.Future] = set()  # checks run for another loop
        self._closed = False
        self.restarts = 0  # workers replaced (stopped by the pool, or died)

    def worker_pids(self) -> list[int]:
        return [worker.process.pid for worker in self._running]

    async def run(self, function: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        """``function(*args, **kwargs)`` in a worker (see the module's docstring for what a
        crash, a hang and a cancellation do)."""
        if self._closed:
            raise CheckFailed("the pool is shut down")
        loop = asyncio.get_running_loop()
        if self._loop is not loop:
            if self._loop is not None and self._loop.is_running() and not self._loop.is_closed():
                return await self._run_on(self._loop, function, args, kwargs)
            self._bind(loop)
        check = _Check(frame(pickle.dumps((function, args, kwargs), pickle.HIGHEST_PROTOCOL)), loop.create_future())
        self._waiting.append(check)
        self._top_up()
        self._hand_over()
        try:
            return await check.future
        except asyncio.CancelledError:
            self._drop(check)
            raise

    async def _run_on(self, home: asyncio.AbstractEventLoop, function: Callable[..., Any], args: tuple, kwargs: dict) -> Any:
        """The check run by the loop the workers' pipes are on (a face on a loop of its own calls)."""
        delegated = asyncio.run_coroutine_threadsafe(self.run(function, *args, **kwargs), home)
        self._delegated.add(delegated)
        try:
            return await asyncio.wrap_future(delegated)
        except asyncio.CancelledError:
            if asyncio.current_task().cancelling():
                raise  # our caller's own cancellation
            raise CheckFailed("the check pool's event loop ended") from None
        finally:
            self._delegated.discard(delegated)

    def shutdown(self) -> None:
        self._closed = True
        workers, self._running = self._running, []
        kill_trees([worker.process.pid for worker in workers if worker.process.pid])
        loop = self._loop
        if loop is not None and not loop.is_closed() and not _on(loop):
            loop.call_soon_threadsafe(self._close_all, workers)
        else:
            self._close_all(workers)

    # ------------------------------------------------------------ on the loop

    def _bind(self, loop: asyncio.AbstractEventLoop) -> None:
        """Serve checks from ``loop``: the workers of a loop that ended are stopped."""
        kill_trees([worker.process.pid for worker in self._running])
        for worker in self._running:
            self._discard(worker, self._loop, killed=True)
        for delegated in list(self._delegated):  # sent to the loop that ended, which will never answer them
            if not delegated.done():
                delegated.set_exception(CheckFailed("the check pool's event loop ended"))
        self._running, self._waiting, self._starting, self._loop = [], deque(), 0, loop
        self._generation += 1

    def _top_up(self) -> None:
        """Start workers until there are as many as wanted."""
        missing = self.workers - len(self._running) - self._starting
        if missing <= 0 or self._closed:
            return
        _name_the_parent()
        try:
            multiprocessing.forkserver.ensure_running()  # from this thread (see _name_the_parent)
        except Exception:  # noqa: BLE001 - restarting a forkserver killed by the OOM killer can fail
            log.exception("the check workers' forkserver could not be started")
            if not self._running and not self._starting:
                self._fail_waiting(CheckFailed("no check worker could be started"))
            return
        for _ in range(missing):
            self._starting += 1
            task = asyncio.ensure_future(self._start_one())
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _start_one(self) -> None:
        loop, generation = asyncio.get_running_loop(), self._generation
        worker = None
        try:
            process, sending, receiving = await asyncio.to_thread(self._new_process)
            worker = _Worker(process, (sending, receiving))
            if not self._closed and self._generation == generation:
                worker.sending, _ = await loop.connect_write_pipe(asyncio.BaseProtocol, sending)
                worker.receiving, _ = await loop.connect_read_pipe(lambda: _Outcomes(self, worker), receiving)
        except Exception:  # noqa: BLE001 - fork failing (out of memory): the checks waiting are told
            log.exception("a check worker could not be started")
        finally:  # (a CancelledError, the loop ending, goes on after this)
            current = self._generation == generation  # else the pool moved to another loop meanwhile
            if current:
                self._starting -= 1
            if current and worker is not None and worker.receiving is not None and not self._closed:
                self._running.append(worker)
                self._hand_over()
            else:
                if worker is not None:
                    self._discard(worker, loop)
                if current and not self._running and not self._starting and not self._closed:
                    self._fail_waiting(CheckFailed("no check worker could be started"))

    def _new_process(self) -> tuple[Any, Any, Any]:
        """A worker started (in a thread: starting one waits for the forkserver), with the bot's
        ends of its pipes as files (a file is closed once, whoever closes it first: a
        ``Connection`` collected with its transport would close the descriptor twice)."""
        task_reader, task_writer = os.pipe()
        outcome_reader, outcome_writer = os.pipe()
        for_worker = (Connection(task_reader, writable=False), Connection(outcome_writer, readable=False))
        try:
            process = self._context.Process(
                target=serve, args=(*for_worker, self.memory_mb, os.getpid()), name="nianbao-check", daemon=True
            )
            process.start()
        except BaseException:
            os.close(task_writer)
            os.close(outcome_reader)
            raise
        finally:
            for end in for_worker:  # the worker has its own copies: the pipe ends with the worker
                end.close()
        return process, open(task_writer, "wb", buffering=0), open(outcome_reader, "rb", buffering=0)

    def _hand_over(self) -> None:
        """Hand waiting checks to the workers with room in their pipes, the least busy first."""
        while self._waiting:
            worker = min(self._running, key=lambda w: len(w.checks), default=None)
            if worker is None or len(worker.checks) > QUEUED_PER_WORKER:
                return
            check = self._waiting.popleft()
            if check.future.done():
                continue
            worker.checks.append(check)
            worker.sending.write(check.task)
            if len(worker.checks) == 1:
                self._start_clock(worker)

    def _start_clock(self, worker: _Worker) -> None:
        worker.clock = asyncio.get_running_loop().call_later(self.timeout, self._timed_out, worker)

    def _finished(self, worker: _Worker, message: bytes) -> None:
        if worker.stopped or not worker.checks:
            return
        check = worker.checks.popleft()
        worker.clock.cancel()
        if worker.checks:
            self._start_clock(worker)  # the next one started as soon as this one ended
        self._hand_over()
        if check.future.done():  # its caller was cancelled
            return
        try:
            status, value = pickle.loads(message)
        except Exception as error:  # noqa: BLE001 - a result that does not load is a failed check
            status, value = "failed", f"the result cannot be read: {type(error).__name__}"
        if status == "done":
            check.future.set_result(value)
        else:
            check.future.set_exception(CheckFailed(value))

    def _timed_out(self, worker: _Worker) -> None:
        if worker.stopped or not worker.checks:
            return
        check = worker.checks.popleft()
        self._stop(worker, "a check timed out")
        if not check.future.done():
            check.future.set_exception(CheckTimedOut())

    def _lost(self, worker: _Worker) -> None:
        """The worker's outcome pipe closed: it died by itself, unless the pool stopped it."""
        if worker.stopped:
            return
        check = worker.checks.popleft() if worker.checks else None
        self._stop(worker, "a worker died")
        if check is None or check.future.done():
            return
        check.crashes += 1
        if check.crashes >= MAX_CRASHES:
            check.future.set_exception(CheckFailed("the worker died"))
        else:  # once more: it may not have been the check that killed it
            self._waiting.appendleft(check)
            self._top_up()
            self._hand_over()

    def _drop(self, check: _Check) -> None:
        """A check whose caller was cancelled: dropped while it waits, its worker stopped while it
        runs (one waiting in a worker's pipe runs, and its outcome is dropped)."""
        if check in self._waiting:
            self._waiting.remove(check)
            return
        for worker in self._running:
            if worker.checks and worker.checks[0] is check:
                worker.checks.popleft()
                self._stop(worker, "a check was cancelled")
                return

    def _stop(self, worker: _Worker, why: str) -> None:
        """Kill ``worker`` (and what it started) and start another; the checks waiting in its pipe
        never started: they go first to the others."""
        if worker in self._running:
            self._running.remove(worker)
            self.restarts += 1
            log.warning("replacing a check worker: %s", why)
        task = asyncio.ensure_future(asyncio.to_thread(end_process, worker.process))  # killed and waited for there
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        self._discard(worker, self._loop, killed=True)
        self._waiting.extendleft(reversed(worker.checks))
        worker.checks.clear()
        if self._waiting:  # else the next check starts one: a worker that cannot start is not restarted in a loop
            self._top_up()
            self._hand_over()

    def _discard(self, worker: _Worker, loop: asyncio.AbstractEventLoop | None, *, killed: bool = False) -> None:
        """``worker`` done with: marked stopped (what its pipes still say is ignored), its clock
        stopped, killed with what it started (unless ``killed`` already), its pipes closed."""
        worker.stopped = True
        if worker.clock is not None:
            worker.clock.cancel()
        if not killed:
            kill_trees([worker.process.pid])
        self._close_pipes(worker, loop)

    def _close_pipes(self, worker: _Worker, loop: asyncio.AbstractEventLoop | None) -> None:
        """Close the bot's ends of ``worker``'s pipes (their transports are on ``loop``)."""
        transports = (worker.sending, worker.receiving)
        if loop is not None and not loop.is_closed():
            if worker.sending is not None and not worker.sending.is_closing():
                worker.sending.abort()  # what is still buffered for a worker being killed is dropped
            if worker.receiving is not None and not worker.receiving.is_closing():
                worker.receiving.close()
        for pipe, transport in zip(worker.pipes, transports):
            if transport is None or loop is None or not loop.is_running():  # else its transport closes it
                pipe.close()

    def _close_all(self, workers: list[_Worker]) -> None:
        for worker in workers:
            self._discard(worker, self._loop, killed=True)
            self._waiting.extend(worker.checks)
        if self._loop is not None and not self._loop.is_closed():
            self._fail_waiting(CheckFailed("the pool is shut down"))

    def _fail_waiting(self, error: Exception) -> None:
        waiting, self._waiting = self._waiting, deque()
        for check in waiting:
            if not check.future.done():
                check.future.set_exception(error)


def _on(loop: asyncio.AbstractEventLoop) -> bool:
    try:
        return asyncio.get_running_loop() is loop
    except RuntimeError:
        return getattr(loop, "_thread_id", None) in (None, threading.get_ident())
