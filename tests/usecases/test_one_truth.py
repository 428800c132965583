"""One campaign, one truth: a county's year driven through every face — a report imported by the
office, a draft whose only error a supervisor accepted in chat, a report of the wrong year uploaded
on the web desk, a draft with errors pasted in chat, a deactivated agency — and then every window
asked: ``nianbao status --json``, the web overview, the CSV, the workbook and chat's /status.
They must say the same of every agency."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import re
from pathlib import Path

import aiohttp
import lxml.html
import openpyxl
import pytest

from bot.harness import STAFF_CHAGAN, STAFF_OTHER, STAFF_XUEZHANG, SUPERVISOR, Env, sample_text, seed
from fixtures.cli import run_cli
from fixtures.clock import Clock
from fixtures.mistakes import one_mistake_docx
from nianbao.bot.app import build_application, running
from nianbao.config import Config, ReminderConfig, WebConfig
from nianbao.devtools import LocalBotApi
from nianbao.storage import Store
from nianbao.usecases.office import Office
from nianbao.web.server import DeskBesideBot

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "samples"
REASON = "经核实，该单位本年予以公开的申请为 0，系填报时看错列"
INACTIVE = "县停用局"


class Browser:
    """A person at the web desk: real HTTP to 127.0.0.1, cookies kept, forms sent with their token."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.session = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))

    async def get(self, path: str) -> tuple[int, bytes]:
        async with self.session.get(self.url + path) as response:
            return response.status, await response.read()

    async def post(self, path: str, fields: dict, form_page: str) -> tuple[int, str]:
        _, page = await self.get(form_page)
        token = lxml.html.fromstring(page).xpath("//input[@name='csrf']/@value")[0]
        data = aiohttp.FormData({**fields, "csrf": token})
        async with self.session.post(self.url + path, data=data) as response:
            return response.status, str(response.url)

    async def upload(self, path: str, name: str, data: bytes, form_page: str) -> str:
        _, page = await self.get(form_page)
        token = lxml.html.fromstring(page).xpath("//input[@name='csrf']/@value")[0]
        form = aiohttp.FormData()
        form.add_field("csrf", token)
        form.add_field("draft", data, filename=name, content_type="application/octet-stream")
        async with self.session.post(self.url + path, data=form) as response:
            assert response.status == 200, await response.text()
            return str(response.url)

    async def close(self) -> None:
        await self.session.close()


@pytest.fixture
async def county(tmp_path):
    """The bot and the web desk on one office, one database, one clock (January 2025)."""
    store = Store(tmp_path / "nianbao.db")
    seed(store)
    store.set_agency_active(store.add_agency(INACTIVE, "county_department"), False)
    api = LocalBotApi()
    await api.start()
    config = Config(
        token=api.token, api_base_url=api.base_url, file_base_url=api.base_file_url, database=str(tmp_path / "nianbao.db"),
        supervisors=frozenset({SUPERVISOR}), paste_delay_seconds=0.4, reminders=ReminderConfig(hour=9), check_workers=1,
    )
    office = Office.open(config, store, Clock())
    desk = DeskBesideBot(office, WebConfig(host="127.0.0.1", port=0))
    app = build_application(config, store, office=office, companions=((desk.start, desk.stop),))
    async with running(app, poll_timeout=1):
        for user in (STAFF_XUEZHANG, STAFF_CHAGAN, STAFF_OTHER, SUPERVISOR):
            api.add_user(user)
        yield Env(api, store, office.clock, app, config), desk.running
    await api.stop()
    store.close()


def _cells(rows: list[list], key: str) -> dict[str, dict]:
    header, *body = rows
    return {row[header.index(key)]: dict(zip(header, row)) for row in body if row and row[header.index(key)]}


