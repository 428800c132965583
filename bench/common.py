"""What the bot benchmarks share: the import path for the test fixtures, a fixed clock inside the
January campaign, the seeded roster, and the measuring helpers."""

from __future__ import annotations

import asyncio
import datetime as dt
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "tests") not in sys.path:
    sys.path.insert(0, str(ROOT / "tests"))  # fixtures.docx_builder, fixtures.hostile

from nianbao.storage import Store  # noqa: E402

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2025, 1, 15, 10, 0, tzinfo=SHANGHAI)  # inside the campaign, not a reminder day
YEAR = 2024
SUPERVISOR = 9001
FIRST_STAFF = 100_001


class FixedClock:
    def __call__(self) -> dt.datetime:
        return NOW


def seed_staff(store: Store, users: list[int], name: str = "基准测试") -> dict[int, int]:
    """One township per user, the user bound to it as staff; user id -> agency id."""
    bound = {}
    for number, user_id in enumerate(users, start=1):
        agency_id = store.add_agency(f"{name}第{number:03d}乡人民政府", "township", now=NOW)
        store.bind_member(user_id, agency_id, "staff", f"员工{number:03d}", now=NOW)
        bound[user_id] = agency_id
    return bound


async def loop_lag(stop: asyncio.Event, samples: list[float], period: float = 0.01) -> None:
    """How late a 10 ms timer fires: how long the event loop was kept from running callbacks."""
    while not stop.is_set():
        start = time.perf_counter()
        await asyncio.sleep(period)
        samples.append(time.perf_counter() - start - period)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]
