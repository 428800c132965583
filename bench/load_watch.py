"""What ``bench_load.py`` watches: the bot's messages in every chat (``Monitor``, each stamped with the
time the Bot API server recorded it) and the bot's processes (``ProcessSampler``: RSS, PSS and CPU
time)."""

from __future__ import annotations

import asyncio
import html
import os
import re
import resource
import threading
import time
from dataclasses import dataclass

import psutil

from nianbao.devtools import LocalBotApi, SentMessage

MEMORY_PERIOD = 0.1  # seconds between two RSS samples
PSS_EVERY = 10  # PSS (a walk of every page table) only every tenth sample: it costs kernel time

TAG = re.compile(r"<[^>]*>")
UNREADABLE_NAME = re.compile(r"无法审核「(.*)」")
CONTINUATION = re.compile(r"^\d+\. ")  # a later part of a split reply starts with a numbered line
ANSWERS = ("review", "unreadable")  # what answers a draft


# ---------------------------------------------------------------- watching the chats


@dataclass
class Arrival:
    at: float
    kind: str  # review, unreadable, document, photo, status, continuation, other
    name: str | None  # the draft named in "无法审核「…」", or the marked-up file's name
    text: str


def classify(message: SentMessage, at: float) -> Arrival:
    if message.method == "sendPhoto":
        return Arrival(at, "photo", None, message.text or "")
    if message.is_file:
        return Arrival(at, "document", message.filename, message.text or "")
    text = html.unescape(TAG.sub("", message.text or "")).lstrip("❗ ")
    if text.startswith("审核结果"):
        return Arrival(at, "review", None, text)
    if text.startswith("无法审核"):
        named = UNREADABLE_NAME.search(text.split("\n", 1)[0])
        return Arrival(at, "unreadable", named[1] if named else None, text)
    if "年度报告报送情况" in text.split("\n", 1)[0]:
        return Arrival(at, "status", None, text)
    if CONTINUATION.match(text):
        return Arrival(at, "continuation", None, text)
    return Arrival(at, "other", None, text)


class Monitor:
    """Stamps every bot message in the watched chats with the time the Bot API server recorded it
    (``LocalBotApi.watch_sent``: exact, and nothing polls the chats), and wakes whoever waits for
    one in its chat (``first``)."""

    def __init__(self, api: LocalBotApi, chats: list[int], counted: list[int]):
        self.arrivals: dict[int, list[Arrival]] = {chat: [] for chat in chats}
        self.counted = set(counted)
        self.answers = 0  # reviews and "无法审核" seen so far in the counted chats
        self._waiting: dict[int, asyncio.Event] = {}  # chat -> set at its next arrival
        self.stop = api.watch_sent(self._sent)

    def _sent(self, message: SentMessage) -> None:
        at = time.perf_counter()
        arrivals = self.arrivals.get(message.chat_id)
        if arrivals is None:
            return
        arrival = classify(message, at)
        arrivals.append(arrival)
        self.answers += message.chat_id in self.counted and arrival.kind in ANSWERS
        if (waiting := self._waiting.pop(message.chat_id, None)) is not None:
            waiting.set()

    async def first(self, chat: int, since: int, kinds: tuple[str, ...], deadline: float) -> Arrival | None:
        """The first arrival in ``chat`` from index ``since`` on whose kind is one of ``kinds``,
        waiting for it until ``deadline`` (``time.perf_counter()``); None if none came by then."""
        arrivals = self.arrivals[chat]
        while True:
            found = next((arrival for arrival in arrivals[since:] if arrival.kind in kinds), None)
            remaining = deadline - time.perf_counter()
            if found is not None or remaining <= 0:
                return found
            since = len(arrivals)
            waiting = self._waiting.setdefault(chat, asyncio.Event())
            try:
                await asyncio.wait_for(waiting.wait(), remaining)
            except TimeoutError:
                pass


# ---------------------------------------------------------------- memory and CPU


PAGE = os.sysconf("SC_PAGE_SIZE")
TICKS = os.sysconf("SC_CLK_TCK")
HAS_CHILDREN_FILES = os.path.exists(f"/proc/self/task/{threading.get_native_id()}/children")


def _read(path: str) -> bytes:
    with open(path, "rb", buffering=0) as file:
        return file.read()


