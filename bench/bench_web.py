"""The web desk with a county's worth of data: N agencies with D drafts each (real issues and
tables, from the samples checked once; each draft journalled with its reply and marked-up copy as
the pipeline leaves it; a few acceptances and explanations). The desk runs in a process of its
own, built as ``nianbao web`` builds it (``Office.open`` then ``build_desk(office, web)``); a
browser signs in as a supervisor and times each page over HTTP, start of request to last byte
(median, p95), against the floor measured in the same run: the sign-in page, a small page through
every middleware; and the desk process's CPU per request (steadier than wall time on a busy machine).
The desk process's memory is reported (RSS started, after the requests, peak). The overview, the
CSV and the workbook are timed again, each right after a write to the database ("after a write":
what the desk keeps between requests is worked out anew, as when drafts arrive).

    .venv/bin/python bench/bench_web.py [--agencies 500 5000] [--drafts 5] [--requests 30]

With several sizes, each page's median is also given as a ratio to its median at the first size
(one agency's page should stay flat as the county grows). Seeded databases are kept in --cache
(default: a temporary folder) and reused by later runs of the same size.

    NIANBAO_BENCH_PROFILE=/tmp/desk.prof .venv/bin/python bench/bench_web.py --agencies 5000 --only overview

profiles the desk process (its event loop and every function it runs in the store's threads, each
on its thread's CPU time) and writes the stats there for ``python -m pstats``.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import http.client
import json
import os
import pstats
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path
from urllib.parse import urlsplit

import psutil

from common import NOW, SUPERVISOR, YEAR, FixedClock, percentile

LEVELS = ("township", "county_department")
REGIONS = ("东区", "西区", "南区", "北区")
FIRST_STAFF = 500_001


# ---------------------------------------------------------------- the county


def checked_samples() -> list[tuple]:
    """Each sample checked once: (result, issues, the report as stored)."""
    from fixtures.docx_builder import find_samples_dir

    from nianbao.validators.engine import check_bytes
    from nianbao.validators.render import result_json

    checked = []
    for sample in sorted(find_samples_dir().glob("*.txt")):
        result = check_bytes(sample.read_bytes(), sample.name)
        report = result_json(result)
        checked.append((result, report.pop("issues"), report))
    return checked


def seed(path: Path, agencies: int, drafts: int, checked: list[tuple]) -> None:
    """``agencies`` agencies with one staff member and ``drafts`` drafts each, every draft
    journalled as the pipeline leaves it (answered, its reply kept, a marked-up copy named);
    one agency in 20 with an accepted error, one in 10 with an explained warning."""
    from nianbao.storage import Store, SubmissionIn
    from nianbao.storage.acceptances import issue_key

    store = Store(path)
    update_id = 0
    try:
        for number in range(agencies):
            with store.transaction():  # one transaction per agency: seeding 5,000 agencies takes minutes, not an hour
                agency_id = store.add_agency(f"基准第{number:04d}单位", LEVELS[number % 2], region=REGIONS[number % 4], now=NOW)
                user_id = FIRST_STAFF + number
                store.bind_member(user_id, agency_id, "staff", f"员工{number:04d}", now=NOW)
                for draft in range(drafts):
                    result, issues, report = checked[(number + draft) % len(checked)]
                    update_id += 1
                    received = NOW - dt.timedelta(days=5 - draft, minutes=number % 600)
                    store.journal_draft(update_id, chat_id=user_id, user_id=user_id, kind="document", file_id=f"f{update_id}",
                                        file_name=f"第{draft + 1}稿.docx", sha256=result.sha256, now=received)
                    submission_id = store.add_submission(
                        SubmissionIn(
                            agency_id=agency_id, year=YEAR, input_format=result.input_format, parsed=result.error is None,
                            user_id=user_id, file_name=f"第{draft + 1}稿.docx", size=result.size, sha256=result.sha256,
                            error_count=result.errors, warning_count=result.warnings, info_count=result.infos,
                            issues=issues, report=report, update_id=update_id, source="chat",
                        ),
                        now=received,
                    )
                    reply = [{"text": "审核结果……"}, {"document": result.sha256, "filename": f"第{draft + 1}稿_审核批注.docx",
                                                     "caption": f"批注版：{len(issues)} 条意见"}]
                    store.inbox_checked(update_id, submission_id, reply)
                    store.inbox_answered(update_id, now=received)
                errors = [i for i in issues if i.get("severity") == "error"]
                if number % 20 == 0 and errors:
                    store.accept_issue(agency_id, YEAR, issue_key(errors[0]), code=errors[0]["code"], message=errors[0]["message"],
                                       submission_id=submission_id, reason="基准测试：已核实", by=SUPERVISOR, now=NOW)
                warnings = [i for i in issues if i.get("severity") == "warning"]
                if number % 10 == 0 and warnings:
                    store.explain_issue(agency_id, YEAR, issue_key(warnings[0]), submission_id=submission_id,
                                        text="基准测试：说明", by=user_id, now=NOW)
    finally:
        store.close()


def seeded(cache: Path, agencies: int, drafts: int) -> Path:
    """The seeded database of that size, from the cache or made now; cached under a stamp of
    what the engine says of the samples, so that a changed engine seeds afresh."""
    import hashlib

    checked = checked_samples()
    stamp = hashlib.sha256(json.dumps([c[1:] for c in checked], ensure_ascii=False, sort_keys=True).encode()).hexdigest()[:8]
    path = cache / f"desk-{agencies}x{drafts}-{stamp}.db"
    if not path.exists():
        started = time.perf_counter()
        partial = path.with_suffix(".part")
        for stale in cache.glob(partial.name + "*"):
            stale.unlink()
        seed(partial, agencies, drafts, checked)
        with closing(sqlite3.connect(partial)) as db:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        partial.rename(path)
        print(f"seeded {agencies} agencies x {drafts} drafts in {time.perf_counter() - started:.0f} s ({path})", flush=True)
    return path


# ---------------------------------------------------------------- the desk, in a process of its own


def serve(database: str) -> None:
    """The desk as ``nianbao web`` builds it, on a free port; prints its address, and stops when
    its stdin closes."""
    import asyncio

    from nianbao.config import Config, WebConfig
    from nianbao.storage import Store
    from nianbao.usecases.office import Office
    from nianbao.web.server import build_desk, settle, start_desk

    async def run() -> None:
        config = Config(database=database, files_dir=str(Path(database).parent / "files"),
                        supervisors=frozenset({SUPERVISOR}), report_year=YEAR)
        store = Store(config.database)
        office = Office.open(config, store, FixedClock())
        profile = cProfile.Profile(time.thread_time) if os.environ.get("NIANBAO_BENCH_PROFILE") else None
        threads = _profile_threads(office) if profile else []
        desk = build_desk(office, WebConfig(host="127.0.0.1", port=0), owns_office=True)
        running = await start_desk(desk)
        settle()  # as ``nianbao web`` does once the desk is up
        if profile:  # the desk's event loop; the store's threads (``office.db.call``) in ``threads``
            profile.enable()
        print(json.dumps({"url": running.url}), flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
        if profile:
            profile.disable()
            stats = pstats.Stats(profile)
            for thread_profile in threads:
                stats.add(thread_profile)
            stats.dump_stats(os.environ["NIANBAO_BENCH_PROFILE"])
        await running.stop()
        store.close()

    asyncio.run(run())


def _profile_threads(office) -> list[cProfile.Profile]:
    """Profile every function the desk runs in the store's threads (``office.db.call``), one
    profiler per thread (a profiler is enabled per thread); the list fills as threads work."""
    import functools
    import threading

    profiles: list[cProfile.Profile] = []
    local = threading.local()
    call = office.db.call

    def profiled_call(function, /, *args, **kwargs):
        @functools.wraps(function)
        def run(*inner, **named):
            profile = getattr(local, "profile", None)
            if profile is None:
                profile = local.profile = cProfile.Profile(time.thread_time)
                profiles.append(profile)
            profile.enable()
            try:
                return function(*inner, **named)
            finally:
                profile.disable()

        if getattr(function, "__self__", None) is not None:
            run.__self__ = function.__self__  # the same executor as the function unwrapped
        return call(run, *args, **kwargs)

    office.db.call = profiled_call
    return profiles


class Desk:
    def __init__(self, database: Path) -> None:
        self.log = database.with_name("desk.log")  # what the desk logs (an error on a page): counted, not printed
        with self.log.open("w") as log:
            self.process = subprocess.Popen([sys.executable, __file__, "--serve", str(database)], stdin=subprocess.PIPE,
                                            stdout=subprocess.PIPE, stderr=log, text=True)
        started = json.loads(self.process.stdout.readline())
        self.url = started["url"]
        self.psutil = psutil.Process(self.process.pid)

    def cpu(self) -> float:
        times = self.psutil.cpu_times()
        return times.user + times.system

    def rss(self) -> int:
        return self.psutil.memory_info().rss

    def peak(self) -> int:
        """VmHWM: the most resident memory the process has had."""
        for row in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if row.startswith("VmHWM:"):
                return int(row.split()[1]) * 1024
        return 0

    def errors(self) -> int:
        return self.log.read_text(errors="replace").count("Traceback")

    def stop(self) -> None:
        self.process.stdin.close()
        self.process.wait(30)


class Browser:
    """Just enough of a browser: cookies kept, forms posted with their CSRF token."""

    def __init__(self, base: str) -> None:
        parts = urlsplit(base)
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, bytes, float]:
        """Status, body and seconds from sending the request to the body's last byte."""
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        start = time.perf_counter()
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            self.connection.close()  # the desk closed an idle kept-alive connection: a browser opens another
            start = time.perf_counter()
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        data = response.read()
        elapsed = time.perf_counter() - start
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, data, elapsed

    def sign_in(self, path: str) -> None:
        _, page, _ = self.request("GET", path)
        token = re.search(r'name="csrf" value="([0-9a-f]+)"', page.decode()).group(1)
        status, _, _ = self.request("POST", path, f"csrf={token}")
        assert status == 302, status


