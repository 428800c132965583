"""Wire the bot once: configuration, storage, services, handlers, reminders; then run it."""

from __future__ import annotations

import logging
import os
from urllib.parse import quote
from contextlib import asynccontextmanager
from typing import AsyncIterator, Callable

from telegram.ext import Application, ApplicationBuilder

from ..config import Config
from ..storage import Store
from ..usecases.office import Office
from .delivery import TelegramDeliver
from .handlers import register_handlers, schedule_draft_jobs
from .menus import set_menus
from .services import Services
from .reminders import schedule_reminders
from .guards import register_guards
from .updates import RepeatLimiter, tolerant_bot
from .webhook import GENERATED_SECRET, run_webhook

log = logging.getLogger("nianbao")


COMPANIONS_KEY = "companions"  # what runs beside the bot on its loop (the web desk): start and stop


async def _post_init(application: Application) -> None:
    await set_menus(application.bot, application.bot_data["services"])
    schedule_reminders(application)
    schedule_draft_jobs(application)
    for start, _ in application.bot_data[COMPANIONS_KEY]:
        await start()


async def _post_shutdown(application: Application) -> None:
    for _, stop in reversed(application.bot_data[COMPANIONS_KEY]):
        await stop()
    application.bot_data["services"].shutdown()


def build_application(
    config: Config,
    store: Store,
    clock: Callable | None = None,
    *,
    office: Office | None = None,
    companions: tuple[tuple[Callable, Callable], ...] = (),
) -> Application:
    """The bot on ``store`` (its own office, or the one it shares with other faces), with
    ``companions``: (start, stop) coroutine functions run on its loop after it starts and
    before it stops (the web desk under ``nianbao serve``)."""
    if not config.token:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    builder = (
        ApplicationBuilder()
        .bot(tolerant_bot(config))
        .concurrent_updates(64)
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
    )
    application = builder.build()
    spawn = lambda coroutine: application.create_task(coroutine, update=None)  # noqa: E731
    application.bot_data["services"] = Services.create(config, store, TelegramDeliver(application.bot), clock, spawn, office)
    application.bot_data[COMPANIONS_KEY] = list(companions)
    register_handlers(application)
    register_guards(application)
    return application


@asynccontextmanager
async def running(application: Application, poll_timeout: float = 10) -> AsyncIterator[Application]:
    """Run inside an existing event loop (tests, the demo); run_polling does the same for serve."""
    async with application:
        await _post_init(application)
        await application.start()
        await application.updater.start_polling(poll_interval=0.0, timeout=poll_timeout)
        try:
            yield application
        finally:
            await application.updater.stop()
            await application.stop()
            await _post_shutdown(application)


class RedactSecrets(logging.Filter):
    """The token is part of every Bot API URL, which httpx and PTB log (and exceptions quote)."""

    def __init__(self, *secrets: str | None) -> None:
        super().__init__()
        self.secrets = sorted({form for s in secrets if s for form in (s, quote(s, safe=""))}, key=len, reverse=True)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        for secret in self.secrets:
            message = message.replace(secret, "[REDACTED]")
            if record.exc_text:
                record.exc_text = record.exc_text.replace(secret, "[REDACTED]")
        record.msg, record.args = message, ()
        return True


def configure_logging(config) -> None:
    level = os.environ.get("NIANBAO_LOG_LEVEL", "INFO").upper()
    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s", level=level)
    if level != "DEBUG":
        logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request otherwise
    for handler in logging.getLogger().handlers:
        handler.addFilter(RedactSecrets(config.token, config.webhook_secret))
        handler.addFilter(RepeatLimiter())


def run_bot(application: Application, config: Config, generated_secret: bool) -> None:
    """Talk to Telegram until stopped: by webhook when one is configured, else long polling."""
    if config.webhook_url:
        if generated_secret:
            log.warning(GENERATED_SECRET)
        run_webhook(application, config.webhook_url, config.webhook_listen, config.webhook_port, config.webhook_secret)
    else:
        application.run_polling(drop_pending_updates=False)
