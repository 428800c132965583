"""The pipeline's steps that touch the store and the stored files, each done in one go in the
store's threads (``await db.write(step, ...)``): a draft goes through a handful of these instead of
a thread hop per statement, which the event loop pays for on every draft of a burst. Each takes
the store first, as ``AsyncStore`` wants.

Stored files are content-addressed, so two drafts with the same bytes share one file. A step that
puts a file and writes the row that needs it does both in one store transaction, and so does the
step that looks whether a file is still needed and deletes it: the one cannot fall between the
other's two halves (the copy of an unreadable draft deleted while the same bytes from someone
else were being kept, which failed that draft or lost its copy)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from .. import messages as say
from ..config import Config
from ..names import safe_file_name
from ..storage import Agency, FileStore, InboxEntry, Store
from .checked import CheckedDraft
from .review import ReviewService


def stored_bytes(store: Store, files: FileStore, agency_id: int) -> int:
    """How many bytes of the agency's drafts are on disk (its quota's use)."""
    return sum(size for sha256, size in store.agency_stored_drafts(agency_id).items() if files.exists(sha256))


def journal(store: Store, files: FileStore, data: bytes | None, update_id: int | None, **entry: Any) -> tuple[InboxEntry, bool]:
    """The draft written to the journal before any work, with its bytes kept when they came with
    it: (entry, created)."""
    with store.transaction():
        sha256 = files.put(data) if data is not None else None
        return store.journal_draft(update_id, sha256=sha256, **entry)


def admit(
    store: Store, files: FileStore, data: bytes | None, update_id: int | None, *, quota: tuple[int, int, int] | None,
    **entry: Any,
) -> tuple[InboxEntry | None, bool, int | None]:
    """A new draft, in one go: refused when its agency's stored drafts and it would exceed the
    quota (``quota``: agency id, the draft's size, the limit in bytes; nothing written then), else
    journalled (``journal``) and, when it is new, its first attempt counted, as the pipeline goes
    straight on to it: (entry, created, bytes the agency uses when refused)."""
    with store.transaction():  # (the quota looked at inside it: two drafts at once cannot both squeeze under it)
        if quota is not None:
            agency_id, size, limit = quota
            used = stored_bytes(store, files, agency_id)
            if used + size > limit:
                return None, False, used
        found, created = journal(store, files, data, update_id, **entry)
        if created:
            found = replace(found, attempts=store.inbox_attempt(found.update_id))
    return found, created, None


def admit_to_check(
    store: Store, files: FileStore, review: ReviewService, agency: Agency | None, data: bytes | None, update_id: int | None,
    **admission: Any,
) -> tuple[InboxEntry | None, bool, int | None, dict | None]:
    """``admit``, and when the draft is in, its check's options worked out in the same trip to the
    store's thread: (entry, created, bytes used when refused, options)."""
    found, created, used = admit(store, files, data, update_id, **admission)
    options = review.check_options(store, found.received_at, agency) if found is not None else None
    return found, created, used, options


def attempt(store: Store, review: ReviewService, update_id: int, now: dt.datetime, agency: Agency | None) -> tuple[int, dict]:
    """One more attempt at a draft counted (before its check): the attempts now, and its check's options."""
    return store.inbox_attempt(update_id), review.check_options(store, now, agency)


def decide(
    store: Store, files: FileStore, review: ReviewService, config: Config, entry: InboxEntry, agency: Agency | None,
    result: CheckedDraft, source: str, downloaded: bytes | None = None,
) -> InboxEntry:
    """The reply decided once: the submission recorded (and compared with the last one), the
    review's messages and the 批注版 kept, all written into the journal; the entry as it now is
    (made here, not read back: the draft is this process's, claimed, and nothing else writes it).

    ``downloaded``: the draft's bytes when they were fetched for this check and are not on disk
    yet. They are kept here, with the row naming them, only when the draft is an agency's and
    could be read: the copies nobody needs (``disposable_copies``) are never written at all. (A
    crash before this point downloads the draft again; the face's file id outlives a restart.)"""
    name = entry.file_name or say.UNNAMED_FILE
    with store.transaction():  # the submission and the reply decided for it (its copies kept): one commit
        kept = files.put(downloaded) if downloaded is not None and agency is not None and result.error is None else None
        marked_up = files.put(result.marked_up) if result.marked_up is not None else None
        recorded = review.record(
            store, agency=agency, user_id=entry.user_id, file_name=name, result=result, now=entry.received_at,
            update_id=entry.update_id, source=source,
        )
        texts = say.review_messages(recorded, agency.name if agency else None, config.tz)
        if agency is None:
            texts[-1] += "\n\n" + say.SUPERVISOR_DRAFT
        parts: list[dict] = [{"text": text} for text in texts]
        if marked_up is not None:
            stem = safe_file_name((entry.file_name or say.UNNAMED_REPORT).rsplit(".", 1)[0], say.UNNAMED_REPORT)
            clean = result.clean_copy  # a returned 批注版 with nothing left comes back without comments
            parts.append({
                "document": marked_up,
                "filename": (say.CLEAN_COPY_FILE if clean else say.MARKED_UP_FILE).format(stem=stem),
                "caption": say.CLEAN_COPY_CAPTION if clean else say.MARKED_UP_CAPTION.format(count=len(result.issues)),
            })
        store.inbox_checked(entry.update_id, recorded.submission_id, parts, sha256=kept)
    return replace(entry, state="checked", submission_id=recorded.submission_id, reply=parts, sha256=entry.sha256 or kept)


def answered(store: Store, files: FileStore, update_id: int, now: dt.datetime, parts_sent: int | None = None) -> None:
    """The draft answered (with its last part, when it has one, recorded as sent), and the copies
    of it nobody needs (unreadable, or a supervisor's test) deleted: they must not fill the disk
    or count against the agency's quota, whichever face it came through."""
    with store.transaction():  # one commit; nothing keeps the same bytes while they are looked at and deleted
        store.inbox_answered(update_id, now=now, parts_sent=parts_sent)
        _delete_disposable_copies(store, files, update_id)


def failed(store: Store, files: FileStore, update_id: int, note: str, now: dt.datetime) -> None:
    """The draft given up on (refused by the rate limit, its sender gone, attempts used up), and
    the copies of it nobody needs deleted, as for an answered one: a refused upload or paste must
    not stay on the disk until the retention period ends."""
    with store.transaction():
        store.inbox_failed(update_id, note, now=now)
        _delete_disposable_copies(store, files, update_id)


def _delete_disposable_copies(store: Store, files: FileStore, update_id: int) -> None:
    for sha256 in store.disposable_copies(update_id):
        files.delete(sha256)
