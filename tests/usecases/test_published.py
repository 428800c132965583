"""The published copy checked against the reviewed one, through the use case every face calls
(``check_published``) and its sync core (``published_copy``), on a real SQLite file: the verdict
and the differences kept, the publication date found or given, on time against the agency's own
deadline, the state every window shows; a page fetched from a server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass
from typing import Callable

import pytest
from aiohttp import web

from nianbao.config import Config
from nianbao.roles import Role
from nianbao.storage import Store, SubmissionIn
from nianbao.storage.aio import AsyncStore
from nianbao.usecases.people import Person
from nianbao.usecases.published import (
    FetchError,
    PublishedState,
    check_published,
    fetch_published,
    publication_state,
    publication_states,
    published_copy,
)
from nianbao.usecases.words import NotAllowed
from nianbao.validators.engine import check_bytes
from nianbao.validators.render import result_json
from reports.published_pages import changed, mht, page
from reports.region_rosters import fixed_tables

CONFIG = Config()
UTC = dt.timezone.utc
NOW = dt.datetime(2025, 2, 20, 2, tzinfo=UTC)
DEPARTMENT, GOVERNMENT = "芮城县财政局", "芮城县人民政府"
TABLES = fixed_tables(1)


def _draft(store, agency_id: int, name: str, level: str, tables=TABLES, *, errors: int = 0, when=dt.datetime(2025, 1, 15, tzinfo=UTC)) -> int:
    """A reviewed draft as the pipeline keeps it (the engine's JSON without the issues)."""
    result = check_bytes(page(name, tables), f"{name}.html", level=level, expected_year=2024, expected_agency=name)
    assert result.errors == 0
    report = result_json(result)
    report.pop("issues")
    return store.add_submission(SubmissionIn(
        agency_id=agency_id, year=2024, input_format="html", parsed=True, error_count=errors, report=report,
        received_at=when, file_name=f"{name}审核稿.html",
    ))  # fmt: skip


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "nianbao.db") as store:
        yield store


@pytest.fixture
def agencies(store) -> dict[str, int]:
    ids = {DEPARTMENT: store.add_agency(DEPARTMENT, "县直部门", region="芮城县"), GOVERNMENT: store.add_agency(GOVERNMENT, "政府", region="芮城县")}
    _draft(store, ids[DEPARTMENT], DEPARTMENT, "county_department")
    _draft(store, ids[GOVERNMENT], GOVERNMENT, "government")
    return ids


def test_a_matching_copy_published_on_time(store, agencies):
    agency = store.get_agency(agencies[DEPARTMENT])
    outcome = published_copy(store, CONFIG, agency, 2024, page(DEPARTMENT, TABLES, published="2025-01-25"), "nb.html", now=NOW)
    assert (outcome.compared, outcome.matches, outcome.exit_code) == (True, True, 0)
    assert outcome.lines[0].startswith("✓ 芮城县财政局 2024 年度的发布稿与审核通过的稿件（芮城县财政局审核稿.html）一致")
    assert outcome.lines[-1] == "发布日期 2025-01-25（页面上的发布时间），按期发布。"
    kept = store.latest_publication(agency.id, 2024)
    assert (kept.published_on, kept.on_time, kept.matches, kept.file_name) == (dt.date(2025, 1, 25), True, True, "nb.html")
    state = publication_state(store, CONFIG, agency.id, 2024, dt.date(2025, 2, 20))
    assert (state.label, state.state, state.stale) == ("已发布（一致）", PublishedState.MATCHES, False)


def test_a_different_copy_lists_the_differences_and_is_kept(store, agencies):
    agency = store.get_agency(agencies[DEPARTMENT])
    total = TABLES["依申请公开"]["总计"]["总计"]
    copy = page(DEPARTMENT, changed(TABLES, "依申请公开", "总计", "总计", 59), date="2025年1月22日")
    outcome = published_copy(store, CONFIG, agency, 2024, mht(copy), "nb.mht", published_on=dt.date(2025, 1, 30), now=NOW)
    assert (outcome.matches, outcome.exit_code) == (False, 1)
    assert outcome.lines[1:3] == (
        f"1. 表三「（七）总计」「总计」审核稿为 {total}，发布稿为 59", "2. 成文日期审核稿为 2025年1月20日，发布稿为 2025年1月22日",
    )
    assert outcome.lines[-1] == "发布日期 2025-01-30（指定），按期发布。"
    assert [d["where"] for d in store.latest_publication(agency.id, 2024).differences] == ["表三「（七）总计」「总计」", "成文日期"]
    assert publication_state(store, CONFIG, agency.id, 2024).label == "发布稿与审核稿不一致"
    assert outcome.json()["differences"][0]["published"] == "59"


