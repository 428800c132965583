"""Running the web desk: inside ``nianbao serve`` and the demo (beside the bot, on the same event
loop, store and worker pool), or alone with ``nianbao web`` for an office without Telegram."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from dataclasses import dataclass, replace

from aiohttp import web

from ..drafts.pool import CheckPool
from ..drafts import DraftPipeline, RateLimiter, RecipientGone
from ..storage import FileStore, Store
from ..storage.aio import AsyncStore
from . import texts
from .app import create_app
from ..config import Config, WebConfig
from .desk import Desk, utc_now

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
    log.info("web desk at %s", url)
    return RunningDesk(desk, runner, url, asyncio.get_running_loop().create_task(_recover_uploads(desk)))


def build_desk(config: Config, store: Store, web_config: WebConfig | None = None, clock=None, services=None) -> Desk:
    """The desk on ``store``: beside the bot (``services``) it shares the bot's async store,
    files, worker pool and rate limits; alone it has its own."""
    clock = clock or utc_now
    if services is not None:
        db, files, pool, limiter, owned = services.db, services.files, services.pool, services.pipeline.limiter, ()
    else:
        db, files = AsyncStore(store), FileStore(config.files_path)
        pool = CheckPool(config.check_workers, timeout=config.check_timeout_seconds, memory_mb=config.worker_memory_mb)
        limiter = RateLimiter(config.drafts_per_user, config.rate_window_seconds)
        owned = (pool.shutdown, db.shutdown)
    pipeline = DraftPipeline(
        config=config, db=db, files=files, pool=pool, limiter=limiter, deliver=QuietDeliver(), clock=clock, kinds=("upload",)
    )
    return Desk(config, web_config or config.web, store, files, pipeline, clock, services, owned)


def run_web(config: Config) -> int:
    """``nianbao web``: the desk alone, no Telegram token needed, on an existing database."""
    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s", level=logging.INFO)
    store = Store(config.database, busy_timeout_ms=config.busy_timeout_ms)
    web_config = replace(config.web, enabled=True)
    try:
        asyncio.run(_serve_alone(build_desk(config, store, web_config)))
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
    print(f"年报审核助手网页版：{running.url}（按 Ctrl+C 停止）", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        await stop.wait()
    finally:
        await running.stop()


def web_login_link(config: Config, user_id: int) -> str:
    """``nianbao web-login USER_ID``: a one-time sign-in link (10 minutes) for a bound user."""
    with Store(config.database, busy_timeout_ms=config.busy_timeout_ms) as store:
        desk = Desk(config, config.web, store, FileStore(config.files_path), pipeline=None)
        try:
            role, _ = desk.role_of(user_id)
            if role is None:
                raise LookupError(user_id)
            return desk.login_link(user_id)
        finally:
            desk.close()


WEB_CONFIG_KEY = "web_config"  # set by serve and the demo; tests of the bot leave the desk off
RUNNING_KEY = "web_desk"


async def start_beside_bot(application) -> RunningDesk | None:
    """Start the desk on the bot's event loop, sharing its store, clock and worker pool."""
    web_config: WebConfig | None = application.bot_data.get(WEB_CONFIG_KEY)
    if web_config is None or not web_config.enabled:
        return None
    services = application.bot_data["services"]
    desk = build_desk(services.config, services.db.store, web_config, services.clock, services)
    try:
        running = await start_desk(desk)
    except OSError as error:  # the bot keeps running; the operator reads why the desk did not start
        log.error("%s / web desk not started on %s:%s: %s (set NIANBAO_WEB_PORT, or NIANBAO_WEB=off)",
                  texts.not_started(web_config.host, web_config.port, error), web_config.host, web_config.port, error)
        desk.close()
        return None
    application.bot_data[RUNNING_KEY] = running
    return running


async def stop_beside_bot(application) -> None:
    running = application.bot_data.pop(RUNNING_KEY, None)
    if running is not None:
        await running.stop()


def demo_banner(application, supervisor_id: int, staff_agency: str) -> str:
    """The demo's lines about the desk: its address, a supervisor's link and a staff code."""
    running: RunningDesk | None = application.bot_data.get(RUNNING_KEY)
    if running is None:
        return "网页版未启动（NIANBAO_WEB=off，或端口被占用：可设置 NIANBAO_WEB_PORT）。"
    desk = running.desk
    agency = desk.store.find_agency(staff_agency)
    code = desk.store.create_invite(agency.id, now=desk.clock())
    return "\n".join(
        [
            f"网页版：{running.url}",
            f"  督导员一次性登录链接（10 分钟内有效）：{desk.login_link(supervisor_id)}",
            f"  工作人员：在登录页输入邀请码 {code}（{agency.name}）",
        ]
    )
