"""Running the web desk: inside ``nianbao serve`` and the demo (beside the bot, on the same event
loop and office: store, files, worker pool), or alone with ``nianbao web`` for an office without
Telegram."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from dataclasses import dataclass, replace

from aiohttp import web

from ..config import Config, WebConfig
from ..drafts import RecipientGone
from ..storage import Store
from ..usecases.faces import settle
from ..usecases.office import Office
from . import texts
from .app import create_app
from .desk import Desk

log = logging.getLogger(__name__)


RECOVERY_INTERVAL_SECONDS = 60  # uploads journalled but unanswered (a crash mid-check) are finished this often


class QuietDeliver:
    """The pipeline's ``Deliver`` for the web: a browser reads the result from storage (the draft's
    page), so nothing is pushed; an upload always comes with its bytes, so nothing is downloaded."""

    async def send_text(self, chat_id: int, text: str) -> None:
        return None

    async def send_document(self, chat_id: int, data: bytes, filename: str, caption: str) -> None:
        return None

    async def notify_plainly(self, chat_id: int, text: str) -> None:
        return None

    async def download(self, file_id: str) -> bytes:
        raise RecipientGone("a web upload has no file to download")

    async def working(self, chat_id: int) -> None:
        return None


@dataclass
class RunningDesk:
    desk: Desk
    runner: web.AppRunner
    url: str
    recovery: asyncio.Task | None = None

    async def stop(self) -> None:
        if self.recovery is not None:
            self.recovery.cancel()
        await self.runner.cleanup()
        self.desk.close()


async def _recover_uploads(desk: Desk) -> None:
    while True:
        try:
            await desk.pipeline.recover()
        except Exception:  # noqa: BLE001 - the next round tries again
            log.warning("web desk: recovering journalled uploads failed", exc_info=True)
        await asyncio.sleep(RECOVERY_INTERVAL_SECONDS)


async def start_desk(desk: Desk) -> RunningDesk:
    """Serve ``desk`` on its host and port (port 0: any free one); the address it listens on."""
    secret = await desk.run(desk.store.web_secret)
    runner = web.AppRunner(create_app(desk, secret), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, desk.web.host, desk.web.port)
    try:
        await site.start()
    except OSError:  # the port is taken, the host is not this machine's: nothing is left listening
        await runner.cleanup()
        raise
    host, port = runner.addresses[0][:2]
    url = desk.web.public_url or f"http://{host}:{port}"
    if desk.web.port == 0 and not desk.web.public_url:  # links must name the port really used
        desk.web = replace(desk.web, port=port)
    desk.office.web_url = url
    log.info("web desk at %s", url)
    return RunningDesk(desk, runner, url, asyncio.get_running_loop().create_task(_recover_uploads(desk)))


def build_desk(office: Office, web_config: WebConfig | None = None, owns_office: bool = False) -> Desk:
    """The desk on the office it shares with the other faces (its own draft pipeline: uploads
    are answered on the page, never pushed); ``owns_office``: the desk alone, shutting it down."""
    pipeline = office.pipeline(QuietDeliver(), kinds=("upload",))
    return Desk(office, web_config or office.config.web, pipeline, owns_office)


def run_web(config: Config) -> int:
    """``nianbao web``: the desk alone, no Telegram token needed, on an existing database."""
    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s", level=logging.INFO)
    store = Store(config.database, busy_timeout_ms=config.busy_timeout_ms)
    web_config = replace(config.web, enabled=True)
    try:
        asyncio.run(_serve_alone(build_desk(Office.open(config, store), web_config, owns_office=True)))
    except KeyboardInterrupt:
        pass
    except OSError as error:  # raised by binding only: a taken port or a wrong host, said in one line
        print(texts.not_started(web_config.host, web_config.port, error), file=sys.stderr)
        return 2
    finally:
        store.close()
    return 0


async def _serve_alone(desk: Desk) -> None:
    try:
        running = await start_desk(desk)
    except OSError:
        desk.close()
        raise
    settle()
    print(f"年报审核助手网页版：{running.url}（按 Ctrl+C 停止）", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        await stop.wait()
    finally:
        await running.stop()


class DeskBesideBot:
    """The desk as a companion of the chat bot under ``nianbao serve`` and the demo: started on
    the bot's loop, on the same office; when its port is taken the bot keeps running."""

    def __init__(self, office: Office, web_config: WebConfig) -> None:
        self.office, self.web_config = office, web_config
        self.running: RunningDesk | None = None

    async def start(self) -> None:
        if not self.web_config.enabled:
            return
        desk = build_desk(self.office, self.web_config)
        try:
            self.running = await start_desk(desk)
        except OSError as error:  # the operator reads why the desk did not start
            host, port = self.web_config.host, self.web_config.port
            log.error("%s / web desk not started on %s:%s: %s (set NIANBAO_WEB_PORT, or NIANBAO_WEB=off)",
                      texts.not_started(host, port, error), host, port, error)
            desk.close()

    async def stop(self) -> None:
        if self.running is not None:
            running, self.running = self.running, None
            await running.stop()
