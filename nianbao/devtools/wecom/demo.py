"""``nianbao demo --wecom``: the WeCom face against the local WeCom API server, no account
needed: a demo roster, the app's callback on 127.0.0.1, the web desk beside it, and a console in
which a person plays a clerk or a supervisor in 企业微信."""

from __future__ import annotations

import asyncio
import dataclasses
import shutil
import sys
import tempfile
from pathlib import Path

from aiohttp import web

from ...config import Config
from ...storage import Store
from ...usecases.office import Office
from ...web.server import DeskBesideBot
from ...wecom.callback import make_app
from ...wecom.face import FACE
from ...wecom.ids import member_id
from ...wecom.service import WecomService
from ...wecom.settings import load_settings
from ..demo import DEMO_AGENCIES, DEMO_YEAR, demo_clock, _piped_line, _samples_dir
from .console import Console
from .server import WecomEmulator

STAFF = {"张三": ("ZhangSan", "学张乡人民政府"), "王五": ("WangWu", "大安市叉干镇综合服务中心")}
SUPERVISOR = ("李四", "LiSi")
NEWCOMER = ("新同事", "XinTongShi")


def seed(store: Store) -> str:
    ids = {name: store.add_agency(name, level) for name, level in DEMO_AGENCIES.items()}
    for user, agency in STAFF.values():
        store.bind_member(member_id(user), ids[agency], "staff", user)
    return store.create_invite(ids["策勒乡人民政府"])


def banner(wecom: WecomEmulator, callback: str, invite: str, desk: DeskBesideBot) -> str:
    samples = _samples_dir()
    lines = [
        "=" * 60,
        "年报审核助手 · 企业微信演示（本机模拟的企业微信服务器，不需要企业微信账号）",
        f"模拟企业微信接口：{wecom.api_base}    应用回调地址：{callback}",
        "演示用户（用 /as 姓名 切换）：",
        "  张三 —— 学张乡人民政府 工作人员（当前）；王五 —— 大安市叉干镇综合服务中心 工作人员",
        "  李四 —— 督导员（/status、/overdue、/summary、/accept …，或 /menu、/click cmd:status）",
        f"  新同事 —— 未绑定，可发送「绑定 {invite}」绑定到策勒乡人民政府",
        "发送报告：/send 文件路径；粘贴全文：/paste 文件路径。输入 /? 查看控制台命令，/quit 退出。",
    ]
    if desk.running is not None:
        lines.append(f"网页版：{desk.running.url}")
    if samples:
        lines += [f"  示例：/send {path}" for path in sorted(samples.glob("*.txt"))[:3]]
    return "\n".join(lines + ["=" * 60])


async def _demo(config: Config) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="nianbao-wecom-demo-"))
    store = Store(workdir / "demo.db")
    invite = seed(store)
    async with WecomEmulator() as wecom:
        config = dataclasses.replace(
            config, token=None, database=str(workdir / "demo.db"), report_year=config.report_year or DEMO_YEAR,
            paste_delay_seconds=min(config.paste_delay_seconds, 1.0),
            sections={**config.sections, "wecom": {"supervisors": [SUPERVISOR[1]]}},
        )
        config = FACE.prepare(config)
        office = Office.open(config, store, demo_clock())
        service = WecomService(office, load_settings(config, wecom.environment()))
        await service.start()
        runner = web.AppRunner(make_app(service), access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        wecom.callback_url = f"http://127.0.0.1:{runner.addresses[0][1]}/wecom/callback"
        desk = DeskBesideBot(office, config.web)
        await desk.start()
        users = {name: user for name, (user, _) in STAFF.items()} | dict([SUPERVISOR, NEWCOMER])
        for user in users.values():
            wecom.add_person(user)
        try:
            print(banner(wecom, wecom.callback_url, invite, desk), flush=True)
            console = Console(wecom, users, service.idle, workdir / "下载")
            read = _threaded_input if sys.stdin.isatty() else _echoed(_piped_line)
            await console.run(read)
        finally:
            await desk.stop()
            await runner.cleanup()
            await service.stop()
            office.shutdown()
    store.close()
    shutil.rmtree(workdir, ignore_errors=True)


async def _threaded_input(prompt: str) -> str:
    return await asyncio.to_thread(input, prompt)


def _echoed(read):
    async def line(prompt: str) -> str:
        text = await read(prompt)
        print(f"{prompt}{text.rstrip()}", flush=True)
        return text

    return line


def run_wecom_demo(config: Config) -> int:
    import logging

    logging.getLogger().setLevel(logging.WARNING)
    try:
        asyncio.run(_demo(config))
    except KeyboardInterrupt:
        print("\n已退出演示。")
    return 0
