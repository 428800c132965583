"""The check pool: results cross the process boundary intact; a hang, a crash or a memory bomb
costs one worker, not the bot, and not the checks running beside it."""

from __future__ import annotations

import asyncio
import os
import pickle
import threading
import time
from pathlib import Path

import psutil

import pytest

from nianbao.drafts.pool import CheckFailed, CheckPool, CheckTimedOut
from nianbao.validators.engine import check_bytes


def _hang() -> None:
    time.sleep(60)


def _die() -> None:
    os._exit(3)


def _eat_memory() -> int:
    return len(bytearray(4 * 1024**3))


def _raise_unpicklable() -> None:
    import lxml.etree

    lxml.etree.fromstring(b"<a>")  # XMLSyntaxError carries an error log that does not pickle


def _frozen_and_engine_tracked() -> tuple[int, bool]:
    import gc

    from nianbao.validators import engine

    return gc.get_freeze_count(), gc.is_tracked(engine.__dict__) and any(o is engine.__dict__ for o in gc.get_objects())


def _start_grandchild_and_hang(pid_file: str) -> None:
    import subprocess

    child = subprocess.Popen(["sleep", "300"], start_new_session=True)  # like soffice: its own session
    Path(pid_file).write_text(str(child.pid))
    time.sleep(300)


# Long enough for a sample's check on a busy machine, short because every hang waits it out.
TIMEOUT = 1.5


@pytest.fixture
def pool():
    checks = CheckPool(2, timeout=TIMEOUT, memory_mb=1024)
    yield checks
    checks.shutdown()


def test_results_pickle_unchanged(sample_texts):
    for name, text in sample_texts.items():
        result = check_bytes(text.encode(), f"{name}.txt")
        again = pickle.loads(pickle.dumps(result))
        assert [i.json_dict() for i in again.issues] == [i.json_dict() for i in result.issues]
        assert again.report.tables_json() == result.report.tables_json()
    error = check_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "x.doc").error
    assert pickle.loads(pickle.dumps(error)).message == error.message


async def test_checks_run_in_workers_and_match_in_process_results(pool, sample_texts):
    for name, text in sample_texts.items():
        remote = await pool.run(check_bytes, text.encode(), f"{name}.txt", expected_year=2024)
        local = check_bytes(text.encode(), f"{name}.txt", expected_year=2024)
        assert [i.json_dict() for i in remote.issues] == [i.json_dict() for i in local.issues]


@pytest.mark.parametrize(
    "hostile, error",
    [(_hang, CheckTimedOut), (_die, CheckFailed), (_eat_memory, CheckFailed), (_raise_unpicklable, CheckFailed)],
    ids=["hangs", "crashes", "eats-memory", "raises"],
)
async def test_a_hostile_task_costs_a_worker_and_the_pool_keeps_serving(pool, sample_texts, hostile, error):
    with pytest.raises(error):
        await pool.run(hostile)
    text = next(iter(sample_texts.values()))
    result = await pool.run(check_bytes, text.encode(), "after.txt")
    assert result.report is not None


async def test_time_waiting_for_a_worker_does_not_count_against_the_limit(pool):
    # 12 checks of TIMEOUT / 6 on 2 workers take TIMEOUT in all, as long as the limit: none may time out
    results = await asyncio.gather(*[pool.run(time.sleep, TIMEOUT / 6) for _ in range(12)], return_exceptions=True)
    assert results == [None] * 12 and pool.restarts == 0


async def test_a_check_queued_for_a_busy_worker_is_timed_from_its_start():
    # the second check waits in the executor for the only worker (its next task, handed over
    # beforehand): 0.7 + 0.5 of the limit since it was handed over, 0.5 since it started
    pool = CheckPool(1, timeout=TIMEOUT, memory_mb=1024)
    try:
        await pool.run(time.sleep, 0)  # the worker started
        results = await asyncio.gather(pool.run(time.sleep, TIMEOUT * 0.7), pool.run(time.sleep, TIMEOUT * 0.5), return_exceptions=True)
        assert results == [None, None] and pool.restarts == 0
    finally:
        pool.shutdown()


async def test_checks_in_flight_when_the_pool_is_replaced_are_retried(pool):
    results = await asyncio.gather(pool.run(_hang), *[pool.run(time.sleep, 0.3) for _ in range(9)], return_exceptions=True)
    assert isinstance(results[0], CheckTimedOut) and results[1:] == [None] * 9


async def test_processes_a_stopped_worker_started_are_killed_too(tmp_path):
    pid_file = tmp_path / "child.pid"
    pool = CheckPool(2, timeout=3, memory_mb=1024)  # the grandchild must start first, on a busy machine too
    try:
        with pytest.raises(CheckTimedOut):
            await pool.run(_start_grandchild_and_hang, str(pid_file))
    finally:
        pool.shutdown()
    child = int(pid_file.read_text())
    for _ in range(50):
        if not psutil.pid_exists(child) or psutil.Process(child).status() == psutil.STATUS_ZOMBIE:
            break
        time.sleep(0.1)
    assert not psutil.pid_exists(child) or psutil.Process(child).status() == psutil.STATUS_ZOMBIE


