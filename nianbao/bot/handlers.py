"""Chat handlers: each translates one kind of message into service calls and a reply.

Drafts go to the draft pipeline (``nianbao.drafts``); everything else reaches the store through
the async facade (``services.db``), never on the event loop.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import InputFile, Update
from telegram.constants import ParseMode
from telegram.ext import Application, CommandHandler, ContextTypes, MessageHandler, filters

from .. import messages as say
from ..drafts import Arrival, Sender
from ..names import DRAFT_SUFFIX, safe_file_name
from ..reports.blank import blank_report_docx
from ..reports.export import status_csv
from ..reports.summary import summary_text, summary_xlsx
from ..storage import INVITE_TTL_DAYS, AmbiguousAgency, InviteError
from ..validators.readers import sniff
from .county import county_summary, status_picture
from .delivery import with_retries
from .services import PasteBuffer, Services

log = logging.getLogger(__name__)

REPORT_MARKERS = ("政府信息公开", "年度报告", "主动公开", "依申请公开")
MIN_REPORT_CHARS = 200


def services_of(context: ContextTypes.DEFAULT_TYPE) -> Services:
    return context.application.bot_data["services"]


async def reply(update: Update, texts: str | list[str]) -> None:
    for text in [texts] if isinstance(texts, str) else texts:
        await with_retries(
            lambda: update.effective_message.reply_text(text, parse_mode=ParseMode.HTML, disable_web_page_preview=True)
        )


async def reply_file(update: Update, data: bytes, filename: str, caption: str, **options) -> None:
    """Send a generated file back in the chat (with retries); the name is ours, never the sender's."""
    document = InputFile(data, filename=filename)
    await with_retries(lambda: update.effective_message.reply_document(document, caption=caption, **options))


def _is_supervisor(role: str | None) -> bool:
    return role in ("supervisor", "admin")


def _sender(update: Update) -> Sender:
    return Sender(update.effective_user.id, update.effective_chat.id)


# ---------------------------------------------------------------- joining and help


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    services = services_of(context)
    if context.args:
        await _redeem(update, services, context.args[0])
        return
    role = await services.role_of(update.effective_user.id)
    if role == "staff":
        await reply(update, say.already_bound((await services.staff_agency(update.effective_user.id)).name))
    elif role:
        await reply(update, say.bound_message("", "supervisor"))
    else:
        await reply(update, say.WELCOME)


async def _redeem(update: Update, services: Services, code: str) -> None:
    user, db = update.effective_user, services.db
    role_before = await services.role_of(user.id)
    invite = await db.get_invite(code)
    if role_before in ("supervisor", "admin") and invite is not None and invite.role == "staff":
        await reply(update, say.SUPERVISOR_CANNOT_JOIN)
        return
    before = await services.staff_agency(user.id) if role_before == "staff" else None
    try:
        member = await db.redeem_invite(code, user.id, display_name=user.full_name, now=services.clock())
    except InviteError as error:
        if error.reason == "used" and error.used_by == user.id and before is not None:
            await reply(update, say.already_bound(before.name))
        else:
            await reply(update, say.INVITE_ERRORS.get(error.reason, say.INVITE_ERRORS["unknown"]))
        return
    agency = await db.get_agency(member.agency_id) if member.agency_id else None
    text = say.bound_message(agency.name if agency else "", member.role)
    if before is not None and agency is not None and before.id != agency.id:
        text += say.REBOUND.format(name=say.escape(before.name))
    await reply(update, text)


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await reply(update, say.help_message(await services_of(context).role_of(update.effective_user.id)))


async def rules_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await reply(update, say.rules_messages())


# ---------------------------------------------------------------- drafts