# ---------------------------------------------------------------- measuring


def sample(database: Path) -> list[tuple[int, int, int]]:
    """Ten agencies spread over the roster: (agency id, its staff member, its latest draft)."""
    with closing(sqlite3.connect(database)) as db:
        ids = [row[0] for row in db.execute("SELECT id FROM agencies ORDER BY id")]
        chosen = [ids[i * len(ids) // 10] for i in range(min(10, len(ids)))]
        return [
            (agency_id,
             db.execute("SELECT user_id FROM members WHERE agency_id = ?", (agency_id,)).fetchone()[0],
             db.execute("SELECT MAX(id) FROM submissions WHERE agency_id = ?", (agency_id,)).fetchone()[0])
            for agency_id in chosen
        ]


def sign_in_links(database: Path, users: list[int]) -> dict[int, str]:
    """A one-time sign-in path per user (what /web and ``nianbao web-login`` give), made in the
    database before the desk starts, at the desk's fixed clock."""
    from nianbao.storage import Store

    with closing(Store(database)) as store:
        return {user: "/login/" + store.create_login_link(user, dt.timedelta(minutes=30), now=NOW) for user in users}


def pages(chosen: list[tuple[int, int, int]]) -> dict[str, list[tuple[str, object]]]:
    """The paths to time, by page, each with who asks: the supervisor (None), or an agency's staff
    member for their own agency's pages."""
    return {
        "floor: /signin": [("/signin", None)],
        "/overview": [("/overview", None)],
        "/agency/{id} staff": [(f"/agency/{a}", user) for a, user, _ in chosen],
        "/agency/{id} supervisor": [(f"/agency/{a}", None) for a, _, _ in chosen],
        "/submission/{id} staff": [(f"/submission/{s}", user) for _, user, s in chosen],
        "/submission/{id} superv.": [(f"/submission/{s}", None) for _, _, s in chosen],
        "/peers/{id}": [(f"/peers/{a}", None) for a, _, _ in chosen],
        "/peers": [("/peers", None)],
        "/export/status.csv": [("/export/status.csv", None)],
        "/export/summary.xlsx": [("/export/summary.xlsx", None)],
        "/overview/chart.png": [("/overview/chart.png", None)],
        "/overview, after a write": [("/overview", None)],
        "status.csv, after a write": [("/export/status.csv", None)],
        "summary.xlsx, after a write": [("/export/summary.xlsx", None)],
    }


SLOW = {"/export/summary.xlsx", "/overview/chart.png", "/peers", "summary.xlsx, after a write"}
AFTER_A_WRITE = {"/overview, after a write", "status.csv, after a write", "summary.xlsx, after a write"}


class Writer:
    """A write committed to the desk's database before each request of a page ``AFTER_A_WRITE``
    (from this process, as the bot or the command line would): a staff member explains a warning
    again. What the desk keeps between requests (the campaign states) is worked out anew."""

    def __init__(self, database: Path, chosen: list[tuple[int, int, int]]) -> None:
        from nianbao.storage import Store
        from nianbao.storage.acceptances import issue_key

        self.store = Store(database)
        self.agency, self.user, self.draft = chosen[0]
        issues = self.store.get_submission(self.draft).issues
        self.key = issue_key(next((i for i in issues if i.get("severity") == "warning"), issues[0]))
        self.count = 0

    def __call__(self) -> None:
        self.count += 1
        self.store.explain_issue(self.agency, YEAR, self.key, submission_id=self.draft, text=f"基准测试：说明 {self.count}",
                                 by=self.user, now=NOW)

    def close(self) -> None:
        self.store.close()


def measure(args, agencies: int, cache: Path) -> dict[str, dict]:
    database = seeded(cache, agencies, args.drafts)
    work = Path(tempfile.mkdtemp(prefix="nianbao-web-"))
    try:
        copy = work / "desk.db"
        shutil.copyfile(database, copy)  # the desk writes (sessions): every run starts from the seeded file
        chosen = sample(copy)
        links = sign_in_links(copy, [SUPERVISOR, *(user for _, user, _ in chosen)])
        desk = Desk(copy)
        write = Writer(copy, chosen)
        try:
            rss_started = desk.rss()
            browsers = {}
            for user, link in links.items():
                browsers[None if user == SUPERVISOR else user] = browser = Browser(desk.url)
                browser.sign_in(link)
            results: dict[str, dict] = {}
            for name, paths in pages(chosen).items():
                if args.only and not any(word in name for word in args.only) and not name.startswith("floor"):
                    continue
                count = args.slow_requests if name in SLOW else args.requests
                times, size, refused = [], 0, set()
                browsers[paths[0][1]].request("GET", paths[0][0])  # warm: templates compiled, caches filled
                cpu = desk.cpu()
                for number in range(count):
                    path, who = paths[number % len(paths)]
                    if name in AFTER_A_WRITE:
                        cpu -= desk.cpu()
                        write()
                        cpu += desk.cpu()  # the desk's CPU while the bench wrote is not the page's
                    status, body, elapsed = browsers[who].request("GET", path)
                    if status != 200:
                        refused.add(status)
                        continue
                    if path == "/overview":
                        assert body.count(b'<tr class="state-') == agencies
                    times.append(elapsed)
                    size = max(size, len(body))
                results[name] = {"times": times, "size": size, "refused": refused, "cpu": (desk.cpu() - cpu) / max(1, count)}
            results["memory"] = {"started": rss_started, "after": desk.rss(), "peak": desk.peak(), "errors": desk.errors()}
        finally:
            write.close()
            desk.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return results


def report(agencies: int, drafts: int, results: dict[str, dict], first: dict[str, dict] | None, first_size: int) -> None:
    floor = statistics.median(results["floor: /signin"]["times"])
    print(f"\nweb desk, {agencies} agencies x {drafts} drafts (CPUs={len(os.sched_getaffinity(0))}); ms from request to last byte")
    header = f"  {'page':<27} {'median':>8} {'p95':>8} {'n':>4} {'x floor':>8} {'CPU/req':>8} {'size':>9}"
    if first is not None:
        header += f"  {'x at ' + str(first_size):>10}"
    print(header)
    for name, found in results.items():
        if name == "memory":
            continue
        times = found["times"]
        if not times:
            print(f"  {name:<27} refused: HTTP {', '.join(map(str, sorted(found['refused'])))}")
            continue
        median = statistics.median(times)
        row = (f"  {name:<27} {median * 1000:8.1f} {percentile(times, 0.95) * 1000:8.1f} {len(times):4d}"
               f" {median / floor:8.1f} {found['cpu'] * 1000:8.1f} {found['size'] / 1024:7.0f} KB")
        if first is not None and first.get(name, {}).get("times"):
            row += f"  {median / statistics.median(first[name]['times']):10.2f}"
        print(row)
    memory = results["memory"]
    print(f"  desk process RSS: {memory['started'] / 2**20:.0f} MB started, {memory['after'] / 2**20:.0f} MB after the requests, "
          f"peak {memory['peak'] / 2**20:.0f} MB; errors the desk logged: {memory['errors']}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--agencies", type=int, nargs="+", default=[500])
    parser.add_argument("--drafts", type=int, default=5)
    parser.add_argument("--requests", type=int, default=30, help="requests per page (default 30)")
    parser.add_argument("--slow-requests", type=int, default=8, help="for the workbook, the chart and /peers (default 8)")
    parser.add_argument("--cache", help="keep seeded databases here (default: a temporary folder)")
    parser.add_argument("--only", nargs="+", help="only the pages whose name has one of these words (and the floor)")
    parser.add_argument("--serve", help=argparse.SUPPRESS)  # the desk's own process
    args = parser.parse_args()
    if args.serve:
        serve(args.serve)
        return
    temporary = None if args.cache else tempfile.TemporaryDirectory(prefix="nianbao-web-cache-")
    cache = Path(args.cache or temporary.name)
    cache.mkdir(parents=True, exist_ok=True)
    try:
        first = None
        for agencies in args.agencies:
            results = measure(args, agencies, cache)
            report(agencies, args.drafts, results, first, args.agencies[0])
            first = first or results
    finally:
        if temporary is not None:
            temporary.cleanup()


if __name__ == "__main__":
    main()