def _crash_after(seconds: float) -> None:
    time.sleep(seconds)
    os._exit(3)


async def test_a_crashing_check_is_blamed_alone_and_the_good_ones_beside_it_finish():
    pool = CheckPool(4, timeout=20, memory_mb=1024)
    try:
        results = await asyncio.gather(
            pool.run(time.sleep, 1), pool.run(time.sleep, 1), pool.run(time.sleep, 1), pool.run(_crash_after, 0.3),
            return_exceptions=True,
        )
        assert results[:3] == [None, None, None] and isinstance(results[3], CheckFailed)
    finally:
        pool.shutdown()


def _span(seconds: float) -> tuple[float, float]:
    start = time.monotonic()  # CLOCK_MONOTONIC: one clock for every process on the machine
    time.sleep(seconds)
    return start, time.monotonic()


def _most_at_once(spans: list[tuple[float, float]]) -> int:
    running = most = 0
    for _, step in sorted([(start, 1) for start, _ in spans] + [(end, -1) for _, end in spans]):
        running += step
        most = max(most, running)
    return most


async def test_after_a_crash_no_more_checks_run_at_once_than_there_are_workers():
    # 2 workers: the crash and one check running, two waiting for a worker; the crash breaks the pool
    pool = CheckPool(2, timeout=20, memory_mb=1024)
    try:
        await asyncio.gather(pool.run(time.sleep, 0), pool.run(time.sleep, 0))  # the workers started
        results = await asyncio.gather(pool.run(_crash_after, 0.3), *[pool.run(_span, 1.0) for _ in range(3)], return_exceptions=True)
        assert isinstance(results[0], CheckFailed)
        assert _most_at_once(results[1:]) <= 2
    finally:
        pool.shutdown()


async def test_a_pool_broken_while_idle_is_replaced_before_the_next_check(pool, sample_texts):
    await pool.run(time.sleep, 0.1)  # workers started
    for pid in pool.worker_pids():
        os.kill(pid, 9)
    await asyncio.sleep(0.5)
    text = next(iter(sample_texts.values()))
    assert (await pool.run(check_bytes, text.encode(), "x.txt")).report is not None


async def test_a_worker_keeps_the_engine_out_of_the_collectors_way(pool):
    frozen, engine_collected = await pool.run(_frozen_and_engine_tracked)
    assert frozen > 10_000 and not engine_collected  # frozen at start: a full collection does not walk it


async def test_no_check_runs_after_shutdown(pool):
    pool.shutdown()
    with pytest.raises(CheckFailed):
        await pool.run(time.sleep, 0.1)


