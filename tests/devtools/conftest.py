"""Fixtures: a LocalBotApi server and a real python-telegram-bot echo bot on top of it."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from nianbao.devtools import LocalBotApi


async def _start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    name = update.effective_user.first_name
    await update.message.reply_html(f"<b>欢迎使用</b>，{name} &amp; 同事")


async def _echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    context.application.bot_data.setdefault("seen", []).append(update.message.text)
    await update.message.reply_text(f"收到：{update.message.text}")


async def _document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    document = update.message.document
    file = await document.get_file()
    data = await file.download_as_bytearray()
    digest = hashlib.sha256(data).hexdigest()
    await update.message.reply_text(f"{document.file_name} {len(data)} {digest}")
    await update.message.reply_document(document.file_id, caption="原件")


async def _send_file(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_chat.send_action("upload_document")
    await update.message.reply_document(
        "审核意见\n".encode() * 100, filename="审核意见.txt", caption="<i>审核意见</i>",
        parse_mode="HTML",
    )


async def _menu(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("通过", callback_data="approve")]])
    await update.message.reply_text("请审批", reply_markup=keyboard)


async def _button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    await query.answer("已处理")
    await query.edit_message_text(f"已审批：{query.data}")


def build_echo_app(api: LocalBotApi) -> Application:
    """A real PTB Application wired to the local server with small handlers."""
    app = (
        ApplicationBuilder()
        .token(api.token)
        .base_url(api.base_url)
        .base_file_url(api.base_file_url)
        .get_updates_read_timeout(3)
        .build()
    )
    app.add_handler(CommandHandler("start", _start))
    app.add_handler(CommandHandler("file", _send_file))
    app.add_handler(CommandHandler("menu", _menu))
    app.add_handler(CallbackQueryHandler(_button))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, _echo))
    app.add_handler(MessageHandler(filters.Document.ALL, _document))
    return app


@asynccontextmanager
async def polling(app: Application) -> AsyncIterator[Application]:
    """Run ``app`` with long polling; stopping confirms the fetched updates."""
    await app.initialize()
    await app.start()
    await app.updater.start_polling(timeout=1, poll_interval=0)
    try:
        yield app
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()


@pytest.fixture
async def api() -> AsyncIterator[LocalBotApi]:
    async with LocalBotApi() as server:
        yield server


@pytest.fixture
async def echo_bot(api: LocalBotApi) -> AsyncIterator[Application]:
    async with polling(build_echo_app(api)) as app:
        yield app


@pytest.fixture
def make_echo_app():
    """Factory fixture: ``make_echo_app(api)`` -> unstarted echo Application."""
    return build_echo_app


@pytest.fixture
def run_polling():
    """``async with run_polling(app):`` runs an Application with long polling."""
    return polling


@pytest.fixture
async def bot(api: LocalBotApi) -> AsyncIterator[Bot]:
    """A bare PTB Bot client (no polling) for direct method calls."""
    async with Bot(api.token, base_url=api.base_url, base_file_url=api.base_file_url) as client:
        yield client
