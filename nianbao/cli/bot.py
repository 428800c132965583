"""`nianbao serve` (every face that is configured, for real: Telegram with a token, 企业微信 with
its five settings, the web desk unless NIANBAO_WEB=off; nothing configured: exit 2, never a demo)
and `nianbao demo` (the local demo).
The composition root: the faces (each package's ``face.FACE``, found here) share one office —
store, files, worker pool, clock — and run on one event loop; no face starts another."""

from __future__ import annotations

import argparse
import logging
import sys

from .. import messages as say

log = logging.getLogger("nianbao")


def discover_faces() -> list:
    """Every face of the installed package: a subpackage with a ``face`` module declaring FACE;
    messengers first, the web desk last (chat faces may add its machine routes first)."""
    import importlib
    import importlib.util
    import pkgutil

    import nianbao

    faces = []
    for module in pkgutil.iter_modules(nianbao.__path__):
        name = f"nianbao.{module.name}.face"
        if module.ispkg and importlib.util.find_spec(name) is not None:
            faces.append(importlib.import_module(name).FACE)
    return sorted(faces, key=lambda face: (not face.chat, face.name))


def serve(config_path: str | None = None) -> int:
    """The configured faces on one office until SIGINT/SIGTERM; without a chat face configured,
    exit 2 with a message (never a demo)."""
    import asyncio  # here, not at the top: `nianbao check` starts without the event loop's modules

    from ..bot.app import configure_logging
    from ..config import load_config

    config = load_config(config_path)
    faces = [face for face in discover_faces() if face.configured(config)]
    if not faces:
        print(say.NO_TOKEN_MESSAGE, file=sys.stderr)
        return 2
    if not any(face.chat for face in faces):  # an office without a messenger: the desk alone, as `nianbao web`
        from .inputs import existing_database

        if existing_database(argparse.Namespace(config=config_path), say.web_no_database) is None:
            return 2
        print(say.WEB_ONLY, file=sys.stderr)
    for face in faces:  # before logging is set up, so that what they make is redacted too
        config = face.prepare(config)
    secrets = [secret for face in faces for secret in face.secrets(config)]
    configure_logging(config, *secrets, filters=[make for face in faces for make in face.log_filters])
    try:
        return asyncio.run(_serve(config, faces))
    except KeyboardInterrupt:
        return 0


async def _serve(config, faces) -> int:
    import asyncio
    import signal

    from ..storage import Store
    from ..usecases.faces import FaceFailed, settle
    from ..usecases.office import Office

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    store = Store(config.database, busy_timeout_ms=config.busy_timeout_ms)
    office = Office.open(config, store)
    stops = []

    async def start_all() -> None:
        for face in faces:
            stops.append(await face.start(office))

    async def start_all_then_settle() -> None:
        await start_all()
        settle()

    starting = asyncio.ensure_future(start_all_then_settle())
    stopping = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({starting, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if not starting.done():  # stopped while a face was still starting (waiting for Telegram)
            starting.cancel()
            await asyncio.gather(starting, return_exceptions=True)
            return 0
        starting.result()  # a face that failed to start
        await stopping
        return 0
    except FaceFailed as failed:
        return failed.status
    finally:
        stopping.cancel()
        for stop_face in reversed(stops):
            try:
                await stop_face()
            except Exception:  # noqa: BLE001 - the others still stop
                log.warning("a face did not stop cleanly", exc_info=True)
        office.shutdown()
        store.close()


def cmd_serve(args) -> int:
    return serve(args.config)


def cmd_demo(args) -> int:
    from ..bot.app import configure_logging
    from ..config import load_config
    from ..devtools.demo import run_demo  # the one import of devtools: the demo command

    config = load_config(args.config)
    configure_logging(config)
    if getattr(args, "wecom", False):
        from ..devtools.wecom.demo import run_wecom_demo  # the WeCom face against the local WeCom server

        return run_wecom_demo(config)
    return run_demo(config)


def add_commands(sub) -> None:
    serve_parser = sub.add_parser("serve", help="运行机器人（需要环境变量 TELEGRAM_BOT_TOKEN）")
    serve_parser.set_defaults(func=cmd_serve)

    demo = sub.add_parser("demo", help="本机演示：本地 Bot API 服务器 + 控制台对话（不需要 token）")
    demo.add_argument("--wecom", action="store_true", help="演示企业微信：本机模拟的企业微信服务器 + 控制台对话")
    demo.set_defaults(func=cmd_demo)