async def _until(condition, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        await asyncio.sleep(0.02)
    return condition()


def _count_run(path: str, seconds: float) -> int:
    """Note one run in ``path`` (each run appends a line), sleep, and say how many runs there were."""
    with open(path, "a") as runs:
        runs.write("run\n")
    time.sleep(seconds)
    return len(Path(path).read_text().splitlines())


async def test_a_check_that_times_out_costs_its_worker_only(tmp_path):
    # the hang and a good check run side by side: the good one finishes once, never rerun
    limit = 3.0  # the good check runs from half the limit to 1.2 times it: well clear of its own limit on a busy machine
    pool = CheckPool(2, timeout=limit, memory_mb=1024)
    try:
        await pool.run(time.sleep, 0)
        assert await _until(lambda: len(pool.worker_pids()) == 2)  # both workers started
        runs = tmp_path / "runs"

        async def good_check_running_when_the_hang_is_stopped() -> int:
            await asyncio.sleep(limit * 0.5)
            return await pool.run(_count_run, str(runs), limit * 0.7)

        results = await asyncio.gather(pool.run(_hang), good_check_running_when_the_hang_is_stopped(), return_exceptions=True)
        assert isinstance(results[0], CheckTimedOut) and results[1] == 1
        assert runs.read_text().splitlines() == ["run"] and pool.restarts == 1
    finally:
        pool.shutdown()


async def test_a_cancelled_check_that_has_not_started_stops_no_worker():
    pool = CheckPool(1, timeout=TIMEOUT, memory_mb=1024)
    try:
        running = asyncio.ensure_future(pool.run(_span, 0.5))
        queued = [asyncio.ensure_future(pool.run(_span, 0.1)) for _ in range(3)]  # two in the worker's pipe, one here
        await asyncio.sleep(0.2)
        for task in queued:
            task.cancel()
        start, end = await running
        assert end - start >= 0.5 and pool.restarts == 0
        assert all(task.cancelled() for task in queued)
    finally:
        pool.shutdown()


async def test_a_cancelled_check_that_runs_stops_its_worker_and_the_next_is_served():
    pool = CheckPool(1, timeout=20, memory_mb=1024)
    try:
        pids = await pool.run(os.getpid), pool.worker_pids()
        running = asyncio.ensure_future(pool.run(_hang))
        await asyncio.sleep(0.3)
        running.cancel()
        with pytest.raises(asyncio.CancelledError):
            await running
        assert await pool.run(os.getpid) not in pids[1] and pool.restarts == 1
    finally:
        pool.shutdown()


def _big(megabytes: int) -> bytes:
    return bytes(range(256)) * (megabytes * 4096)


async def test_outcomes_larger_than_a_pipe_arrive_whole(pool):
    big, small = await asyncio.gather(pool.run(_big, 6), pool.run(_big, 1))
    assert big == _big(6) and small == _big(1)


async def test_a_pool_serves_a_second_event_loop_in_another_thread(pool, sample_texts):
    text = next(iter(sample_texts.values()))
    first = await pool.run(check_bytes, text.encode(), "here.txt")
    found: list = []

    def elsewhere() -> None:
        found.append(asyncio.run(pool.run(check_bytes, text.encode(), "there.txt")))

    thread = threading.Thread(target=elsewhere)
    thread.start()
    while thread.is_alive():
        await asyncio.sleep(0.05)  # this loop keeps serving the workers' pipes meanwhile
    assert [i.json_dict() for i in found[0].issues] == [i.json_dict() for i in first.issues] and pool.restarts == 0


async def test_a_worker_killed_while_idle_is_replaced_only_when_a_check_comes(pool):
    await pool.run(time.sleep, 0)
    assert await _until(lambda: len(pool.worker_pids()) == 2)
    os.kill(pool.worker_pids()[0], 9)
    assert await _until(lambda: len(pool.worker_pids()) == 1) and pool.restarts == 1
    await asyncio.sleep(0.3)
    assert len(pool.worker_pids()) == 1  # not restarted for nothing (nor in a loop, were it dying at start)
    assert await pool.run(os.getpid) in pool.worker_pids()
    assert await _until(lambda: len(pool.worker_pids()) == 2)


async def test_a_crash_in_a_pool_of_one_worker_is_retried_and_reported_not_hung():
    # the only worker dies under the check: it must run once more in a fresh worker and then be
    # reported as failed, not wait for a worker nobody starts
    pool = CheckPool(1, timeout=20, memory_mb=1024)
    try:
        await pool.run(time.sleep, 0)
        with pytest.raises(CheckFailed):
            await asyncio.wait_for(pool.run(_die), 10)
        assert pool.restarts == 2
    finally:
        pool.shutdown()


async def test_a_forkserver_that_cannot_restart_fails_the_checks_instead_of_hanging_them(monkeypatch):
    import multiprocessing.forkserver

    pool = CheckPool(1, timeout=20, memory_mb=1024)
    try:
        await pool.run(time.sleep, 0)
        checks = [asyncio.ensure_future(pool.run(time.sleep, 1)) for _ in range(3)]
        await asyncio.sleep(0.2)

        def out_of_memory() -> None:
            raise OSError(12, "Cannot allocate memory")

        monkeypatch.setattr(multiprocessing.forkserver, "ensure_running", out_of_memory)
        os.kill(pool.worker_pids()[0], 9)
        results = await asyncio.wait_for(asyncio.gather(*checks, return_exceptions=True), 10)
        assert all(isinstance(result, CheckFailed) for result in results)
    finally:
        monkeypatch.undo()
        pool.shutdown()


def _home_loop(pool: CheckPool, bound: threading.Event, end: threading.Event) -> None:
    async def serve() -> None:
        await pool.run(time.sleep, 0)  # the workers' pipes are on this loop
        bound.set()
        while not end.is_set():
            await asyncio.sleep(0.01)

    asyncio.run(serve())


async def test_a_check_delegated_to_a_loop_that_ends_fails_and_is_not_cancelled():
    pool = CheckPool(1, timeout=20, memory_mb=1024)
    bound, end = threading.Event(), threading.Event()
    home = threading.Thread(target=_home_loop, args=(pool, bound, end))
    home.start()
    try:
        while not bound.is_set():
            await asyncio.sleep(0.01)
        check = asyncio.ensure_future(pool.run(time.sleep, 1))
        await asyncio.sleep(0.3)
        end.set()  # the home loop ends (asyncio.run cancels what it runs) under the check
        with pytest.raises(CheckFailed):
            await asyncio.wait_for(check, 10)
        await asyncio.get_running_loop().run_in_executor(None, home.join)
        result = await pool.run(check_bytes, b"\xe4\xb8\x80", "after.txt")  # the pool moves to this loop
        assert result.error is not None or result.report is not None
    finally:
        end.set()
        home.join()
        pool.shutdown()
