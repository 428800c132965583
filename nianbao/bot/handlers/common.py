"""What every handler shares: the services, replies with retries, Telegram as a chat face (its
links that bind and its command menus), and the callback of every declared command: parse, call
the chat use cases (``usecases.chat``), render the replies."""

from __future__ import annotations

import dataclasses

from telegram import Bot, InputFile, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from ...roles import Rank
from ...usecases.chat import Reply, run_command
from ...usecases.people import Person
from ..delivery import with_retries
from ..menus import set_menu
from ..services import Services


def services_of(context: ContextTypes.DEFAULT_TYPE) -> Services:
    return context.application.bot_data["services"]


class TelegramFace:
    """What only Telegram does for the chat use cases."""

    name = "telegram"

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    def invite_link(self, code: str) -> str | None:
        return f"https://t.me/{self.bot.username}?start={code}"

    async def rank_changed(self, user_id: int, rank: Rank) -> None:
        await set_menu(self.bot, user_id, rank)


async def reply(update: Update, texts: str | list[str]) -> None:
    for text in [texts] if isinstance(texts, str) else texts:
        await with_retries(
            lambda: update.effective_message.reply_text(text, parse_mode=ParseMode.HTML, disable_web_page_preview=True)
        )


async def reply_file(update: Update, data: bytes, filename: str, caption: str, **options) -> None:
    """Send a generated file back in the chat (with retries); the name is ours, never the sender's."""
    document = InputFile(data, filename=filename)
    await with_retries(lambda: update.effective_message.reply_document(document, caption=caption, **options))


async def send_replies(update: Update, replies: list[Reply]) -> None:
    for item in replies:
        if item.text is not None:
            await reply(update, item.text)
        elif item.picture:
            photo = InputFile(item.data, filename=item.filename)
            await with_retries(lambda: update.effective_message.reply_photo(photo, caption=item.caption))
        else:
            options = {"parse_mode": ParseMode.HTML} if item.caption_html else {}
            await reply_file(update, item.data, item.filename, item.caption, **options)


async def person_of_update(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Person:
    """Who sent the update, named as Telegram names them until they are bound under a name."""
    person = await services_of(context).person(update.effective_user.id)
    return person if person.name else dataclasses.replace(person, name=update.effective_user.full_name)


def command_callback(name: str):
    """The PTB callback of the declared command ``name``."""

    async def callback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        services = services_of(context)
        person = await person_of_update(update, context)
        replies = await run_command(services.office, TelegramFace(context.bot), person, name, context.args or [])
        await send_replies(update, replies)

    callback.__name__ = callback.__qualname__ = f"{name}_command"
    return callback
