"""What every page of the web desk shares: configuration, storage, the clock, and who is asking."""

from __future__ import annotations

import asyncio
import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Callable

from ..config import Config
from ..storage import Agency, FileStore, Store
from ..config import WebConfig

SUPERVISING_ROLES = ("supervisor", "admin")
CAMPAIGN_TAIL = dt.timedelta(days=60)  # a staff session lasts until this long after the deadline
MIN_STAFF_SESSION = dt.timedelta(days=30)


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


@dataclass(frozen=True)
class Viewer:
    """The signed-in person of one request."""

    user_id: int
    role: str  # staff / supervisor / admin
    agency: Agency | None  # staff only
    session_id: str

    @property
    def supervises(self) -> bool:
        return self.role in SUPERVISING_ROLES

    def may_see(self, agency_id: int) -> bool:
        """Supervisors see every agency; staff only their own."""
        return self.supervises or (self.agency is not None and self.agency.id == agency_id)


@dataclass
class Desk:
    config: Config
    web: WebConfig
    store: Store
    files: FileStore
    pipeline: Any  # the draft pipeline (nianbao.drafts.DraftPipeline) for uploads
    clock: Callable[[], dt.datetime] = utc_now
    services: Any = None  # the bot's Services when the desk runs inside ``nianbao serve``
    owned: tuple = ()  # what to shut down with the desk (its own pool and store threads, when alone)
    threads: ThreadPoolExecutor = field(default_factory=lambda: ThreadPoolExecutor(4, thread_name_prefix="web"))

    async def run(self, function: Callable, /, *args, **kwargs):
        """Storage and file work, off the event loop."""
        return await asyncio.get_running_loop().run_in_executor(self.threads, partial(function, *args, **kwargs))

    def year(self) -> int:
        return self.config.year_under_review(self.clock())

    def today(self) -> dt.date:
        return self.clock().astimezone(self.config.tz).date()

    def role_of(self, user_id: int) -> tuple[str | None, Agency | None]:
        """A member's role and (for staff) agency, as in chat: the configured supervisor and
        admin ids, or the member's bound role."""
        member = self.store.get_member(user_id)
        if user_id in self.config.admins or (member and member.role == "admin"):
            return "admin", None
        if user_id in self.config.supervisors or (member and member.role == "supervisor"):
            return "supervisor", None
        if member and member.role == "staff" and member.agency_id is not None:
            agency = self.store.get_agency(member.agency_id)
            if agency is not None and agency.active:
                return "staff", agency
        return None, None

    def session_end(self, role: str) -> dt.datetime:
        """Staff keep their browser signed in for the campaign (an invite code works once);
        supervisors for a week, then ask the bot (or the server) for a new link."""
        now = self.clock()
        if role in SUPERVISING_ROLES:
            return now + dt.timedelta(days=self.web.supervisor_session_days)
        deadline = self.config.deadline(self.year())
        end = dt.datetime.combine(deadline, dt.time(23, 59), self.config.tz) + CAMPAIGN_TAIL
        return max(end, now + MIN_STAFF_SESSION)

    def login_link(self, user_id: int) -> str:
        """A one-time sign-in link for ``user_id`` (what /web and ``nianbao web-login`` give)."""
        ttl = dt.timedelta(minutes=self.web.login_link_minutes)
        token = self.store.create_login_link(user_id, ttl, now=self.clock())
        return f"{self.web.base_url}/login/{token}"

    def close(self) -> None:
        self.threads.shutdown(wait=False, cancel_futures=True)
        for shutdown in self.owned:
            shutdown()
