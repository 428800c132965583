"""Under `nianbao serve` the callback is one of the office's machine routes, served by the web desk
on its host and port: the face started first, the desk last, WeCom's callback reaches the face."""

from __future__ import annotations

from dataclasses import replace

from nianbao.config import Config, WebConfig
from nianbao.devtools.wecom import WecomEmulator
from nianbao.storage import Store
from nianbao.usecases.office import Office
from nianbao.web.face import FACE as DESK
from nianbao.wecom.face import FACE
from wecom.harness import STAFF, seed


async def test_the_web_desk_serves_the_callback(tmp_path, monkeypatch):
    store = Store(tmp_path / "nianbao.db")
    seed(store)
    async with WecomEmulator() as wecom:
        for name, value in wecom.environment().items():
            monkeypatch.setenv(name, value)
        config = Config(database=str(tmp_path / "nianbao.db"), web=replace(WebConfig(), port=0))
        assert FACE.configured(config)
        office = Office.open(config, store)
        stop_face = await FACE.start(office)
        stop_desk = await DESK.start(office)
        try:
            wecom.callback_url = f"{office.web_url}/wecom/callback"
            assert (await wecom.verify_url("42")).body == "42"
            await wecom.user_sends_text(STAFF, "/help")
            (reply,) = await wecom.wait_for(STAFF, 1, timeout=20)
            assert "/history" in reply.text
        finally:
            await stop_desk()
            await stop_face()
            office.shutdown()
    store.close()
