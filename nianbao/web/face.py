"""The web desk as a face of ``nianbao serve``: on unless NIANBAO_WEB=off; started last, on the
shared office, so that every chat face's links name its address. A taken port is logged and the
other faces keep running."""

from __future__ import annotations

from ..usecases.faces import Face
from ..usecases.office import Office


async def _start(office: Office):
    from .server import DeskBesideBot

    desk = DeskBesideBot(office, office.config.web)
    await desk.start()
    return desk.stop


FACE = Face("web", configured=lambda config: config.web.enabled, start=_start, chat=False)
