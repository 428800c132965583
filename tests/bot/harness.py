"""The end-to-end harness shared by the bot's tests: the real Application, built by
``build_application``, polling a ``LocalBotApi`` on 127.0.0.1, on a real SQLite file, with a
fixed clock inside the January campaign and a seeded roster."""

from __future__ import annotations

import asyncio
import re
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from nianbao.bot.app import build_application, running
from nianbao.config import Config, ReminderConfig
from nianbao.devtools import LocalBotApi
from nianbao.devtools.idle import bot_is_idle
from fixtures.cli import run_cli
from fixtures.clock import SHANGHAI, Clock  # noqa: F401  (re-exported for the tests)
from nianbao.storage import Store

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "samples"
SUPERVISOR = 9001
STAFF_XUEZHANG, STAFF_CHAGAN, STAFF_OTHER = 1001, 1002, 1003
AGENCIES = {"学张乡人民政府": "township", "大安市叉干镇综合服务中心": "township", "策勒乡人民政府": "township", "水城区坪寨乡人民政府": "township"}


def sample_text(prefix: str) -> str:
    return next(SAMPLES.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


@dataclass
class Env:
    api: LocalBotApi
    store: Store
    clock: Clock
    app: object
    config: Config

    async def send(self, user_id: int, text: str, count: int | None = None, timeout: float = 20):
        since = self.api.message_count(user_id)
        await self.api.user_sends_text(user_id, text)
        return await self._replies(user_id, since, count, timeout)

    async def upload(self, user_id: int, name: str, data: bytes, count: int | None = None, timeout: float = 30):
        since = self.api.message_count(user_id)
        await self.api.user_sends_document(user_id, name, data)
        return await self._replies(user_id, since, count, timeout)

    async def _replies(self, user_id, since, count, timeout):
        if count is not None:
            return await self.api.wait_for_replies(user_id, count=count, timeout=timeout, since=since)
        return await self.api.collect_replies(user_id, timeout=timeout, quiet=0.6, since=since, settled=self.bot_is_idle)

    async def until_idle(self, timeout: float = 20) -> None:
        """Wait until the bot has handled everything sent so far (to show that nothing follows)."""
        looks = 0
        for _ in range(int(timeout / 0.02)):
            looks = looks + 1 if self.bot_is_idle() else 0
            if looks >= 3:
                return
            await asyncio.sleep(0.02)
        raise TimeoutError(f"the bot was still busy after {timeout}s")

    def bot_is_idle(self) -> bool:
        return bot_is_idle(self.app, self.api)

    def text(self, messages) -> str:
        return "\n".join(m.plain_text for m in messages)


@asynccontextmanager
async def running_bot(
    tmp_path: Path, store: Store | None = None, clock: Clock | None = None, api: LocalBotApi | None = None, **config_changes
):
    own_api = api is None
    api = api or LocalBotApi()
    if own_api:
        await api.start()
    store = store or Store(tmp_path / "nianbao.db")
    clock = clock or Clock()
    config = Config(
        token=api.token,
        api_base_url=api.base_url,
        file_base_url=api.base_file_url,
        database=str(tmp_path / "nianbao.db"),
        supervisors=frozenset({SUPERVISOR}),
        report_year=None,
        paste_delay_seconds=0.4,
        reminders=ReminderConfig(hour=9),
    )
    config = replace(config, **config_changes)
    app = build_application(config, store, clock)
    async with running(app, poll_timeout=1):
        yield Env(api, store, clock, app, config)
    if own_api:
        await api.stop()


def seed(store: Store) -> dict[str, int]:
    ids = {name: store.add_agency(name, level) for name, level in AGENCIES.items()}
    store.bind_member(STAFF_XUEZHANG, ids["学张乡人民政府"], "staff", "张三")
    store.bind_member(STAFF_CHAGAN, ids["大安市叉干镇综合服务中心"], "staff", "王五")
    store.bind_member(STAFF_OTHER, ids["策勒乡人民政府"], "staff", "赵六")
    return ids


def paste_parts(text: str, size: int = 3000) -> list[str]:
    """What Telegram delivers of a long paste: pieces split between lines, each trimmed."""
    parts, current = [], ""
    for line in text.split("\n"):
        if len(current) + len(line) + 1 > size:
            parts.append(current.strip())
            current = ""
        current += line + "\n"
    return parts + [current.strip()]


def cli_check(path: Path) -> str:
    return run_cli("check", str(path)).stdout


def issue_lines(text: str) -> list[str]:
    """The numbered issue lines, without severity decoration, as both faces print them."""
    lines = []
    for line in text.splitlines():
        match = re.match(r"^(\d+)\. (?:❌|⚠️|ℹ️)?\[(错误|警告|提示)\] (.*?)( 🆕)?$", line.strip())
        if match:
            lines.append(f"{match.group(1)}. [{match.group(2)}] {match.group(3)}")
    return lines
