"""The WeCom face end to end: the real ``WecomService`` on a real SQLite file, its callback served
over HTTP on 127.0.0.1, talking to the local WeCom API server (``WecomEmulator``) whose people
send encrypted, signed callbacks; a fixed clock inside the January campaign, a seeded roster."""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from aiohttp import web

from fixtures.clock import SHANGHAI, Clock  # noqa: F401  (re-exported for the tests)
from nianbao.config import Config, ReminderConfig
from nianbao.devtools.wecom import Sent, WecomEmulator
from nianbao.storage import Store
from nianbao.usecases.office import Office
from nianbao.wecom.callback import make_app
from nianbao.wecom.face import FACE
from nianbao.wecom.ids import member_id
from nianbao.wecom.service import WecomService
from nianbao.wecom.settings import load_settings

SUPERVISOR, STAFF, OTHER_STAFF, STRANGER = "LiSi", "ZhangSan", "ZhaoLiu", "XinTongShi"
AGENCIES = {"学张乡人民政府": "township", "大安市叉干镇综合服务中心": "township", "策勒乡人民政府": "township"}


def seed(store: Store) -> dict[str, int]:
    ids = {name: store.add_agency(name, level) for name, level in AGENCIES.items()}
    store.bind_member(member_id(STAFF), ids["学张乡人民政府"], "staff", STAFF)
    store.bind_member(member_id(OTHER_STAFF), ids["策勒乡人民政府"], "staff", OTHER_STAFF)
    return ids


@dataclass
class Env:
    wecom: WecomEmulator
    store: Store
    clock: Clock
    service: WecomService
    office: Office

    async def send(self, user: str, text: str, count: int | None = None, **options) -> list[Sent]:
        since = self.wecom.message_count(user)
        result = await self.wecom.user_sends_text(user, text, **options)
        assert result.status == 200, result
        return await self.replies(user, since, count)

    async def upload(self, user: str, name: str, data: bytes, count: int | None = None) -> list[Sent]:
        since = self.wecom.message_count(user)
        result = await self.wecom.user_sends_file(user, name, data)
        assert result.status == 200 and result.seconds < 1.0, result  # answered at once, checked after
        return await self.replies(user, since, count)

    async def click(self, user: str, key: str, count: int | None = None) -> list[Sent]:
        since = self.wecom.message_count(user)
        assert (await self.wecom.user_clicks(user, key)).status == 200
        return await self.replies(user, since, count)

    async def replies(self, user: str, since: int, count: int | None, timeout: float = 30) -> list[Sent]:
        if count is not None:
            return await self.wecom.wait_for(user, count, since=since, timeout=timeout)
        await self.until_idle(timeout)
        return self.wecom.sent_to(user)[since:]

    async def until_idle(self, timeout: float = 30) -> None:
        """Until the face has handled everything sent so far (its own account of its work)."""
        looks = 0
        for _ in range(int(timeout / 0.02)):
            looks = looks + 1 if self.service.idle() else 0
            if looks >= 3:
                return
            await asyncio.sleep(0.02)
        raise TimeoutError(f"the WeCom face was still busy after {timeout}s")

    @staticmethod
    def text(messages: list[Sent]) -> str:
        return "\n".join(m.text for m in messages if m.text is not None)


@asynccontextmanager
async def running_wecom(tmp_path: Path, store: Store | None = None, clock: Clock | None = None,
                        wecom: WecomEmulator | None = None, sections: dict | None = None, **config_changes):
    prepare = FACE.prepare
    own = wecom is None
    wecom = wecom or WecomEmulator()
    if own:
        await wecom.start()
    owns_store = store is None
    store = store or Store(tmp_path / "nianbao.db")
    clock = clock or Clock()
    config = Config(
        database=str(tmp_path / "nianbao.db"), report_year=None, paste_delay_seconds=0.4,
        reminders=ReminderConfig(hour=9),
        sections={"wecom": {"supervisors": [SUPERVISOR]}} | (sections or {}),
    )
    config = prepare(replace(config, **config_changes))  # [wecom] supervisors, as `nianbao serve` reads them
    office = Office.open(config, store, clock)
    service = WecomService(office, load_settings(config, wecom.environment()))
    await service.start(jobs=False)
    runner = web.AppRunner(make_app(service), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    wecom.callback_url = f"http://127.0.0.1:{runner.addresses[0][1]}/wecom/callback"
    for user in (SUPERVISOR, STAFF, OTHER_STAFF):
        wecom.add_person(user)
    try:
        yield Env(wecom, store, clock, service, office)
    finally:
        await runner.cleanup()
        await service.stop()
        office.shutdown()
        if owns_store:
            store.close()
        if own:
            await wecom.stop()
