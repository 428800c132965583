"""A city above its counties: a county supervisor never sees another county's agencies, in any
face; a city supervisor sees every county, one row per county first, and opens one."""

from __future__ import annotations

import csv
import io
import json

import lxml.html
import pytest

from bot.harness import Env
from fixtures.cli import run_cli
from fixtures.clock import Clock
from nianbao.bot.app import build_application, running
from nianbao.config import Config, ReminderConfig, WebConfig
from nianbao.devtools import LocalBotApi
from nianbao.storage import Store
from nianbao.usecases.office import Office
from nianbao.web.server import DeskBesideBot

from test_one_truth import Browser

CITY, COUNTY, OTHER = 9101, 9102, 9103
ROSTER = {
    "宿迁市人民政府": ("government", None),
    "沭阳县人民政府": ("government", "宿迁市"),
    "桑墟镇人民政府": ("township", "沭阳县"),
    "沭阳县教育局": ("county_department", "沭阳县"),
    "泗阳县人民政府": ("government", "宿迁市"),
    "众兴镇人民政府": ("township", "泗阳县"),
}
SHUYANG = {"沭阳县人民政府", "桑墟镇人民政府", "沭阳县教育局"}


@pytest.fixture
async def city(tmp_path):
    store = Store(tmp_path / "nianbao.db")
    ids = {name: store.add_agency(name, level, region=region) for name, (level, region) in ROSTER.items()}
    store.bind_member(CITY, None, "supervisor", "市办", region="宿迁市")
    store.bind_member(COUNTY, None, "supervisor", "县办", region="沭阳县")
    api = LocalBotApi()
    await api.start()
    config = Config(
        token=api.token, api_base_url=api.base_url, file_base_url=api.base_file_url, database=str(tmp_path / "nianbao.db"),
        paste_delay_seconds=0.4, reminders=ReminderConfig(hour=9), check_workers=1,
    )
    office = Office.open(config, store, Clock())
    desk = DeskBesideBot(office, WebConfig(host="127.0.0.1", port=0))
    app = build_application(config, store, office=office, companions=((desk.start, desk.stop),))
    async with running(app, poll_timeout=1):
        for user in (CITY, COUNTY, OTHER):
            api.add_user(user)
        yield Env(api, store, office.clock, app, config), desk.running, ids
    await api.stop()
    store.close()


async def _web(desk, user_id: int, *paths: str) -> list[bytes]:
    browser = Browser(desk.url)
    try:
        token = desk.desk.login_link(user_id).rsplit("/", 1)[1]
        await browser.post(f"/login/{token}", {}, f"/login/{token}")
        return [(await browser.get(path)) for path in paths]
    finally:
        await browser.close()


async def test_a_county_supervisor_sees_only_their_county_in_every_face(city):
    env, desk, ids = city
    other = ids["众兴镇人民政府"]
    status = env.text(await env.send(COUNTY, "/status", count=2))
    assert "应报单位 3 个" in status and "众兴镇" not in status and "泗阳" not in status
    assert "没有找到单位" in env.text(await env.send(COUNTY, "/agency 众兴镇", count=1))
    assert "没有找到单位" in env.text(await env.send(COUNTY, "/invite 众兴镇人民政府", count=1))
    (exported,) = await env.send(COUNTY, "/export", count=1)
    assert {row[0] for row in list(csv.reader(io.StringIO(exported.data.decode("utf-8-sig"))))[1:]} == SHUYANG

    (_, overview), (page, agency), (_, csv_body), (peer_status, _) = await _web(
        desk, COUNTY, "/overview", f"/agency/{other}", "/export/status.csv", f"/peers/{other}"
    )
    names = set(lxml.html.fromstring(overview).xpath("//table[@id='agencies']/tbody/tr/@data-agency"))
    assert names == SHUYANG
    assert page == 404 and "众兴镇" not in agency.decode() and peer_status == 404
    assert {row[0] for row in list(csv.reader(io.StringIO(csv_body.decode("utf-8-sig"))))[1:]} == SHUYANG

    cli = run_cli("status", "--year", "2024", "--json", "--region", "沭阳县", env={"NIANBAO_DB": env.config.database})
    assert {json.loads(line)["agency"] for line in cli.stdout.splitlines()} == SHUYANG


async def test_a_city_supervisor_sees_every_county_one_row_each_and_opens_one(city):
    env, desk, ids = city
    status = env.text(await env.send(CITY, "/status", count=2))
    assert "各地区情况" in status and "沭阳县：3 个单位" in status and "泗阳县：2 个单位" in status
    assert "应报单位 6 个" in status
    (_, body), (_, county) = await _web(desk, CITY, "/overview", "/overview?region=沭阳县")
    tree = lxml.html.fromstring(body)
    assert set(tree.xpath("//section[@id='regions']//tr/@data-region")) == {"沭阳县", "泗阳县", ""}
    shown = set(lxml.html.fromstring(county).xpath("//table[@id='agencies']/tbody/tr/@data-agency"))
    assert shown == SHUYANG
    # a supervisor of no region (the configured ones) sees everything, as before
    assert "应报单位 6 个" in env.text(await env.send(CITY, "/status", count=2))


async def test_the_region_report_in_chat_is_the_supervisors_region_only(city):
    env, desk, ids = city
    [report] = await env.send(COUNTY, "/report", count=1)
    assert report.is_file and report.filename.endswith(".docx") and "沭阳县" in report.filename
    refused = env.text(await env.send(COUNTY, "/report 宿迁市", count=1))
    assert "没有找到" in refused
    [city_report] = await env.send(CITY, "/report", count=1)
    assert "宿迁市" in city_report.filename


def test_regions_read_from_the_roster_places_alone(tmp_path):
    """``Store.agency_places`` (each agency's name and region) says where regions sit as the
    whole roster does, a path's parents and a region's government's alike."""
    from nianbao.usecases.campaign import _Chains
    from nianbao.usecases.scope import Regions, Scope

    with Store(tmp_path / "nianbao.db") as store:
        for name, (level, region) in ROSTER.items():
            store.add_agency(name, level, region=region)
        store.add_agency("里仁乡人民政府", "township", region="宿迁市／泗阳县")
        store.set_agency_active(store.add_agency("撤并镇人民政府", "township", region="宿迁市/宿豫区"), False)
        whole = Regions.of(store.list_agencies(active_only=False))
        assert Regions.of_places(store.agency_places()) == whole
        assert whole.parents == {"沭阳县": "宿迁市", "泗阳县": "宿迁市", "宿豫区": "宿迁市"}
        chains = _Chains(whole)  # each region worked out once, a government on its own: the same parts
        for agency in store.list_agencies(active_only=False):
            for scope in (Scope("宿迁市"), Scope("沭阳县"), Scope(None)):
                assert chains.part(scope, agency) == scope.part_of(agency, whole)
            assert chains.chain(agency.region) == whole.chain(agency.region)
