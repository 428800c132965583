"""Telegram's handlers: every declared command (``usecases.chat.registry``) answered by the chat
use cases (``common.command_callback``), drafts (a file, a paste in parts), and the draft
pipeline's jobs."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import Application, CommandHandler, ContextTypes, MessageHandler, filters

from ... import messages as say
from ...usecases.chat import COMMANDS, unknown_command as unknown_command_text
from .common import command_callback, reply
from .drafts import on_document, on_other, on_text
from .jobs import purge_files, recover_drafts, schedule_draft_jobs

__all__ = ["purge_files", "recover_drafts", "register_handlers", "schedule_draft_jobs"]

log = logging.getLogger(__name__)


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await reply(update, unknown_command_text(update.effective_message.text or ""))


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    log.error("error while handling an update", exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat:
        try:
            await context.bot.send_message(update.effective_chat.id, say.ERROR_NOTICE)
        except Exception:  # the error may be the network itself
            log.warning("could not tell the user about the error", exc_info=True)


def register_handlers(application: Application) -> None:
    # only new messages: an edited message is not a new draft
    new = filters.UpdateType.MESSAGE
    # drafts do not block the update queue: a supervisor's /status is answered during a burst;
    # first, as no command is a file: a burst of drafts is not asked of every command handler
    application.add_handler(MessageHandler(new & filters.Document.ALL, on_document, block=False))
    for declared in COMMANDS:
        application.add_handler(CommandHandler(declared.name, command_callback(declared.name)))
    application.add_handler(MessageHandler(new & filters.TEXT & ~filters.COMMAND, on_text))
    application.add_handler(MessageHandler(new & filters.COMMAND, unknown_command))
    application.add_handler(MessageHandler(new & ~filters.COMMAND, on_other))
    application.add_error_handler(on_error)
