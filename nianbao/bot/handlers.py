"""Chat handlers: each translates one kind of message into service and storage calls.

Services are wired once (``Services`` in ``bot_data``); handlers stay short. A draft is written to
the journal (``inbox``) before any work, checked in a worker process (``CheckPool``), recorded,
answered with retries, and only then marked answered: a crash at any point leaves it pending,
and ``recover_drafts`` finishes it after the restart.
"""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import hashlib
import io
import logging
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from typing import Callable

from telegram import InputFile, Update
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import Application, CommandHandler, ContextTypes, MessageHandler, filters

from ..storage import Agency, AmbiguousAgency, FileStore, InboxEntry, InviteError, StorageError, Store
from ..validators.document import ReadError
from ..validators.annotate import check_and_annotate
from ..validators.engine import CheckResult
from ..validators.readers import sniff
from ..validators.template import LEVELS
from . import messages as say
from ..reports.blank import blank_report_docx
from ..reports.summary import summary_text, summary_xlsx
from .config import Config
from .county import county_summary, status_picture
from .delivery import DeliveryFailed, with_retries
from .pool import CheckFailed, CheckPool, CheckTimedOut
from .ratelimit import RateLimiter
from .service import ReviewService

log = logging.getLogger(__name__)

REPORT_MARKERS = ("政府信息公开", "年度报告", "主动公开", "依申请公开")
MAX_DRAFTS_IN_FLIGHT = 16  # downloaded and waiting for a check; commands never wait behind them
MIN_REPORT_CHARS = 200


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


@dataclass
class PasteBuffer:
    first_update: Update
    parts: list[str] = field(default_factory=list)


@dataclass
class Services:
    config: Config
    store: Store
    files: FileStore
    review: ReviewService
    pool: CheckPool
    limiter: RateLimiter
    clock: Callable[[], dt.datetime] = utc_now
    pastes: dict[int, PasteBuffer] = field(default_factory=dict)
    drafts_in_flight: asyncio.Semaphore = field(default_factory=lambda: asyncio.Semaphore(MAX_DRAFTS_IN_FLIGHT))
    in_progress: set[int] = field(default_factory=set)  # update ids being handled by this process
    # supervisors' queries get their own threads: during a burst of drafts the default pool is
    # busy with the drafts' storage work, and /status must not queue behind it
    queries: ThreadPoolExecutor = field(default_factory=lambda: ThreadPoolExecutor(2, thread_name_prefix="query"))

    def claim(self, update_id: int) -> bool:
        """Take a draft for this process to handle; False when someone here already has it.
        (No await inside: on the event loop this is atomic.)"""
        if update_id in self.in_progress:
            return False
        self.in_progress.add(update_id)
        return True

    async def query(self, function: Callable, /, *args):
        return await asyncio.get_running_loop().run_in_executor(self.queries, partial(function, *args))

    @classmethod
    def create(cls, config: Config, store: Store, clock: Callable[[], dt.datetime] | None = None) -> "Services":
        pool = CheckPool(config.check_workers, timeout=config.check_timeout_seconds, memory_mb=config.worker_memory_mb)
        limiter = RateLimiter(config.drafts_per_user, config.rate_window_seconds)
        files = FileStore(config.files_path)
        return cls(config, store, files, ReviewService(store, config), pool, limiter, clock or utc_now)

    def role_of(self, user_id: int) -> str | None:
        member = self.store.get_member(user_id)
        if user_id in self.config.admins or (member and member.role == "admin"):
            return "admin"
        if user_id in self.config.supervisors or (member and member.role == "supervisor"):
            return "supervisor"
        if member and member.role == "staff" and member.agency_id is not None:
            return "staff"
        return None

    def staff_agency(self, user_id: int) -> Agency | None:
        """The agency a staff member is bound to (None for supervisors and strangers)."""
        member = self.store.get_member(user_id)
        if member is None or member.role != "staff" or member.agency_id is None:
            return None
        return self.store.get_agency(member.agency_id)

    def year(self) -> int:
        return self.config.year_under_review(self.clock())

    def today(self) -> dt.date:
        return self.clock().astimezone(self.config.tz).date()


