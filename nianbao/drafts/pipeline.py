"""A draft's way from arrival to answer, for any face (the Telegram bot, a web desk).

A draft is written to the journal (``inbox``) before any work, counted against its sender's
rate limit, checked in a worker process (``CheckPool``), recorded, and its reply decided once and
kept in the journal; then delivered part by part through the face's ``Deliver``, and only then
marked answered. A crash at any point leaves it pending, and ``recover`` finishes it: the reply
decided before the crash is sent from the first part not yet delivered.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hashlib
import logging
import sqlite3
from dataclasses import dataclass, replace
from typing import Awaitable, Callable, Coroutine

from .. import messages as say
from ..config import Config
from .pool import CheckFailed, CheckPool, CheckTimedOut
from ..names import clean_file_name
from ..states import Source
from ..storage import Agency, FileStore, InboxEntry, StorageError, Store
from ..storage.aio import AsyncStore
from ..validators.document import ReadError
from .checked import CheckedDraft, check_draft
from . import steps
from .deliver import Deliver, DeliveryFailed, DeliveryRefused, RecipientGone
from .jobs import DELIVERY_GIVE_UP, MAX_ATTEMPTS, Jobs
from .ratelimit import RateLimiter
from .review import ReviewService

__all__ = ["Arrival", "DELIVERY_GIVE_UP", "DraftPipeline", "MAX_ATTEMPTS", "Sender"]

log = logging.getLogger(__name__)

# being downloaded, waiting for a check, or being checked; commands never wait behind them. A
# reply being delivered holds no place: Telegram's flood control may hold it back for a minute, and
# the checks of the drafts behind it must not wait for that. (Replies being delivered are bounded by
# the face: the bot handles at most ``concurrent_updates`` updates at once.)
MAX_DRAFTS_IN_FLIGHT = 16
WORKING_AFTER = 1.0  # seconds of download and check before the sender is shown "typing…"
STORAGE_FAILURES = (sqlite3.Error, StorageError, OSError)
SOURCE_OF_KIND = {"document": Source.CHAT, "paste": Source.CHAT, "upload": Source.WEB}
_UNKNOWN = object()  # the sender's agency, not looked up yet


@dataclass(frozen=True)
class Sender:
    user_id: int
    chat_id: int  # where the reply goes (for Telegram: the private chat)


@dataclass(frozen=True)
class Arrival:
    """What a face knows of a draft when it arrives."""

    sender: Sender
    kind: str  # "document" | "paste" | "upload" (a face that answers at once)
    file_name: str
    journal_id: int | None = None  # the face's own id (Telegram's update id); None: the journal's next
    file_id: str | None = None  # the face's id of the file, to download it (again, after a crash)
    size: int | None = None  # bytes, when the face knows them before downloading


class DraftPipeline(Jobs):
    def __init__(
        self,
        *,
        config: Config,
        db: AsyncStore,
        files: FileStore,
        pool: CheckPool,
        limiter: RateLimiter,
        deliver: Deliver,
        clock: Callable[[], dt.datetime],
        spawn: Callable[[Coroutine], object] | None = None,
        agency_of: Callable[[int], Awaitable[Agency | None]] | None = None,
        kinds: tuple[str, ...] = ("document", "paste"),
    ) -> None:
        self.config, self.db, self.files, self.pool, self.limiter = config, db, files, pool, limiter
        self.deliver, self.clock = deliver, clock
        self.review = ReviewService(config)
        self._spawn = spawn or _background
        self._spawned: set[asyncio.Future] = set()
        self._working = 0  # entry points running now (before a draft is claimed, and after)
        self.agency_of = agency_of or db.member_agency  # staff answer for their agency; others for none
        self.kinds = kinds  # the journal entries this face recovers
        self.in_progress: set[int] = set()  # journal ids being handled by this process
        self.in_flight = asyncio.Semaphore(MAX_DRAFTS_IN_FLIGHT)

    def spawn(self, coroutine: Coroutine) -> object:
        """Run ``coroutine`` in the background (the face's way), keeping track of it for ``idle``."""
        task = self._spawn(coroutine)
        if isinstance(task, asyncio.Future):
            self._spawned.add(task)
            task.add_done_callback(self._spawned.discard)
        return task

    def idle(self) -> bool:
        """Nothing to do: no draft being received, checked or delivered, none spawned still
        running. (The console and the tests wait for this, not for a quiet moment.)"""
        return not self._working and not self.in_progress and all(task.done() for task in self._spawned)

    @contextlib.asynccontextmanager
    async def working(self):
        """Count a face's work on a draft that is not claimed yet (a paste being joined)."""
        self._working += 1
        try:
            yield
        finally:
            self._working -= 1

    def claim(self, journal_id: int) -> bool:
        """Take a draft for this process to handle; False when someone here already has it.
        (No await inside: on the event loop this is atomic.)"""
        if journal_id in self.in_progress:
            return False
        self.in_progress.add(journal_id)
        return True

    # ------------------------------------------------------------ entry points

    async def receive(self, arrival: Arrival, data: bytes | None = None, *, agency=_UNKNOWN) -> None:
        """A new draft, answered through ``deliver``: ``data`` now (a paste), or downloaded by
        ``file_id`` once it is journalled. ``agency``: the sender's, when the face has just
        looked it up (else ``agency_of`` is asked)."""
        async with self.working():
            await self._receive(replace(arrival, file_name=clean_file_name(arrival.file_name, say.UNNAMED_FILE)), data, agency)

    async def _receive(self, arrival: Arrival, data: bytes | None, agency) -> None:
        try:
            if agency is _UNKNOWN:
                agency = await self.agency_of(arrival.sender.user_id)
            entry, created, refusal, options = await self._admit(arrival, data, agency)
            if refusal:  # refused before anything is written: nothing of it is kept
                await self.deliver.send_text(arrival.sender.chat_id, refusal)
                return
        except STORAGE_FAILURES:
            log.warning("could not journal draft %s", arrival.journal_id, exc_info=True)
            await self.deliver.send_text(arrival.sender.chat_id, say.STORAGE_UNAVAILABLE)
            return
        if entry is not None and self.claim(entry.update_id):
            await self.process(entry, data, new=True, agency=agency, counted=created, options=options)

    async def submit_draft(self, sender: Sender, agency: Agency | None, file_name: str, data: bytes) -> list[dict]:
        """A draft answered at once (a web desk): journal, check, record, and return the reply
        (parts ``{"text": html}`` and ``{"document": sha256, "filename", "caption"}``; the
        document's bytes are ``files.get(sha256)``). The draft is answered when this returns."""
        async with self.working():
            return await self._submit(sender, agency, clean_file_name(file_name, say.UNNAMED_FILE), data)

    async def _submit(self, sender: Sender, agency: Agency | None, file_name: str, data: bytes) -> list[dict]:
        try:
            entry, _, refusal, options = await self._admit(Arrival(sender, "upload", file_name), data, agency)
            if refusal:
                return [{"text": refusal}]
            if entry is None:  # pragma: no cover - a fresh id is never a duplicate
                return []
            self.claim(entry.update_id)
            try:
                refusal = self._over_rate_limit(sender.user_id)
                if refusal:
                    await self._mark_failed(entry, "rate limited")
                    return [{"text": refusal}]
                async with self.in_flight:
                    entry, _ = await self._check_and_decide(entry, data, agency, counted=True, options=options)
                await self.db.together(steps.answered)(self.files, entry.update_id, self.clock())
                return entry.reply
            finally:
                self.in_progress.discard(entry.update_id)
        except STORAGE_FAILURES:
            log.warning("storage failed on an uploaded draft", exc_info=True)
            return [{"text": say.STORAGE_UNAVAILABLE}]

    async def process(
        self, entry: InboxEntry, data: bytes | None = None, *, new: bool = False, agency=_UNKNOWN, counted: bool = False,
        options: dict | None = None,
    ) -> None:
        """Check one journalled draft (claimed with ``claim``) and answer it. The reply is decided
        once, when the draft is checked, and kept in the journal: a later delivery retry sends
        exactly that, from where it stopped. ``new``: just journalled (``entry`` is as it was
        written, and ``agency`` the sender's), and counted against the sender's limit;
        ``counted``: written by ``steps.admit`` just now, with this first attempt counted (and
        ``options``, its check's options, worked out then)."""
        try:
            if not new:
                entry = await self.db.get_inbox(entry.update_id)  # fresh, now it is ours
            if entry is None or not entry.pending:
                return  # finished meanwhile
            fresh = counted or not entry.attempts and entry.state == "received"
            refusal = new and fresh and self._over_rate_limit(entry.user_id)
            if refusal:  # a draft started before a restart is not a new one
                await self.db.write(steps.failed, self.files, entry.update_id, "rate limited", self.clock())
                await self.deliver.send_text(entry.chat_id, refusal)
                return
            made: dict[str, bytes] = {}
            if entry.reply is None:
                async with self.in_flight:
                    if agency is _UNKNOWN:
                        agency = await self.agency_of(entry.user_id)
                    entry, made = await self._check_and_decide(entry, data, agency, counted=counted, options=options)
            await self._deliver(entry, made)
        except DeliveryFailed:
            log.warning("could not deliver the review of draft %s; it stays in the journal", entry.update_id)
        except RecipientGone:
            await self._mark_failed(entry, "the user blocked the bot")
        except DeliveryRefused as error:
            log.warning("delivery of draft %s refused: %s", entry.update_id, error)
            await self._mark_failed(entry, str(error))
            await self.deliver.notify_plainly(entry.chat_id, say.TELEGRAM_REFUSED.format(name=entry.file_name or say.UNNAMED_FILE))
        except STORAGE_FAILURES:
            log.warning("storage failed while handling draft %s", entry.update_id, exc_info=True)
            await self._mark_failed(entry, "storage failure")  # if even that fails, recovery answers it later
            await self.deliver.notify_plainly(entry.chat_id, say.STORAGE_UNAVAILABLE)
        finally:
            self.in_progress.discard(entry.update_id)

    # ------------------------------------------------------------ the steps

    async def _admit(
        self, arrival: Arrival, data: bytes | None, agency: Agency | None
    ) -> tuple[InboxEntry | None, bool, str | None, dict | None]:
        """Write the draft to the journal before any work, so a crash cannot lose it (with its
        bytes, when they came with it; drafts arriving at once share a commit), unless its
        agency's quota refuses it first (a supervisor's test draft belongs to no agency and is not
        kept): (entry, created, what to tell the sender when refused, its check's options). The
        entry is None when a redelivered draft was already answered."""
        size = len(data) if data is not None else arrival.size or 0
        limit = self.config.agency_quota_mb * 1024 * 1024
        entry, created, used, options = await self.db.together(steps.admit_to_check)(
            self.files, self.review, agency, data, arrival.journal_id, quota=(agency.id, size, limit) if agency else None,
            chat_id=arrival.sender.chat_id, user_id=arrival.sender.user_id, kind=arrival.kind, file_id=arrival.file_id,
            file_name=arrival.file_name, now=self.clock(),
        )
        if used is not None:
            log.warning("agency %s is over its storage quota: %d + %d bytes", agency.id, used, size)
            mb = 1024 * 1024
            return None, False, say.AGENCY_QUOTA_FULL.format(used=used / mb, size=size / mb, limit=self.config.agency_quota_mb), None
        if not created and not entry.pending:
            log.info("draft %s was already answered; ignored", entry.update_id)
            return None, False, None, None
        return entry, created, None, options

    def _over_rate_limit(self, user_id: int) -> str | None:
        """Count the draft against its sender's limit; over it, what to tell them."""
        wait = self.limiter.wait_needed(user_id)
        if not wait:
            return None
        window = say.duration(self.config.rate_window_seconds)
        return say.RATE_LIMITED.format(seconds=wait, limit=self.config.drafts_per_user, window=window)

    async def _check_and_decide(
        self, entry: InboxEntry, data: bytes | None, agency: Agency | None, *, counted: bool = False,
        options: dict | None = None,
    ) -> tuple[InboxEntry, dict[str, bytes]]:
        """Check the draft, record the submission, and write the reply into the journal; its
        attempt counted first, unless ``counted`` already (``options``: its check's, when already
        worked out). Also the 批注版 just made, by its hash (delivered from memory, not read back
        from the disk)."""
        name, now = entry.file_name or say.UNNAMED_FILE, entry.received_at
        courtesy = self._courtesy(entry.chat_id) if data is None else None
        downloaded = None
        try:
            if data is None:
                if not counted:
                    entry = replace(entry, attempts=await self.db.inbox_attempt(entry.update_id))
                data, downloaded = await self._draft_bytes(entry)
            elif not counted:
                attempts, options = await self.db.write(steps.attempt, self.review, entry.update_id, now, agency)
                entry = replace(entry, attempts=attempts)
            options = options or await self.db.read(self.review.check_options, now, agency)
            result = await self._run_check(data, name, options)
        finally:
            if courtesy is not None:
                courtesy.cancel()
        source = SOURCE_OF_KIND.get(entry.kind, Source.CHAT)
        entry = await self.db.together(steps.decide)(self.files, self.review, self.config, entry, agency, result, source, downloaded)
        made = {part["document"]: result.marked_up for part in entry.reply if "document" in part} if result.marked_up else {}
        return entry, made

    def _courtesy(self, chat_id: int) -> asyncio.TimerHandle:
        """The face's "typing…" once the download and the check have taken WORKING_AFTER seconds
        (most drafts are answered sooner, and a request each would slow a burst); cancel it when
        the check answers."""
        return asyncio.get_running_loop().call_later(WORKING_AFTER, lambda: self.spawn(self.deliver.working(chat_id)))

    async def _draft_bytes(self, entry: InboxEntry) -> tuple[bytes, bytes | None]:
        """The draft's bytes, from our own copy or downloaded by the face (again, after a crash):
        (bytes, the same when downloaded: ``steps.decide`` keeps them once the draft is recorded)."""
        if entry.sha256:
            stored = await asyncio.to_thread(self.files.get, entry.sha256)
            if stored is not None:
                return stored, None
        data = await self.deliver.download(entry.file_id)
        return data, data

    async def _run_check(self, data: bytes, file_name: str, options: dict) -> CheckedDraft:
        """The check and, for a .docx with issues, the draft marked up with a comment per issue
        (made in the worker, which sends back only what the faces and the store use)."""
        try:
            return await self.pool.run(check_draft, data, file_name, **options)
        except CheckTimedOut:
            error = ReadError("check_timed_out", say.CHECK_TIMED_OUT.format(seconds=self.config.check_timeout_seconds))
        except CheckFailed:
            error = ReadError("check_crashed", say.CHECK_CRASHED)
        except Exception:  # noqa: BLE001 - the pool itself failing must still give the sender an answer
            log.exception("the check pool failed on %r", file_name)
            error = ReadError("check_crashed", say.CHECK_CRASHED)
        log.warning("check of %r failed: %s", file_name, error.code)
        return CheckedDraft.failed(file_name, hashlib.sha256(data).hexdigest(), len(data), error)

    async def _deliver(self, entry: InboxEntry, made: dict[str, bytes] | None = None) -> None:
        """Send the journalled reply from the first part not yet delivered, then mark it answered
        (``made``: documents of it still in memory, by hash)."""
        parts = entry.reply or []
        for number, part in enumerate(parts, start=1):
            if number <= entry.parts_sent:
                continue
            await self._send_part(entry.chat_id, part, made or {})
            if number == len(parts):
                break  # recorded with the answer, below
            try:
                await self.db.together(Store.inbox_part_sent)(entry.update_id, number)
            except STORAGE_FAILURES:
                log.warning("could not record the progress of draft %s", entry.update_id, exc_info=True)
        try:
            last = len(parts) if len(parts) > entry.parts_sent else None
            await self.db.together(steps.answered)(self.files, entry.update_id, self.clock(), last)
        except STORAGE_FAILURES:  # the user has the review; only the bookkeeping is behind
            log.warning("could not mark draft %s answered", entry.update_id, exc_info=True)

    async def _send_part(self, chat_id: int, part: dict, made: dict[str, bytes]) -> None:
        if "text" in part:
            await self.deliver.send_text(chat_id, part["text"])
            return
        data = made.get(part["document"]) or await asyncio.to_thread(self.files.get, part["document"])
        if data is None:
            log.warning("the marked-up copy %s is gone; not sent", part["document"])
            return
        await self.deliver.send_document(chat_id, data, part["filename"], part["caption"])

    async def _mark_failed(self, entry: InboxEntry, note: str) -> None:
        try:
            await self.db.write(steps.failed, self.files, entry.update_id, note, self.clock())
        except STORAGE_FAILURES:
            log.warning("could not mark draft %s failed", entry.update_id, exc_info=True)

_tasks: set[asyncio.Task] = set()  # the loop keeps only a weak reference to a task


def _background(coroutine: Coroutine) -> asyncio.Task:
    task = asyncio.get_running_loop().create_task(coroutine)
    _tasks.add(task)
    task.add_done_callback(_tasks.discard)
    return task
