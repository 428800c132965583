"""Load: one burst of drafts from many agencies, mixed good and bad files, through the local Bot API.

    .venv/bin/python bench/bench_load.py [--drafts 500] [--agencies 200] [--workers 2]

Setup: a fresh SQLite file and a files directory in a temporary directory, N agencies with one
staff member each (bound directly), one supervisor in the config, report year 2024 and a clock
fixed at 2025-01-15 10:00 Asia/Shanghai (not a reminder day). The bot runs in a process of its own
(``load_bot.py``: the real Application, ``build_application`` + ``running``), as in production;
it polls the ``LocalBotApi`` that runs here with the simulated users, as Telegram would be
elsewhere. Drafts are checked in the bot's worker processes (``Config.check_workers``). A short
warm-up (two supervisor drafts, which are checked but not recorded, and two /status, the second
one reported as the idle baseline) starts the workers and the chart code first. Then a lone draft
on the idle bot, a few times (a .docx and a .txt in turn, each answered before the next): upload
to first reply.

The floor, measured in this process just before the bot starts and again just after it stops
(the same machine, the same minute; the two are averaged, since a shared virtual machine's speed
drifts by a tenth or more between runs): the CPU a draft cannot do without, per kind of file, the
check and the 批注版 (``check_and_annotate``, as a worker runs it) and its database write
(``ReviewService.record`` on a scratch database); summed over the burst's drafts and divided by
the CPUs, the shortest the burst could take.

The burst: every draft is queued before the bot's next getUpdates returns (``user_sends_document``
never yields to the event loop), in rounds (each agency's first draft, then each one's second,
...), so an agency's 2-3 drafts are spread over the queue. About 60% are real reports (the
samples as .docx and as .txt; some pass, most have errors) and 40% bad files (random bytes named
.docx, a truncated .docx, random CJK text, a blank .txt, a PNG, an OLE/encrypted file, a zip
bomb). Every file name is unique, so an answer that names its file can be attributed exactly.
While the burst runs the supervisor sends /status (1 s in, then every 2 s until the burst is
over) and the times to its text reply and to its chart (a photo) are measured.

Measured: the Bot API server tells a monitor of each bot message as it records it
(``LocalBotApi.watch_sent``), and the monitor stamps the message with that time (exact: nothing
polls). A draft's latency runs from just before its upload to its first reply: "无法审核「name」"
names the draft; a review ("审核结果…") does not, so within one chat reviews are paired with that
user's readable drafts in upload order (all uploads of the burst are queued within a few
milliseconds, so the pairing hardly matters). The marked-up .docx that follows a .docx review is
named after the draft. The burst is over when the inbox (the bot's journal) holds no pending
draft; after a quiet period every chat is read.

Checked (non-zero exit status otherwise): every draft got exactly one answer (a review or
"无法审核") and the marked-up .docx exactly when its submission is a .docx with issues; no other
message; the submissions table holds exactly one row per burst update_id (none missing, none
duplicated, right user and file name, readable exactly when expected); every journalled draft is
'answered'; every /status during the burst got its text within 1 s and its chart.

Memory: a thread samples the RSS of the bot's process and of its descendants (the forkserver,
the check workers, the resource tracker) every 100 ms during the burst, straight from /proc. Summed
RSS counts pages shared between forked processes more than once, so it overstates their total; the
summed PSS (shared pages divided among the processes sharing them, sampled once a second) is also
printed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from common import FIRST_STAFF, NOW, SUPERVISOR, YEAR, percentile, seed_staff
from load_watch import ANSWERS, Arrival, Monitor, ProcessSampler, machine_busy_cpu, own_cpu

from fixtures.docx_builder import build_docx, content_from_sample, find_samples_dir  # noqa: E402
from fixtures.hostile import MB, zip_bomb  # noqa: E402

from nianbao.config import Config  # noqa: E402
from nianbao.devtools import LocalBotApi  # noqa: E402
from nianbao.storage import Store  # noqa: E402

SEED = 2025

STATUS_LIMIT = 1.0  # /status must be answered (text) within this many seconds during the burst
STATUS_TIMEOUT = 30.0  # give up waiting for one /status reply after this long
REPORT_SHARE = 0.6  # the rest are bad files

MARKED_UP_SUFFIX = "_审核批注.docx"


# ---------------------------------------------------------------- what the users send

@dataclass(frozen=True)
class Kind:
    """One kind of file in the mix."""

    label: str  # start of the file name
    suffix: str
    data: bytes
    readable: bool  # read as a report (a review with counts); otherwise answered "无法审核"
    is_report: bool  # a real report (else a bad file)

    @property
    def name(self) -> str:
        return f"{self.label}{self.suffix}"


@dataclass
class Draft:
    user_id: int
    file_name: str
    kind: Kind
    sent_at: float = 0.0
    update_id: int = 0
    replied_at: float | None = None  # the first reply: the review, or "无法审核"
    marked_up_at: float | None = None  # the marked-up .docx after a .docx review, if any

    @property
    def latency(self) -> float | None:
        return None if self.replied_at is None else self.replied_at - self.sent_at


def report_kinds() -> list[Kind]:
    """Every sample as a real .docx and as a .txt upload."""
    samples = sorted(find_samples_dir().glob("*.txt"))
    if not samples:
        raise SystemExit(f"no samples in {find_samples_dir()}")
    kinds = []
    for number, path in enumerate(samples, start=1):
        text = path.read_text(encoding="utf-8")
        kinds.append(Kind(f"年报{number}", ".docx", build_docx(content_from_sample(text, path.name)), readable=True, is_report=True))
        kinds.append(Kind(f"年报{number}", ".txt", path.read_bytes(), readable=True, is_report=True))
    return kinds


def bad_file_kinds(a_docx: bytes, rng: random.Random) -> list[Kind]:
    """Files the bot cannot review; each must still get a clear "无法审核" answer."""
    cjk_noise = "".join(chr(rng.randint(0x4E00, 0x9FA5)) if rng.random() > 0.05 else "\n" for _ in range(3000))
    files = [
        ("随机字节", ".docx", rng.randbytes(20_000)),
        ("截断", ".docx", a_docx[: len(a_docx) // 2]),
        ("乱码", ".txt", cjk_noise.encode("utf-8")),
        ("空白", ".txt", b" \n\n\t  \n"),
        ("照片", ".png", b"\x89PNG\r\n\x1a\n" + rng.randbytes(3_000)),
        ("加密", ".docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + rng.randbytes(4_000)),
        ("压缩炸弹", ".docx", zip_bomb(100 * MB)),
    ]
    return [Kind(label, suffix, data, readable=False, is_report=False) for label, suffix, data in files]


def plan_burst(drafts: int, users: list[int], reports: list[Kind], bad_files: list[Kind], rng: random.Random) -> list[Draft]:
    """``drafts`` drafts over ``users`` (as even as possible), in rounds, the kinds shuffled."""
    report_count = round(drafts * REPORT_SHARE)
    kinds = [reports[i % len(reports)] for i in range(report_count)]
    kinds += [bad_files[i % len(bad_files)] for i in range(drafts - report_count)]
    rng.shuffle(kinds)
    per_user = {user: drafts // len(users) + (1 if i < drafts % len(users) else 0) for i, user in enumerate(users)}
    slots = [(round_, user) for round_ in range(max(per_user.values())) for user in users if round_ < per_user[user]]
    return [
        Draft(user, f"{kind.label}-{user - FIRST_STAFF + 1:03d}-{round_ + 1}{kind.suffix}", kind)
        for (round_, user), kind in zip(slots, kinds)
    ]


def marked_up_name(file_name: str) -> str:
    """The name of the marked-up .docx the bot sends back (``handlers._send_marked_up``); our
    file names only use characters that ``safe_file_name`` keeps."""
    return file_name.rsplit(".", 1)[0] + MARKED_UP_SUFFIX


# ---------------------------------------------------------------- the run


@dataclass
class StatusProbe:
    sent_at: float  # seconds into the burst
    answered_before: int  # drafts answered when /status was sent
    text_latency: float | None = None
    photo_latency: float | None = None
    text_parts: int = 0


# No repr: asyncio.run puts its main task in a SIGINT handler and, restoring the handler on the
# way out, Python 3.11's signal.getsignal formats that task with its result (~0.3 s for a Run).
@dataclass(repr=False)
class Run:
    drafts: list[Draft]
    probes: list[StatusProbe]
    idle_status: StatusProbe | None  # a /status before the burst
    lone: list[float]  # a lone draft on the idle bot: seconds from upload to first reply
    lone_cpu: float  # the bot's CPU seconds a lone draft (the 0.2 s between two lone drafts included)
    floor_cpu: float  # seconds of CPU the burst's drafts cannot do without (see the module's doc)
    floors: tuple[float, float]  # ... measured before the bot started and after it stopped (floor_cpu: their mean)
    arrivals: dict[int, list[Arrival]]  # from the start of the burst
    queued_in: float  # seconds to queue every upload
    burst_start: float
    burst_end: float  # the last message of the burst seen
    bot_cpu: float  # seconds of CPU during the burst: the bot's process (its loop and its threads)
    workers_cpu: float  # its descendants (the check workers)
    server_cpu: float  # this process: the Bot API server, the simulated users, the monitor
    others_cpu: float  # used by processes outside the bench (anything else running on the machine)
    lag: list[float]  # the bot's event loop, during the burst
    logged: Counter[str]  # the bot's warnings and errors
    threads: dict[str, float]  # the bot's CPU by kind of thread
    collections: dict  # the bot's garbage collections during the burst, by generation
    rss_before: int
    pending_updates: int
    lone_updates: set[int] = field(default_factory=set)
    submissions: list[dict] = field(default_factory=list)
    inbox: dict[int, dict] = field(default_factory=dict)


class BotProcess:
    """``load_bot.py``: the bot in a process of its own, driven by a line at a time."""

    def __init__(self, settings: dict) -> None:
        script = Path(__file__).with_name("load_bot.py")
        self.process = subprocess.Popen([sys.executable, str(script), json.dumps(settings)], cwd=script.parent,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.pid = self.process.pid

    async def _line(self) -> str:
        return (await asyncio.to_thread(self.process.stdout.readline)).strip()

    async def ready(self) -> None:
        if await self._line() != "ready":
            raise SystemExit("the bot's process did not start")

    def send(self, command: str) -> None:
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()

    async def measured(self) -> dict:
        self.send("end")
        return json.loads(await self._line())

    async def stop(self) -> None:
        """Stop the bot, the Bot API server answering meanwhile (blocking the loop here held the
        bot's last long poll until its client gave up, ~5 s)."""
        try:
            self.send("stop")
            await asyncio.to_thread(self.process.wait, 30)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()


async def wait_for_inbox(store: Store, rows: int, deadline: float) -> bool:
    """Until the journal holds ``rows`` drafts and none is pending (or the deadline passes)."""
    loop = asyncio.get_running_loop()
    while loop.time() < deadline:
        counts = store.inbox_counts()
        if sum(counts.values()) >= rows and not counts.get("received") and not counts.get("checked"):
            return True
        await asyncio.sleep(0.1)
    return False


async def warm_up(api: LocalBotApi, store: Store, monitor: Monitor, kinds: list[Kind], timeout: float) -> tuple[int, StatusProbe]:
    """Two supervisor drafts (checked, not recorded) and two /status: the workers, the engine and
    the chart are ready before the burst. Returns the journal's row count and the second /status
    (the idle baseline)."""
    loop = asyncio.get_running_loop()
    rows = sum(store.inbox_counts().values()) + len(kinds)
    for kind in kinds:
        await api.user_sends_document(SUPERVISOR, f"预热{kind.suffix}", kind.data)
    if not await wait_for_inbox(store, rows, loop.time() + timeout):
        raise SystemExit("warm-up drafts were not answered")
    for _ in range(2):
        probe = await ask_status(api, monitor, 0.0, timeout)
        if probe.photo_latency is None:
            raise SystemExit("warm-up /status was not answered")
    return rows, probe


async def ask_status(api: LocalBotApi, monitor: Monitor, origin: float, timeout: float) -> StatusProbe:
    """The supervisor sends /status; wait for its text and its chart."""
    since = len(monitor.arrivals[SUPERVISOR])
    sent_at = time.perf_counter()
    probe = StatusProbe(sent_at - origin, monitor.answers)
    await api.user_sends_text(SUPERVISOR, "/status")
    photo = await monitor.first(SUPERVISOR, since, ("photo",), sent_at + timeout)  # the text comes first
    texts = [a for a in monitor.arrivals[SUPERVISOR][since:] if a.kind in ("status", "continuation")]
    if texts:
        probe.text_latency = texts[0].at - sent_at
    if photo is not None:
        probe.photo_latency = photo.at - sent_at
        probe.text_parts = len([a for a in texts if a.at <= photo.at])
    return probe


async def probe_status(api: LocalBotApi, monitor: Monitor, burst_start: float, over: asyncio.Event, args) -> list[StatusProbe]:
    """/status 1 s into the burst, then every 2 s after the previous answer, while it lasts."""
    probes: list[StatusProbe] = []
    await asyncio.sleep(max(0.0, burst_start + args.status_first - time.perf_counter()))
    while not over.is_set() and len(probes) < args.status_probes:
        probes.append(await ask_status(api, monitor, burst_start, STATUS_TIMEOUT))
        try:
            await asyncio.wait_for(over.wait(), args.status_every)
        except TimeoutError:
            pass
    return probes


def floor_cpu(drafts: list[Draft], agency_name: str, runs: int = 3) -> float:
    """CPU seconds the burst's drafts cannot do without: for each kind of file, the median of
    ``runs`` of its check and 批注版 as a worker makes them and of its database write (a
    submission recorded as the pipeline records it, on a scratch database); summed over the drafts."""
    from nianbao.drafts.review import ReviewService
    from nianbao.validators.annotate import check_and_annotate

    with tempfile.TemporaryDirectory(prefix="nianbao-floor-") as tmp:
        config = Config(database=str(Path(tmp) / "floor.db"), report_year=YEAR)
        store = Store(Path(config.database))
        agency = store.get_agency(store.add_agency(agency_name, "township", now=NOW))
        review = ReviewService(config)
        options = review.check_options(store, NOW, agency)
        cost: dict[str, float] = {}
        update_id = 0
        for kind in {d.kind.name: d.kind for d in drafts}.values():
            times = []
            for _ in range(runs):
                update_id += 1
                start = time.process_time()
                result, _ = check_and_annotate(kind.data, kind.name, **options)
                review.record(store, agency=agency, user_id=FIRST_STAFF, file_name=kind.name, result=result, now=NOW, update_id=update_id)
                times.append(time.process_time() - start)
            cost[kind.name] = statistics.median(times)
        store.close()
    return sum(cost[d.kind.name] for d in drafts)


async def lone_drafts(api: LocalBotApi, store: Store, monitor: Monitor, users: list[int], kinds: list[Kind], timeout: float) -> tuple[list[float], set[int]]:
    """A draft on the idle bot, answered before the next: seconds from upload to its first reply."""
    loop = asyncio.get_running_loop()
    latencies, update_ids = [], set()
    for number, user in enumerate(users):
        kind = kinds[number % len(kinds)]
        rows = sum(store.inbox_counts().values()) + 1
        seen = len(monitor.arrivals[user])
        sent_at = time.perf_counter()
        update_ids.add(await api.user_sends_document(user, f"单独一稿-{number + 1}{kind.suffix}", kind.data))
        answer = await monitor.first(user, seen, ANSWERS, sent_at + timeout)
        if answer is None:
            raise SystemExit("a lone draft was not answered")
        latencies.append(answer.at - sent_at)
        await wait_for_inbox(store, rows, loop.time() + timeout)
        await asyncio.sleep(0.2)  # the marked-up copy, and the bot idle again
    return latencies, update_ids


def bot_settings(args, api: LocalBotApi, tmp: str, database: Path) -> dict:
    return dict(
        token=api.token, api_base_url=api.base_url, file_base_url=api.base_file_url, database=str(database),
        files_dir=str(Path(tmp) / "files"), supervisors=[SUPERVISOR], report_year=YEAR, check_workers=args.workers,
        drafts_per_user=args.drafts_per_user, rate_window_seconds=60.0,
    )


async def run_burst(args, drafts: list[Draft], users: list[int], warm_kinds: list[Kind]) -> tuple[Run, "ProcessSampler"]:
    with tempfile.TemporaryDirectory(prefix="nianbao-load-") as tmp:
        database = Path(tmp) / "nianbao.db"
        store = Store(database)
        seed_staff(store, users, name="负载测试")
        floor = floor_cpu(drafts, "负载测试第001乡人民政府")
        async with LocalBotApi() as api:
            for user_id in [*users, SUPERVISOR]:
                api.add_user(user_id)
            bot = BotProcess(bot_settings(args, api, tmp, database))
            sampler = ProcessSampler(bot.pid)
            sampler.start()
            loop = asyncio.get_running_loop()
            try:
                await bot.ready()
                monitor = Monitor(api, [*users, SUPERVISOR], counted=users)
                journal_rows, idle_status = 0, None
                if not args.no_warmup:
                    journal_rows, idle_status = await warm_up(api, store, monitor, warm_kinds, args.timeout)
                lone_cpu = sampler.main_cpu()
                lone, lone_updates = await lone_drafts(api, store, monitor, users[: args.lone], warm_kinds, args.timeout)
                lone_cpu = (sampler.main_cpu() - lone_cpu) / max(1, len(lone))
                journal_rows = sum(store.inbox_counts().values())
                rss_before = sampler.main_rss()
                seen = {user: len(monitor.arrivals[user]) for user in users}

                sampler.begin()
                bot.send("begin")
                server_cpu_start, workers_cpu_start, machine_cpu_start = own_cpu(), sampler.children_cpu(), machine_busy_cpu()
                bot_cpu_start = sampler.main_cpu()

                # The burst: nothing below awaits anything that yields, so every upload is queued
                # before the bot's next getUpdates returns.
                for draft in drafts:
                    draft.sent_at = time.perf_counter()
                    draft.update_id = await api.user_sends_document(draft.user_id, draft.file_name, draft.kind.data)
                burst_start = drafts[0].sent_at
                queued_in = time.perf_counter() - burst_start

                over = asyncio.Event()
                status_task = asyncio.create_task(probe_status(api, monitor, burst_start, over, args))
                finished = await wait_for_inbox(store, journal_rows + len(drafts), loop.time() + args.timeout)
                over.set()
                measured = await bot.measured()
                workers_cpu = sampler.children_cpu() - workers_cpu_start
                bot_cpu = sampler.main_cpu() - bot_cpu_start
                server_cpu = own_cpu() - server_cpu_start
                others_cpu = machine_busy_cpu() - machine_cpu_start - bot_cpu - workers_cpu - server_cpu
                sampler.end()
                probes = await status_task
                if not finished:
                    print(f"the journal still holds pending drafts after {args.timeout:.0f} s", file=sys.stderr)

                await asyncio.sleep(args.quiet)  # anything sent after the answers is caught too
                monitor.stop()
                pending_updates = api.pending_update_count
            finally:
                await bot.stop()
                sampler.stop()
        floor_after = floor_cpu(drafts, "负载测试第001乡人民政府")

        arrivals = {user: found[seen.get(user, 0):] for user, found in monitor.arrivals.items()}
        burst_chats = [arrival for user in users for arrival in arrivals[user]]
        burst_end = max((a.at for a in burst_chats), default=time.perf_counter())
        run = Run(
            drafts, probes, idle_status, lone, lone_cpu, (floor + floor_after) / 2, (floor, floor_after), arrivals, queued_in, burst_start, burst_end,
            bot_cpu, workers_cpu, server_cpu, others_cpu, measured["lag"], Counter(measured["logged"]), measured["threads"], measured["gc"], rss_before,
            pending_updates, lone_updates,
        )
        store.close()
        read_database(database, run)
    return run, sampler


def read_database(path: Path, run: Run) -> None:
    with closing(sqlite3.connect(path)) as db:
        db.row_factory = sqlite3.Row
        run.submissions = [dict(row) for row in db.execute(
            "SELECT update_id, user_id, file_name, parsed, input_format,"
            " error_count + warning_count + info_count AS issues FROM submissions"
        )]
        run.inbox = {row["update_id"]: dict(row) for row in db.execute("SELECT update_id, state, attempts FROM inbox")}


# ---------------------------------------------------------------- checking and reporting


def attribute_replies(run: Run) -> list[str]:
    """Give each draft its reply times; return what does not add up."""
    problems = []
    by_user: dict[int, list[Draft]] = {}
    for draft in run.drafts:
        by_user.setdefault(draft.user_id, []).append(draft)
    for user, drafts in by_user.items():
        by_name = {d.file_name: d for d in drafts}
        by_marked_up = {marked_up_name(d.file_name): d for d in drafts}
        reviews = []
        for arrival in run.arrivals[user]:
            if arrival.kind == "review":
                reviews.append(arrival)
            elif arrival.kind == "unreadable":
                draft = by_name.get(arrival.name)
                if draft is None or draft.replied_at is not None:
                    problems.append(f"user {user}: unexpected or repeated 无法审核 for {arrival.name!r}")
                else:
                    draft.replied_at = arrival.at
            elif arrival.kind == "document":
                draft = by_marked_up.get(arrival.name)
                if draft is None or draft.marked_up_at is not None:
                    problems.append(f"user {user}: unexpected or repeated document {arrival.name!r}")
                else:
                    draft.marked_up_at = arrival.at
            elif arrival.kind != "continuation":
                problems.append(f"user {user}: unexpected message {arrival.text[:80]!r}")
        waiting = [d for d in drafts if d.replied_at is None]
        if len(reviews) != len(waiting):
            problems.append(f"user {user}: {len(reviews)} review(s) for {len(waiting)} draft(s) not answered 无法审核")
        for draft, arrival in zip(waiting, reviews):
            draft.replied_at = arrival.at
    return problems


def check_database(run: Run) -> tuple[list[str], dict]:
    problems = []
    burst = {d.update_id: d for d in run.drafts}
    rows = [s for s in run.submissions if s["update_id"] in burst]
    stray = len([s for s in run.submissions if s["update_id"] not in run.lone_updates]) - len(rows)
    counted = Counter(s["update_id"] for s in rows)
    duplicated = sum(n - 1 for n in counted.values())
    missing = [u for u in burst if u not in counted]
    if len(rows) != len(burst) or duplicated or missing or stray:
        problems.append(f"submissions: {len(rows)} rows for {len(burst)} drafts, {len(missing)} missing, {duplicated} duplicated, {stray} not from the burst")
    for row in rows:
        draft = burst[row["update_id"]]
        if row["user_id"] != draft.user_id or row["file_name"] != draft.file_name:
            problems.append(f"update {row['update_id']}: stored as {row['user_id']}/{row['file_name']!r}, sent as {draft.user_id}/{draft.file_name!r}")
        if bool(row["parsed"]) != draft.kind.readable:
            problems.append(f"update {row['update_id']} ({draft.file_name}): parsed={bool(row['parsed'])}, expected {draft.kind.readable}")
        wants_marked_up = bool(row["parsed"]) and row["input_format"] == "docx" and row["issues"] > 0
        if wants_marked_up != (draft.marked_up_at is not None):
            problems.append(f"update {row['update_id']} ({draft.file_name}): marked-up .docx {'missing' if wants_marked_up else 'not expected'}")
    states = Counter(run.inbox[u]["state"] if u in run.inbox else "not journalled" for u in burst)
    if set(states) != {"answered"}:
        problems.append(f"inbox states of the burst: {dict(states)}")
    retried = sum(1 for u in burst if u in run.inbox and run.inbox[u]["attempts"] > 1)
    return problems, {"rows": len(rows), "distinct": len(counted), "duplicated": duplicated, "missing": len(missing),
                      "states": dict(states), "retried": retried}


def spread(values: list[float]) -> str:
    if not values:
        return "-"
    return f"p50 {percentile(values, 0.5):6.2f} s   p95 {percentile(values, 0.95):6.2f} s   max {max(values):6.2f} s   (n={len(values)})"


def mb(size: float) -> str:
    return f"{size / 2**20:7.1f} MB"


def goal(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def report(args, run: Run, sampler: ProcessSampler, started: float) -> int:
    failures = attribute_replies(run)
    db_problems, db = check_database(run)
    failures += db_problems

    answered = [d for d in run.drafts if d.replied_at is not None]
    wall = run.burst_end - run.burst_start
    latencies = [d.latency for d in answered]
    report_latencies = [d.latency for d in answered if d.kind.is_report]
    bad_latencies = [d.latency for d in answered if not d.kind.is_report]
    marked_up = [d.marked_up_at - d.sent_at for d in run.drafts if d.marked_up_at is not None]
    unreadable = sum(1 for d in answered if not d.kind.readable)
    kinds = Counter(d.kind.name for d in run.drafts)
    texts = [p.text_latency for p in run.probes if p.text_latency is not None]
    photos = [p.photo_latency for p in run.probes if p.photo_latency is not None]

    for draft in run.drafts:
        if draft.replied_at is None:
            failures.append(f"{draft.file_name} (update {draft.update_id}, user {draft.user_id}): no answer")
    if not run.probes:
        failures.append("no /status was sent during the burst")
    for probe in run.probes:
        if probe.text_latency is None or probe.photo_latency is None:
            failures.append(f"/status at {probe.sent_at:.1f} s: text {probe.text_latency}, photo {probe.photo_latency} (no complete answer)")
        elif probe.text_latency >= STATUS_LIMIT:
            failures.append(f"/status at {probe.sent_at:.1f} s: text after {probe.text_latency:.2f} s (limit {STATUS_LIMIT:.0f} s)")

    cpus = len(os.sched_getaffinity(0))
    floor_wall = run.floor_cpu / cpus
    per_draft = run.bot_cpu / len(run.drafts) * 1000
    p95 = percentile(latencies, 0.95) if latencies else float("inf")
    lag_max = max(run.lag) if run.lag else 0.0
    lone = statistics.median(run.lone) if run.lone else float("inf")
    left = max(0.25, cpus - run.others_cpu / wall) if wall > 0 else cpus  # cores the other processes left us
    left_bot = max(0.25, left - run.server_cpu / wall) if wall > 0 else cpus  # ... and the simulated Telegram
    print(f"nianbao load benchmark: {len(run.drafts)} drafts from {len(set(d.user_id for d in run.drafts))} agencies in one burst, "
          f"check_workers={args.workers}, CPUs={cpus} (os.cpu_count()={os.cpu_count()}), python {sys.version.split()[0]}")
    print("  mix: " + ", ".join(f"{name} {n}" for name, n in sorted(kinds.items())))
    print("  (the bot in its own process, its checks in its worker processes; the Bot API server and the simulated users here)")
    status_lines = [
        f"at {p.sent_at:5.1f} s ({p.answered_before:3d} answered): text "
        + (f"{p.text_latency * 1000:5.0f} ms" if p.text_latency is not None else "  none")
        + f" ({p.text_parts} part{'s' if p.text_parts != 1 else ''}), chart "
        + (f"{p.photo_latency * 1000:5.0f} ms" if p.photo_latency is not None else "none")
        for p in run.probes
    ]
    rows = [
        ("drafts answered / sent", f"{len(answered)} / {len(run.drafts)}  ({len(answered) - unreadable} reviews, {unreadable} 无法审核, {len(marked_up)} marked-up .docx)"),
        ("uploads queued in", f"{run.queued_in * 1000:7.0f} ms"),
        ("floor (check + 批注版 + write, CPU)", f"{run.floor_cpu:7.2f} s  = {run.floor_cpu / len(run.drafts) * 1000:.1f} ms a draft; / {cpus} CPUs = {floor_wall:.2f} s"
                                                 f"  (before the bot {run.floors[0]:.2f} s, after {run.floors[1]:.2f} s)"),
        ("wall time (first upload -> last reply)", f"{wall:7.2f} s  ({wall / floor_wall:.2f}x the floor)"),
        ("throughput", f"{len(answered) / wall if wall > 0 else 0:7.1f} drafts/s"),
        ("upload -> first reply, all", spread(latencies) + f"   p95 = {p95 / floor_wall:.2f}x the floor"),
        ("  real reports", spread(report_latencies)),
        ("  bad files", spread(bad_latencies)),
        ("upload -> marked-up .docx", spread(marked_up)),
        ("a lone draft on the idle bot", (f"median {lone * 1000:.0f} ms, max {max(run.lone) * 1000:.0f} ms (n={len(run.lone)}: "
                                          + ", ".join(f"{x * 1000:.0f}" for x in run.lone) + f"); bot CPU {run.lone_cpu * 1000:.1f} ms each")
         if run.lone else "-"),
        ("/status during the burst, max", (f"text {max(texts) * 1000:.0f} ms, chart {max(photos) * 1000:.0f} ms" if texts and photos else "-")
         + f"  ({'all' if texts and max(texts) < STATUS_LIMIT and len(texts) == len(run.probes) else 'NOT all'} text replies < {STATUS_LIMIT:.0f} s)"),
        *((" ", line) for line in status_lines),
        ("/status before the burst (idle)", f"text {run.idle_status.text_latency * 1000:.0f} ms, chart {run.idle_status.photo_latency * 1000:.0f} ms"
         if run.idle_status and run.idle_status.text_latency is not None else "-"),
        ("submissions for the burst", f"{db['rows']} rows, {db['distinct']} distinct update_ids (expected {len(run.drafts)}; {db['missing']} missing, {db['duplicated']} duplicated)"),
        ("inbox states of the burst", f"{db['states']}  ({db['retried']} needed more than one attempt)"),
        ("updates left unconfirmed on the server", f"{run.pending_updates}"),
        ("peak RSS during the burst, bot process", f"{mb(sampler.peak_main)}  (before the burst {mb(run.rss_before).strip()})"),
        ("  descendants summed", f"{mb(sampler.peak_children_sum)}  (largest one {mb(sampler.peak_child).strip()}; up to {sampler.most_children} processes)"),
        ("  bot + descendants summed", f"{mb(sampler.peak_total)}  (PSS, shared pages counted once: {mb(sampler.peak_pss_total).strip()})"),
        ("CPU during the burst, bot process", f"{run.bot_cpu:7.2f} s  ({run.bot_cpu / wall if wall > 0 else 0:.2f} cores; {per_draft:.1f} ms a draft)"),
        ("  by thread", ", ".join(f"{name} {seconds:.2f} s" for name, seconds in run.threads.items())),
        ("CPU during the burst, check workers", f"{run.workers_cpu:7.2f} s  ({run.workers_cpu / wall if wall > 0 else 0:.2f} cores)"),
        ("CPU, Bot API server + users (bench)", f"{run.server_cpu:7.2f} s  ({run.server_cpu / wall if wall > 0 else 0:.2f} cores)"),
        ("CPU during the burst, other processes", f"{run.others_cpu:7.2f} s  ({run.others_cpu / wall if wall > 0 else 0:.2f} cores; the machine is shared if this is not ~0)"),
        ("  the floor on the CPU left to the bench", f"{run.floor_cpu / left:7.2f} s  ({left:.2f} cores left; wall {wall / (run.floor_cpu / left):.2f}x this floor)"),
        ("  ... and left to the bot (the Bot API server's, which is Telegram's, out too)",
         f"{run.floor_cpu / left_bot:7.2f} s  ({left_bot:.2f} cores left; wall {wall / (run.floor_cpu / left_bot):.2f}x this floor)"),
        ("bot's event-loop lag (10 ms timer)", f"p50 {percentile(run.lag, 0.5) * 1000:.1f} ms, p99 {percentile(run.lag, 0.99) * 1000:.1f} ms, max {lag_max * 1000:.0f} ms" if run.lag else "-"),
        ("  the bot's garbage collections", ", ".join(f"{g}: {c['n']} (longest {c['max_ms']} ms, {c['total_ms']} ms in all)"
                                                      for g, c in run.collections.items() if g.startswith("gen"))
         + f"; {run.collections['tracked']['n']} objects tracked, {run.collections['tracked']['frozen']} frozen"),
        ("bot warnings/errors logged", f"{sum(run.logged.values())}"),
    ]
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"  {name:<{width}}  {value}")
    for line, count in run.logged.most_common(5):
        print(f"    {count:4d} x {line}")
    print("  goals:")
    print(f"    wall <= 2x the floor: {wall / floor_wall:.2f}x {goal(wall <= 2 * floor_wall)};"
          f"  bot CPU <= 8 ms a draft: {per_draft:.1f} ms {goal(per_draft <= 8)};"
          f"  first reply p95 <= 2.5x the floor: {p95 / floor_wall:.2f}x {goal(p95 <= 2.5 * floor_wall)};")
    print(f"    loop lag <= 100 ms: max {lag_max * 1000:.0f} ms {goal(lag_max <= 0.1)};"
          f"  lone draft <= 0.3 s: median {lone:.2f} s {goal(lone <= 0.3)};"
          f"  lost {db['missing']}, duplicated {db['duplicated']} {goal(not db['missing'] and not db['duplicated'])}")
    print(f"  {'total script time':<{width}}  {time.perf_counter() - started:7.2f} s")
    if failures:
        print(f"FAILED ({len(failures)}):", file=sys.stderr)
        for failure in failures[:25]:
            print(f"  {failure}", file=sys.stderr)
        return 1
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--drafts", type=int, default=500, help="drafts in the burst (default 500)")
    parser.add_argument("--agencies", type=int, default=200, help="agencies, one staff member each (default 200)")
    parser.add_argument("--workers", type=int, default=2, help="Config.check_workers (default 2)")
    parser.add_argument("--drafts-per-user", type=int, default=6, help="Config.drafts_per_user per minute (default 6)")
    parser.add_argument("--status-first", type=float, default=1.0, help="first /status this many seconds into the burst (default 1)")
    parser.add_argument("--status-every", type=float, default=2.0, help="then again this long after each answer (default 2)")
    parser.add_argument("--status-probes", type=int, default=10, help="at most this many /status (default 10)")
    parser.add_argument("--timeout", type=float, default=600.0, help="give up waiting for the burst after this long (default 600 s)")
    parser.add_argument("--quiet", type=float, default=1.0, help="quiet period before reading the chats (default 1 s)")
    parser.add_argument("--no-warmup", action="store_true", help="start the burst with cold workers")
    parser.add_argument("--lone", type=int, default=6, help="lone drafts on the idle bot before the burst (default 6)")
    args = parser.parse_args()
    if args.drafts < 1 or args.agencies < 1 or args.workers < 1:
        parser.error("--drafts, --agencies and --workers must be at least 1")
    if -(-args.drafts // args.agencies) + (1 if args.lone else 0) > args.drafts_per_user:
        parser.error("more drafts per agency than --drafts-per-user allows: the rate limit would refuse some")

    started = time.perf_counter()
    logging.getLogger().setLevel(logging.WARNING)

    rng = random.Random(SEED)
    reports = report_kinds()
    bad_files = bad_file_kinds(reports[0].data, rng)
    users = [FIRST_STAFF + i for i in range(args.agencies)]
    drafts = plan_burst(args.drafts, users, reports, bad_files, rng)
    warm_kinds = [k for k in reports if k.suffix == ".docx"][:1] + [k for k in reports if k.suffix == ".txt"][:1]

    run, sampler = asyncio.run(run_burst(args, drafts, users, warm_kinds))
    return report(args, run, sampler, started)


if __name__ == "__main__":
    sys.exit(main())
