"""A draft taken in from any face: what counts as a report's text, the size limit, and a draft
answered at once (the web desk; chat drafts go through the pipeline's ``receive``, answered by
delivery). Names are cleaned, the quota and rate limit applied, an unreadable file deleted once
answered and an off-target draft recorded as such, by the draft pipeline for every face."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from .. import messages as say
from ..drafts import DraftPipeline, Sender
from .office import Office
from .people import Action, Person, allowed
from .words import NotAllowed

REPORT_MARKERS = ("政府信息公开", "年度报告", "主动公开", "依申请公开")  # a paste must have one
MIN_REPORT_CHARS = 200


def looks_like_report(text: str) -> bool:
    """Whether pasted text can be a report (else it is a question, a code, a stray message)."""
    return len(text) >= MIN_REPORT_CHARS and any(marker in text for marker in REPORT_MARKERS)


def too_large(office: Office, size: int) -> str | None:
    """What to tell the sender of a file over the size limit (chat HTML), else None."""
    limit_mb = office.config.max_file_mb
    if size <= limit_mb * 1024 * 1024:
        return None
    return say.FILE_TOO_LARGE.format(size=size / 1024 / 1024, limit=limit_mb)


@dataclass(frozen=True)
class Intake:
    submission_id: int | None  # the recorded draft (None: refused before a check)
    reply: list[dict]  # the pipeline's reply parts: {"text": chat html} / {"document": sha256, ...}

    @property
    def refusal(self) -> str:
        return "\n".join(part["text"] for part in self.reply if "text" in part)


async def take_in(office: Office, pipeline: DraftPipeline, person: Person, file_name: str, data: bytes) -> Intake:
    """A draft of ``person``'s agency, checked and recorded now."""
    if person.agency is None or not allowed(person, Action.SEND_DRAFT, person.agency.id):
        raise NotAllowed(person.user_id)
    refusal = too_large(office, len(data))
    if refusal:
        return Intake(None, [{"text": refusal}])
    reply = await pipeline.submit_draft(Sender(person.user_id, person.user_id), person.agency, file_name, data)
    submission_id = await office.db.upload_submission(person.user_id, hashlib.sha256(data).hexdigest())
    return Intake(submission_id, reply)
