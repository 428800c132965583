"""The web desk under test: a running desk with its store, clock and roster, and its constants."""

from __future__ import annotations

import asyncio
import shutil
from dataclasses import dataclass

from fixtures.mistakes import one_mistake_docx  # noqa: F401  (re-exported for the web tests)
from fixtures.clock import SHANGHAI, Clock  # noqa: F401  (re-exported for the tests)
from nianbao.storage import Store
from nianbao.web.server import RunningDesk

SUPERVISOR = 9001
AGENCIES = {
    "学张乡人民政府": ("township", "东区"),
    "大安市叉干镇综合服务中心": ("township", "西区"),
    "策勒乡人民政府": ("township", "西区"),
    "文水县刘胡兰镇": ("township", "东区"),
}
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")


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

    def submit(self, agency: str, data: bytes, file_name: str, user_id: int | None = None) -> int:
        """A staff member of ``agency`` sends a draft through the desk's pipeline; its submission id."""
        from nianbao.drafts import Sender

        user_id = user_id or 1000 + self.ids[agency]
        self.store.bind_member(user_id, self.ids[agency], "staff", f"{agency}工作人员")
        sender = Sender(user_id, user_id)
        self.call(self.desk.pipeline.submit_draft(sender, self.store.get_agency(self.ids[agency]), file_name, data))
        return self.store.latest_submission(self.ids[agency], 2024).id


def seed(store: Store) -> dict[str, int]:
    return {name: store.add_agency(name, level, region=region) for name, (level, region) in AGENCIES.items()}


def sample_docx(prefix: str) -> bytes:
    """A sample report (by its number) as a real Word file."""
    from fixtures.docx_builder import build_docx, content_from_sample, find_samples_dir

    sample = next(find_samples_dir().glob(f"{prefix}_*.txt"))
    return build_docx(content_from_sample(sample.read_text(encoding="utf-8"), sample.name))


def sample_bytes(prefix: str) -> bytes:
    from fixtures.docx_builder import find_samples_dir

    return next(find_samples_dir().glob(f"{prefix}_*.txt")).read_bytes()
