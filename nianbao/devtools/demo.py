"""Without a Telegram token: the real bot against a local Bot API server, a demo roster and a
console chat in which a person plays staff or supervisor and sees what a Telegram user would."""

from __future__ import annotations

from ..roles import Rank

import asyncio
import dataclasses
import functools
import datetime as dt
import shutil
import time
import logging
import os
import sys
import tempfile
from pathlib import Path

from ..bot.app import build_application, running
from ..usecases.chat.registry import commands_for
from ..config import Config
from ..storage import Store
from ..usecases.office import Office
from ..web.server import DeskBesideBot
from .console import run_console
from .idle import bot_is_idle
from .server import LocalBotApi

DEMO_YEAR = 2024  # the year of the sample reports
DEMO_START = dt.datetime(2025, 1, 20, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))  # in the January campaign
DEMO_AGENCIES = {
    "学张乡人民政府": "township",
    "水城区坪寨乡人民政府": "township",
    "文水县刘胡兰镇": "township",
    "大安市叉干镇综合服务中心": "township",
    "策勒乡人民政府": "township",
}
STAFF = {"张三": (1001, "学张乡人民政府"), "王五": (1002, "大安市叉干镇综合服务中心")}
SUPERVISOR = ("李四", 9001)
NEWCOMER = ("新同事", 1003)


def _samples_dir() -> Path | None:
    here = Path(__file__).resolve()
    for candidate in (Path.cwd() / ".." / "shared" / "samples", here.parents[3] / "shared" / "samples"):
        if candidate.is_dir():
            return candidate.resolve()
    return None


def seed_demo(store: Store) -> str:
    ids = {name: store.add_agency(name, level) for name, level in DEMO_AGENCIES.items()}
    for name, (user_id, agency) in STAFF.items():
        store.bind_member(user_id, ids[agency], "staff", name)
    return store.create_invite(ids["策勒乡人民政府"])


def _banner(api: LocalBotApi, database: Path, invite: str) -> str:
    samples = _samples_dir()
    lines = [
        "=" * 60,
        "年报审核助手 · 本地演示（没有 TELEGRAM_BOT_TOKEN，机器人连接本机的 Bot API 服务器）",
        f"本地 Bot API：{api.base_url}    演示数据库：{database}",
        "",
        "演示用户（用 /as 姓名 切换）：",
        "  张三 —— 学张乡人民政府 工作人员（当前）",
        "  王五 —— 大安市叉干镇综合服务中心 工作人员",
        f"  李四 —— 督导员（可用 {' '.join('/' + c.name for c in commands_for(Rank.SUPERVISOR, exactly=True))}）",
        f"  新同事 —— 未绑定，可发送 /start {invite} 绑定到策勒乡人民政府",
        "",
        "发送报告：/send 文件路径（.docx、.txt 或 PDF）；模拟粘贴全文：/paste 文件路径。",
        f"演示时钟从 {DEMO_START:%Y年%-m月%-d日} 开始（报送截止日期前），审核 {DEMO_YEAR} 年度报告；演示数据在退出后删除。",
    ]
    if samples:
        lines.append("示例报告：")
        lines += [f"  /send {path}" for path in sorted(samples.glob("*.txt"))]
    lines += ["输入 /? 查看控制台命令，/quit 退出。", "=" * 60]
    return "\n".join(lines)


async def _demo(config: Config) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="nianbao-demo-"))
    database = workdir / "demo.db"
    store = Store(database)
    invite = seed_demo(store)
    port = int(os.environ.get("NIANBAO_DEMO_PORT", "0"))
    async with LocalBotApi(port=port, bot_username="nianbao_demo_bot") as api:
        config = dataclasses.replace(
            config,
            token=api.token,
            api_base_url=api.base_url,
            file_base_url=api.base_file_url,
            database=str(database),
            supervisors=config.supervisors | {SUPERVISOR[1]},
            report_year=config.report_year or DEMO_YEAR,
            paste_delay_seconds=min(config.paste_delay_seconds, 1.0),
        )
        users = {name: user_id for name, (user_id, _) in STAFF.items()}
        users |= {SUPERVISOR[0]: SUPERVISOR[1], NEWCOMER[0]: NEWCOMER[1]}
        for name, user_id in users.items():
            api.add_user(user_id, first_name=name)
        office = Office.open(config, store, demo_clock())
        desk = DeskBesideBot(office, config.web)
        application = build_application(config, store, office=office, companions=((desk.start, desk.stop),))
        async with running(application, poll_timeout=2):
            print(_banner(api, database, invite), flush=True)
            print(_desk_banner(desk, store, SUPERVISOR[1], "水城区坪寨乡人民政府"), flush=True)
            settled = functools.partial(bot_is_idle, application, api)
            if sys.stdin.isatty():
                await run_console(api, users, download_dir=workdir / "下载", settled=settled)
            else:  # a script or a pipe: show each line it sends, as a transcript
                await run_console(
                    api, users, input_fn=_piped_line, download_dir=workdir / "下载", echo_input=True, settled=settled
                )
    store.close()
    shutil.rmtree(workdir, ignore_errors=True)


def _desk_banner(desk: DeskBesideBot, store: Store, supervisor_id: int, staff_agency: str) -> str:
    """The demo's lines about the web desk: its address, a supervisor's link and a staff code."""
    if desk.running is None:
        return "网页版未启动（NIANBAO_WEB=off，或端口被占用：可设置 NIANBAO_WEB_PORT）。"
    running = desk.running
    agency = store.find_agency(staff_agency)
    code = store.create_invite(agency.id, now=running.desk.clock())
    return "\n".join(
        [
            f"网页版：{running.url}",
            f"  督导员一次性登录链接（10 分钟内有效）：{running.desk.login_link(supervisor_id)}",
            f"  工作人员：在登录页输入邀请码 {code}（{agency.name}）",
        ]
    )


def demo_clock():
    """January of the sample year, running forward from the moment the demo starts."""
    started = time.monotonic()
    return lambda: DEMO_START + dt.timedelta(seconds=time.monotonic() - started)


async def _piped_line(prompt: str) -> str:
    line = await asyncio.to_thread(sys.stdin.readline)
    if not line:
        raise EOFError
    return line


def run_demo(config: Config) -> int:
    logging.getLogger().setLevel(logging.WARNING)  # keep the chat readable
    try:
        asyncio.run(_demo(config))
    except KeyboardInterrupt:
        print("\n已退出演示。")
    return 0
