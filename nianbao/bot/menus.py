"""Telegram's command menus, per role, from the command table: everyone gets the members' menu;
each supervisor and admin gets theirs in their own chat (``BotCommandScopeChat``)."""

from __future__ import annotations

from ..roles import Rank

import logging

from telegram import Bot, BotCommand, BotCommandScopeChat, BotCommandScopeDefault
from telegram.error import TelegramError

from ..usecases.chat.registry import menu

log = logging.getLogger(__name__)


def _commands(role: Rank) -> list[BotCommand]:
    return [BotCommand(name, description) for name, description in menu(role)]


async def set_menus(bot: Bot, services) -> None:
    await bot.set_my_commands(_commands(Rank.MEMBER), scope=BotCommandScopeDefault())
    people = {user_id: Rank.SUPERVISOR for user_id in services.config.supervisors}
    people |= {m.user_id: Rank.SUPERVISOR for m in await services.db.list_members(role="supervisor")}
    people |= {user_id: Rank.ADMIN for user_id in services.config.admins}
    people |= {m.user_id: Rank.ADMIN for m in await services.db.list_members(role="admin")}
    for user_id, role in people.items():
        await set_menu(bot, user_id, role)


async def set_menu(bot: Bot, user_id: int, role: Rank) -> None:
    """The menu of one person whose role is above a member's (after /promote or an invite)."""
    if user_id <= 0:  # a web-only account: no Telegram chat
        return
    try:
        await bot.set_my_commands(_commands(role), scope=BotCommandScopeChat(user_id))
    except TelegramError as error:  # a chat Telegram does not know yet (they never wrote to the bot)
        log.info("no command menu for %s: %s", user_id, error)
