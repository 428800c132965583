"""Webhook mode: Telegram POSTs each update to ``/telegram``; a request counts only when it
carries the secret token given to Telegram with ``setWebhook`` (compared in constant time).

Without ``NIANBAO_WEBHOOK_SECRET`` a random secret is made for the run (and the log says so):
a webhook without one would take forged updates from anyone who can reach the port, such as a
supervisor's ``/invite`` answered into an attacker's chat. Updates are decoded like polled
ones (``updates.decoded``): one the bot cannot read is skipped and answered 200, so Telegram
does not send it again and again."""

from __future__ import annotations

import hmac
import logging
from functools import partial

from aiohttp import web
from telegram import Update
from telegram.ext import Application

from .updates import decoded

log = logging.getLogger(__name__)

PATH = "/telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY_BYTES = 1024 * 1024  # an update is a few kilobytes; files come by getFile, not here


GENERATED_SECRET = (
    "NIANBAO_WEBHOOK_SECRET is not set: using a random secret for this run "
    "(Telegram gets it with setWebhook; requests without it are refused)"
)


async def _receive(application: Application, secret: bytes, request: web.Request) -> web.Response:
    given = request.headers.get(SECRET_HEADER, "").encode()
    if not hmac.compare_digest(given, secret):
        log.warning("refused a webhook request without the right secret token")
        return web.Response(status=403)
    try:
        data = await request.json()
    except web.HTTPException as error:  # the body is too large
        return web.Response(status=error.status)
    except ValueError:
        return web.Response(status=400)
    update = decoded(data, application.bot)
    if update is not None:
        await application.update_queue.put(update)
    return web.Response()


async def start_webhook(application: Application, url: str, listen: str, port: int, secret: str):
    """Receive updates at ``listen:port`` ``/telegram`` until the returned ``stop()`` is awaited."""
    receiver = web.Application(client_max_size=MAX_BODY_BYTES)
    receiver.router.add_post(PATH, partial(_receive, application, secret.encode()))
    runner = web.AppRunner(receiver, access_log=None)
    await runner.setup()
    await application.initialize()
    if application.post_init:
        await application.post_init(application)
    await application.bot.set_webhook(url, secret_token=secret, allowed_updates=Update.ALL_TYPES)
    await application.start()
    await web.TCPSite(runner, listen, port).start()
    log.info("receiving updates at %s:%s%s", listen, port, PATH)

    async def stop() -> None:
        await runner.cleanup()
        await application.stop()
        if application.post_stop:
            await application.post_stop(application)
        await application.shutdown()
        if application.post_shutdown:
            await application.post_shutdown(application)

    return stop
