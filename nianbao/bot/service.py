"""What the bot does with a draft, without Telegram: check it, keep it, compare with the last one."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from ..storage import Agency, Store, Submission, SubmissionIn
from ..validators.engine import CheckResult, check_bytes
from ..validators.prior import PriorReport
from ..validators.render import result_json
from .config import Config

IssueKey = tuple


def issue_key(issue: dict) -> IssueKey:
    """Issues are the same across drafts when they are the same rule at the same place."""
    return (issue.get("code"), issue.get("table"), issue.get("row"), issue.get("column"), issue.get("section"))


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
    result: CheckResult
    issues: list[dict]
    submission_id: int | None
    comparison: Comparison | None
    year: int
    off_target: bool = False  # recorded, but it does not replace the agency's draft


class ReviewService:
    def __init__(self, store: Store, config: Config):
        self.store = store
        self.config = config

    def check_options(self, now: dt.datetime, agency: Agency | None = None) -> dict:
        """The engine's keyword arguments for a draft received ``now`` from ``agency``
        (plain values: they travel to a worker process)."""
        year = self.config.year_under_review(now)
        return dict(
            level=agency.level if agency else None,
            expected_year=year,
            expected_agency=agency.name if agency else None,
            deadline=self.config.deadline(year),
            today=now.astimezone(self.config.tz).date(),
            previous=self.previous_report(agency, year - 1) if agency else None,
        )

    def previous_report(self, agency: Agency, year: int) -> PriorReport | None:
        """The agency's report of ``year`` for the year-to-year rules: its last passing draft of
        that year, or one imported with ``nianbao history import``."""
        stored = self.store.prior_report(agency.id, year)
        if stored is None:
            return None
        if stored.source == "accepted":
            source = f"{year}年已通过的报送"
        else:
            source = f"导入的{year}年报告" + (f"（{stored.file_name}）" if stored.file_name else "")
        return PriorReport.from_tables(year, stored.tables, agency=agency.name, source=source)

    def check(self, data: bytes, file_name: str, now: dt.datetime, agency: Agency | None = None) -> CheckResult:
        return check_bytes(data, file_name, **self.check_options(now, agency))

    def review(
        self,
        *,
        agency: Agency | None,
        user_id: int | None,
        data: bytes,
        file_name: str,
        now: dt.datetime,
        update_id: int | None = None,
    ) -> Review:
        """Check a draft here and record it (the bot checks in a worker, then calls ``record``)."""
        result = self.check(data, file_name, now, agency)
        return self.record(agency=agency, user_id=user_id, file_name=file_name, result=result, now=now, update_id=update_id)

    def record(
        self,
        *,
        agency: Agency | None,
        user_id: int | None,
        file_name: str,
        result: CheckResult,
        now: dt.datetime,
        update_id: int | None = None,
    ) -> Review:
        """When the draft belongs to an agency, store it and compare it with the last one."""
        year = self.config.year_under_review(now)
        issues = [issue.json_dict() for issue in result.issues]
        if agency is None:
            return Review(result, issues, None, None, year)
        off_target = any(issue["code"] in OFF_TARGET_CODES for issue in issues)
        previous = self.store.latest_submission(agency.id, year, parsed_only=True)
        submission = self._submission(agency, user_id, file_name, result, issues, year, update_id, off_target)
        submission_id = self.store.add_submission(submission, now=now)
        if previous is not None and previous.id == submission_id:
            previous = self.store.latest_submission(agency.id, year, before_id=submission_id, parsed_only=True)
        comparable = previous is not None and result.error is None and not off_target
        comparison = compare(previous, issues) if comparable else None
        return Review(result, issues, submission_id, comparison, year, off_target)

    @staticmethod
    def _submission(agency, user_id, file_name, result: CheckResult, issues, year, update_id, off_target) -> SubmissionIn:
        report = result_json(result)
        report.pop("issues", None)
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
            report=report,
            update_id=update_id,
            message=result.error.message if result.error else None,
            off_target=off_target,
        )


@dataclass
class HistoryImport:
    """One file of ``nianbao history import``: where it went, or why it did not."""

    file_name: str
    agency: str | None = None
    problem: str | None = None  # Chinese, for the person importing
    replaced: bool = False


def import_prior_report(store: Store, data: bytes, file_name: str, year: int) -> HistoryImport:
    """Read an earlier year's published report (any supported format), find its agency in the
    roster by the name in its title (or the file name), and keep its tables for ``year``."""
    result = check_bytes(data, file_name)
    if result.error is not None:
        return HistoryImport(file_name, problem=result.error.message)
    report = result.report
    if report.year is not None and report.year != year:
        return HistoryImport(file_name, problem=f"这是 {report.year} 年度的报告，不是 {year} 年度的。")
    agency = _roster_agency(store, report.agency, file_name)
    if isinstance(agency, str):
        return HistoryImport(file_name, problem=agency)
    replaced = store.save_prior_report(agency.id, year, report.tables_json(), file_name=file_name, sha256=result.sha256)
    return HistoryImport(file_name, agency=agency.name, replaced=replaced)


_REGION_PREFIX = re.compile(r"^.{1,8}?(省|自治区|地区|市|自治州|州|盟|县|自治县|区|旗)(?=.{2,})")
_REPORT_WORDS = re.compile(r"政府信息公开(工作)?(年度)?报告|年度报告|年报|草稿|定稿|终稿|[-_（）()\s]+")
_YEARS = re.compile(r"(19|20)\d{2}\s*(年度|年)?")


def name_variants(text: str) -> list[str]:
    """Ways a report may write an agency's name: "文水县刘胡兰镇人民政府" → itself, without
    "人民政府", and without the region prefixes ("刘胡兰镇人民政府", "刘胡兰镇")."""
    variants: list[str] = []
    current = _YEARS.sub("", _REPORT_WORDS.sub("", text)).strip()
    while current and current not in variants:
        variants.append(current)
        shorter = current.removesuffix("人民政府") if current.endswith("人民政府") else current.removesuffix("政府")
        if len(shorter) >= 2 and shorter not in variants:
            variants.append(shorter)
        current = _REGION_PREFIX.sub("", current, count=1)
    return variants


def _roster_agency(store: Store, title_agency: str | None, file_name: str) -> Agency | str:
    """The roster's agency for a report: by the name in its title, then by its file name; each
    tried whole, without "人民政府" and without region prefixes, both ways of containment."""
    from ..storage import AmbiguousAgency

    stem = file_name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    roster = store.list_agencies()
    tried: list[str] = []
    for source in filter(None, (title_agency, stem)):
        for name in name_variants(source):
            tried.append(name)
            try:
                agency = store.find_agency(name)
            except AmbiguousAgency as exc:
                return f"「{name}」对应多个单位：" + "、".join(a.name for a in exc.candidates[:5])
            if agency is not None:
                return agency
            inside = [a for a in roster if len(a.name) >= 2 and a.name in name]
            if len(inside) == 1:
                return inside[0]
    names = "」「".join(dict.fromkeys(tried[:4]))
    return f"名单中找不到这个单位（按「{names}」查找过）。先用 nianbao agencies add/import 维护名单，或把文件名改成单位名称。"
