"""Who a person is, and what they may do: one lookup and one check for every face."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from .. import messages as say
from ..config import Config
from ..roles import SUPERVISING, Rank, Role
from ..storage import Agency, Store
from .scope import Regions, Scope


@dataclass(frozen=True)
class Person:
    user_id: int
    role: Role | None  # None: not a member (or staff of a deactivated agency)
    agency: Agency | None = None  # staff only
    name: str | None = None
    region: str | None = None  # a supervisor's scope (None: everything)
    covered: frozenset[int] | None = None  # the agencies in that scope (None: every agency)

    @property
    def rank(self) -> Rank:
        return Rank.of(self.role)

    @property
    def supervises(self) -> bool:
        return self.role in SUPERVISING

    def covers(self, agency_id: int | None) -> bool:
        """Whether the agency is in this person's scope (a county supervisor never sees another
        county's agencies)."""
        return self.covered is None or agency_id in self.covered

    @property
    def display(self) -> str:
        """How the person is named in records and pages."""
        return self.name or say.unnamed_person(self.user_id)


def covered_by(store: Store, region: str | None) -> frozenset[int] | None:
    """The agencies in ``region`` and under it (None: every agency)."""
    return _covered(store, region)


def _covered(store: Store, region: str | None) -> frozenset[int] | None:
    scope = Scope(region)
    if scope.everything:
        return None
    agencies = store.list_agencies(active_only=False)
    regions = Regions.of(agencies)
    return frozenset(agency.id for agency in agencies if scope.covers(agency, regions))


def person_of(store: Store, config: Config, user_id: int) -> Person:
    """The one place a role is decided: the configured admin and supervisor ids, or the member's
    bound role; staff of a deactivated agency lose access."""
    member = store.get_member(user_id)
    name = member.display_name if member else None
    if user_id in config.admins or (member and member.role == Role.ADMIN):
        return Person(user_id, Role.ADMIN, None, name)
    if user_id in config.supervisors or (member and member.role == Role.SUPERVISOR):
        region = member.region if member and user_id not in config.supervisors else None
        return Person(user_id, Role.SUPERVISOR, None, name, region, _covered(store, region))
    if member and member.role == Role.STAFF and member.agency_id is not None:
        agency = store.get_agency(member.agency_id)
        if agency is not None and agency.active:
            return Person(user_id, Role.STAFF, agency, name)
    return Person(user_id, None, None, name)


@enum.unique
class Action(enum.Enum):
    """What a person asks to do: the rank it needs, and whether staff may do it only for their
    own agency (supervisors for any in their scope)."""

    SEE_AGENCY = "see_agency", Rank.MEMBER, True
    SEND_DRAFT = "send_draft", Rank.MEMBER, True  # recorded as the agency's draft: staff of it only
    EXPLAIN = "explain", Rank.MEMBER, True  # staff of the agency only
    SEE_COUNTY = "see_county", Rank.SUPERVISOR, False
    ACCEPT = "accept", Rank.SUPERVISOR, False
    INVITE = "invite", Rank.SUPERVISOR, False
    MANAGE = "manage", Rank.ADMIN, False

    @property
    def rank(self) -> Rank:
        return self.value[1]

    @property
    def own_agency(self) -> bool:
        return self.value[2]


STAFF_ONLY = (Action.SEND_DRAFT, Action.EXPLAIN)


def allowed(person: Person | None, action: Action | Rank, agency_id: int | None = None) -> bool:
    """The one permission check, for chat commands (declared with a rank) and web routes (an
    action, and the agency it is about)."""
    if isinstance(action, Rank):
        return (person.rank if person else Rank.ANYONE) >= action
    if person is None or person.rank < action.rank:
        return False
    if action in STAFF_ONLY:
        return person.role == Role.STAFF and person.agency is not None and person.agency.id == agency_id
    if not person.supervises:
        return not action.own_agency or (person.agency is not None and person.agency.id == agency_id)
    return agency_id is None or person.covers(agency_id)