async def on_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    services = services_of(context)
    if await services.role_of(update.effective_user.id) is None:
        await reply(update, say.NOT_BOUND)
        return
    document = update.effective_message.document
    limit_mb = services.config.max_file_mb
    if document.file_size and document.file_size > limit_mb * 1024 * 1024:
        await reply(update, say.FILE_TOO_LARGE.format(size=document.file_size / 1024 / 1024, limit=limit_mb))
        return
    arrival = Arrival(
        _sender(update), "document", document.file_name or "文件", journal_id=update.update_id, file_id=document.file_id
    )
    await services.pipeline.receive(arrival)


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A long paste arrives as several messages: collect them briefly, then check them as one."""
    services = services_of(context)
    user_id = update.effective_user.id
    if await services.role_of(user_id) is None:
        await reply(update, say.NOT_BOUND)
        return
    if user_id not in services.pastes and await explain_in_chat(update, context):
        return  # "说明 3 …": staff explain an issue, not a paste
    buffer = services.pastes.setdefault(user_id, PasteBuffer(update.effective_chat.id, update.update_id))
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
        await services.pipeline.deliver.send_text(buffer.chat_id, say.SHORT_TEXT)
        return
    arrival = Arrival(Sender(context.job.user_id, buffer.chat_id), "paste", "粘贴的文本", journal_id=buffer.update_id)
    await services.pipeline.receive(arrival, text.encode("utf-8"))


async def on_other(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if await services_of(context).role_of(update.effective_user.id) is None:
        await reply(update, say.NOT_BOUND)
    elif update.effective_message.photo:
        await reply(update, say.PHOTO_NOT_READABLE)
    else:
        await reply(update, say.SHORT_TEXT)


# ---------------------------------------------------------------- history and supervision


async def history_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    services = services_of(context)
    role = await services.role_of(update.effective_user.id)
    if role is None:
        await reply(update, say.NOT_BOUND)
        return
    if role != "staff":
        await reply(update, say.SUPERVISOR_USE_AGENCY)
        return
    agency = await services.staff_agency(update.effective_user.id)
    submissions = await services.db.list_submissions(agency.id, services.year())
    await reply(update, say.split_message(say.history_message(agency.name, submissions, services.config.tz)))


async def _require_supervisor(update: Update, services: Services) -> bool:
    role = await services.role_of(update.effective_user.id)
    if _is_supervisor(role):
        return True
    await reply(update, say.NOT_BOUND if role is None else say.SUPERVISORS_ONLY)
    return False


async def _year_summary(update: Update, services: Services, render) -> None:
    """A supervisor's view of the year under review, rendered by ``render``."""
    year = services.year()
    statuses = await services.db.report(lambda store: store.year_status(year))
    await reply(update, say.split_message(render(year, statuses, services.config.deadline(year), services.today())))


async def status_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    services = services_of(context)
    if not await _require_supervisor(update, services):
        return
    await _year_summary(update, services, say.status_message)
    year = services.year()
    png = await services.db.report(status_picture, services.config, year, services.today())
    photo = InputFile(png, filename=say.STATUS_CHART_FILE.format(year=year))
    caption = say.STATUS_CHART_CAPTION.format(year=year)
    await with_retries(lambda: update.effective_message.reply_photo(photo, caption=caption))


async def overdue_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    services = services_of(context)
    if await _require_supervisor(update, services):
        await _year_summary(update, services, say.overdue_message)


async def summary_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The region's three tables summed (agencies with errors left out unless "/summary 全部")."""
    services = services_of(context)
    if not await _require_supervisor(update, services):
        return
    include_errors = bool(context.args) and context.args[0] in say.SUMMARY_ALL_WORDS
    year = services.year()
    summary = await services.db.report(county_summary, services.config, year, include_errors)
    workbook = await asyncio.to_thread(summary_xlsx, summary, year)
    await reply(update, say.split_message(say.escape(summary_text(summary))))
    await reply_file(update, workbook, say.SUMMARY_FILE.format(year=year), say.summary_caption(include_errors))


