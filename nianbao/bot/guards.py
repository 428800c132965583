"""Gates every update passes before (and one after) the handlers, so that no handler needs to
think about them:

- the bot serves private chats only: added to a group or a channel, it says so once and leaves,
  and nothing it handles (drafts, codes, history, reviews) is ever sent anywhere but the private
  chat of the user who asked, which in a private chat is the user's own id;
- an edited message is never acted upon (an edit of ``/status`` does not run it again);
- throttles beyond drafts: invite attempts per user (failures are logged, without the code),
  replies to people who are not bound, and the same command sent again and again.

What they say is in ``nianbao.messages`` (``access``).
"""

from __future__ import annotations

import asyncio
import logging
import time

from telegram import Update
from telegram.constants import ChatType, ParseMode
from telegram.ext import Application, ApplicationHandlerStop, ContextTypes, TypeHandler

from .. import messages as say
from ..drafts.ratelimit import RateLimiter

log = logging.getLogger(__name__)

INVITE_ATTEMPTS, INVITE_WINDOW = 5, 600.0  # /start with a code, per user
UNBOUND_REPLIES, UNBOUND_WINDOW = 5, 600.0  # answers to someone not bound, per user
SAME_COMMAND, SAME_COMMAND_WINDOW = 10, 60.0  # one command text, per user (a supervisor refreshing /status is fine)
NOTICED_GROUPS_KEPT = 1000
BOUND_CACHE_SECONDS, USERS_KEPT = 300.0, 10_000


class Throttles:
    def __init__(self) -> None:
        self.invites = RateLimiter(INVITE_ATTEMPTS, INVITE_WINDOW)
        self.unbound = RateLimiter(UNBOUND_REPLIES, UNBOUND_WINDOW)
        self.commands: dict[str, RateLimiter] = {}
        self.told: set[tuple[str, int]] = set()  # (throttle, user) told once until it lifts
        self.noticed_groups: dict[int, None] = {}
        self._bound_until: dict[int, float] = {}
        self._lookups: dict[int, asyncio.Lock] = {}

    async def is_bound(self, services, user_id: int) -> bool:
        """Whether the user is bound (only to decide whom to throttle: the handlers check the
        role themselves). A burst from one user waits for one lookup, in arrival order, so
        that a long paste's parts still reach the handlers in the order they were sent."""
        if self._bound_until.get(user_id, 0.0) > time.monotonic():
            return True
        lock = self._lookups.setdefault(user_id, asyncio.Lock())
        async with lock:
            if self._bound_until.get(user_id, 0.0) > time.monotonic():
                return True
            bound = await services.role_of(user_id) is not None
            if bound:
                self._bound_until[user_id] = time.monotonic() + BOUND_CACHE_SECONDS
        for kept in (self._bound_until, self._lookups):
            while len(kept) > USERS_KEPT:
                kept.pop(next(iter(kept)))
        return bound

    def same_command(self, user_id: int, text: str) -> int:
        key = " ".join(text.split())[:200]
        limiter = self.commands.setdefault(key, RateLimiter(SAME_COMMAND, SAME_COMMAND_WINDOW))
        if len(self.commands) > 10_000:  # a flood of distinct commands: forget the oldest
            self.commands.pop(next(iter(self.commands)))
        return limiter.wait_needed(user_id)


def _throttles(context: ContextTypes.DEFAULT_TYPE) -> Throttles:
    return context.application.bot_data.setdefault("throttles", Throttles())


async def _leave(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat, throttles = update.effective_chat, _throttles(context)
    if chat.id in throttles.noticed_groups:
        return
    throttles.noticed_groups[chat.id] = None
    while len(throttles.noticed_groups) > NOTICED_GROUPS_KEPT:
        throttles.noticed_groups.pop(next(iter(throttles.noticed_groups)))
    log.info("left a %s chat: the bot serves private chats only", chat.type)
    try:
        if chat.type != ChatType.CHANNEL:
            await context.bot.send_message(chat.id, say.GROUP_NOTICE)
        await context.bot.leave_chat(chat.id)
    except Exception:  # noqa: BLE001 - removed meanwhile, or no right to post: nothing to do
        log.warning("could not leave a %s chat", chat.type, exc_info=True)


async def _say_once(update: Update, throttles: Throttles, name: str, text: str) -> None:
    key = (name, update.effective_user.id)
    if key in throttles.told:
        return
    throttles.told.add(key)
    await update.effective_message.reply_text(text, parse_mode=ParseMode.HTML)


def _is_start_with_code(text: str) -> bool:
    words = text.split()
    return len(words) >= 2 and words[0].split("@")[0] == "/start"


async def before(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.edited_message is not None or update.edited_channel_post is not None:
        raise ApplicationHandlerStop
    chat, user = update.effective_chat, update.effective_user
    if chat is not None and chat.type != ChatType.PRIVATE:
        await _leave(update, context)
        raise ApplicationHandlerStop
    if chat is not None and user is not None and chat.id != user.id:
        raise ApplicationHandlerStop  # not a real private chat: never answer into someone else's
    message = update.message
    if user is None or message is None:
        return
    throttles, text = _throttles(context), message.text or ""
    if _is_start_with_code(text):
        wait = throttles.invites.wait_needed(user.id)
        if wait:
            log.warning("invite attempts of user %s held back (%s in %d minutes)", user.id, INVITE_ATTEMPTS, INVITE_WINDOW // 60)
            await _say_once(update, throttles, "invite", say.TOO_MANY_INVITE_ATTEMPTS.format(minutes=max(1, wait // 60)))
            raise ApplicationHandlerStop
        throttles.told.discard(("invite", user.id))
        return
    if not await throttles.is_bound(context.application.bot_data["services"], user.id):
        if throttles.unbound.wait_needed(user.id):
            raise ApplicationHandlerStop  # told often enough how to join
        return
    if text.startswith("/"):
        if throttles.same_command(user.id, text):
            await _say_once(update, throttles, "command", say.REPEATED_COMMAND)
            raise ApplicationHandlerStop
        throttles.told.discard(("command", user.id))


async def after(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log an invite code that was refused (who, not the code)."""
    message, user = update.message, update.effective_user
    if message is None or user is None or not _is_start_with_code(message.text or ""):
        return
    services = context.application.bot_data["services"]
    code = message.text.split()[1]
    invite = await services.db.get_invite(code)
    if invite is None or invite.used_by != user.id:
        log.warning("an invite code sent by user %s was refused", user.id)


def register_guards(application: Application) -> None:
    application.add_handler(TypeHandler(Update, before), group=-1)
    application.add_handler(TypeHandler(Update, after), group=1)