def services_of(context: ContextTypes.DEFAULT_TYPE) -> Services:
    return context.application.bot_data["services"]


async def reply(update: Update, texts: str | list[str]) -> None:
    for text in [texts] if isinstance(texts, str) else texts:
        await with_retries(
            lambda: update.effective_message.reply_text(text, parse_mode=ParseMode.HTML, disable_web_page_preview=True)
        )


async def send(context: ContextTypes.DEFAULT_TYPE, chat_id: int, texts: str | list[str]) -> None:
    for text in [texts] if isinstance(texts, str) else texts:
        await with_retries(
            lambda: context.bot.send_message(chat_id, text, parse_mode=ParseMode.HTML, disable_web_page_preview=True)
        )


async def reply_file(update: Update, data: bytes, filename: str, caption: str, **options) -> None:
    """Send a generated file back in the chat (with retries); the name is ours, never the sender's."""
    document = InputFile(io.BytesIO(data), filename=filename)
    await with_retries(lambda: update.effective_message.reply_document(document, caption=caption, **options))


def _is_supervisor(role: str | None) -> bool:
    return role in ("supervisor", "admin")


# ---------------------------------------------------------------- joining and help


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    services = services_of(context)
    if context.args:
        await _redeem(update, services, context.args[0])
        return
    role = services.role_of(update.effective_user.id)
    if role == "staff":
        await reply(update, say.already_bound(services.staff_agency(update.effective_user.id).name))
    elif role:
        await reply(update, say.bound_message("", "supervisor"))
    else:
        await reply(update, say.WELCOME)


async def _redeem(update: Update, services: Services, code: str) -> None:
    user = update.effective_user
    role_before = services.role_of(user.id)
    invite = services.store.get_invite(code)
    if role_before in ("supervisor", "admin") and invite is not None and invite.role == "staff":
        await reply(update, say.SUPERVISOR_CANNOT_JOIN)
        return
    before = services.staff_agency(user.id) if role_before == "staff" else None
    try:
        member = services.store.redeem_invite(code, user.id, display_name=user.full_name, now=services.clock())
    except InviteError as error:
        if error.reason == "used" and error.used_by == user.id and before is not None:
            await reply(update, say.already_bound(before.name))
        else:
            await reply(update, say.INVITE_ERRORS.get(error.reason, say.INVITE_ERRORS["unknown"]))
        return
    agency = services.store.get_agency(member.agency_id) if member.agency_id else None
    text = say.bound_message(agency.name if agency else "", member.role)
    if before is not None and agency is not None and before.id != agency.id:
        text += f"\n（原来绑定的单位是「{say.escape(before.name)}」，已改为新单位。）"
    await reply(update, text)


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await reply(update, say.help_message(services_of(context).role_of(update.effective_user.id)))


async def rules_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await reply(update, say.rules_messages())


# ---------------------------------------------------------------- drafts


async def on_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    services = services_of(context)
    if services.role_of(update.effective_user.id) is None:
        await reply(update, say.NOT_BOUND)
        return
    document = update.effective_message.document
    limit_mb = services.config.max_file_mb
    if document.file_size and document.file_size > limit_mb * 1024 * 1024:
        await reply(update, say.FILE_TOO_LARGE.format(size=document.file_size / 1024 / 1024, limit=limit_mb))
        return
    entry = await _journal(
        update, services, kind="document", file_id=document.file_id, file_name=document.file_name or "文件"
    )
    if entry is not None and services.claim(entry.update_id):
        await process_draft(context, entry, rate_limited_update=update)


