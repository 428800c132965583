"""Drafts arriving in the chat: a file, or a long paste collected from several messages; both go
to the draft pipeline (``nianbao.drafts``). Anything else gets a hint."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from ... import messages as say
from ...drafts import Arrival, Sender
from ...roles import Role
from ...usecases.chat import answer_text
from ...usecases.chat.published import CAPTION_WORD, published_file
from ...usecases.intake import looks_like_report, too_large
from ..fragments import hold_or_join
from ..services import PasteBuffer
from .common import TelegramFace, person_of_update, reply, send_replies, services_of


async def _is_bound(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    if await services_of(context).role_of(update.effective_user.id) is None:
        await reply(update, say.NOT_BOUND)
        return False
    return True


async def on_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    services = services_of(context)
    person = await services.person(update.effective_user.id)
    if person.role is None:
        await reply(update, say.NOT_BOUND)
        return
    document = update.effective_message.document
    refusal = too_large(services.office, document.file_size or 0)
    if refusal:
        await reply(update, refusal)
        return
    sender = Sender(update.effective_user.id, update.effective_chat.id)
    name = document.file_name or say.UNNAMED_FILE
    if CAPTION_WORD in (update.effective_message.caption or ""):  # the published copy, not a draft
        data = await services.pipeline.deliver.download(document.file_id)
        person = await person_of_update(update, context)
        await send_replies(update, await published_file(services.office, TelegramFace(context.bot), person, data, name))
        return
    known = {"agency": person.agency} if person.role is Role.STAFF else {}  # staff answer for the agency they are bound to
    arrival = Arrival(sender, "document", name, journal_id=update.update_id, file_id=document.file_id, size=document.file_size)
    await services.pipeline.receive(arrival, **known)


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A long paste arrives as several messages: collect them briefly, then check them as one.
    A short question (「帮助」, 「截止日期？」), an invite code typed as text or 「说明 3 …」 is
    answered instead (``usecases.chat.answer_text``)."""
    services = services_of(context)
    user_id = update.effective_user.id
    # one user's messages in the order they were sent: the parts of a paste must not overtake
    # each other while the first is still being looked at (updates are handled concurrently)
    async with services.texts_in_order.turn(user_id):
        await _on_text(update, context, services, user_id)


async def _on_text(update: Update, context: ContextTypes.DEFAULT_TYPE, services, user_id: int) -> None:
    if user_id not in services.pastes:
        person = await person_of_update(update, context)
        replies = await answer_text(services.office, TelegramFace(context.bot), person, update.effective_message.text or "", person.name)
        if replies is not None:
            await send_replies(update, replies)
            return
    if not await _is_bound(update, context):
        return
    buffer = services.pastes.setdefault(user_id, PasteBuffer(update.effective_chat.id, update.update_id))
    buffer.add(update.update_id, update.effective_message.text or "")
    for job in context.job_queue.get_jobs_by_name(f"paste:{user_id}"):
        job.schedule_removal()
    context.job_queue.run_once(
        flush_paste, services.config.paste_delay_seconds, chat_id=update.effective_chat.id, user_id=user_id, name=f"paste:{user_id}"
    )


async def flush_paste(context: ContextTypes.DEFAULT_TYPE) -> None:
    async with services_of(context).pipeline.working():
        await _flush_paste(context)


async def _flush_paste(context: ContextTypes.DEFAULT_TYPE) -> None:
    services = services_of(context)
    buffer = services.pastes.pop(context.job.user_id, None)
    if buffer is None:
        return
    text = buffer.text
    wait = services.config.fragment_wait_seconds
    text = await hold_or_join(context, context.job.user_id, buffer.chat_id, text, services.clock(), wait)
    if text is None:
        return  # part of a report pasted by hand in pieces: held until the rest comes
    if not looks_like_report(text):
        await services.pipeline.deliver.send_text(buffer.chat_id, say.SHORT_TEXT)
        return
    arrival = Arrival(Sender(context.job.user_id, buffer.chat_id), "paste", say.PASTED_TEXT, journal_id=buffer.update_id)
    await services.pipeline.receive(arrival, text.encode("utf-8"))


async def on_other(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if not await _is_bound(update, context):
        return
    await reply(update, say.PHOTO_NOT_READABLE if update.effective_message.photo else say.SHORT_TEXT)
