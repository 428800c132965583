"""The WeCom face wired on the shared office: its API client, the people it knows, its draft
pipeline (journal kinds ``wecom_file``, ``wecom_paste``; ``wecom_text`` for the other messages,
kept so that a retried callback is handled once, across restarts too), the callback, the reach
that tells people things, and its jobs (recovery each minute, reminders every ten minutes,
retention daily), as asyncio tasks on the office's loop."""

from __future__ import annotations

import asyncio
import logging
from typing import Coroutine

from ..usecases.office import MachineRoute, Office
from ..usecases.ordering import InOrder
from .api import WecomApi, WecomError, Unreachable
from .callback import Callback
from .chat import WecomChat
from .crypto import Crypto
from .deliver import WecomDeliver
from .ids import Directory, is_wecom_member
from .inbound import Inbound
from .menu import app_menu
from .pastes import Pastes
from .reminders import CHECK_INTERVAL_SECONDS, send_due_reminders
from .settings import CALLBACK_PATH, WecomSettings

log = logging.getLogger("nianbao.wecom")
RECOVERY_INTERVAL_SECONDS = 60
PURGE_INTERVAL_SECONDS = 24 * 3600


class WecomService:
    def __init__(self, office: Office, settings: WecomSettings, *, api: WecomApi | None = None) -> None:
        self.office, self.settings = office, settings
        self.crypto = Crypto(settings.token, settings.aes_key, settings.corp_id)
        self.api = api or WecomApi(settings)
        self.directory = Directory()
        self.deliver = WecomDeliver(office, self.api, self.directory)
        self.pipeline = office.pipeline(self.deliver, kinds=("wecom_file", "wecom_paste"), spawn=self.spawn)
        config = office.config
        self.pastes = Pastes(config.paste_delay_seconds, config.fragment_wait_seconds, office.clock,
                             check=self._check_paste, tell=self._tell, spawn=self.spawn)
        self.chat = WecomChat(office, self.deliver, self.directory, self.pipeline, self.pastes)
        self.callback = Callback(self)
        self._tasks: set[asyncio.Task] = set()
        self.in_order = InOrder()  # one sender's messages one at a time, in the order they came
        self._loops: list[asyncio.Task] = []
        self.handling = 0  # messages being handled now

    # ------------------------------------------------------------ start, stop

    async def start(self, *, jobs: bool = True) -> None:
        await self.api.start()
        for user in (*self.settings.supervisors, *self.settings.admins):
            self.directory.add(user)
        for member in await self.office.db.list_members():
            if is_wecom_member(member.user_id):
                self.directory.learn(member.user_id, member.display_name)
        await self._interrupted()
        self.office.reach.append(self.reach)
        self.office.machine_routes.append(MachineRoute("GET", CALLBACK_PATH, self.callback.get))
        self.office.machine_routes.append(MachineRoute("POST", CALLBACK_PATH, self.callback.post))
        self.spawn(self._set_menu())
        if jobs:
            self._loops = [
                asyncio.create_task(self._every(RECOVERY_INTERVAL_SECONDS, self.pipeline.recover, first=1)),
                asyncio.create_task(self._every(CHECK_INTERVAL_SECONDS, self.send_due_reminders, first=5)),
                asyncio.create_task(self._every(PURGE_INTERVAL_SECONDS, self.pipeline.purge_files, first=60)),
            ]

    async def stop(self) -> None:
        for task in self._loops:
            task.cancel()
        await asyncio.gather(*self._loops, return_exceptions=True)
        self.pastes.close()
        if self.reach in self.office.reach:
            self.office.reach.remove(self.reach)
        pending = [task for task in self._tasks if not task.done()]
        if pending:
            await asyncio.wait(pending, timeout=5)
        await self.api.close()

    async def _interrupted(self) -> None:
        """Messages that were being answered when the last run stopped: not answered twice."""
        for entry in await self.office.db.pending_drafts():
            if entry.kind == "wecom_text":
                await self.office.db.inbox_failed(entry.update_id, "interrupted by a restart", now=self.office.clock())

    async def _set_menu(self) -> None:
        try:
            await self.api.create_menu(app_menu())
        except (WecomError, Unreachable):
            log.warning("the WeCom app menu was not set", exc_info=True)

    async def _every(self, seconds: float, job, *, first: float) -> None:
        await asyncio.sleep(first)
        while True:
            try:
                await job()
            except Exception:  # noqa: BLE001 - a failing job runs again next time
                log.exception("WeCom job %s failed", getattr(job, "__name__", job))
            await asyncio.sleep(seconds)

    # ------------------------------------------------------------ work

    def spawn(self, coroutine: Coroutine) -> asyncio.Task:
        task = asyncio.get_running_loop().create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    def take(self, inbound: Inbound) -> None:
        """A message answered to WeCom: handled now in the background, after its sender's
        earlier messages (a paste's parts must not overtake each other)."""
        self.handling += 1
        self.spawn(self._handle(inbound))

    async def _handle(self, inbound: Inbound) -> None:
        try:
            async with self.in_order.turn(inbound.user):
                await self.chat.handle(inbound)
        except Exception:  # noqa: BLE001 - one message failing must not stop the others
            log.exception("a WeCom message could not be handled")
        finally:
            self.handling -= 1

    def idle(self) -> bool:
        """Nothing left to do: no message being handled, no paste being collected, the draft
        pipeline idle, nothing spawned still running (the console and the tests wait for this)."""
        return not self.handling and not self.pastes.busy() and self.pipeline.idle() and all(t.done() for t in self._tasks)

    async def reach(self, user_id: int, text: str) -> bool:
        """``office.tell``'s way to a WeCom member."""
        if user_id not in self.directory:
            return False
        await self.deliver.send_texts(user_id, [text])
        return True

    async def send_due_reminders(self) -> list[str]:
        return await send_due_reminders(self.office, self.deliver)

    async def _check_paste(self, user_id: int, text: str, first_id: int) -> None:
        await self.chat.check_paste(user_id, text, first_id)

    async def _tell(self, user_id: int, text: str) -> None:
        await self.deliver.send_texts(user_id, [text])
