"""The bot of ``bench_load.py``, in a process of its own as in production (the Bot API server and
the simulated users stay in the bench's process, as Telegram is elsewhere): the real Application
(``build_application`` + ``running``) with the configuration given as JSON on the command line.

Talks to the bench over stdin/stdout, one line each way: it prints ``ready`` once polling; then
``begin`` starts a measurement (this process's CPU, user + system over all its threads and by kind
of thread, and the lag of a 10 ms timer on its event loop) and ``end`` prints it as one JSON line
(what start-up made is frozen out of the garbage collector's way, as ``nianbao serve`` does;
``NIANBAO_BENCH_GC_FREEZE=0`` leaves it). Profiles of the burst: with ``NIANBAO_BENCH_PROFILE=FILE``,
a cProfile of the event loop's thread goes to FILE; with ``NIANBAO_BENCH_SAMPLE=FILE``, where a
sampler found that thread, every millisecond; with ``NIANBAO_BENCH_PYSPY=FILE``, py-spy's raw stacks
of every thread (``py-spy`` on the PATH or ``NIANBAO_BENCH_PYSPY_BIN``; its sampling options
``--nonblocking --rate 250`` unless ``NIANBAO_BENCH_PYSPY_ARGS`` gives others, e.g. ``--gil --rate
500``, whose stacks are exact but pause the bot). ``stop`` (or the
end of stdin) stops the bot. Warnings and errors the bot logs are counted and sent with ``end``.
"""

from __future__ import annotations

import asyncio
import cProfile
import json
import logging
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import psutil

from common import FixedClock

from nianbao.bot.app import build_application, running
from nianbao.config import Config
from nianbao.storage import Store


class LogCounter(logging.Handler):
    """Counts the bot's warnings and errors instead of printing hundreds of lines."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.counts: Counter[str] = Counter()

    def emit(self, record: logging.LogRecord) -> None:
        self.counts[f"{record.levelname} {record.name}: {record.getMessage()[:120]}"] += 1


STEP_CPU: Counter[str] = Counter()  # NIANBAO_BENCH_STEPS: thread CPU of each store step
STEP_CALLS: Counter[str] = Counter()


def count_steps() -> None:
    """Wrap the pipeline's store steps and the Store methods it calls so that each one's CPU (in
    whatever thread it runs) is added up: where the store's threads spend their time."""
    import functools

    from nianbao.drafts import steps
    from nianbao.drafts.review import ReviewService

    def counted(name, function):
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            start = time.thread_time()
            try:
                return function(*args, **kwargs)
            finally:
                STEP_CPU[name] += time.thread_time() - start
                STEP_CALLS[name] += 1
        return wrapper

    for name in ("admit", "admit_to_check", "journal", "attempt", "decide", "answered", "stored_bytes"):
        setattr(steps, name, counted(f"steps.{name}", getattr(steps, name)))
    for name in ("record", "check_options"):
        setattr(ReviewService, name, counted(f"review.{name}", getattr(ReviewService, name)))
    for name in ("member_agency", "get_member", "get_agency", "get_inbox", "inbox_attempt", "inbox_part_sent", "journal_draft",
                 "add_submission", "latest_submission", "inbox_checked", "inbox_answered", "disposable_copies",
                 "prior_report", "inbox_counts", "campaign", "agency_stored_drafts"):
        setattr(Store, name, counted(f"store.{name}", getattr(Store, name)))


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def threads_cpu() -> Counter[str]:
    """CPU seconds by kind of thread (the event loop, the store's threads, httpx's…)."""
    names = {thread.native_id: re.sub(r"[_-]?\d+$", "", thread.name) for thread in threading.enumerate()}
    by_kind: Counter[str] = Counter()
    for thread in psutil.Process().threads():
        by_kind[names.get(thread.id, "other")] += thread.user_time + thread.system_time
    return by_kind


class StackSampler(threading.Thread):
    """A poor man's sampling profiler of the event loop's thread (``NIANBAO_BENCH_SAMPLE=FILE``):
    every millisecond, the innermost frame and the innermost frame of nianbao's own code; the
    counts go to FILE as JSON at ``end``. Cheap enough not to change what it measures much."""

    def __init__(self, target: int) -> None:
        super().__init__(daemon=True)
        self.target, self.recording = target, False
        self.leaf: Counter[str] = Counter()
        self.ours: Counter[str] = Counter()
        self.library: Counter[str] = Counter()

    def run(self) -> None:
        while True:
            time.sleep(0.001)
            if not self.recording:
                continue
            frame = sys._current_frames().get(self.target)
            if frame is None:
                continue
            self.leaf[f"{Path(frame.f_code.co_filename).name}:{frame.f_code.co_name}"] += 1
            ours, library = None, None
            while frame is not None:
                name = frame.f_code.co_filename
                if ours is None and "/nianbao/" in name and "site-packages" not in name:
                    ours = f"{name.split('/nianbao/', 1)[1]}:{frame.f_code.co_name}"
                if library is None and "site-packages/" in name:
                    library = name.split("site-packages/", 1)[1].split("/", 1)[0]
                frame = frame.f_back
            self.ours[ours or "-"] += 1
            self.library[library or "stdlib/loop"] += 1