def test_late_is_against_the_agencys_own_deadline(store, agencies):
    department, government = store.get_agency(agencies[DEPARTMENT]), store.get_agency(agencies[GOVERNMENT])
    late = published_copy(store, CONFIG, department, 2024, page(DEPARTMENT, TABLES), "nb.html", published_on=dt.date(2025, 2, 10), now=NOW)
    assert late.matches and late.state.label == "逾期发布" and late.exit_code == 0
    assert late.lines[-1] == "发布日期 2025-02-10（指定），晚于截止日期 2025-01-31，逾期发布。"
    in_march = published_copy(store, CONFIG, government, 2024, page(GOVERNMENT, TABLES, published="2025-03-15"), "nb.html",
                              now=dt.datetime(2025, 3, 20, tzinfo=UTC))  # fmt: skip
    assert in_march.state.label == "已发布（一致）" and in_march.publication.on_time  # a government: 31 March
    unknown = published_copy(store, CONFIG, department, 2024, page(DEPARTMENT, TABLES), "nb.html", now=NOW)
    assert unknown.publication.published_on is None and unknown.state.label == "已发布（一致）"
    assert unknown.lines[-1].startswith("没有找到发布日期")


def test_no_reviewed_draft_or_an_unreadable_copy_exits_2_and_keeps_nothing(store, agencies):
    waiting = store.get_agency(store.add_agency("芮城县教育局", "县直部门", region="芮城县"))
    outcome = published_copy(store, CONFIG, waiting, 2024, page("芮城县教育局", TABLES), "nb.html", now=NOW)
    assert (outcome.compared, outcome.exit_code) == (False, 2) and "未报送" in outcome.problem
    _draft(store, waiting.id, "芮城县教育局", "county_department", errors=2)
    assert "有错误" in published_copy(store, CONFIG, waiting, 2024, b"x", "nb.html", now=NOW).problem
    imported = store.get_agency(store.add_agency("芮城县水利局", "县直部门", region="芮城县"))
    store.save_prior_report(imported.id, 2024, TABLES, file_name="已公开.pdf")
    assert "导入的已公开报告" in published_copy(store, CONFIG, imported, 2024, b"x", "nb.html", now=NOW).problem
    department = store.get_agency(agencies[DEPARTMENT])
    broken = published_copy(store, CONFIG, department, 2024, b"\x00\x01 not a report", "nb.pdf", now=NOW)
    assert broken.exit_code == 2 and broken.problem.startswith("无法读取发布稿「nb.pdf」")
    assert store.latest_publication(department.id, 2024) is None and store.latest_publication(waiting.id, 2024) is None
    assert publication_state(store, CONFIG, department.id, 2024).label == "未发布"


def test_a_new_reviewed_draft_makes_the_check_stale_and_every_state_is_listed(store, agencies):
    department = store.get_agency(agencies[DEPARTMENT])
    published_copy(store, CONFIG, department, 2024, page(DEPARTMENT, TABLES), "nb.html", now=NOW)
    _draft(store, department.id, DEPARTMENT, "county_department", fixed_tables(2), when=dt.datetime(2025, 2, 21, tzinfo=UTC))
    state = publication_state(store, CONFIG, department.id, 2024)
    assert state.stale and state.state == PublishedState.MATCHES
    states = publication_states(store, CONFIG, 2024, dt.date(2025, 3, 1))
    assert {store.get_agency(i).name: s.label for i, s in states.items()} == {DEPARTMENT: "已发布（一致）", GOVERNMENT: "未发布"}
    assert states[agencies[GOVERNMENT]].deadline == dt.date(2025, 3, 31)


# ---------------------------------------------------------------- the face-neutral use case


class InlinePool:
    async def run(self, function, /, *args, **kwargs):
        return function(*args, **kwargs)


@dataclass
class OfficeStandIn:
    """What ``check_published`` uses of an Office: the config, the store's threads, the check
    pool (here the check runs inline) and the clock."""

    config: Config
    db: AsyncStore
    pool: InlinePool
    clock: Callable[[], dt.datetime]

    def year(self) -> int:
        return 2024


@pytest.fixture
async def office(store):
    db = AsyncStore(store)
    yield OfficeStandIn(CONFIG, db, InlinePool(), lambda: NOW)
    db.shutdown()


@pytest.fixture
async def site(aiohttp_server):
    good = page(DEPARTMENT, TABLES, published="2025-01-26")

    async def slow(request):
        await asyncio.sleep(5)
        return web.Response(body=good)

    async def report(request):
        return web.Response(body=good, content_type="text/html")

    async def moved(request):
        raise web.HTTPFound("/nb.html")

    async def loop(request):
        raise web.HTTPFound("/loop")

    async def big(request):
        return web.Response(body=b"<html>" + b" " * 300_000, content_type="text/html")

    app = web.Application()
    for path, handler in (("/nb.html", report), ("/old", moved), ("/loop", loop), ("/big", big), ("/slow", slow)):
        app.router.add_get(path, handler)
    server = await aiohttp_server(app)
    return f"http://127.0.0.1:{server.port}"