async def _within_rate_limit(update: Update, services: Services, entry: InboxEntry) -> bool:
    """Count the draft against its sender's limit; over it, the draft is recorded as refused."""
    if entry.attempts or entry.state != "received":  # started before a restart: not a new draft
        return True
    wait = services.limiter.wait_needed(update.effective_user.id)
    if wait:
        window = say.duration(services.config.rate_window_seconds)
        await asyncio.to_thread(services.store.inbox_failed, entry.update_id, "rate limited", now=services.clock())
        await reply(update, say.RATE_LIMITED.format(seconds=wait, limit=services.config.drafts_per_user, window=window))
    return not wait


async def _journal(update: Update, services: Services, **draft) -> InboxEntry | None:
    """Write the draft to the journal before any work, so a crash cannot lose it. None when there
    is nothing to do (a redelivered update already answered) or the database refused."""
    try:
        entry, created = await asyncio.to_thread(
            services.store.journal_draft,
            update.update_id,
            chat_id=update.effective_chat.id,
            user_id=update.effective_user.id,
            now=services.clock(),
            **draft,
        )
    except STORAGE_FAILURES:
        log.warning("could not journal update %s", update.update_id, exc_info=True)
        await reply(update, say.STORAGE_UNAVAILABLE)
        return None
    if not created and not entry.pending:
        log.info("update %s was already answered; ignored", update.update_id)
        return None
    return entry


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A long paste arrives as several messages: collect them briefly, then check them as one."""
    services = services_of(context)
    user_id = update.effective_user.id
    if services.role_of(user_id) is None:
        await reply(update, say.NOT_BOUND)
        return
    buffer = services.pastes.setdefault(user_id, PasteBuffer(first_update=update))
    buffer.parts.append(update.effective_message.text or "")
    for job in context.job_queue.get_jobs_by_name(f"paste:{user_id}"):
        job.schedule_removal()
    context.job_queue.run_once(
        flush_paste, services.config.paste_delay_seconds, chat_id=update.effective_chat.id, user_id=user_id, name=f"paste:{user_id}"
    )


async def flush_paste(context: ContextTypes.DEFAULT_TYPE) -> None:
    services = services_of(context)
    buffer = services.pastes.pop(context.job.user_id, None)
    if buffer is None:
        return
    text = "\n".join(buffer.parts)
    if len(text) < MIN_REPORT_CHARS or not any(marker in text for marker in REPORT_MARKERS):
        await send(context, context.job.chat_id, say.SHORT_TEXT)
        return
    update = buffer.first_update
    data = text.encode("utf-8")
    try:
        sha256 = await asyncio.to_thread(services.files.put, data)
    except OSError:
        log.warning("could not store a pasted draft", exc_info=True)
        await send(context, context.job.chat_id, say.STORAGE_UNAVAILABLE)
        return
    entry = await _journal(update, services, kind="paste", file_name="粘贴的文本", sha256=sha256)
    if entry is not None and services.claim(entry.update_id):
        await process_draft(context, entry, data, rate_limited_update=update)


async def on_other(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if services_of(context).role_of(update.effective_user.id) is None:
        await reply(update, say.NOT_BOUND)
    elif update.effective_message.photo:
        await reply(update, say.PHOTO_NOT_READABLE)
    else:
        await reply(update, say.SHORT_TEXT)


STORAGE_FAILURES = (sqlite3.Error, StorageError, OSError)


async def process_draft(context, entry: InboxEntry, data: bytes | None = None, rate_limited_update: Update | None = None) -> None:
    """Check one journalled draft (claimed with ``Services.claim``) and answer it. The reply is
    decided once, when the draft is checked, and kept in the journal: a later delivery retry
    sends exactly that, from where it stopped."""
    services = services_of(context)
    try:
        entry = await asyncio.to_thread(services.store.get_inbox, entry.update_id)  # fresh, now it is ours
        if entry is None or not entry.pending:
            return  # finished meanwhile
        if rate_limited_update is not None and not await _within_rate_limit(rate_limited_update, services, entry):
            return
        async with services.drafts_in_flight:
            if entry.reply is None:
                entry = await _check_and_decide(context, services, entry, data)
            await _deliver(context, services, entry)
    except DeliveryFailed:
        log.warning("could not deliver the review of update %s; it stays in the journal", entry.update_id)
    except Forbidden:
        await _mark_failed(services, entry, "the user blocked the bot")
    except BadRequest as error:
        log.warning("Telegram refused update %s: %s", entry.update_id, error)
        await _mark_failed(services, entry, f"refused by Telegram: {error}")
        await _notify_plainly(context, entry, say.TELEGRAM_REFUSED.format(name=entry.file_name or "文件"))
    except STORAGE_FAILURES:
        log.warning("storage failed while handling update %s", entry.update_id, exc_info=True)
        await _tell_storage_failed(context, services, entry)
    finally:
        services.in_progress.discard(entry.update_id)


async def _check_and_decide(context, services: Services, entry: InboxEntry, data: bytes | None) -> InboxEntry:
    """Check the draft, record the submission, and write the reply into the journal."""
    store = services.store
    await asyncio.to_thread(store.inbox_attempt, entry.update_id)
    if data is None:
        data = await _draft_bytes(context, services, entry)
    agency = services.staff_agency(entry.user_id)
    now = entry.received_at
    result, marked_up = await _run_check(services, data, entry.file_name or "文件", now, agency)
    review = await asyncio.to_thread(
        services.review.record,
        agency=agency, user_id=entry.user_id, file_name=entry.file_name or "文件", result=result, now=now, update_id=entry.update_id,
    )
    texts = say.review_messages(review, agency.name if agency else None, services.config.tz)
    if agency is None:
        texts[-1] += "\n\n" + say.SUPERVISOR_DRAFT
    parts: list[dict] = [{"text": text} for text in texts]
    if marked_up is not None:
        parts.append(await _marked_up_part(services, entry, marked_up, len(result.issues)))
    await asyncio.to_thread(store.inbox_checked, entry.update_id, review.submission_id, parts)
    return await asyncio.to_thread(store.get_inbox, entry.update_id)


async def _marked_up_part(services: Services, entry: InboxEntry, data: bytes, count: int) -> dict:
    stem = (entry.file_name or "报告").rsplit(".", 1)[0]
    if count == 0:  # a returned 批注版 with nothing left: the engine gives it back clean
        return {
            "document": await asyncio.to_thread(services.files.put, data),
            "filename": f"{safe_file_name(stem, '报告')}_已去掉批注.docx",
            "caption": "所有问题都已改正：这是去掉了审核批注的干净版本（您自己加的批注仍保留），可以直接使用。",
        }
    return {
        "document": await asyncio.to_thread(services.files.put, data),
        "filename": f"{safe_file_name(stem, '报告')}_审核批注.docx",
        "caption": f"审核批注版：上面的 {count} 条意见已作为批注加在文件中对应的单元格、行或段落旁，编号相同。可在 Word/WPS 中直接修改后重新发送。",
    }


async def _deliver(context, services: Services, entry: InboxEntry) -> None:
    """Send the journalled reply from the first part not yet delivered, then mark it answered."""
    store = services.store
    for number, part in enumerate(entry.reply or [], start=1):
        if number <= entry.parts_sent:
            continue
        await _send_part(context, services, entry.chat_id, part)
        try:
            await asyncio.to_thread(store.inbox_part_sent, entry.update_id, number)
        except STORAGE_FAILURES:
            log.warning("could not record the progress of update %s", entry.update_id, exc_info=True)
    try:
        await asyncio.to_thread(store.inbox_answered, entry.update_id, now=services.clock())
    except STORAGE_FAILURES:  # the user has the review; only the bookkeeping is behind
        log.warning("could not mark update %s answered", entry.update_id, exc_info=True)


async def _send_part(context, services: Services, chat_id: int, part: dict) -> None:
    if "text" in part:
        await send(context, chat_id, part["text"])
        return
    data = await asyncio.to_thread(services.files.get, part["document"])
    if data is None:
        log.warning("the marked-up copy %s is gone; not sent", part["document"])
        return
    document = InputFile(io.BytesIO(data), filename=part["filename"])
    await with_retries(lambda: context.bot.send_document(chat_id, document, caption=part["caption"]))


async def _mark_failed(services: Services, entry: InboxEntry, note: str) -> None:
    try:
        await asyncio.to_thread(services.store.inbox_failed, entry.update_id, note, now=services.clock())
    except STORAGE_FAILURES:
        log.warning("could not mark update %s failed", entry.update_id, exc_info=True)


async def _notify_plainly(context, entry: InboxEntry, text: str) -> None:
    """A last word without formatting (the formatted one may be what Telegram refused)."""
    try:
        await with_retries(lambda: context.bot.send_message(entry.chat_id, text), attempts=2)
    except (DeliveryFailed, TelegramError):
        log.warning("could not tell user %s about update %s", entry.user_id, entry.update_id)


async def _draft_bytes(context, services: Services, entry: InboxEntry) -> bytes:
    """The draft's bytes: from our own copy, or downloaded (again, after a crash) from Telegram."""
    if entry.sha256:
        stored = await asyncio.to_thread(services.files.get, entry.sha256)
        if stored is not None:
            return stored
    try:
        await context.bot.send_chat_action(entry.chat_id, ChatAction.TYPING)
    except TelegramError:
        pass  # only a courtesy
    telegram_file = await with_retries(lambda: context.bot.get_file(entry.file_id))
    data = bytes(await with_retries(telegram_file.download_as_bytearray))
    sha256 = await asyncio.to_thread(services.files.put, data)
    await asyncio.to_thread(services.store.inbox_file_stored, entry.update_id, sha256)
    return data


