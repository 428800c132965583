"""What a check worker sends back to the face: what the faces and the store use of a check, made in
the worker. The issues as JSON, the counts, the report as the store keeps it, whether its tables can
be summed, and the 批注版; not the engine's whole pydantic report (unpickling one costs the bot's
process about a millisecond a draft, and the bot only ever reads a few of its fields)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..validators.annotate import check_and_annotate, is_clean_copy
from ..validators.document import ReadError
from ..validators.engine import CheckResult
from ..validators.identities import summability
from ..validators.render import result_json


@dataclass(frozen=True)
class Heading:
    """Of the report, what a review names: its agency and year as written in it."""

    agency: str | None
    year: int | None


@dataclass(frozen=True)
class CheckedDraft:
    """A check's result as the faces use it (``messages.review_messages`` reads it as it reads a
    ``CheckResult``: ``error``, ``source_name``, ``report.agency``/``report.year``, the counts)."""

    source_name: str
    sha256: str
    size: int
    input_format: str
    error: ReadError | None = None
    issues: list[dict[str, Any]] = field(default_factory=list)  # each issue's JSON (``Issue.json_dict``)
    errors: int = 0
    warnings: int = 0
    infos: int = 0
    report: Heading | None = None
    stored_report: dict[str, Any] | None = None  # the report as the store keeps it: ``result_json`` without the issues
    sum_problems: tuple[str | None, str | None] | None = None  # ``summability`` of its tables, when readable
    marked_up: bytes | None = None  # the 批注版 (or the clean copy), for a .docx
    clean_copy: bool = False  # ``marked_up`` is a returned 批注版 with no issue left, without comments

    @property
    def passed(self) -> bool:
        return self.error is None and self.errors == 0

    @classmethod
    def of(cls, result: CheckResult, marked_up: bytes | None = None) -> "CheckedDraft":
        stored = result_json(result)
        stored.pop("issues", None)
        report = result.report
        readable = result.error is None
        return cls(
            source_name=result.source_name,
            sha256=result.sha256,
            size=result.size,
            input_format=result.input_format,
            error=result.error,
            issues=[issue.json_dict() for issue in result.issues],
            errors=result.errors,
            warnings=result.warnings,
            infos=result.infos,
            report=Heading(report.agency, report.year) if report is not None else None,
            stored_report=stored,
            sum_problems=summability(stored.get("tables")) if readable else None,
            marked_up=marked_up,
            clean_copy=is_clean_copy(result),
        )

    @classmethod
    def failed(cls, source_name: str, sha256: str, size: int, error: ReadError) -> "CheckedDraft":
        """A draft whose check could not finish (timed out, crashed)."""
        return cls.of(CheckResult(source_name, sha256, size, "unknown", error=error))


def check_draft(data: bytes, source_name: str = "", **options: Any) -> CheckedDraft:
    """The check and the 批注版 (``check_and_annotate``), in a worker process, sent back slim."""
    result, marked_up = check_and_annotate(data, source_name, **options)
    return CheckedDraft.of(result, marked_up)
