"""Checks run in worker processes: a hostile file that eats memory, hangs or crashes the
interpreter takes down one worker, never the bot, and several drafts are checked in parallel
(the engine is pure Python, so threads would share one core).

Workers are forked from a forkserver that has already imported the engine, so starting or
replacing one is cheap. Each worker has an address-space limit. A check that overruns its
time limit gets the whole pool replaced (``ProcessPoolExecutor`` cannot cancel one running
task); the other checks that were running in it are retried once in the new pool.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import resource
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Callable

log = logging.getLogger(__name__)

PRELOAD = ["nianbao.validators.engine", "nianbao.validators.annotate"]


class CheckFailed(Exception):
    """The worker running a check died (twice) or ran out of memory."""


class CheckTimedOut(Exception):
    """A check ran longer than the limit; its worker was stopped."""


def _limit_memory(megabytes: int) -> None:
    if megabytes:
        limit = megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


class CheckPool:
    def __init__(self, workers: int, *, timeout: float = 120, memory_mb: int = 2048) -> None:
        self.workers = max(1, workers)
        self.timeout = timeout
        self.memory_mb = memory_mb
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(PRELOAD)
        self._executor = self._new_executor()
        self.restarts = 0

    def _new_executor(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            self.workers, mp_context=self._context, initializer=_limit_memory, initargs=(self.memory_mb,)
        )

    async def run(self, function: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        """Run ``function(*args, **kwargs)`` in a worker; retried once if the pool breaks."""
        for attempt in (1, 2):
            executor = self._executor
            try:
                future = asyncio.get_running_loop().run_in_executor(executor, _call, function, args, kwargs)
                return await asyncio.wait_for(future, self.timeout)
            except asyncio.TimeoutError:
                self._replace(executor, "a check timed out")
                raise CheckTimedOut from None
            except BrokenProcessPool:
                self._replace(executor, "a worker died")
                if attempt == 2:
                    raise CheckFailed("the worker died") from None
            except MemoryError:
                raise CheckFailed("out of memory") from None
        raise AssertionError("unreachable")

    def _replace(self, broken: ProcessPoolExecutor, why: str) -> None:
        if broken is not self._executor:
            return  # another caller already replaced it
        log.warning("replacing the check pool: %s", why)
        self.restarts += 1
        self._executor = self._new_executor()
        # private attribute: the only way to stop a worker stuck in a task
        for process in list((getattr(broken, "_processes", None) or {}).values()):
            process.kill()
        broken.shutdown(wait=False, cancel_futures=True)

    def shutdown(self) -> None:
        for process in list((getattr(self._executor, "_processes", None) or {}).values()):
            process.kill()
        self._executor.shutdown(wait=False, cancel_futures=True)


def _call(function: Callable[..., Any], args: tuple, kwargs: dict) -> Any:
    return function(*args, **kwargs)