async def _run_check(services: Services, data: bytes, file_name: str, now: dt.datetime, agency) -> tuple[CheckResult, bytes | None]:
    """The check and, for a .docx with issues, the draft marked up with a comment per issue."""
    options = services.review.check_options(now, agency)
    try:
        return await services.pool.run(check_and_annotate, data, file_name, **options)
    except CheckTimedOut:
        error = ReadError("check_timed_out", say.CHECK_TIMED_OUT.format(seconds=services.config.check_timeout_seconds))
    except CheckFailed:
        error = ReadError("check_crashed", say.CHECK_CRASHED)
    except Exception:  # noqa: BLE001 - the pool itself failing must still give the sender an answer
        log.exception("the check pool failed on %r", file_name)
        error = ReadError("check_crashed", say.CHECK_CRASHED)
    log.warning("check of %r failed: %s", file_name, error.code)
    return CheckResult(file_name, hashlib.sha256(data).hexdigest(), len(data), "unknown", error=error), None


async def _tell_storage_failed(context, services: Services, entry: InboxEntry) -> None:
    await _mark_failed(services, entry, "storage failure")  # if even that fails, recovery answers it later
    await _notify_plainly(context, entry, say.STORAGE_UNAVAILABLE)


MAX_ATTEMPTS = 5  # checks of one draft (a crash or a timeout each); delivery retries do not count
DELIVERY_GIVE_UP = dt.timedelta(days=1)


