"""People on the web desk, not sessions: who may make a new personal sign-in code for whom, and
the people of an agency (or the supervisors) as a page lists them: their name, when they joined,
when they last signed in, whether they have a personal code.

Who may make a code for someone (the rule lives here until a use case holds it for every face):
anyone for themselves; staff for a colleague of their agency; a supervisor for staff of an agency
in their scope, and for a supervisor whose scope is within theirs; an admin for anyone."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..roles import Role
from ..storage import Member
from ..usecases.people import Person, person_of
from .desk import Desk, Viewer


def may_issue(issuer: Person, target: Person) -> bool:
    """Whether ``issuer`` may make a new personal sign-in code for ``target`` (who can then sign
    in as ``target``: a takeover, so never beyond the issuer's own reach)."""
    if target.role is None or issuer.role is None:
        return False
    if issuer.user_id == target.user_id or issuer.role == Role.ADMIN:
        return True
    if target.role == Role.STAFF and target.agency is not None:
        if issuer.role == Role.STAFF:
            return issuer.agency is not None and issuer.agency.id == target.agency.id
        return issuer.covers(target.agency.id)
    if target.role == Role.SUPERVISOR and issuer.role == Role.SUPERVISOR:
        return issuer.covered is None or (target.covered is not None and target.covered <= issuer.covered)
    return False


@dataclass(frozen=True)
class PersonRow:
    user_id: int
    name: str
    role: str
    joined: dt.datetime | None
    last_sign_in: dt.datetime | None
    code_made: dt.datetime | None  # when their current personal code was made (None: they have none)
    may_issue: bool
    is_viewer: bool
    configured: bool = False  # a supervisor or admin by the configuration, not the database


def people_rows(desk: Desk, viewer: Viewer, members: list[Member], configured: tuple[int, ...] = ()) -> list[PersonRow]:
    """The rows of these members (and of the ids made supervisors by the configuration), for
    the viewer: in the store's threads."""
    # who joined first comes first (a browser-only account's id counts down as accounts are made)
    members = sorted(members, key=lambda m: (m.joined_at, abs(m.user_id)))
    ids = [m.user_id for m in members] + [u for u in configured if u not in {m.user_id for m in members}]
    names = desk.names(ids)
    codes = desk.store.personal_codes(ids)
    signed = desk.store.last_sign_ins(ids)
    joined = {m.user_id: m.joined_at for m in members}
    issuer = viewer.person
    rows = []
    for user_id in ids:
        target = person_of(desk.store, desk.config, user_id)
        if target.role is None:
            continue
        made = codes.get(user_id)
        rows.append(
            PersonRow(
                user_id, names[user_id], target.role.value, joined.get(user_id), signed.get(user_id),
                made.created_at if made else None, may_issue(issuer, target), user_id == viewer.user_id,
                user_id not in joined,
            )
        )
    return rows


def supervisors_rows(desk: Desk, viewer: Viewer) -> list[PersonRow]:
    """The supervisors and admins a supervisor sees: those of the database whose scope is within
    the viewer's (all of them for an unscoped one), and those of the configuration."""
    members = [m for role in ("supervisor", "admin") for m in desk.store.list_members(role=role)]
    rows = people_rows(desk, viewer, members, tuple(sorted(desk.config.supervisors | desk.config.admins)))
    if viewer.covered is None:
        return rows
    mine = viewer.person
    return [r for r in rows if r.is_viewer or may_issue(mine, person_of(desk.store, desk.config, r.user_id))]
