"""Invite codes and sign-in, the same from every face: a supervisor makes a code for an agency
(never for a deactivated one; who made it is audited), a person redeems one (chat ``/start``, the
web desk's sign-in page), anyone bound asks for a one-time web sign-in link (chat ``/web``,
``nianbao web-login``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .. import messages as say
from ..roles import SUPERVISING, Role
from ..storage import INVITE_TTL_DAYS, Agency, InviteError, Member
from .office import Office
from .people import Action, Person, allowed
from .words import NotAllowed


@dataclass(frozen=True)
class InviteOutcome:
    code: str | None  # None: refused (``text`` says why)
    text: str = ""
    ttl_days: int = INVITE_TTL_DAYS


async def make_invite(office: Office, person: Person | None, agency: Agency | None, role: str = Role.STAFF) -> InviteOutcome:
    """A single-use code binding its user to ``agency`` with ``role``. ``person`` None: the
    command line (the county's IT person at the server)."""
    if person is not None and not allowed(person, Action.INVITE, agency.id if agency else None):
        raise NotAllowed(person.user_id)
    if agency is not None and not agency.active:
        return InviteOutcome(None, say.INACTIVE_AGENCY.format(name=say.escape(agency.name)))
    actor = person.user_id if person is not None else None
    code = await office.db.create_invite(agency.id if agency else None, role=role, now=office.clock(), actor=actor)
    return InviteOutcome(code)


@dataclass(frozen=True)
class Redeemed:
    member: Member | None  # None: refused
    agency: Agency | None = None
    before: Agency | None = None  # the agency the person was bound to until now, if another
    refusal: str | None = None  # chat HTML


async def redeem(office: Office, person: Person, code: str, display_name: str | None) -> Redeemed:
    """Bind ``person`` by an invite code. A supervisor does not become staff of an agency."""
    invite = await office.db.get_invite(code)
    if person.role in SUPERVISING and invite is not None and invite.role == Role.STAFF:
        return Redeemed(None, refusal=say.SUPERVISOR_CANNOT_JOIN)
    before = person.agency if person.role == Role.STAFF else None
    try:
        member = await office.db.redeem_invite(code, person.user_id, display_name=display_name, now=office.clock())
    except InviteError as error:
        if error.reason == "used" and error.used_by == person.user_id and before is not None:
            return Redeemed(None, before=before, refusal=say.already_bound(before.name))
        return Redeemed(None, refusal=say.INVITE_ERRORS.get(error.reason, say.INVITE_ERRORS["unknown"]))
    agency = await office.db.get_agency(member.agency_id) if member.agency_id else None
    return Redeemed(member, agency, before if before is not None and agency is not None and before.id != agency.id else None)


async def web_link(office: Office, person: Person) -> str | None:
    """A one-time link (``config.web.login_link_minutes``) that signs ``person`` in to the web
    desk; None when the web desk is off or the person is not a member."""
    web = office.config.web
    if not web.enabled or person.role is None:
        return None
    ttl = dt.timedelta(minutes=web.login_link_minutes)
    token = await office.db.create_login_link(person.user_id, ttl, now=office.clock())
    base = (web.public_url or office.web_url or web.base_url).rstrip("/")
    return f"{base}/login/{token}"