async def test_every_window_tells_the_same_state_of_every_agency(county, tmp_path):
    env, desk = county
    # the office imports 坪寨乡's published report (sent by e-mail): a submission like any other
    imported = run_cli("history", "import", str(next(SAMPLES.glob("001_*.txt"))), "--year", "2024",
                       env={"NIANBAO_DB": env.config.database})
    assert imported.returncode == 0, imported.stdout + imported.stderr
    # 学张乡 sends a draft with one error in chat; the supervisor accepts it
    assert "1 个错误" in env.text(await env.upload(STAFF_XUEZHANG, "学张乡2024年报.docx", one_mistake_docx()))
    accepted = env.text(await env.send(SUPERVISOR, f"/accept 学张乡人民政府 1 {REASON}", count=1))
    assert "通过（含 1 项已确认）" in accepted
    # 策勒乡 pastes its report with errors in chat
    await env.send(STAFF_OTHER, sample_text("004"))
    # 叉干镇's clerk signs in on the web desk and uploads last year's report by mistake
    clerk = Browser(desk.url)
    supervisor = Browser(desk.url)
    try:
        code = env.store.create_invite(env.store.find_agency("大安市叉干镇综合服务中心").id)
        status, where = await clerk.post("/signin", {"code": code}, "/signin")
        if where.endswith("/welcome"):  # the first sign-in asks the person's name
            await clerk.post("/welcome", {"name": "王五"}, "/welcome")
        agency_page = f"/agency/{env.store.find_agency('大安市叉干镇综合服务中心').id}"
        wrong_year = sample_text("003").replace("2024", "2023").encode("utf-8")
        review_url = await clerk.upload(f"{agency_page}/upload", "叉干镇年报.txt", wrong_year, agency_page)
        _, review = await clerk.get(review_url.removeprefix(desk.url))
        review_text = lxml.html.fromstring(review).text_content()
        assert "不计入本单位本年度的报送情况" in review_text and "与上一稿" not in review_text

        token = desk.desk.login_link(SUPERVISOR).rsplit("/", 1)[1]
        await supervisor.post(f"/login/{token}", {}, f"/login/{token}")
        _, overview = await supervisor.get("/overview")
        _, csv_bytes = await supervisor.get("/export/status.csv")
        _, xlsx = await supervisor.get("/export/summary.xlsx")
    finally:
        await clerk.close()
        await supervisor.close()
    chat_status = env.text(await env.send(SUPERVISOR, "/status", count=2))
    cli = run_cli("status", "--year", "2024", "--json", env={"NIANBAO_DB": env.config.database})
    assert cli.returncode == 0, cli.stderr

    states = {line["agency"]: line for line in map(json.loads, cli.stdout.splitlines())}
    web = {
        tr.get("data-agency"): (tr.xpath("string(td[@class='state'])").strip(), tr.xpath("string(td[@class='counted'])").strip())
        for tr in lxml.html.fromstring(overview).xpath("//table[@id='agencies']/tbody/tr[@data-agency]")
    }
    exported = _cells(list(csv.reader(io.StringIO(csv_bytes.decode("utf-8-sig")))), "单位")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx))["各机关情况"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    start = next(i for i, row in enumerate(rows) if "机关名称" in row)
    workbook = {name: row for name, row in _cells(rows[start:], "机关名称").items() if not name.startswith("合计")}

    assert set(states) == set(web) == set(exported) >= set(workbook) | {INACTIVE}
    for name, state in states.items():
        label, counted = state["label"], "是" if state["counted"] else "否"
        assert web[name][0].startswith(label), (name, web[name], label)
        assert web[name][1].startswith(counted), (name, web[name], counted)
        assert exported[name]["状态"] == label and exported[name]["计入汇总"] == counted, (name, exported[name])
        if name in workbook:
            assert workbook[name]["状态"] == label and workbook[name]["计入汇总"] == counted, (name, workbook[name])
        listed_as_failing = re.search(rf"\d+\. {re.escape(name)} —— ", chat_status.split("尚未通过的单位")[-1].split("经督导员确认")[0])
        failing_section = "尚未通过的单位" in chat_status
        assert bool(failing_section and listed_as_failing) == (state["state"] in ("not_submitted", "errors", "unreadable")), name

    assert states["水城区坪寨乡人民政府"]["state"] == "imported" and states["水城区坪寨乡人民政府"]["source"] == "imported"
    assert states["学张乡人民政府"]["label"] == "通过（含 1 项已确认）" and states["学张乡人民政府"]["accepted"] == 1
    assert states["大安市叉干镇综合服务中心"]["state"] == "not_submitted"
    assert states["大安市叉干镇综合服务中心"]["set_aside"][0]["reason"] == "非本年度的报告"
    assert states[INACTIVE]["label"] == "已停用" and not states[INACTIVE]["counted"]
    assert "学张乡人民政府 —— 通过（含 1 项已确认）" in chat_status
    assert "已导入已公开报告 1 个" in chat_status and "已停用单位 1 个" in chat_status
