"""Telegram as a face of ``nianbao serve``: configured by TELEGRAM_BOT_TOKEN; started on the
shared office after its Bot API server is reachable, by long polling or a webhook."""

from __future__ import annotations

import dataclasses
import logging
import os
import secrets
from contextlib import AsyncExitStack

from ..config import Config
from ..usecases.faces import Face, FaceFailed
from ..usecases.office import Office
from .updates import RepeatLimiter

log = logging.getLogger("nianbao")


def _prepare(config: Config) -> Config:
    """A webhook without a secret would take forged updates: make one for the run."""
    if config.webhook_url and not config.webhook_secret:
        return dataclasses.replace(config, webhook_secret=secrets.token_urlsafe(32))
    return config


async def _start(office: Office):
    from .app import build_application, running
    from .reach import until_reachable
    from .webhook import GENERATED_SECRET, start_webhook

    config = office.config
    if not await until_reachable(config):
        raise FaceFailed(1)
    log.info("nianbao bot starting (database %s)", config.database)
    application = build_application(config, office.store, office=office)
    if config.webhook_url:
        if not os.environ.get("NIANBAO_WEBHOOK_SECRET"):  # made for this run (_prepare)
            log.warning(GENERATED_SECRET)
        return await start_webhook(application, config.webhook_url, config.webhook_listen, config.webhook_port, config.webhook_secret)
    stack = AsyncExitStack()
    await stack.enter_async_context(running(application))
    return stack.aclose


FACE = Face(
    "telegram",
    configured=lambda config: bool(config.token),
    start=_start,
    prepare=_prepare,
    secrets=lambda config: (config.token, config.webhook_secret),
    log_filters=(RepeatLimiter,),
)