def descendants(pid: int) -> list[int]:
    """The process's descendants: from the kernel's list of each thread's children
    (``/proc/PID/task/TID/children``), a few small reads instead of psutil's look at every
    process on the machine; psutil where the kernel has no such list."""
    if not HAS_CHILDREN_FILES:
        try:
            return [child.pid for child in psutil.Process(pid).children(recursive=True)]
        except psutil.Error:  # it ended, or one ended while they were listed
            return []
    found, parents = [], [pid]
    while parents:
        parent = parents.pop()
        try:
            threads = os.listdir(f"/proc/{parent}/task")
        except OSError:  # it ended meanwhile
            continue
        for thread in threads:
            try:
                children = [int(child) for child in _read(f"/proc/{parent}/task/{thread}/children").split()]
            except OSError:
                continue
            found += children
            parents += children
    return found


def rss(pid: int) -> int:
    """Resident set size in bytes (``/proc/PID/statm``, as psutil reads it)."""
    return int(_read(f"/proc/{pid}/statm").split()[1]) * PAGE


def pss(pid: int) -> int:
    """Proportional set size in bytes (``smaps_rollup``, or ``smaps`` summed, as psutil reads it)."""
    try:
        lines = _read(f"/proc/{pid}/smaps_rollup").splitlines()
    except (FileNotFoundError, ProcessLookupError):
        lines = _read(f"/proc/{pid}/smaps").splitlines()
    return sum(int(line.split()[1]) for line in lines if line.startswith(b"Pss:")) * 1024


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds (``/proc/PID/stat``'s utime and stime, as psutil reads them)."""
    fields = _read(f"/proc/{pid}/stat").rpartition(b")")[2].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


class ProcessSampler(threading.Thread):
    """RSS and CPU time of the bot's process and its descendants, every MEMORY_PERIOD seconds
    between ``begin()`` and ``end()`` (the burst), and their peaks; PSS every PSS_EVERY samples.
    Read straight from /proc: the bench's own CPU is taken from the bot's machine."""

    def __init__(self, pid: int) -> None:
        super().__init__(name="process-sampler", daemon=True)
        self.pid = pid
        self.halt = threading.Event()
        self.lock = threading.Lock()  # sample() also runs in the event loop (children_cpu)
        self.recording = False
        self.samples = 0
        self.peak_main = 0
        self.peak_total = 0  # main + descendants, at the same sample
        self.peak_child = 0  # the largest single descendant
        self.peak_children_sum = 0
        self.peak_pss_total = 0  # main + descendants, proportional set size (shared pages split)
        self.most_children = 0
        self.cpu: dict[int, float] = {}  # descendant pid -> user + system seconds, last seen

    def run(self) -> None:
        while not self.halt.wait(MEMORY_PERIOD):
            if self.recording:  # outside the burst only begin() and children_cpu() look
                self.sample()

    def sample(self) -> None:
        with self.lock:
            self._sample()

    def begin(self) -> None:
        self.recording = True
        self.sample()

    def end(self) -> None:
        self.sample()
        self.recording = False

    def _sample(self) -> None:
        self.samples += 1
        with_pss = self.samples % PSS_EVERY == 0
        main = rss(self.pid)
        total_pss = pss(self.pid) if with_pss else 0
        children = 0
        count = 0
        for child in descendants(self.pid):
            try:
                child_rss = rss(child)
                child_pss = pss(child) if with_pss else 0
                seconds = cpu_seconds(child)
            except OSError:
                continue  # it ended meanwhile
            count += 1
            children += child_rss
            total_pss += child_pss
            self.cpu[child] = seconds
            if self.recording:
                self.peak_child = max(self.peak_child, child_rss)
        if not self.recording:
            return
        self.peak_main = max(self.peak_main, main)
        self.peak_children_sum = max(self.peak_children_sum, children)
        self.peak_total = max(self.peak_total, main + children)
        self.peak_pss_total = max(self.peak_pss_total, total_pss)
        self.most_children = max(self.most_children, count)

    def children_cpu(self) -> float:
        self.sample()
        return sum(self.cpu.values())

    def main_cpu(self) -> float:
        return cpu_seconds(self.pid)

    def main_rss(self) -> int:
        return rss(self.pid)

    def stop(self) -> None:
        self.halt.set()
        self.join()


def machine_busy_cpu() -> float:
    """CPU seconds the whole machine spent busy (all processes, all CPUs) since boot."""
    times = psutil.cpu_times()
    return sum(times) - times.idle - getattr(times, "iowait", 0.0)


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime
