"""The whole bot under a burst of drafts, through the local Bot API server, in one event loop.

    python bench/bench_bot.py [--users 100] [--workers 2] [--text-only | --docx-only]

Setup: a fresh SQLite file in a temporary directory with N agencies and N staff members (one per
agency, bound directly), one supervisor in the config, report year 2024 and a clock fixed at
2025-01-15 10:00 Asia/Shanghai (16 days before the deadline: not a reminder day, so no reminder
traffic). The real Application (``build_application`` + ``running``) polls the in-process
``LocalBotApi``. Then all N staff upload a draft in the same instant, round-robin over the five
samples and over two formats (a real .docx built once per sample, and the sample as a .txt
upload). While the burst is processed the supervisor sends ``/status`` once.

Measured per user: the time from just before ``user_sends_document`` to the arrival of the last
message of the bot's complete reply. Reported: answered/sent, p50/p95/max of that latency, burst
wall time, throughput, the /status latency, peak RSS and the submissions in the database. The exit
status is non-zero if a draft went unanswered, a reply was incomplete or unexpected, /status got no
answer, or the database does not hold exactly one submission per user.

Everything (the bot, the simulated Bot API server and the simulated users) shares one process and
one event loop, so the latencies include the simulator's own work and the RSS includes all three.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import logging
import re
import resource
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from common import FIRST_STAFF, SUPERVISOR, YEAR, FixedClock, loop_lag, percentile, seed_staff

from fixtures.docx_builder import build_docx, content_from_sample, find_samples_dir  # noqa: E402

from nianbao.bot.app import build_application, running  # noqa: E402
from nianbao.config import Config  # noqa: E402
from nianbao.devtools import LocalBotApi, SentMessage  # noqa: E402
from nianbao.storage import Store  # noqa: E402


# How a reply is known to be complete. The bot answers a draft with one or more messages
# (``messages.review_messages`` split to fit Telegram's 4096 characters, sent one after the other).
# Waiting for "quiet" would either cut a slow multi-part reply short or add the quiet period to
# every latency, and under load the gap between two parts of one reply is exactly what grows. So
# completeness is read from the content instead: the first message states the counts
# ("7 个错误，1 个警告[，2 条提示]") and every issue is one numbered line ("3. ❌[错误] …"), so the
# reply is complete once that many numbered issue lines have arrived. "无法审核" is always a single
# message. The latency ends when the message that completes the reply is seen. At the end, after a
# quiet period, every chat is checked for messages beyond the reply (an error notice, a duplicate
# answer, a trailing block the parser did not expect): any is reported and fails the run.
#
# Watching: the simulated users share the bot's event loop, so they must cost it little. One
# monitor task polls ``message_count`` of the chats still waiting every POLL seconds (a dict lookup
# each) rather than 100 waiters that all wake on every server event; an arrival is therefore seen
# at most POLL (plus the loop's own lag, which a real user's client would not suffer) after the
# server recorded it. Message text is read from the HTML the bot sent, tags stripped with a regex:
# ``SentMessage.plain_text`` runs the simulator's full Python HTML parser, ~2-4 ms per message on
# this loop.
POLL = 0.002
TAG = re.compile(r"<[^>]*>")
COUNTS = re.compile(r"(\d+) 个错误，(\d+) 个警告(?:，(\d+) 条提示)?")
ISSUE_LINE = re.compile(r"^\d+\. (?:❌|⚠️|ℹ️)?\[(?:错误|警告|提示)\] ", re.MULTILINE)
# /status: "应报单位 N 个：已报送 S 个，通过 P 个，…", then one numbered line per agency not passing.
STATUS_COUNTS = re.compile(r"应报单位 (\d+) 个：已报送 (\d+) 个，通过 (\d+) 个")
STATUS_LINE = re.compile(r"^\d+\. .+ —— ", re.MULTILINE)


def visible(message: SentMessage) -> str:
    return html.unescape(TAG.sub("", message.text or ""))


@dataclass
class Outcome:
    user_id: int
    file_name: str
    sent_at: float
    since: int
    complete: Callable[[list[str]], tuple[bool, str | None]]
    done_at: float | None = None
    messages: list[SentMessage] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    problem: str | None = None

    @property
    def latency(self) -> float | None:
        return None if self.done_at is None else self.done_at - self.sent_at


def review_complete(texts: list[str]) -> tuple[bool, str | None]:
    """(complete, problem) for a draft's reply so far; see the comment at POLL."""
    first = texts[0].lstrip("❗ ")
    if first.startswith("无法审核"):
        return True, None if len(texts) == 1 else "more than one message after 无法审核"
    if not first.startswith("审核结果"):
        return True, f"unexpected reply: {first[:60]!r}"
    counts = COUNTS.search(first)
    if counts is None:
        return True, "no issue counts in the first message"
    expected = sum(int(n or 0) for n in counts.groups())
    seen = sum(len(ISSUE_LINE.findall(text)) for text in texts)
    if seen > expected:
        return True, f"{seen} issue lines for {expected} announced"
    return seen == expected, None


