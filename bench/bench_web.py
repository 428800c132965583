"""The web desk with a county's worth of data: 500 agencies with 5 drafts each (real issues and
tables, from a sample checked once). Measures the time to first byte of the supervisors'
overview (median, p95) as a browser sees it over HTTP, and the process's memory with the desk on.

    .venv/bin/python bench/bench_web.py [--agencies 500] [--drafts 5] [--requests 60]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import http.client
import re
import resource
import statistics
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import psutil

from common import NOW, SUPERVISOR, YEAR, FixedClock, percentile

from nianbao.config import Config
from nianbao.storage import Store, SubmissionIn
from nianbao.validators.engine import check_bytes
from nianbao.validators.render import result_json
from fixtures.docx_builder import find_samples_dir

LEVELS = ("township", "county_department")
REGIONS = ("东区", "西区", "南区", "北区")


def seed(store: Store, agencies: int, drafts: int) -> None:
    samples = sorted(find_samples_dir().glob("*.txt"))
    checked = [check_bytes(p.read_bytes(), p.name) for p in samples]
    for number in range(agencies):
        agency_id = store.add_agency(f"基准第{number:03d}单位", LEVELS[number % 2], region=REGIONS[number % 4], now=NOW)
        for draft in range(drafts):
            result = checked[(number + draft) % len(checked)]
            report = result_json(result)
            issues = report.pop("issues")
            store.add_submission(
                SubmissionIn(
                    agency_id=agency_id, year=YEAR, input_format=result.input_format, parsed=result.error is None,
                    file_name=f"第{draft + 1}稿.docx", size=result.size, sha256=result.sha256,
                    error_count=result.errors, warning_count=result.warnings, info_count=result.infos,
                    issues=issues, report=report,
                ),
                now=NOW - dt.timedelta(days=5 - draft, minutes=number),
            )


class Browser:
    """Just enough of a browser: cookies kept, forms posted with their CSRF token."""

    def __init__(self, base: str) -> None:
        parts = urlsplit(base)
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, str, float]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        start = time.perf_counter()
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()  # returns once the status line and headers are in
        first_byte = time.perf_counter() - start
        text = response.read().decode("utf-8", "replace")
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, text, first_byte


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--agencies", type=int, default=500)
    parser.add_argument("--drafts", type=int, default=5)
    parser.add_argument("--requests", type=int, default=60)
    args = parser.parse_args()

    from nianbao.config import WebConfig
    from nianbao.web.server import build_desk, start_desk

    process = psutil.Process()
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder) / "bench.db")
        started = time.perf_counter()
        seed(store, args.agencies, args.drafts)
        print(f"seeded {args.agencies} agencies x {args.drafts} drafts in {time.perf_counter() - started:.1f} s")
        rss_before = process.memory_info().rss
        config = Config(database=str(Path(folder) / "bench.db"), supervisors=frozenset({SUPERVISOR}))
        loop = asyncio.new_event_loop()
        threading.Thread(target=loop.run_forever, daemon=True).start()
        desk = build_desk(config, store, WebConfig(host="127.0.0.1", port=0), FixedClock())
        running = asyncio.run_coroutine_threadsafe(start_desk(desk), loop).result(60)
        rss_desk = process.memory_info().rss

        browser = Browser(running.url)
        link = urlsplit(desk.login_link(SUPERVISOR)).path
        _, page, _ = browser.request("GET", link)
        token = re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)
        status, _, _ = browser.request("POST", link, f"csrf={token}")
        assert status == 302, status

        times = []
        for _ in range(args.requests):
            status, text, first_byte = browser.request("GET", "/overview")
            assert status == 200 and text.count("<tr class=\"state-") == args.agencies
            times.append(first_byte)
        rss_after = process.memory_info().rss
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"overview, {args.agencies} agencies x {args.drafts} drafts, {args.requests} requests:")
        print(f"  time to first byte: median {statistics.median(times) * 1000:.0f} ms, p95 {percentile(times, 0.95) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms")
        print(f"  page size {len(text.encode()) / 1024:.0f} KB")
        print(f"  process RSS: {rss_before / 2**20:.0f} MB before the desk, {rss_desk / 2**20:.0f} MB with it started, "
              f"{rss_after / 2**20:.0f} MB after the requests; peak {peak:.0f} MB")
        asyncio.run_coroutine_threadsafe(running.stop(), loop).result(30)
        loop.call_soon_threadsafe(loop.stop)
        store.close()


if __name__ == "__main__":
    main()
