"""WeCom as a face of ``nianbao serve``: configured when the five NIANBAO_WECOM_* credentials (or
``[wecom]``) are set; started on the shared office, its callback one of the office's machine
routes, served on the web desk's host and port (by the face itself when the desk is off)."""

from __future__ import annotations

import dataclasses
import logging

from ..config import Config
from ..usecases.faces import Face, FaceFailed
from ..usecases.office import Office
from .ids import member_id
from .settings import CALLBACK_PATH, load_settings
from .texts import LOG_NO_WEB, LOG_STARTED

log = logging.getLogger("nianbao")


def _prepare(config: Config) -> Config:
    """The supervisors and admins named by their WeCom UserID in ``[wecom]`` join the configured ones."""
    settings = load_settings(config)
    return dataclasses.replace(
        config,
        supervisors=config.supervisors | {member_id(user) for user in settings.supervisors},
        admins=config.admins | {member_id(user) for user in settings.admins},
    )


async def _start(office: Office):
    from aiohttp import web

    from .callback import make_app
    from .service import WecomService

    settings = load_settings(office.config)
    try:
        service = WecomService(office, settings)
    except ValueError as error:  # a malformed EncodingAESKey
        log.error("NIANBAO_WECOM_AES_KEY: %s", error)
        raise FaceFailed(2) from error
    await service.start()
    runner = None
    web_config = office.config.web
    if not web_config.enabled:  # nobody else serves the machine routes
        runner = web.AppRunner(make_app(service), access_log=None)
        await runner.setup()
        await web.TCPSite(runner, web_config.host, web_config.port).start()
        log.warning(LOG_NO_WEB, f"{web_config.host}:{web_config.port}", f"{web_config.host}:{web_config.port}")
    address = f"{web_config.base_url}{CALLBACK_PATH}"
    log.info(LOG_STARTED, address, settings.agent_id, address, settings.agent_id)

    async def stop() -> None:
        if runner is not None:
            await runner.cleanup()
        await service.stop()

    return stop


FACE = Face(
    "wecom",
    configured=lambda config: load_settings(config).configured,
    start=_start,
    prepare=_prepare,
    secrets=lambda config: load_settings(config).secrets,
)
