"""Sending with retries: Telegram answers 429 (flood control, with ``retry_after``), 5xx, or
times out, and a review must still arrive.

429 and 5xx mean the message was not sent, so a retry cannot duplicate it. A timeout is
ambiguous (the message may have gone out); we retry anyway, because a lost review is worse
than a repeated one. A 400 (our bug) or 403 (the user blocked the bot) is not retried.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import warnings
from typing import Any, Awaitable, Callable, TypeVar

from telegram import Bot, InputFile, LinkPreviewOptions
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from ..drafts import DeliveryFailed, DeliveryRefused, RecipientGone

log = logging.getLogger(__name__)

T = TypeVar("T")

ATTEMPTS = 6
FIRST_BACKOFF = 0.5  # seconds; doubled after each failure
MAX_WAIT = 60.0  # never sleep longer than this at once, whatever retry_after says
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)  # what PTB makes of disable_web_page_preview=True


def _retry_after_seconds(error: RetryAfter) -> float:
    with warnings.catch_warnings():  # PTB 22 warns that the int will become a timedelta
        warnings.simplefilter("ignore")
        value = error.retry_after
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


async def with_retries(
    call: Callable[[], Awaitable[T]],
    *,
    attempts: int | None = None,
    backoff: float | None = None,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> T:
    """Await ``call()`` until it succeeds; raise DeliveryFailed after ``attempts`` failures."""
    attempts = attempts or ATTEMPTS
    delay = FIRST_BACKOFF if backoff is None else backoff
    for attempt in range(1, attempts + 1):
        try:
            return await call()
        except (BadRequest, Forbidden):
            raise
        except RetryAfter as error:
            wait = min(_retry_after_seconds(error), MAX_WAIT)
        except NetworkError as error:  # 5xx and timeouts (TimedOut is a NetworkError)
            wait, delay = delay, min(delay * 2, MAX_WAIT)
            log.info("send failed (%s), attempt %d of %d", type(error).__name__, attempt, attempts)
        if attempt == attempts:
            break
        await sleep(wait)
    raise DeliveryFailed(f"gave up after {attempts} attempts")


class TelegramDeliver:
    """The draft pipeline's ``Deliver`` for Telegram: sends with retries, and turns a 403 (the user
    blocked the bot) and a 400 (Telegram refused what we sent) into the pipeline's own errors."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def send_text(self, chat_id: int, text: str) -> None:
        await self._send(lambda: self._quietly(
            "sendMessage", chat_id=chat_id, text=text, parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW))

    async def send_document(self, chat_id: int, data: bytes, filename: str, caption: str) -> None:
        await self._send(lambda: self._quietly("sendDocument", chat_id=chat_id, document=InputFile(data, filename=filename), caption=caption))

    async def _quietly(self, endpoint: str, **params: Any) -> Any:
        """Send as PTB's ``send_message``/``send_document`` would, without making a Message of
        the answer when the bot can (``TolerantBot.send_quietly``): the pipeline never reads it."""
        quietly = getattr(self.bot, "send_quietly", None)
        if quietly is not None:
            return await quietly(endpoint, **params)
        send = self.bot.send_message if endpoint == "sendMessage" else self.bot.send_document
        return await send(**params)

    async def notify_plainly(self, chat_id: int, text: str) -> None:
        try:
            await with_retries(lambda: self.bot.send_message(chat_id, text), attempts=2)
        except (DeliveryFailed, TelegramError):
            log.warning("could not tell chat %s about its draft", chat_id)

    async def download(self, file_id: str) -> bytes:
        by_id = getattr(self.bot, "download_by_id", None)
        if by_id is not None:
            return await self._send(lambda: by_id(file_id))
        telegram_file = await self._send(lambda: self.bot.get_file(file_id))
        return bytes(await self._send(telegram_file.download_as_bytearray))

    async def working(self, chat_id: int) -> None:
        try:
            await self.bot.send_chat_action(chat_id, ChatAction.TYPING)
        except TelegramError:
            pass  # only a courtesy

    @staticmethod
    async def _send(call: Callable[[], Awaitable[T]]) -> T:
        try:
            return await with_retries(call)
        except Forbidden as error:
            raise RecipientGone(str(error)) from error
        except BadRequest as error:
            raise DeliveryRefused(f"refused by Telegram: {error}") from error
