"""The one entry point every face uses: bytes in, a checked report (or a read error) out."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from .document import ReadError
from .mapper import map_document
from .metadata import title_from_header
from .model import Issue, Level, Report, Severity
from .prior import PriorReport
from .readers import read_document, sniff
from .readers.word_tree import WordTree
from ..names import same_agency
from .page_header import header_lines
from .repeats import find_repetition
from .rules import Context, number_issues, run_rules
from .text import squash


@dataclass
class CheckResult:
    source_name: str
    sha256: str
    size: int
    input_format: str
    report: Report | None = None
    issues: list[Issue] = field(default_factory=list)
    error: ReadError | None = None

    def count(self, severity: Severity) -> int:
        return sum(1 for issue in self.issues if issue.severity == severity)

    @property
    def errors(self) -> int:
        return self.count(Severity.ERROR)

    @property
    def warnings(self) -> int:
        return self.count(Severity.WARNING)

    @property
    def infos(self) -> int:
        return self.count(Severity.INFO)

    @property
    def passed(self) -> bool:
        return self.error is None and self.errors == 0

    def exit_code(self) -> int:
        return 2 if self.error else (1 if self.errors else 0)


def looks_like_a_report(report: Report) -> bool:
    """An annual report's title, two section headings or one of the tables: enough to review (and
    to say what is missing). A note that merely says "报告" is not."""
    headings = sum(s.heading_found for s in report.sections)
    title = squash(report.title or "")
    titled = any(word in title for word in ("政府信息公开", "年度报告", "年报"))
    return titled or headings >= 2 or any(t.found for t in report.tables.values())


def check_report(report: Report, level: Level | None = None, *, previous: PriorReport | None = None, **context) -> list[Issue]:
    """Run every rule; ``previous`` (last year's report) enables the year-to-year checks.

    Another agency's report (S104) is reviewed as that agency's: with its own name and level,
    without the sender's last-year figures; another year's report without them either."""
    expected_agency = context.get("expected_agency")
    if expected_agency and report.agency and not same_agency(report.agency, expected_agency):
        mismatch = run_rules(report, Context(**context), select={"S104"})
        own = run_rules(report, Context(**{**context, "expected_agency": None}))
        return number_issues(own + mismatch)
    if report.year and context.get("expected_year") and report.year != context["expected_year"]:
        previous = None
    if level:
        report.level = level
    return run_rules(report, Context(previous=previous, **context))


def check_bytes(data: bytes, source_name: str = "", **options) -> CheckResult:
    """Read, map and check one draft. Never raises for bad input: the error is in the result.

    ``options`` are ``check_keeping_word``'s: ``level``, ``today``, the deadlines, the expected
    year and agency, and ``previous`` (the agency's report of the year before, ``PriorReport``:
    with it the year-to-year rules Y2xx run; without it they are silent).
    """
    return check_keeping_word(data, source_name, **options)[0]


def check_keeping_word(
    data: bytes,
    source_name: str = "",
    *,
    level: Level | None = None,
    today: dt.date | None = None,
    deadline: dt.date | None = None,
    government_deadline: dt.date | None = None,
    expected_year: int | None = None,
    expected_agency: str | None = None,
    previous: PriorReport | None = None,
) -> tuple[CheckResult, WordTree | None]:
    """``check_bytes``, and for a Word draft the tree and package it was read from (for its
    批注版, written on them without a second read; None for any other input)."""
    kind = sniff(data, source_name) if data else "empty"
    result = CheckResult(source_name, hashlib.sha256(data).hexdigest(), len(data), kind)
    try:
        document = read_document(data, source_name, kind)
    except ReadError as error:
        result.error = error
        return result, None
    word = document.word
    result.input_format = document.layout
    document, repetition = find_repetition(document)
    report = map_document(document, source_name)
    if repetition:
        report.repeated_copies, report.repetition_locator = repetition.copies, repetition.locator
    if report.title is None and document.source == "docx":
        own = word is not None and document.layout == "docx"  # a converted .doc's header is not read
        title_from_header(report, header_lines(word.package if own else data))
    if not looks_like_a_report(report):
        result.error = ReadError(
            "not_a_report",
            "这不像政府信息公开工作年度报告：没有找到报告标题、六个部分的标题或三张统计表。请发送年度报告的全文。",
        )
        return result, word
    result.report = report
    result.issues = check_report(
        result.report, level, today=today, deadline=deadline, government_deadline=government_deadline,
        expected_year=expected_year, expected_agency=expected_agency,
        previous=previous,
    )
    return result, word


def check_text(text: str, source_name: str = "粘贴的文本", **options) -> CheckResult:
    return check_bytes(text.encode("utf-8"), source_name, **options)
