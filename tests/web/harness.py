"""The web desk under test: a running desk with its store, clock and roster, and its constants."""

from __future__ import annotations

import asyncio
import datetime as dt
import shutil
from dataclasses import dataclass, field

from nianbao.storage import Store
from nianbao.web.server import RunningDesk

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
SUPERVISOR = 9001
AGENCIES = {"学张乡人民政府": ("township", "东区"), "大安市叉干镇综合服务中心": ("township", "西区"), "策勒乡人民政府": ("township", "西区")}
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")


@dataclass
class Clock:
    now: dt.datetime = field(default_factory=lambda: dt.datetime(2025, 1, 15, 10, 0, tzinfo=SHANGHAI))

    def __call__(self) -> dt.datetime:
        return self.now


@dataclass
class DeskUnderTest:
    """A running desk: its address, store, clock and roster ids."""

    url: str
    store: Store
    clock: Clock
    running: RunningDesk
    ids: dict[str, int]
    loop: asyncio.AbstractEventLoop

    @property
    def desk(self):
        return self.running.desk

    def call(self, coroutine, timeout: float = 60):
        """Run a coroutine on the desk's event loop and wait for it."""
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def invite(self, agency: str) -> str:
        return self.store.create_invite(self.ids[agency], now=self.clock())

    def login_link(self, user_id: int = SUPERVISOR) -> str:
        return self.desk.login_link(user_id)


def seed(store: Store) -> dict[str, int]:
    return {name: store.add_agency(name, level, region=region) for name, (level, region) in AGENCIES.items()}
