"""What a supervisor's acceptance means for an agency's drafts and its standing.

An acceptance is made on one draft, for one issue (same rule, same place). It carries over to the
agency's later drafts while the issue is still there: once a readable draft of the agency's own
report no longer has it, the acceptance has done its work and holds for no later draft. An
agency whose remaining errors are all accepted passes, "通过（含 N 项已确认）"."""

from __future__ import annotations

from dataclasses import dataclass

from .drafts.review import issue_key
from .storage import AgencyStatus, Store, Submission
from .storage.acceptances import Acceptance, Acceptances, key_text


def _keys(submission: Submission) -> set[str]:
    return {key_text(issue_key(issue)) for issue in submission.issues}


def _counts(submission: Submission) -> bool:
    return submission.parsed and not submission.off_target


def holding(acceptances: list[Acceptance], drafts: list[Submission], current: Submission) -> dict[str, Acceptance]:
    """The acceptances (in force) that hold for ``current``, by issue key. ``drafts``: the agency's
    drafts of the year, with their issues, in any order."""
    chain = sorted((d for d in drafts if _counts(d) and d.id <= current.id), key=lambda d: d.id)
    keys_of = {d.id: _keys(d) for d in chain}
    keys_of[current.id] = _keys(current)
    held: dict[str, Acceptance] = {}
    for acceptance in acceptances:
        if not acceptance.active or acceptance.issue_key not in keys_of[current.id]:
            continue
        anchor = acceptance.submission_id or current.id
        if anchor > current.id:
            continue
        if all(acceptance.issue_key in keys_of[d.id] for d in chain if d.id >= anchor):
            held[acceptance.issue_key] = acceptance
    return held


@dataclass(frozen=True)
class Standing:
    """An agency's state of the year with the human word counted."""

    status: AgencyStatus
    state: str  # as AgencyStatus.state; "passing" when every remaining error is accepted
    accepted: int  # errors of the deciding draft that are accepted

    @property
    def agency(self):
        return self.status.agency

    @property
    def latest(self):
        return self.status.latest

    @property
    def submission_count(self) -> int:
        return self.status.submission_count


def standing_of(status: AgencyStatus, held: dict[str, Acceptance], latest: Submission | None) -> Standing:
    """``latest``: the deciding draft with its issues (the status carries only its counts)."""
    if status.state != "errors" or latest is None or not held:
        return Standing(status, status.state, 0)
    errors = [i for i in latest.issues if i.get("severity") == "error"]
    accepted = sum(1 for i in errors if key_text(issue_key(i)) in held)
    state = "passing" if errors and accepted == len(errors) else status.state
    return Standing(status, state, accepted)


def year_standings(store: Store, year: int, statuses: list[AgencyStatus] | None = None) -> list[Standing]:
    """Every active agency's standing of ``year``: ``year_status`` with acceptances counted.
    Only agencies with acceptances in force are read further (their drafts with issues)."""
    statuses = store.year_status(year) if statuses is None else statuses
    in_force = Acceptances(store).active_by_agency(year)
    standings = []
    for status in statuses:
        acceptances = in_force.get(status.agency.id)
        if not acceptances or status.state != "errors" or status.latest is None:
            standings.append(Standing(status, status.state, 0))
            continue
        drafts = store.list_submissions(status.agency.id, year, limit=200)
        latest = next((d for d in drafts if d.id == status.latest.id), None) or store.get_submission(status.latest.id)
        standings.append(standing_of(status, holding(acceptances, drafts, latest), latest))
    return standings