async def test_staff_check_their_own_agencys_copy_and_supervisors_within_their_scope(office, store, agencies):
    department = store.get_agency(agencies[DEPARTMENT])
    staff = Person(501, Role.STAFF, department)
    outcome = await check_published(office, staff, department, page(DEPARTMENT, TABLES), "发布稿.html")
    assert outcome.matches and store.latest_publication(department.id, 2024).checked_by == 501
    other = Person(502, Role.STAFF, store.get_agency(agencies[GOVERNMENT]))
    with pytest.raises(NotAllowed):
        await check_published(office, other, department, page(DEPARTMENT, TABLES), "发布稿.html")
    elsewhere = Person(9, Role.SUPERVISOR, region="大安市", covered=frozenset())
    with pytest.raises(NotAllowed):
        await check_published(office, elsewhere, department, page(DEPARTMENT, TABLES), "发布稿.html")
    county = Person(8, Role.SUPERVISOR, region="芮城县", covered=frozenset(agencies.values()))
    differs = await check_published(office, county, department, page(DEPARTMENT, changed(TABLES, "复议诉讼", "复议后起诉", "结果维持", 7)), "发布稿.html")
    assert differs.exit_code == 1 and differs.state.label == "发布稿与审核稿不一致"
    too_big = await check_published(office, staff, department, b"x" * (int(CONFIG.max_file_mb * 1024 * 1024) + 1), "发布稿.pdf")
    assert too_big.exit_code == 2 and "文件太大" in too_big.problem


async def test_a_page_address_is_fetched_by_the_server(office, store, agencies, site):
    department = store.get_agency(agencies[DEPARTMENT])
    staff = Person(501, Role.STAFF, department)
    refused = await check_published(office, staff, department, url=f"{site}/nb.html")
    assert refused.exit_code == 2 and "内网或本机地址" in refused.problem  # a face never reaches the server's own network
    fetched = await check_published(office, staff, department, url=f"{site}/old", allow_private=True)
    assert fetched.matches and fetched.publication.url == f"{site}/old"
    assert (fetched.publication.file_name, fetched.publication.published_on) == ("nb.html", dt.date(2025, 1, 26))
    for path, words in (("/missing", "HTTP 404"), ("/big", "网页太大"), ("/loop", "跳转次数太多")):
        with pytest.raises(FetchError, match=words):
            await fetch_published(f"{site}{path}", max_bytes=200_000, allow_private=True)
    with pytest.raises(FetchError, match="等待超时"):
        await fetch_published(f"{site}/slow", max_bytes=200_000, timeout=0.5, allow_private=True)
    with pytest.raises(FetchError, match="http:// 或 https://"):
        await fetch_published("file:///etc/passwd", max_bytes=200_000, allow_private=True)


async def test_the_page_is_fetched_from_the_address_that_was_checked(aiohttp_server):
    """A name is resolved once per hop and the connection goes to the address checked: a name
    that would resolve to the server's own network a moment later (DNS rebinding) is never
    asked again. Here the name exists only in the resolver given, so the page can only arrive
    if the request went to its answer; the site still sees the name it was asked for."""
    seen_hosts, asked = [], []

    async def report(request):
        seen_hosts.append(request.headers["Host"])
        return web.Response(body=page(DEPARTMENT, TABLES), content_type="text/html")

    app = web.Application()
    app.router.add_get("/nb.html", report)
    server = await aiohttp_server(app)

    async def resolver(host, port):
        asked.append(host)
        return ["127.0.0.1"] if len(asked) == 1 else ["203.0.113.9"]  # a second answer would go nowhere

    body, name = await fetch_published(f"http://nianbao-site.invalid:{server.port}/nb.html", max_bytes=200_000, allow_private=True, resolve=resolver)
    assert (body, name) == (page(DEPARTMENT, TABLES), "nb.html")
    assert asked == ["nianbao-site.invalid"] and seen_hosts == [f"nianbao-site.invalid:{server.port}"]

    async def private_after_public(host, port):
        return ["203.0.113.9", "127.0.0.1"]

    with pytest.raises(FetchError, match="内网或本机地址"):  # any private answer refuses the name
        await fetch_published(f"http://nianbao-site.invalid:{server.port}/nb.html", max_bytes=200_000, resolve=private_after_public)

    async def nothing(host, port):
        raise OSError("no such name")

    with pytest.raises(FetchError, match="nianbao-site.invalid"):
        await fetch_published("http://nianbao-site.invalid/nb.html", max_bytes=200_000, resolve=nothing)
