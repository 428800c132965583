"""Wire the bot once: configuration, storage, services, handlers, reminders; then run it."""

from __future__ import annotations

import logging
import os
from contextlib import asynccontextmanager
from typing import AsyncIterator, Callable

from telegram.ext import Application, ApplicationBuilder

from ..config import Config
from ..storage import Store
from ..usecases.faces import RedactSecrets
from ..usecases.office import Office
from .delivery import TelegramDeliver
from .handlers import register_handlers, schedule_draft_jobs
from .menus import set_menus
from .services import Services
from .reminders import schedule_reminders
from .guards import register_guards
from .updates import RepeatLimiter, tolerant_bot

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


def configure_logging(config, *secrets: str | None, filters=()) -> None:
    """Log lines for the operator: the level from NIANBAO_LOG_LEVEL, every secret redacted, the
    same line repeated at most once a minute."""
    level = os.environ.get("NIANBAO_LOG_LEVEL", "INFO").upper()
    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s", level=level)
    if level != "DEBUG":
        logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request otherwise
    for handler in logging.getLogger().handlers:
        handler.addFilter(RedactSecrets(config.token, config.webhook_secret, *secrets))
        handler.addFilter(RepeatLimiter())
        for make in filters:
            handler.addFilter(make())