async def template_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A blank report in the standard format, with the agency and year filled in for staff."""
    services = services_of(context)
    role = await services.role_of(update.effective_user.id)
    if role is None:
        await reply(update, say.NOT_BOUND)
        return
    agency = (await services.staff_agency(update.effective_user.id)).name if role == "staff" else None
    year = services.year()
    data = await asyncio.to_thread(blank_report_docx, year, agency)
    name = say.TEMPLATE_FILE.format(agency=safe_file_name(agency or ""), year=year)
    await reply_file(update, data, name, say.TEMPLATE_CAPTION)


async def _find_agency(update: Update, services: Services, name: str, command: str):
    if not name:
        await reply(update, say.agency_name_needed(command))
        return None
    try:
        agency = await services.db.find_agency(name)
    except AmbiguousAgency as exc:
        await reply(update, say.ambiguous_agency(name, exc.candidates))
        return None
    if agency is None:
        await reply(update, say.agency_not_found(name))
    return agency


async def agency_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    services = services_of(context)
    if not await _require_supervisor(update, services):
        return
    agency = await _find_agency(update, services, " ".join(context.args), "agency")
    if agency:
        submissions = await services.db.list_submissions(agency.id, services.year())
        await reply(update, say.agency_messages(agency, submissions, services.config.tz))


async def draft_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A supervisor downloads an agency's latest draft, as it was sent."""
    services = services_of(context)
    if not await _require_supervisor(update, services):
        return
    agency = await _find_agency(update, services, " ".join(context.args), "draft")
    if agency is None:
        return
    submission = await services.db.latest_stored_draft(agency.id)
    data = await asyncio.to_thread(services.files.get, submission.sha256) if submission else None
    if data is None:
        await reply(update, say.NO_STORED_DRAFT.format(name=say.escape(agency.name)))
        return
    received = submission.received_at.astimezone(services.config.tz)
    suffix = DRAFT_SUFFIX.get(sniff(data), "")  # from the content: the sender's file name is not trusted
    name = f"{safe_file_name(agency.name, 'draft')}_{received:%Y%m%d-%H%M}{suffix}"
    caption = say.draft_caption(agency.name, submission, received)
    await reply_file(update, data, name, caption, parse_mode=ParseMode.HTML)


async def invite_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    services = services_of(context)
    if not await _require_supervisor(update, services):
        return
    agency = await _find_agency(update, services, " ".join(context.args), "invite")
    if agency is None:
        return
    code = await services.db.create_invite(agency.id, now=services.clock())
    link = f"https://t.me/{context.bot.username}?start={code}"
    await reply(update, say.invite_message(agency.name, code, link, INVITE_TTL_DAYS))


async def export_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    services = services_of(context)
    if not await _require_supervisor(update, services):
        return
    year, tz = services.year(), services.config.tz
    data = await services.db.report(lambda store: status_csv(store.year_status(year), tz, say.STATE_LABEL))
    await reply_file(update, data, say.EXPORT_FILE.format(year=year), say.EXPORT_CAPTION.format(year=year))


async def promote_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    services = services_of(context)
    if await services.role_of(update.effective_user.id) != "admin":
        await reply(update, say.ADMINS_ONLY)
        return
    if not context.args or not context.args[0].isdigit():
        await reply(update, say.PROMOTE_USAGE)
        return
    user_id = int(context.args[0])
    await services.db.bind_member(user_id, None, role="supervisor", now=services.clock())
    await reply(update, say.PROMOTED.format(user_id=user_id))


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await reply(update, say.UNKNOWN_COMMAND)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    log.error("error while handling an update", exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat:
        try:
            await context.bot.send_message(update.effective_chat.id, say.ERROR_NOTICE)
        except Exception:  # the error may be the network itself
            log.warning("could not tell the user about the error", exc_info=True)


# ---------------------------------------------------------------- jobs


async def recover_drafts(context: ContextTypes.DEFAULT_TYPE) -> None:
    await services_of(context).pipeline.recover()


async def purge_files(context: ContextTypes.DEFAULT_TYPE) -> None:
    await services_of(context).pipeline.purge_files()


# the human word over the checker and the web link (bot/word.py builds on the helpers above)
from .word import accept_command, explain_in_chat, unaccept_command, web_command  # noqa: E402

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
    ("web", "网页版一次性登录链接", web_command),
    ("accept", "确认某单位的一项审核意见（督导员）", accept_command),
    ("unaccept", "撤销对一项审核意见的确认（督导员）", unaccept_command),
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