def status_complete(texts: list[str]) -> tuple[bool, str | None]:
    counts = STATUS_COUNTS.search(texts[0])
    if counts is None:
        return True, f"unexpected /status reply: {texts[0][:60]!r}"
    total, _, passing = map(int, counts.groups())
    seen = sum(len(STATUS_LINE.findall(text)) for text in texts)
    return seen >= total - passing, None


class Monitor:
    """Watches the chats of users waiting for a reply; see the comment at POLL."""

    def __init__(self, api: LocalBotApi):
        self.api = api
        self.waiting: list[Outcome] = []
        self.answered = 0

    def expect(self, outcome: Outcome) -> Outcome:
        self.waiting.append(outcome)
        return outcome

    async def run(self, deadline: float) -> None:
        """Until every watched reply is complete, or the deadline (then they keep done_at None)."""
        loop = asyncio.get_running_loop()
        while self.waiting and loop.time() < deadline:
            await asyncio.sleep(POLL)
            still = []
            for outcome in self.waiting:
                if self.api.message_count(outcome.user_id) - outcome.since > len(outcome.messages):
                    self._read(outcome)
                    done, outcome.problem = outcome.complete(outcome.texts)
                    if done:
                        outcome.done_at = time.perf_counter()
                        self.answered += 1
                        continue
                still.append(outcome)
            self.waiting = still
        for outcome in self.waiting:
            outcome.problem = "no reply" if not outcome.messages else f"incomplete after {len(outcome.messages)} message(s)"
        self.waiting = []

    def _read(self, outcome: Outcome) -> None:
        sent = self.api.sent_to(outcome.user_id)
        new = sent[len(sent) - (self.api.message_count(outcome.user_id) - outcome.since) + len(outcome.messages) :]
        outcome.messages += new
        outcome.texts += [visible(m) for m in new]

    def extra_messages(self, outcome: Outcome) -> int:
        """Messages after the reply, except the marked-up copy of a .docx draft that has issues
        and the chart that follows /status."""
        after = self.api.sent_to(outcome.user_id)[outcome.since + len(outcome.messages):]
        expected = lambda m: m.method == "sendPhoto" or (m.is_file and (m.filename or "").endswith("_审核批注.docx"))  # noqa: E731
        return sum(1 for m in after if not expected(m))


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def payloads(args) -> list[tuple[str, bytes]]:
    """(file name, data) per user: sample i % 5, format alternating .docx / .txt."""
    samples = sorted(find_samples_dir().glob("*.txt"))
    if not samples:
        raise SystemExit(f"no samples in {find_samples_dir()}")
    texts = {path.stem: path.read_bytes() for path in samples}
    docx = {}
    if not args.text_only:
        docx = {path.stem: build_docx(content_from_sample(path.read_text(encoding="utf-8"), path.name)) for path in samples}
    formats = ["txt"] if args.text_only else ["docx"] if args.docx_only else ["docx", "txt"]
    stems = sorted(texts)
    chosen = []
    for i in range(args.users):
        stem, fmt = stems[i % len(stems)], formats[i % len(formats)]
        chosen.append((f"{stem}.{fmt}", docx[stem] if fmt == "docx" else texts[stem]))
    return chosen


