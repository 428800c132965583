"""`nianbao serve` (every face that is configured, for real) and `nianbao demo` (the local demo).
The composition root: the faces share one office (store, files, worker pool, clock) and run on
one event loop; no face starts another."""

from __future__ import annotations

import dataclasses
import logging
import secrets
import sys

from .. import messages as say

log = logging.getLogger("nianbao")


def serve(config_path: str | None = None) -> int:
    """The bot (and the web desk beside it, unless turned off); without a token, exit 2 with a
    message (never a demo)."""
    from ..bot.app import build_application, configure_logging, run_bot
    from ..bot.reach import wait_until_reachable
    from ..config import load_config
    from ..storage import Store
    from ..usecases.office import Office
    from ..web.server import DeskBesideBot

    config = load_config(config_path)
    if not config.token:
        print(say.NO_TOKEN_MESSAGE, file=sys.stderr)
        return 2
    generated_secret = bool(config.webhook_url and not config.webhook_secret)
    if generated_secret:  # before logging is set up, so that it is redacted too
        config = dataclasses.replace(config, webhook_secret=secrets.token_urlsafe(32))
    configure_logging(config)
    if not wait_until_reachable(config):
        return 1
    store = Store(config.database, busy_timeout_ms=config.busy_timeout_ms)
    log.info("nianbao bot starting (database %s)", config.database)
    office = Office.open(config, store)
    desk = DeskBesideBot(office, config.web)
    application = build_application(config, store, office=office, companions=((desk.start, desk.stop),))
    try:
        run_bot(application, config, generated_secret)
    finally:
        store.close()
    return 0


def cmd_serve(args) -> int:
    return serve(args.config)


def cmd_demo(args) -> int:
    from ..bot.app import configure_logging
    from ..config import load_config
    from ..devtools.demo import run_demo  # the one import of devtools: the demo command

    config = load_config(args.config)
    configure_logging(config)
    return run_demo(config)


def add_commands(sub) -> None:
    serve_parser = sub.add_parser("serve", help="运行机器人（需要环境变量 TELEGRAM_BOT_TOKEN）")
    serve_parser.set_defaults(func=cmd_serve)

    demo = sub.add_parser("demo", help="本机演示：本地 Bot API 服务器 + 控制台对话（不需要 token）")
    demo.set_defaults(func=cmd_demo)
