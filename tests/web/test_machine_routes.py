"""A route another system calls (a messenger's callback) is served on the desk's host and port,
outside its sessions and form tokens: a POST without a CSRF token reaches its handler, and the
desk's own pages keep every guard."""

from __future__ import annotations

from aiohttp import web

from nianbao.usecases.office import MachineRoute, Office
from nianbao.web.app import create_app


async def test_a_machine_route_is_served_without_session_or_form_token(aiohttp_client, tmp_path):
    from nianbao.config import Config, WebConfig
    from nianbao.storage import Store
    from nianbao.web.server import build_desk

    seen = []

    async def callback(request: web.Request) -> web.Response:
        seen.append((request.method, request.query.get("echostr"), await request.text()))
        return web.Response(text="success")

    store = Store(tmp_path / "nianbao.db")
    desk = build_desk(Office.open(Config(database=str(tmp_path / "nianbao.db")), store), WebConfig(port=0), owns_office=True)
    desk.office.machine_routes.append(MachineRoute("GET", "/machine/callback", callback))
    desk.office.machine_routes.append(MachineRoute("POST", "/machine/callback", callback))
    try:
        client = await aiohttp_client(create_app(desk, "s" * 32))
        got = await client.get("/machine/callback?echostr=abc")
        posted = await client.post("/machine/callback", data="<xml>hi</xml>")
        assert (got.status, await got.text(), posted.status, await posted.text()) == (200, "success", 200, "success")
        assert seen == [("GET", "abc", ""), ("POST", None, "<xml>hi</xml>")]
        page = await client.post("/signin", data={"code": "ABCD2345"})  # the desk's own forms still need a token
        assert page.status == 403
    finally:
        desk.close()
        store.close()
