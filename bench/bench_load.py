"""Load: one burst of drafts from many agencies, mixed good and bad files, through the local Bot API.

    .venv/bin/python bench/bench_load.py [--drafts 500] [--agencies 200] [--workers 2] [--repeat N]

With ``--repeat N`` the whole run (a fresh bot, database and floor each time) is made N times in a
row, each burst reported in a line and the last in full, and the goals judged on the medians: on a
shared virtual machine one burst's ratio to its floor scatters by a tenth or more.

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
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from contextlib import closing
from pathlib import Path

from common import FIRST_STAFF, NOW, SUPERVISOR, YEAR, seed_staff
from load_plan import Draft, Kind, Run, StatusProbe, bad_file_kinds, plan_burst, report_kinds
from load_report import report, summary
from load_watch import ANSWERS, Monitor, ProcessSampler, machine_busy_cpu, own_cpu

from nianbao.config import Config  # noqa: E402
from nianbao.devtools import LocalBotApi  # noqa: E402
from nianbao.storage import Store  # noqa: E402

SEED = 2025

STATUS_TIMEOUT = 30.0  # give up waiting for one /status reply after this long


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
    parser.add_argument("--repeat", type=int, default=1,
                        help="bursts in a row, each with a fresh bot, database and floor: the goals over their medians (default 1)")
    args = parser.parse_args()
    if args.drafts < 1 or args.agencies < 1 or args.workers < 1:
        parser.error("--drafts, --agencies and --workers must be at least 1")
    if -(-args.drafts // args.agencies) + (1 if args.lone else 0) > args.drafts_per_user:
        parser.error("more drafts per agency than --drafts-per-user allows: the rate limit would refuse some")

    started = time.perf_counter()
    logging.getLogger().setLevel(logging.WARNING)

    reports = report_kinds()
    users = [FIRST_STAFF + i for i in range(args.agencies)]
    warm_kinds = [k for k in reports if k.suffix == ".docx"][:1] + [k for k in reports if k.suffix == ".txt"][:1]

    status, figures = 0, []
    for number in range(1, args.repeat + 1):
        rng = random.Random(SEED)  # the same burst each time, its drafts' record fresh
        drafts = plan_burst(args.drafts, users, reports, bad_file_kinds(reports[0].data, rng), rng)
        run, sampler = asyncio.run(run_burst(args, drafts, users, warm_kinds))
        last = number == args.repeat
        if args.repeat > 1:
            print(f"burst {number} of {args.repeat}:" if not last else f"burst {number} of {args.repeat}, in full:")
        failed, found = report(args, run, sampler, started, brief=not last)
        status, figures = status or failed, [*figures, found]
    if args.repeat > 1:
        summary(figures)
    return status


if __name__ == "__main__":
    sys.exit(main())
