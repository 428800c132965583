"""Wire the bot once: configuration, storage, services, handlers, reminders; then run it."""

from __future__ import annotations

import logging
import os
import secrets
import sys
from dataclasses import replace
from urllib.parse import quote
from contextlib import asynccontextmanager
from typing import AsyncIterator, Callable

from telegram.ext import Application, ApplicationBuilder

from .. import messages as say
from ..storage import Store
from ..web.server import WEB_CONFIG_KEY, start_beside_bot, stop_beside_bot
from ..config import Config, load_config
from .delivery import TelegramDeliver
from .handlers import register_handlers, schedule_draft_jobs
from .menus import set_menus
from .services import Services
from .reminders import schedule_reminders
from .guards import register_guards
from .updates import RepeatLimiter, tolerant_bot
from .webhook import GENERATED_SECRET, run_webhook

log = logging.getLogger("nianbao")


async def _post_init(application: Application) -> None:
    await set_menus(application.bot, application.bot_data["services"])
    schedule_reminders(application)
    schedule_draft_jobs(application)
    await start_beside_bot(application)  # the web desk, when serve or the demo asked for it


async def _post_shutdown(application: Application) -> None:
    await stop_beside_bot(application)
    application.bot_data["services"].shutdown()


def build_application(config: Config, store: Store, clock: Callable | None = None) -> Application:
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
    application.bot_data["services"] = Services.create(config, store, TelegramDeliver(application.bot), clock, spawn)
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


def _configure_logging(config) -> None:
    level = os.environ.get("NIANBAO_LOG_LEVEL", "INFO").upper()
    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s", level=level)
    if level != "DEBUG":
        logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request otherwise
    for handler in logging.getLogger().handlers:
        handler.addFilter(RedactSecrets(config.token, config.webhook_secret))
        handler.addFilter(RepeatLimiter())


def serve(config_path: str | None = None) -> int:
    """Run the bot for real; without a token, exit 2 with a message (never a demo)."""
    config = load_config(config_path)
    if not config.token:
        print(say.NO_TOKEN_MESSAGE, file=sys.stderr)
        return 2
    generate_secret = bool(config.webhook_url and not config.webhook_secret)
    if generate_secret:  # before logging is set up, so that it is redacted too
        config = replace(config, webhook_secret=secrets.token_urlsafe(32))
    _configure_logging(config)
    from .reach import wait_until_reachable

    if not wait_until_reachable(config):
        return 1
    store = Store(config.database, busy_timeout_ms=config.busy_timeout_ms)
    log.info("nianbao bot starting (database %s)", config.database)
    application = build_application(config, store)
    application.bot_data[WEB_CONFIG_KEY] = config.web
    try:
        if config.webhook_url:
            if generate_secret:
                log.warning(GENERATED_SECRET)
            run_webhook(application, config.webhook_url, config.webhook_listen, config.webhook_port, config.webhook_secret)
        else:
            application.run_polling(drop_pending_updates=False)
    finally:
        store.close()
    return 0


def demo(config_path: str | None = None) -> int:
    """The local demo: the real bot against a local Bot API server, with a console chat."""
    from ..devtools.demo import run_demo

    config = load_config(config_path)
    _configure_logging(config)
    return run_demo(config)
