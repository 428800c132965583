"""A person's word over the checker, the same from every face: a supervisor accepts an issue of
an agency's deciding draft with a reason, or revokes that; staff explain a warning. Each is
kept with who, when and why (and audited); the agency's staff are told of a supervisor's word in
every face they use. The answers are chat HTML (``messages``); the web shows them as text."""

from __future__ import annotations

from dataclasses import dataclass

from .. import messages as say
from ..storage import Agency, Store, Submission
from ..storage.acceptances import holding, issue_key, key_text
from .office import Office
from .people import Action, Person, allowed

MAX_WORDS = 500


@dataclass(frozen=True)
class Outcome:
    done: bool  # the word was kept (an acceptance, revocation or explanation made)
    text: str  # the answer to the person, chat HTML
    submission_id: int | None = None
    number: int | None = None


class NotAllowed(PermissionError):
    """The person may not do this (a face shows it as "not found" or its own refusal)."""


def deciding_draft(store: Store, config, agency: Agency, year: int, today) -> Submission | None:
    """The agency's deciding draft of the year, with its issues (None: no readable draft)."""
    state = store.agency_state(agency.id, year, config, today)
    deciding = state.deciding if state else None
    if deciding is None or not deciding.parsed or state.source == "imported":
        return None
    return store.get_submission(deciding.id)


def _issue(draft: Submission | None, number: int) -> dict | None:
    return next((i for i in draft.issues if i.get("number") == number), None) if draft else None


def _accept(store: Store, config, today, now, agency: Agency, year: int, number: int, reason: str, by: int, on: int | None):
    draft = deciding_draft(store, config, agency, year, today)
    if draft is None:
        return Outcome(False, say.no_readable_draft(agency.name))
    if on is not None and on != draft.id:
        return Outcome(False, say.not_the_deciding_draft(agency.name))
    issue = _issue(draft, number)
    if issue is None:
        return Outcome(False, say.no_such_issue(agency.name, number, pointing=True))
    store.accept_issue(
        agency.id, year, issue_key(issue), code=issue["code"], message=issue.get("message"),
        submission_id=draft.id, reason=reason, by=by, now=now,
    )
    state = store.agency_state(agency.id, year, config, today)
    return Outcome(True, say.accepted(agency.name, number, issue["code"], reason, state.label), draft.id, number)


def _unaccept(store: Store, config, today, now, agency: Agency, year: int, number: int, reason: str, by: int, acceptance_id):
    if acceptance_id is not None:  # the web names the acceptance itself
        acceptance = store.get_acceptance(acceptance_id)
        if acceptance is None or acceptance.agency_id != agency.id or not acceptance.active:
            return Outcome(False, say.never_accepted(agency.name, number))
        store.revoke_acceptance(acceptance.id, by=by, reason=reason, now=now)
        return Outcome(True, say.unaccepted(agency.name, number, acceptance.code), acceptance.submission_id, number)
    draft = deciding_draft(store, config, agency, year, today)
    issue = _issue(draft, number)
    if issue is None:
        return Outcome(False, say.no_such_issue(agency.name, number))
    drafts = store.list_submissions(agency.id, year, limit=200)
    held = holding(store.acceptances_of(agency.id, year), drafts, draft).get(key_text(issue_key(issue)))
    if held is None:
        return Outcome(False, say.never_accepted(agency.name, number))
    store.revoke_acceptance(held.id, by=by, reason=reason, now=now)
    return Outcome(True, say.unaccepted(agency.name, number, issue["code"]), draft.id, number)


def _explain(store: Store, config, today, now, agency: Agency, year: int, number: int, text: str, by: int, on: int | None):
    draft = deciding_draft(store, config, agency, year, today)
    if on is not None and draft is not None and on != draft.id:
        return Outcome(False, say.not_the_deciding_draft(agency.name))
    issue = _issue(draft, number)
    if issue is None:
        return Outcome(False, say.no_issue_to_explain(number))
    if issue.get("severity") == "error":
        return Outcome(False, say.only_warnings_explained(number))
    store.explain_issue(agency.id, year, issue_key(issue), submission_id=draft.id, text=text, by=by, now=now)
    return Outcome(True, say.explained(number, issue["code"], text), draft.id, number)


def _words(text: str) -> str:
    return " ".join(str(text or "").split())[:MAX_WORDS]


async def accept(office: Office, person: Person, agency: Agency, number: int, reason: str, *, on: int | None = None) -> Outcome:
    """Accept issue ``number`` of the agency's deciding draft (``on``: the draft the person was
    looking at, refused when it is no longer the deciding one)."""
    if not allowed(person, Action.ACCEPT, agency.id):
        raise NotAllowed(person.user_id)
    reason = _words(reason)
    if not reason:
        return Outcome(False, say.ACCEPT_USAGE)
    outcome = await office.db.write(
        _accept, office.config, office.today(), office.clock(), agency, office.year(), number, reason, person.user_id, on
    )
    if outcome.done:
        await _tell_staff(office, agency, outcome.text[len(say.WORD_DONE):])
    return outcome


async def unaccept(
    office: Office, person: Person, agency: Agency, number: int, reason: str = "", *, acceptance_id: int | None = None
) -> Outcome:
    if not allowed(person, Action.ACCEPT, agency.id):
        raise NotAllowed(person.user_id)
    reason = _words(reason)
    outcome = await office.db.write(
        _unaccept, office.config, office.today(), office.clock(), agency, office.year(), number, reason, person.user_id, acceptance_id
    )
    if outcome.done:
        await _tell_staff(office, agency, outcome.text[len(say.WORD_DONE):])
    return outcome


async def explain(office: Office, person: Person, number: int, text: str, *, on: int | None = None) -> Outcome:
    """Staff explain warning ``number`` of their agency's deciding draft."""
    if person.agency is None or not allowed(person, Action.EXPLAIN, person.agency.id):
        raise NotAllowed(person.user_id)
    text = str(text or "").strip()[:MAX_WORDS]
    if not text:
        return Outcome(False, say.no_issue_to_explain(number))
    return await office.db.write(
        _explain, office.config, office.today(), office.clock(), person.agency, office.year(), number, text, person.user_id, on
    )


async def _tell_staff(office: Office, agency: Agency, what: str) -> None:
    members = await office.db.list_members(agency_id=agency.id, role="staff")
    await office.tell([m.user_id for m in members], say.WORD_FOR_STAFF.format(what=what), agency_id=agency.id)
