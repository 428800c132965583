"""``nianbao doctor`` checks what the office configured: the web desk at its address (its sign-in
page fetched), the database, the store, LibreOffice and a Chinese font, and each chat face only
where it is configured. An office on the web desk alone exits 0 when all of that is well, and 1
when its desk does not answer; beside a chat face a silent desk is a warning."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass

import pytest

from fixtures.cli import run_cli
from nianbao.config import Config, WebConfig
from nianbao.ops.doctor import run_checks
from nianbao.storage import Store

NIANBAO = [sys.executable, "-m", "nianbao.cli"]


@pytest.fixture
def roster(tmp_path):
    database = tmp_path / "nianbao.db"
    with Store(database) as store:
        store.add_agency("学张乡人民政府", "乡镇")
        store.bind_member(9001, None, "supervisor", "李四")  # `nianbao members add 9001 --role supervisor --name 李四`
    return database


def web_only_env(database, **more) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NIANBAO_", "TELEGRAM_"))}
    return env | {"NIANBAO_DB": str(database), "NIANBAO_WEB_PORT": "0"} | more


def serve_desk(env: dict) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen([*NIANBAO, "web"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        match = re.search(r"网页版：(http://127\.0\.0\.1:\d+)", process.stdout.readline())
        if match:
            return process, match.group(1)
    process.kill()
    raise AssertionError(process.stderr.read())


def test_a_web_only_office_is_well_with_its_desk_up_and_not_with_it_down(roster):
    process, url = serve_desk(web_only_env(roster))
    try:
        env = web_only_env(roster, NIANBAO_WEB_URL=url)
        run = subprocess.run([*NIANBAO, "doctor", "--no-libreoffice"], env=env, capture_output=True, text=True, timeout=120)
    finally:
        process.terminate()
        process.wait(30)
    assert run.returncode == 0, run.stdout
    assert f"✓ 网页版：{url}/signin 可以打开（HTTP 200）" in run.stdout
    assert "Telegram" not in run.stdout and "企业微信" not in run.stdout  # not this office's faces
    assert "督导员 1 人" in run.stdout and "草稿文件夹" in run.stdout and "数据库 " in run.stdout  # the store's size
    assert "一切正常" in run.stdout
    down = run_cli("doctor", "--no-libreoffice", env={"NIANBAO_DB": str(roster), "NIANBAO_WEB_URL": url}, clean=True)
    assert down.returncode == 1 and f"✗ 网页版：{url}/signin 打不开" in down.stdout and "唯一" in down.stdout


@dataclass
class Reach:
    ok: bool
    server: str = "https://api.telegram.org"
    detail: str = "@nianbao_bot"
    fatal: bool = False


@dataclass
class WecomFound:
    configured: bool
    ok: bool
    detail: str


async def telegram_up(config):
    return Reach(True)


def checks_of(database, *, token=None, wecom=None, port=9):
    config = Config(database=str(database), token=token, web=WebConfig(host="127.0.0.1", port=port))

    async def wecom_probe(config):
        return wecom or WecomFound(False, True, "未配置")

    return {c.name: c for c in run_checks(config, libreoffice=False, fonts=False, probe=telegram_up, wecom_probe=wecom_probe)}


def test_each_chat_face_only_where_it_is_configured_and_a_silent_desk_beside_it_is_a_warning(roster):
    web_only = checks_of(roster)
    assert "Telegram / Bot API 服务器" not in web_only and "企业微信" not in web_only
    assert web_only["网页版"].required and not web_only["网页版"].ok
    beside_telegram = checks_of(roster, token="123:abc")
    assert beside_telegram["Telegram / Bot API 服务器"].ok
    desk = beside_telegram["网页版"]
    assert not desk.ok and not desk.required and desk.line().startswith("! 网页版") and "聊天方式不受影响" in desk.line()
    half = checks_of(roster, wecom=WecomFound(False, False, "配置不完整，缺少 NIANBAO_WECOM_TOKEN"))
    assert not half["企业微信"].ok and "NIANBAO_WECOM_TOKEN" in half["企业微信"].detail
    wecom = checks_of(roster, wecom=WecomFound(True, True, "可以连接"))
    assert wecom["企业微信"].ok and not wecom["网页版"].required


def test_a_page_that_is_not_the_desk_at_its_address_is_said(roster, tmp_path):
    import http.server
    import threading

    class NotTheDesk(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"<html>nginx default page</html>")

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), NotTheDesk)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        found = checks_of(roster, port=server.server_address[1])["网页版"]
    finally:
        server.shutdown()
    assert not found.ok and found.required and "不是年报审核助手的登录页" in found.detail
