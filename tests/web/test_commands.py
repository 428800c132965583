"""The desk from the command line: ``nianbao web`` alone (no token), ``nianbao web-login``'s link
opened and used, and the demo printing the desk's address."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time

from nianbao.storage import Store

NIANBAO = [sys.executable, "-m", "nianbao.cli"]


def _env(tmp_path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NIANBAO_", "TELEGRAM_"))}
    env.update(NIANBAO_DB=str(tmp_path / "nianbao.db"), NIANBAO_SUPERVISORS="9001", NIANBAO_WEB_PORT="0")
    env.update(extra)
    return env


def _address(process: subprocess.Popen, timeout: float = 30) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        match = re.search(r"网页版：(http://127\.0\.0\.1:\d+)", line)
        if match:
            return match.group(1)
        if not line and process.poll() is not None:
            break
    raise AssertionError(f"no address printed; stderr: {process.stderr.read()}")


async def test_nianbao_web_serves_the_desk_alone_and_web_login_prints_a_link(tmp_path):
    import aiohttp
    import lxml.html

    with Store(tmp_path / "nianbao.db") as store:
        store.add_agency("学张乡人民政府", "township")
    env = _env(tmp_path)
    process = subprocess.Popen([*NIANBAO, "web"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = _address(process)
        env["NIANBAO_WEB_URL"] = url  # the link names the address the desk really listens on
        login = subprocess.run([*NIANBAO, "web-login", "9001"], env=env, capture_output=True, text=True, timeout=60)
        assert login.returncode == 0, login.stderr
        link = login.stdout.strip().splitlines()[-1]
        assert link.startswith(url + "/login/")
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as browser:
            async with browser.get(link) as answer:  # the page with the button, then the button
                token = lxml.html.fromstring(await answer.text()).xpath("//input[@name='csrf']/@value")[0]
            async with browser.post(link, data={"csrf": token}) as answer:
                assert str(answer.url) == url + "/overview"
                page = lxml.html.fromstring(await answer.text())
        assert page.xpath("//table[@id='agencies']/tbody/tr/@data-agency") == ["学张乡人民政府"]
    finally:
        process.terminate()
        process.wait(30)
    assert process.returncode == 0


def test_web_login_refuses_a_stranger(tmp_path):
    Store(tmp_path / "nianbao.db").close()
    run = subprocess.run([*NIANBAO, "web-login", "4242"], env=_env(tmp_path), capture_output=True, text=True, timeout=60)
    assert run.returncode == 1 and "用户 4242 还不是工作人员、督导员或管理员，不能登录网页。" in run.stderr
    assert "/login/" not in run.stdout
    # and both ways in: the supervisor recorded in the database, or a supervisor invite code
    assert "nianbao members add 4242 --role supervisor --name 李四" in run.stderr and "不用重启" in run.stderr
    assert "nianbao invite --role supervisor 生成督导员邀请码，他在网页版的登录页输入即可登录" in run.stderr
    assert "NIANBAO_SUPERVISORS" not in run.stderr  # the process's environment is not the way any more


def test_a_supervisor_added_to_the_database_is_one_for_the_running_desk_and_the_command(tmp_path):
    """members add, then web-login: the link the command prints names someone the desk knows,
    without the desk restarted or NIANBAO_SUPERVISORS set anywhere."""
    from fixtures.cli import run_cli

    with Store(tmp_path / "nianbao.db") as store:
        store.add_agency("学张乡人民政府", "township")
    env = {"NIANBAO_DB": str(tmp_path / "nianbao.db")}
    added = run_cli("members", "add", "4242", "--role", "supervisor", "--name", "李四", env=env, clean=True)
    assert added.returncode == 0, added.stderr
    login = run_cli("web-login", "4242", env=env, clean=True)
    assert login.returncode == 0 and "/login/" in login.stdout.splitlines()[-1]
    assert "还没有姓名" not in login.stderr
    with Store(tmp_path / "nianbao.db") as store:
        from nianbao.config import Config
        from nianbao.usecases.people import person_of

        person = person_of(store, Config(database=str(tmp_path / "nianbao.db")), 4242)
    assert person.role.value == "supervisor" and person.name == "李四"


def test_the_demo_starts_the_desk_and_prints_its_address(tmp_path):
    env = _env(tmp_path)
    del env["NIANBAO_DB"]
    run = subprocess.run([*NIANBAO, "demo"], input="/quit\n", env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert re.search(r"网页版：http://127\.0\.0\.1:\d+", run.stdout)
    assert re.search(r"督导员一次性登录链接（10 分钟内有效）：http://127\.0\.0\.1:\d+/login/\S+", run.stdout)
    assert "Traceback" not in run.stderr


async def test_nianbao_serve_also_serves_the_desk(tmp_path):
    """The bot for real (against the local Bot API server) and the desk beside it, one process."""
    import asyncio
    import socket

    import aiohttp

    from nianbao.devtools.server import LocalBotApi

    with socket.socket() as probe:  # a port free right now, for the desk
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    async with LocalBotApi() as api:
        env = _env(tmp_path, TELEGRAM_BOT_TOKEN=api.token, NIANBAO_API_BASE_URL=api.base_url,
                   NIANBAO_FILE_BASE_URL=api.base_file_url, NIANBAO_WEB_PORT=str(port))
        process = await asyncio.create_subprocess_exec(
            *NIANBAO, "serve", env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE
        )
        try:
            log = ""
            while f"web desk at http://127.0.0.1:{port}" not in log:  # said once it listens
                line = await asyncio.wait_for(process.stderr.readline(), 60)
                assert line, f"serve ended: {log}"
                log += line.decode()
            async with aiohttp.ClientSession() as client:
                async with client.get(f"http://127.0.0.1:{port}/signin") as response:
                    page = (response.status, await response.text())
            assert page[0] == 200 and "邀请码或个人登录码" in page[1]
        finally:
            process.terminate()
            await process.wait()


def _busy_port():
    import socket

    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    return taken, taken.getsockname()[1]


def test_nianbao_web_on_a_busy_port_says_so_in_one_line(tmp_path):
    from fixtures.cli import run_cli

    with Store(tmp_path / "nianbao.db") as store:
        store.add_agency("学张乡人民政府", "township")
    taken, port = _busy_port()
    with taken:
        run = run_cli("web", env={"NIANBAO_DB": str(tmp_path / "nianbao.db"), "NIANBAO_WEB_PORT": str(port)}, clean=True)
    assert run.returncode == 2
    assert run.stderr.strip() == f"网页版未启动（127.0.0.1:{port} 端口被占用：可设置 NIANBAO_WEB_PORT 换一个端口，或先停止占用它的程序）。"
    assert "Traceback" not in run.stderr and "网页版：" not in run.stdout


async def test_nianbao_serve_with_the_desks_port_busy_keeps_the_bot_running(tmp_path):
    """The desk cannot listen: the log says so (in Chinese first), and the bot still answers."""
    import asyncio

    from nianbao.devtools.server import LocalBotApi

    taken, port = _busy_port()
    with taken:
        async with LocalBotApi() as api:
            env = _env(tmp_path, TELEGRAM_BOT_TOKEN=api.token, NIANBAO_API_BASE_URL=api.base_url,
                       NIANBAO_FILE_BASE_URL=api.base_file_url, NIANBAO_WEB_PORT=str(port))
            process = await asyncio.create_subprocess_exec(
                *NIANBAO, "serve", env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE
            )
            try:
                log = ""
                while "网页版未启动" not in log:
                    line = await asyncio.wait_for(process.stderr.readline(), 60)
                    assert line, f"serve ended: {log}"
                    log += line.decode()
                assert f"{port} 端口被占用" in log and "Traceback" not in log
                await api.user_sends_text(9001, "/whoami")
                replies = await api.wait_for_replies(9001, timeout=30)
                assert replies and "9001" in replies[0].text
                assert process.returncode is None
            finally:
                process.terminate()
                await process.wait()


def test_nianbao_web_refuses_to_start_without_a_database(tmp_path):
    """Run where there is no nianbao.db: no empty database and desk nobody can sign in to."""
    from fixtures.cli import run_cli

    for command in (["web"], ["web-login", "9001"]):
        run = run_cli(*command, env={"NIANBAO_SUPERVISORS": "9001", "NIANBAO_WEB_PORT": "0"}, cwd=tmp_path, clean=True)
        assert run.returncode == 2, run.stderr
        assert "找不到数据库「nianbao.db」" in run.stderr and "NIANBAO_DB" in run.stderr
        assert "nianbao agencies import" in run.stderr and "网页版：" not in run.stdout
        assert not (tmp_path / "nianbao.db").exists()
    added = run_cli("agencies", "add", "学张乡人民政府", "--level", "township", cwd=tmp_path, clean=True)
    assert added.returncode == 0 and (tmp_path / "nianbao.db").exists()  # the roster still creates it


def test_nianbao_web_settles_what_starting_made_out_of_the_collectors_way():
    """``nianbao web`` freezes what starting made, as ``nianbao serve`` does: a full collection
    while a page works out thousands of agencies' rows walks what the page made."""
    import gc
    import inspect

    from nianbao.web import server

    source = inspect.getsource(server._serve_alone)
    assert source.index("settle()") > source.index("start_desk(desk)")  # once the desk is up
    try:
        server.settle()
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