async def recover_drafts(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer the drafts of the journal still pending: after a crash or restart, or after every
    attempt to deliver a review failed. Runs at start-up and then every minute."""
    services = services_of(context)
    for entry in await asyncio.to_thread(services.store.pending_drafts):
        if not services.claim(entry.update_id):
            continue  # being handled here right now
        if _hopeless(services, entry):
            context.application.create_task(_give_up(context, services, entry), update=None)
            continue
        log.info("finishing journalled draft %s (attempt %d)", entry.update_id, entry.attempts + 1)
        context.application.create_task(process_draft(context, entry), update=None)


def _hopeless(services: Services, entry: InboxEntry) -> bool:
    """Checking it keeps failing, or its reply could not be delivered for a day."""
    if entry.reply is None:
        return entry.attempts >= MAX_ATTEMPTS
    return services.clock() - entry.received_at > DELIVERY_GIVE_UP


async def _give_up(context, services: Services, entry: InboxEntry) -> None:
    try:
        log.error("giving up on update %s after %d attempts", entry.update_id, entry.attempts)
        await _mark_failed(services, entry, "too many attempts")
        await _notify_plainly(context, entry, say.GAVE_UP.format(name=entry.file_name or "文件"))
    finally:
        services.in_progress.discard(entry.update_id)


async def purge_files(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Delete stored drafts past the retention period (each agency's latest one stays)."""
    services = services_of(context)
    retention = dt.timedelta(days=services.config.retention_days)
    keep = await asyncio.to_thread(services.store.files_to_keep, services.clock() - retention)
    removed = await asyncio.to_thread(services.files.purge, keep, retention.total_seconds())
    if removed:
        log.info("retention: %d stored drafts deleted", removed)


# ---------------------------------------------------------------- history and supervision


async def history_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    services = services_of(context)
    member = services.store.get_member(update.effective_user.id)
    role = services.role_of(update.effective_user.id)
    if role is None:
        await reply(update, say.NOT_BOUND)
        return
    if role != "staff":
        await reply(update, "督导员请用 /agency 单位名称 查看某个单位的记录。")
        return
    agency = services.store.get_agency(member.agency_id)
    submissions = services.store.list_submissions(agency.id, services.year())
    await reply(update, say.split_message(say.history_message(agency.name, submissions, services.config.tz)))


async def _require_supervisor(update: Update, services: Services) -> bool:
    role = services.role_of(update.effective_user.id)
    if _is_supervisor(role):
        return True
    await reply(update, say.NOT_BOUND if role is None else say.SUPERVISORS_ONLY)
    return False


async def _year_summary(update: Update, context: ContextTypes.DEFAULT_TYPE, render) -> None:
    """A supervisor's view of the year under review, rendered by ``render``."""
    services = services_of(context)
    if not await _require_supervisor(update, services):
        return
    year = services.year()
    statuses = await services.query(services.store.year_status, year)
    await reply(update, say.split_message(render(year, statuses, services.config.deadline(year), services.today())))


async def status_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _year_summary(update, context, say.status_message)
    services = services_of(context)
    if _is_supervisor(services.role_of(update.effective_user.id)):
        year = services.year()
        png = await services.query(status_picture, services.store, services.config, year, services.today())
        caption = f"{year} 年度报告：各单位状态，以及每天收到的报送和累计通过的单位（虚线为截止日期）"
        photo = InputFile(io.BytesIO(png), filename=f"{year}年度报送情况.png")
        await with_retries(lambda: update.effective_message.reply_photo(photo, caption=caption))


async def summary_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The region's three tables summed (agencies with errors left out unless "/summary 全部")."""
    services = services_of(context)
    if not await _require_supervisor(update, services):
        return
    include_errors = bool(context.args) and context.args[0] in ("全部", "all", "含错误")
    year = services.year()
    summary = await services.query(county_summary, services.store, services.config, year, include_errors)
    workbook = await services.query(summary_xlsx, summary, year)
    await reply(update, say.split_message(say.escape(summary_text(summary))))
    name = f"{year}年度政府信息公开统计汇总.xlsx"
    caption = "汇总表（三张统计表之和，另有各单位情况表）" + ("，含有错误的单位" if include_errors else "；有错误的单位未计入，发送 /summary 全部 可计入")
    await reply_file(update, workbook, name, caption)


async def template_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A blank report in the standard format, with the agency and year filled in for staff."""
    services = services_of(context)
    role = services.role_of(update.effective_user.id)
    if role is None:
        await reply(update, say.NOT_BOUND)
        return
    agency = services.staff_agency(update.effective_user.id).name if role == "staff" else None
    year = services.year()
    data = await asyncio.to_thread(blank_report_docx, year, agency)
    name = f"{safe_file_name(agency or '')}{year}年政府信息公开工作年度报告（空白模板）.docx"
    caption = "标准格式的空白年报：六个部分的标题和三张统计表都已排好，请在此基础上填写，数字填 0 而不要留空。"
    await reply_file(update, data, name, caption)


async def overdue_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _year_summary(update, context, say.overdue_message)


async def _find_agency(update: Update, services: Services, name: str, command: str):
    if not name:
        await reply(update, f"请在命令后写单位名称，例如：<code>/{command} 学张乡</code>")
        return None
    try:
        agency = services.store.find_agency(name)
    except AmbiguousAgency as exc:
        names = "、".join(a.name for a in exc.candidates[:10])
        await reply(update, f"「{say.escape(name)}」对应多个单位：{say.escape(names)}。请写得更完整一些。")
        return None
    if agency is None:
        await reply(update, f"没有找到单位「{say.escape(name)}」。单位名单由管理员用 <code>nianbao agencies add</code> 或 <code>nianbao agencies import</code> 维护。")
    return agency


async def agency_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    services = services_of(context)
    if not await _require_supervisor(update, services):
        return
    agency = await _find_agency(update, services, " ".join(context.args), "agency")
    if agency:
        submissions = services.store.list_submissions(agency.id, services.year())
        await reply(update, say.agency_messages(agency, submissions, services.config.tz))


DRAFT_SUFFIX = {"docx": ".docx", "pdf": ".pdf", "ole": ".doc", "rtf": ".rtf", "image": ".jpg", "text": ".txt"}


async def draft_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A supervisor downloads an agency's latest draft, as it was sent."""
    services = services_of(context)
    if not await _require_supervisor(update, services):
        return
    agency = await _find_agency(update, services, " ".join(context.args), "draft")
    if agency is None:
        return
    submission = await asyncio.to_thread(services.store.latest_stored_draft, agency.id)
    data = await asyncio.to_thread(services.files.get, submission.sha256) if submission else None
    if data is None:
        await reply(update, f"「{say.escape(agency.name)}」还没有可下载的报送文件（或已超过保存期限）。")
        return
    received = submission.received_at.astimezone(services.config.tz)
    suffix = DRAFT_SUFFIX.get(sniff(data), "")  # from the content: the sender's file name is not trusted
    name = f"{safe_file_name(agency.name, 'draft')}_{received:%Y%m%d-%H%M}{suffix}"
    verdict = "无法读取" if not submission.parsed else (f"{submission.error_count} 个错误" if submission.error_count else "已通过")
    caption = (
        f"{say.escape(agency.name)} 最新报送的文件（{received:%Y-%m-%d %H:%M}，{verdict}，"
        f"原文件名「{say.escape(submission.file_name or '')}」）"
    )
    await reply_file(update, data, name, caption, parse_mode=ParseMode.HTML)


def safe_file_name(name: str, default: str = "") -> str:
    """A file name for a document the bot sends: letters, digits and a few marks only."""
    return "".join(c for c in name if c.isalnum() or c in "-_（）()")[:60] or default


async def invite_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    services = services_of(context)
    if not await _require_supervisor(update, services):
        return
    agency = await _find_agency(update, services, " ".join(context.args), "invite")
    if agency is None:
        return
    code = services.store.create_invite(agency.id, now=services.clock())
    link = f"https://t.me/{context.bot.username}?start={code}"
    await reply(
        update,
        f"<b>{say.escape(agency.name)}</b> 的邀请码：<code>{code}</code>\n"
        f"14 天内有效，只能使用一次。工作人员发送 <code>/start {code}</code> 或打开链接即可绑定：\n{link}",
    )


async def export_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    services = services_of(context)
    if not await _require_supervisor(update, services):
        return
    year = services.year()
    data = await services.query(status_csv, services, year)
    await reply_file(update, data, f"{year}年度报告报送情况.csv", f"{year} 年度报告报送情况（CSV，可用 Excel/WPS 打开）")


def status_csv(services: Services, year: int) -> bytes:
    output = io.StringIO()
    writer = csv.writer(output)
    writer.writerow(["单位", "层级", "地区", "状态", "报送次数", "最新报送时间", "错误", "警告", "文件名"])
    for status in services.store.year_status(year):
        latest = status.latest
        writer.writerow(
            _csv_safe(
                [
                status.agency.name,
                LEVELS.get(status.agency.level, status.agency.level),
                status.agency.region or "",
                say.STATE_LABEL[status.state],
                status.submission_count,
                latest.received_at.astimezone(services.config.tz).strftime("%Y-%m-%d %H:%M") if latest else "",
                latest.error_count if latest else "",
                latest.warning_count if latest else "",
                latest.file_name if latest else "",
                ]
            )
        )
    return output.getvalue().encode("utf-8-sig")


def _csv_safe(cells: list) -> list:
    """Staff choose file names; a cell starting with = + - @ would run as a formula in Excel/WPS."""
    return [f"'{c}" if isinstance(c, str) and c[:1] in ("=", "+", "-", "@", "\t", "\r") else c for c in cells]


async def promote_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    services = services_of(context)
    if services.role_of(update.effective_user.id) != "admin":
        await reply(update, say.ADMINS_ONLY)
        return
    if not context.args or not context.args[0].isdigit():
        await reply(update, "用法：<code>/promote 用户ID</code>")
        return
    user_id = int(context.args[0])
    services.store.bind_member(user_id, None, role="supervisor", now=services.clock())
    await reply(update, f"已把用户 {user_id} 设为督导员。")


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await reply(update, say.UNKNOWN_COMMAND)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    log.error("error while handling an update", exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat:
        try:
            await context.bot.send_message(update.effective_chat.id, "抱歉，处理您的消息时出错了。请稍后再试一次；如果一直出错，请联系县政务公开办。")
        except Exception:  # the error may be the network itself
            log.warning("could not tell the user about the error", exc_info=True)


COMMANDS = [
    ("start", "绑定单位（/start 邀请码）", start),
    ("help", "使用说明", help_command),
    ("rules", "审核规则目录", rules_command),
    ("history", "本单位报送记录", history_command),
    ("status", "报送情况汇总（督导员）", status_command),
    ("overdue", "尚未通过的单位（督导员）", overdue_command),
    ("agency", "某单位的记录（督导员）", agency_command),
    ("invite", "生成邀请码（督导员）", invite_command),
    ("draft", "下载某单位最新报送的文件（督导员）", draft_command),
    ("export", "导出报送情况（督导员）", export_command),
    ("summary", "全县统计表汇总（督导员）", summary_command),
    ("template", "下载标准格式的空白年报", template_command),
    ("promote", "设为督导员（管理员）", promote_command),
]


def register_handlers(application: Application) -> None:
    for name, _, callback in COMMANDS:
        application.add_handler(CommandHandler(name, callback))
    # drafts do not block the update queue: a supervisor's /status is answered during a burst
    # only new messages: an edited message is not a new draft
    new = filters.UpdateType.MESSAGE
    application.add_handler(MessageHandler(new & filters.Document.ALL, on_document, block=False))
    application.add_handler(MessageHandler(new & filters.TEXT & ~filters.COMMAND, on_text))
    application.add_handler(MessageHandler(new & filters.COMMAND, unknown_command))
    application.add_handler(MessageHandler(new & ~filters.COMMAND, on_other))
    application.add_error_handler(on_error)
