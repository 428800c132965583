"""Can the bot reach its Bot API server (Telegram's cloud or a self-hosted one)? Asked before
the bot starts, and by `nianbao doctor`.

A county network that cannot reach api.telegram.org must not produce a 215-line traceback and a
restart every 5 seconds: `serve` says so in one line (Chinese and English) and tries again with
a growing pause until the server answers.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from telegram import Bot
from telegram.error import InvalidToken, NetworkError, TelegramError, TimedOut

from .. import messages as say
from ..config import Config
from .client import http_request

log = logging.getLogger("nianbao")

FIRST_PAUSE_SECONDS = 5.0
LONGEST_PAUSE_SECONDS = 300.0
PROBE_TIMEOUT_SECONDS = 10.0
TELEGRAM = "https://api.telegram.org"


@dataclass(frozen=True)
class Reach:
    ok: bool
    server: str  # where the bot looked, without the token
    detail: str  # the bot's @username when ok, else what went wrong (Chinese / English)
    fatal: bool = False  # a refused token: trying again does not help


def api_server(config: Config) -> str:
    return (config.api_base_url or TELEGRAM).removesuffix("/bot").rstrip("/")


async def probe(config: Config, timeout: float = PROBE_TIMEOUT_SECONDS) -> Reach:
    """One getMe call against the configured server."""
    server = api_server(config)
    if not config.token:
        return Reach(False, server, say.REACH_NO_TOKEN, fatal=True)
    kwargs = {"base_url": config.api_base_url} if config.api_base_url else {}
    kwargs["request"] = http_request(connect_timeout=timeout, read_timeout=timeout, write_timeout=timeout)
    try:
        async with Bot(config.token, **kwargs) as bot:  # initialize() is itself a getMe call
            me = bot.bot
        return Reach(True, server, f"@{me.username}")
    except InvalidToken:
        return Reach(False, server, say.REACH_TOKEN_REJECTED, fatal=True)
    except (TimedOut, NetworkError) as exc:
        return Reach(False, server, _network_reason(exc))
    except TelegramError as exc:
        return Reach(False, server, say.reach_refused(exc.message))


def _network_reason(exc: Exception) -> str:
    cause = exc.__cause__ or exc.__context__
    reason = type(cause).__name__ if cause is not None else type(exc).__name__
    return say.reach_connection_failed(reason)


def unreachable_line(reach: Reach, pause: float | None) -> str:
    return say.unreachable(reach.server, reach.detail, pause)


async def until_reachable(
    config: Config,
    *,
    first_pause: float = FIRST_PAUSE_SECONDS,
    longest_pause: float = LONGEST_PAUSE_SECONDS,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> bool:
    """Wait until the Bot API server answers; one log line per failed attempt, the pause
    doubling up to ``longest_pause``. False for a refused token. Cancelled with ``nianbao serve``
    (a SIGTERM while Telegram cannot be reached stops it at once)."""
    pause = first_pause
    while True:
        reach = await probe(config)
        if reach.ok:
            log.info("Bot API server %s reachable as %s", reach.server, reach.detail)
            return True
        if reach.fatal:
            log.error(unreachable_line(reach, None))
            return False
        log.warning(unreachable_line(reach, pause))
        await sleep(pause)
        pause = min(pause * 2, longest_pause)


def wait_until_reachable(
    config: Config,
    *,
    first_pause: float = FIRST_PAUSE_SECONDS,
    longest_pause: float = LONGEST_PAUSE_SECONDS,
    sleep: Callable[[float], None] = time.sleep,
) -> bool:
    """``until_reachable`` for a caller without an event loop, with a blocking ``sleep``."""

    async def pause(seconds: float) -> None:
        sleep(seconds)

    return asyncio.run(until_reachable(config, first_pause=first_pause, longest_pause=longest_pause, sleep=pause))