class PySpy:
    """py-spy recording this process between ``begin`` and ``end`` (``NIANBAO_BENCH_PYSPY=FILE``):
    every thread, native frames left out, in py-spy's raw format (one line per distinct stack)."""

    def __init__(self, output: str) -> None:
        self.output = output
        self.binary = os.environ.get("NIANBAO_BENCH_PYSPY_BIN") or shutil.which("py-spy")
        if not self.binary:
            raise SystemExit("NIANBAO_BENCH_PYSPY needs py-spy on the PATH or NIANBAO_BENCH_PYSPY_BIN")
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.binary, "record", "--pid", str(os.getpid()), "--threads", "--format", "raw", "--output", self.output,
             *(os.environ.get("NIANBAO_BENCH_PYSPY_ARGS") or "--nonblocking --rate 250").split()],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def stop(self) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGINT)
            self.process.wait(30)
            self.process = None


class Collections:
    """The garbage collector's pauses (each generation's longest and total), a cause of loop lag."""

    def __init__(self) -> None:
        import gc

        self.started: float = 0.0
        self.recording = False
        self.pauses: dict[int, list[float]] = {0: [], 1: [], 2: []}
        gc.callbacks.append(self.callback)

    def callback(self, phase: str, info: dict) -> None:
        if phase == "start":
            self.started = time.perf_counter()
        elif self.recording:
            self.pauses[info["generation"]].append(time.perf_counter() - self.started)

    def summary(self) -> dict:
        import gc

        found = {f"gen{g}": {"n": len(p), "max_ms": round(max(p, default=0) * 1000, 1), "total_ms": round(sum(p) * 1000, 1)}
                 for g, p in self.pauses.items()}
        found["tracked"] = {"n": len(gc.get_objects()), "frozen": gc.get_freeze_count()}
        return found


class Lag:
    """How late a 10 ms timer fires: how long the event loop was kept from running callbacks."""

    def __init__(self, period: float = 0.01) -> None:
        self.period = period
        self.samples: list[float] = []
        self.recording = False

    async def run(self) -> None:
        while True:
            start = time.perf_counter()
            await asyncio.sleep(self.period)
            if self.recording:
                self.samples.append(time.perf_counter() - start - self.period)


async def main(settings: dict) -> None:
    counter = LogCounter()
    logging.getLogger().addHandler(counter)
    logging.getLogger().setLevel(logging.WARNING)
    settings["supervisors"] = frozenset(settings["supervisors"])
    if os.environ.get("NIANBAO_BENCH_STEPS"):
        count_steps()
    config = Config(**settings)
    store = Store(Path(config.database))
    application = build_application(config, store, FixedClock())
    loop = asyncio.get_running_loop()
    lines = asyncio.Queue()
    loop.add_reader(sys.stdin.fileno(), lambda: lines.put_nowait(sys.stdin.readline()))
    lag = Lag()
    collections = Collections()
    lag_task = asyncio.create_task(lag.run())
    profile = cProfile.Profile(time.thread_time) if os.environ.get("NIANBAO_BENCH_PROFILE") else None  # its CPU, not the GIL waits
    sampler = StackSampler(threading.main_thread().ident) if os.environ.get("NIANBAO_BENCH_SAMPLE") else None
    if sampler:
        sampler.start()
    spy = PySpy(os.environ["NIANBAO_BENCH_PYSPY"]) if os.environ.get("NIANBAO_BENCH_PYSPY") else None
    async with running(application, poll_timeout=1):
        if os.environ.get("NIANBAO_BENCH_GC_FREEZE", "1") != "0":  # as nianbao serve does once started (0: not)
            from nianbao.usecases.faces import settle

            settle()
        print("ready", flush=True)
        started, threads = own_cpu(), threads_cpu()
        while True:
            command = (await lines.get()).strip()
            if command == "begin":
                lag.samples, lag.recording, started, threads = [], True, own_cpu(), threads_cpu()
                collections.recording = True
                STEP_CPU.clear(), STEP_CALLS.clear()
                if profile:
                    profile.enable()
                if sampler:
                    sampler.recording = True
                if spy:
                    spy.start()
            elif command == "end":
                lag.recording = collections.recording = False
                if spy:
                    spy.stop()
                if profile:
                    profile.disable()
                    profile.dump_stats(os.environ["NIANBAO_BENCH_PROFILE"])
                if sampler:
                    sampler.recording = False
                    found = {k: dict(getattr(sampler, k).most_common(60)) for k in ("leaf", "ours", "library")}
                    Path(os.environ["NIANBAO_BENCH_SAMPLE"]).write_text(json.dumps(found, ensure_ascii=False, indent=1))
                spent = threads_cpu()
                spent.subtract(threads)
                if STEP_CPU:
                    Path(os.environ["NIANBAO_BENCH_STEPS"]).write_text("\n".join(
                        f"{seconds * 1000:8.0f} ms {STEP_CALLS[name]:6d} calls  {name}" for name, seconds in STEP_CPU.most_common()))
                print(json.dumps({"cpu": own_cpu() - started, "lag": lag.samples, "logged": counter.counts, "gc": collections.summary(),
                                  "threads": {k: round(v, 3) for k, v in spent.most_common() if v > 0.005}}), flush=True)
            elif command in ("stop", ""):
                break
    lag_task.cancel()
    store.close()


if __name__ == "__main__":
    asyncio.run(main(json.loads(sys.argv[1])))
