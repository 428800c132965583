"""What happens to a draft, whatever face it came through: check it, keep it, compare it with the last one.

Every method that touches the database takes the ``store`` first, so the async facade can run it in
its threads (``await db.write(review.record, ...)``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from .. import messages as say
from ..storage import Agency, Store, Submission, SubmissionIn
from ..storage.acceptances import issue_key  # the one definition of an issue's identity (rule, place)
from ..validators.engine import CheckResult
from ..validators.prior import PriorReport
from ..config import Config
from .checked import CheckedDraft


@dataclass
class Comparison:
    previous: Submission
    fixed: list[dict] = field(default_factory=list)
    remaining: list[dict] = field(default_factory=list)
    new: list[dict] = field(default_factory=list)


def compare(previous: Submission, current: list[dict]) -> Comparison:
    before = {issue_key(i): i for i in previous.issues}
    now = {issue_key(i): i for i in current}
    return Comparison(
        previous=previous,
        fixed=[i for k, i in before.items() if k not in now],
        remaining=[i for k, i in now.items() if k in before],
        new=[i for k, i in now.items() if k not in before],
    )


# the draft is someone else's report: another agency's (S104) or another year's (Y108)
OFF_TARGET_CODES = frozenset({"S104", "Y108"})


@dataclass
class Review:
    result: CheckedDraft
    issues: list[dict]
    submission_id: int | None
    comparison: Comparison | None
    year: int
    off_target: bool = False  # recorded, but it does not replace the agency's draft


class ReviewService:
    def __init__(self, config: Config):
        self.config = config

    def check_options(self, store: Store, now: dt.datetime, agency: Agency | None = None) -> dict:
        """The engine's keyword arguments for a draft received ``now`` from ``agency``
        (plain values: they travel to a worker process)."""
        year = self.config.year_under_review(now)
        return dict(
            level=agency.level if agency else None,
            expected_year=year,
            expected_agency=agency.name if agency else None,
            deadline=self.config.deadline(year),
            government_deadline=self.config.government_deadline(year),
            today=now.astimezone(self.config.tz).date(),
            previous=self.previous_report(store, agency, year - 1) if agency else None,
        )

    def previous_report(self, store: Store, agency: Agency, year: int) -> PriorReport | None:
        """The agency's report of ``year`` for the year-to-year rules: its last passing draft of
        that year, or one imported with ``nianbao history import``."""
        stored = store.prior_report(agency.id, year)
        if stored is None:
            return None
        if stored.source == "accepted":
            source = say.prior_source_accepted(year)
        else:
            source = say.prior_source_imported(year, stored.file_name)
        return PriorReport.from_tables(year, stored.tables, agency=agency.name, source=source)

    def record(
        self,
        store: Store,
        *,
        agency: Agency | None,
        user_id: int | None,
        file_name: str,
        result: CheckedDraft | CheckResult,
        now: dt.datetime,
        update_id: int | None = None,
        source: str = "chat",
    ) -> Review:
        """When the draft belongs to an agency, store it and compare it with the last one."""
        if isinstance(result, CheckResult):
            result = CheckedDraft.of(result)
        year = self.config.year_under_review(now)
        issues = result.issues
        if agency is None:
            return Review(result, issues, None, None, year)
        off_target_reason = next((issue["code"] for issue in issues if issue["code"] in OFF_TARGET_CODES), None)
        off_target = off_target_reason is not None
        previous = store.latest_submission(agency.id, year, parsed_only=True, report=False)  # its issues are compared
        submission = self._submission(agency, user_id, file_name, result, issues, year, update_id, off_target)
        submission = replace(submission, off_target_reason=off_target_reason, source=str(source))
        submission_id = store.add_submission(submission, now=now)
        if previous is not None and previous.id == submission_id:
            previous = store.latest_submission(agency.id, year, before_id=submission_id, parsed_only=True, report=False)
        comparable = previous is not None and result.error is None and not off_target
        comparison = compare(previous, issues) if comparable else None
        return Review(result, issues, submission_id, comparison, year, off_target)

    @staticmethod
    def _submission(agency, user_id, file_name, result: CheckedDraft, issues, year, update_id, off_target) -> SubmissionIn:
        return SubmissionIn(
            agency_id=agency.id,
            year=year,
            input_format=result.input_format,
            parsed=result.error is None,
            user_id=user_id,
            file_name=file_name,
            size=result.size,
            sha256=result.sha256,
            error_count=result.errors,
            warning_count=result.warnings,
            info_count=result.infos,
            issues=issues,
            report=result.stored_report,
            sum_problems=result.sum_problems,
            update_id=update_id,
            message=result.error.message if result.error else None,
            off_target=off_target,
        )