async def bench(args) -> int:
    started = time.perf_counter()
    build_start = time.perf_counter()
    drafts = payloads(args)
    build_seconds = time.perf_counter() - build_start
    failures: list[str] = []

    with tempfile.TemporaryDirectory(prefix="nianbao-bench-") as tmp:
        store = Store(Path(tmp) / "nianbao.db")
        bound = seed_staff(store, [FIRST_STAFF + i for i in range(args.users)])
        async with LocalBotApi() as api:
            for user_id in [*bound, SUPERVISOR]:
                api.add_user(user_id)
            config = Config(
                token=api.token,
                api_base_url=api.base_url,
                file_base_url=api.base_file_url,
                database=str(Path(tmp) / "nianbao.db"),
                supervisors=frozenset({SUPERVISOR}),
                report_year=YEAR,
                check_workers=args.workers,
            )
            application = build_application(config, store, FixedClock())
            loop = asyncio.get_running_loop()
            async with running(application, poll_timeout=1):
                if not args.no_warmup:
                    # Warm imports, caches and connections. A supervisor's draft is checked but
                    # not recorded, so the database still only gets the burst's submissions.
                    warm = Monitor(api)
                    for name, data in {n.rsplit(".", 1)[1]: (n, d) for n, d in drafts}.values():
                        warm.expect(Outcome(SUPERVISOR, name, 0, api.message_count(SUPERVISOR), review_complete))
                        await api.user_sends_document(SUPERVISOR, name, data)
                        await warm.run(loop.time() + args.timeout)
                    warm.expect(Outcome(SUPERVISOR, "/status", 0, api.message_count(SUPERVISOR), status_complete))
                    await api.user_sends_text(SUPERVISOR, "/status")
                    await warm.run(loop.time() + args.timeout)
                rss_before = rss_mb()

                lag: list[float] = []
                stop_lag = asyncio.Event()
                lag_task = asyncio.create_task(loop_lag(stop_lag, lag))
                cpu_start, loop_cpu_start = cpu_seconds(), time.thread_time()
                deadline = loop.time() + args.timeout

                # The burst: user_sends_document never yields to the loop (no await inside), so all
                # N uploads are queued before the bot's next getUpdates returns; the bot fetches
                # them in one or a few batches (getUpdates returns at most 100).
                monitor = Monitor(api)
                outcomes = []
                for (user_id, _), (name, data) in zip(bound.items(), drafts):
                    outcome = Outcome(user_id, name, time.perf_counter(), api.message_count(user_id), review_complete)
                    await api.user_sends_document(user_id, name, data)
                    outcomes.append(monitor.expect(outcome))
                burst_start = outcomes[0].sent_at
                drafts_done = asyncio.create_task(monitor.run(deadline))

                # /status once, mid-burst: as soon as `status_after` drafts have been answered.
                async def supervisor() -> tuple[Outcome, int, int]:
                    while monitor.answered < min(args.status_after, args.users) and loop.time() < deadline:
                        await asyncio.sleep(POLL)
                    answered_then = monitor.answered
                    watch = Monitor(api)
                    status = watch.expect(Outcome(SUPERVISOR, "/status", time.perf_counter(), api.message_count(SUPERVISOR), status_complete))
                    await api.user_sends_text(SUPERVISOR, "/status")
                    await watch.run(deadline)
                    return status, answered_then, monitor.answered

                status_task = asyncio.create_task(supervisor())
                await drafts_done
                burst_end = max((o.done_at for o in outcomes if o.done_at), default=time.perf_counter())
                cpu_burst, loop_cpu = cpu_seconds() - cpu_start, time.thread_time() - loop_cpu_start
                status, answered_before_status, answered_at_status = await status_task
                stop_lag.set()
                await lag_task

                # Quiet period, then look for anything sent beyond the replies.
                await asyncio.sleep(args.quiet)
                strays = {o.user_id: monitor.extra_messages(o) for o in outcomes}
                strays[SUPERVISOR] = monitor.extra_messages(status)
                strays = {user_id: extra for user_id, extra in strays.items() if extra}
                pending_updates = api.pending_update_count

        # Storage: exactly one submission per agency for the year, from the right user.
        per_agency = {user_id: store.list_submissions(agency_id, YEAR) for user_id, agency_id in bound.items()}
        stored = sum(len(subs) for subs in per_agency.values())
        misplaced = sum(1 for user_id, subs in per_agency.items() for s in subs if s.user_id != user_id)
        update_ids = [s.update_id for subs in per_agency.values() for s in subs]
        store.close()

    answered = [o for o in outcomes if o.done_at is not None and o.problem is None]
    latencies = [o.latency for o in answered]
    wall = burst_end - burst_start
    unreadable = sum(1 for o in answered if "无法审核" in o.texts[0][:10])
    parts = [len(o.messages) for o in answered]

    for o in outcomes:
        if o.problem or o.done_at is None:
            failures.append(f"user {o.user_id} ({o.file_name}): {o.problem}")
    if strays:
        failures.append(f"messages beyond the reply in {len(strays)} chat(s): {dict(list(strays.items())[:5])}")
    if status.done_at is None or status.problem:
        failures.append(f"/status: {status.problem}")
    if stored != args.users or len(set(update_ids)) != len(update_ids) or misplaced:
        failures.append(f"database holds {stored} submissions ({len(set(update_ids))} distinct updates, {misplaced} misplaced) for {args.users} drafts")

    concurrency = application.update_processor.max_concurrent_updates
    mix = "text only" if args.text_only else ".docx only" if args.docx_only else ".docx and .txt alternating"
    rows = [
        ("drafts answered / sent", f"{len(answered)} / {len(outcomes)}"
         + (f"  ({unreadable} 无法审核)" if unreadable else "") + f"  replies of {min(parts, default=0)}-{max(parts, default=0)} message(s)"),
        ("upload -> complete reply  p50", f"{percentile(latencies, 0.50) * 1000:8.0f} ms" if latencies else "-"),
        ("                          p95", f"{percentile(latencies, 0.95) * 1000:8.0f} ms" if latencies else "-"),
        ("                          max", f"{max(latencies) * 1000:8.0f} ms" if latencies else "-"),
        ("burst wall time (first upload -> last reply)", f"{wall:8.2f} s"),
        ("throughput", f"{len(answered) / wall if wall > 0 else 0:8.1f} drafts/s"),
        ("/status reply", (f"{status.latency * 1000:8.0f} ms" if status.latency is not None else "no reply")
         + f"  (sent after {answered_before_status} answered; {answered_at_status - answered_before_status} more drafts answered before it)"),
        ("process CPU during burst / wall", f"{cpu_burst / wall if wall > 0 else 0:8.2f} cores"),
        ("  of which the event-loop thread", f"{loop_cpu / wall if wall > 0 else 0:8.2f} cores  ({loop_cpu / max(len(answered), 1) * 1000:.0f} ms CPU per draft)"),
        ("event-loop lag (10 ms timer)  p50 / max", f"{percentile(lag, 0.5) * 1000:8.1f} ms / {max(lag, default=0) * 1000:.0f} ms" if lag else "-"),
        ("peak RSS (bot + local server + clients)", f"{rss_mb():8.1f} MB  (before the burst {rss_before:.1f} MB)"),
        ("submissions in database", f"{stored:8d}  (expected {args.users})"),
        ("updates left unconfirmed on the server", f"{pending_updates:8d}"),
    ]
    print(f"nianbao bot benchmark: {args.users} staff, {mix}, check_workers={args.workers}, concurrent_updates={concurrency}, python {sys.version.split()[0]}")
    print(f"(.docx built in {build_seconds:.2f} s; bot, local Bot API server and simulated users share one process and event loop)")
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"  {name:<{width}}  {value}")
    print(f"  {'total script time':<{width}}  {time.perf_counter() - started:8.2f} s")
    if failures:
        print(f"FAILED ({len(failures)}):", file=sys.stderr)
        for failure in failures[:20]:
            print(f"  {failure}", file=sys.stderr)
        return 1
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=100, help="staff members (and agencies), one draft each (default 100)")
    parser.add_argument("--workers", type=int, default=2, help="Config.check_workers (default 2)")
    mix = parser.add_mutually_exclusive_group()
    mix.add_argument("--text-only", action="store_true", help="every draft as a .txt upload")
    mix.add_argument("--docx-only", action="store_true", help="every draft as a .docx")
    parser.add_argument("--status-after", type=int, default=1, help="send /status once this many drafts were answered (default 1)")
    parser.add_argument("--timeout", type=float, default=45.0, help="give up on replies after this many seconds (default 45)")
    parser.add_argument("--quiet", type=float, default=0.5, help="quiet period before looking for stray messages (default 0.5 s)")
    parser.add_argument("--no-warmup", action="store_true", help="skip the supervisor's warm-up drafts")
    args = parser.parse_args()
    if args.users < 1 or args.workers < 1:
        parser.error("--users and --workers must be at least 1")
    logging.basicConfig(format="%(levelname)s %(name)s: %(message)s", level=logging.WARNING)
    return asyncio.run(bench(args))


if __name__ == "__main__":
    sys.exit(main())
