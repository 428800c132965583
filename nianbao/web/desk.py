"""What every page of the web desk shares: the office (configuration, the store through its async
path, files, the clock), this face's settings and draft pipeline, and who is asking."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Callable

from .. import messages as say
from ..config import Config, WebConfig
from ..roles import SUPERVISING
from ..storage import Agency, FileStore, Store
from ..usecases.office import Office
from ..usecases.people import Action, Person, allowed, person_of

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
    name: str | None = None
    region: str | None = None  # a supervisor's scope
    covered: frozenset[int] | None = None  # the agencies in it (None: every agency)
    needs_name: bool = False  # a member without a name: asked for it before anything else

    @property
    def person(self) -> Person:
        return Person(self.user_id, self.role, self.agency, self.name, self.region, self.covered)

    @property
    def supervises(self) -> bool:
        return self.role in SUPERVISING

    def may(self, action: Action, agency_id: int | None = None) -> bool:
        return allowed(self.person, action, agency_id)

    def may_see(self, agency_id: int) -> bool:
        """Supervisors see every agency; staff only their own."""
        return self.may(Action.SEE_AGENCY, agency_id)


@dataclass
class Desk:
    office: Office
    web: WebConfig
    pipeline: Any  # this face's draft pipeline (nianbao.drafts.DraftPipeline) for uploads
    owns_office: bool = False  # ``nianbao web``: the desk alone shuts the office down with it

    @property
    def config(self) -> Config:
        return self.office.config

    @property
    def store(self) -> Store:
        """For the functions handed to ``run`` (they run in the store's threads)."""
        return self.office.store

    @property
    def files(self) -> FileStore:
        return self.office.files

    @property
    def clock(self) -> Callable[[], dt.datetime]:
        return self.office.clock

    async def run(self, function: Callable, /, *args, **kwargs):
        """Storage and file work, off the event loop, through the store's one async path."""
        return await self.office.db.call(function, *args, **kwargs)

    def year(self) -> int:
        return self.office.year()

    def today(self) -> dt.date:
        return self.office.today()

    def role_of(self, user_id: int) -> tuple[str | None, Agency | None]:
        """A member's role and (for staff) agency: the one lookup (``usecases.people``)."""
        person = person_of(self.store, self.config, user_id)
        return (person.role.value if person.role else None), person.agency

    def viewer(self, user_id: int, session_id: str) -> Viewer | None:
        """The signed-in person of a request, with their scope (None: no longer a member)."""
        person = person_of(self.store, self.config, user_id)
        if person.role is None:
            return None
        needs_name = not person.name and self.store.get_member(user_id) is not None  # configured ids have no row to name
        return Viewer(
            user_id, person.role.value, person.agency, session_id, person.name, person.region, person.covered, needs_name
        )

    def names(self, user_ids) -> dict[int, str]:
        """How each of these people is named on a page: their name, or their id said plainly."""
        wanted = {u for u in user_ids if u is not None}
        known = self.store.member_names(wanted)
        return {u: known.get(u) or say.unnamed_person(u) for u in wanted}

    def session_end(self, role: str) -> dt.datetime:
        """Staff keep their browser signed in for the campaign (an invite code works once);
        supervisors for a week, then ask the bot (or the server) for a new link."""
        now = self.clock()
        if role in SUPERVISING:
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
        if self.owns_office:
            self.office.shutdown()
