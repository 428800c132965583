"""Supervisors: the overview, one agency, the county's files, peers, and a human word over the
checker (accept with a reason, revoke; staff explanations), each as the page shows it."""

from __future__ import annotations

import csv
import io
import struct

from web.harness import one_mistake_docx, sample_bytes

A = "学张乡人民政府"
REASON = "经核实，该单位本年予以公开的申请为 0，系填报时看错列"


def state_of(page, agency: str) -> str:
    return page.texts(f"//tr[@data-agency='{agency}']/td[@class='state']")[0]


def rows(page) -> list[str]:
    return page.texts("//table[@id='agencies']/tbody/tr/@data-agency")


async def submit_form(visitor, page, form_xpath: str, **fields):
    """Fill a form of the page (its hidden fields as given) and press its button."""
    form = page.all(form_xpath)
    assert form, f"no form {form_xpath} on {page.url}"
    return await visitor.post(form[0].get("action") or page.url, {**page.form_fields(form_xpath), **fields})


async def accept_first_issue(supervisor, submission: int, reason: str = REASON):
    page = await supervisor.get(f"/submission/{submission}")
    return await submit_form(supervisor, page, "//li[@id='issue-1']//details[@class='accept']//form", reason=reason)


async def test_a_supervisor_accepts_an_error_with_a_reason_and_the_agency_then_passes(site):
    await site.submit(A, one_mistake_docx(), "学张乡.docx")
    supervisor = await site.supervisor()
    overview = await supervisor.get("/overview")
    assert state_of(overview, A) == "有错误"
    agency = await supervisor.get(overview.link(A))
    assert agency.text_of("agency-state") == "有错误"
    page = await accept_first_issue(supervisor, int(agency.link("查看").rsplit("/", 1)[1]))
    assert REASON in page.text_of("accepted-1")
    assert state_of(await supervisor.get("/overview"), A) == "通过（含 1 项已确认）"

    await site.submit(A, one_mistake_docx(), "学张乡-第二稿.docx")  # the same issue again
    assert state_of(await supervisor.get("/overview"), A) == "通过（含 1 项已确认）"

    staff = await site.staff(A)  # staff of the agency see the acceptance and its reason
    mine = await staff.get(f"/agency/{site.ids[A]}")
    assert mine.text_of("agency-state") == "通过（含 1 项已确认）"
    assert mine.title == "学张乡人民政府 · 年报审核助手"  # the acceptances are in the page, not in its title
    assert REASON in mine.text_of("acceptances")
    draft = await staff.get(mine.link("查看"))
    assert REASON in draft.text_of("accepted-1")
    assert not draft.all("//button[contains(@class, 'revoke')]")


async def test_revoking_an_acceptance_puts_the_error_back_and_keeps_the_record(site):
    submission = await site.submit(A, one_mistake_docx(), "学张乡.docx")
    supervisor = await site.supervisor()
    page = await accept_first_issue(supervisor, submission)
    page = await submit_form(
        supervisor, page, "//li[@id='issue-1']//form[.//button[contains(@class, 'revoke')]]", reason="复核后发现确有错误"
    )
    assert not page.has("accepted-1")
    agency = await supervisor.get(f"/agency/{site.ids[A]}")
    assert agency.text_of("agency-state") == "有错误"
    record = agency.text_of("acceptances")
    assert REASON in record and "撤销：复核后发现确有错误" in record


async def test_an_acceptance_without_a_reason_is_refused(site):
    submission = await site.submit(A, one_mistake_docx(), "学张乡.docx")
    supervisor = await site.supervisor()
    page = await accept_first_issue(supervisor, submission, reason="   ")
    assert "需要写明理由" in page.text
    assert state_of(await supervisor.get("/overview"), A) == "有错误"


async def test_staff_explain_a_warning_and_the_supervisor_sees_it_beside_the_issue(site):
    submission = await site.submit("文水县刘胡兰镇", sample_bytes("002"), "刘胡兰镇.txt")
    staff = await site.staff("文水县刘胡兰镇")
    page = await staff.get(f"/submission/{submission}")
    number = page.all("//ol[@id='issues']/li[contains(@class, 'severity-warning')]")[0].get("value")
    page = await submit_form(
        staff, page, f"//li[@id='issue-{number}']//details[@class='explain']//form", text="本年机构改革，申请量下降"
    )
    assert "本年机构改革" in page.text_of(f"explanation-{number}")
    supervisor = await site.supervisor()
    page = await supervisor.get(f"/submission/{submission}")
    said = page.text_of(f"explanation-{number}")  # who said it, when, and what
    assert said.startswith("本单位说明（张三，") and said.endswith("）：本年机构改革，申请量下降")


def png_width(data: bytes) -> int:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">I", data[16:20])[0]


async def test_the_overview_filters_sorts_and_offers_the_county_files(site):
    await site.submit(A, one_mistake_docx(), "学张乡.docx")
    await site.submit("文水县刘胡兰镇", sample_bytes("002"), "刘胡兰镇.txt")
    supervisor = await site.supervisor()
    overview = await supervisor.get("/overview")
    assert "距截止日期（1月31日）还有 16 天" in overview.text_of("countdown")
    errors = overview.all("//select[@name='state']/option[normalize-space(.)='有错误']/@value")[0]
    filtered = await supervisor.get("/overview", params={**overview.form_fields("//form[@class='filters']"), "state": errors})
    assert rows(filtered) == [A]
    names = rows(await supervisor.get("/overview?region=东区&sort=-name"))
    assert names == [A, "文水县刘胡兰镇"]  # by pinyin, backwards: xue before wen
    chart = await supervisor.get(overview.all("//img[contains(@class, 'chart')]/@src")[0])
    assert chart.headers["Content-Type"] == "image/png" and png_width(chart.body) > 100

    exported = await supervisor.get(overview.link("导出报送情况（CSV）"))
    assert "attachment" in exported.headers["Content-Disposition"]
    table = list(csv.reader(io.StringIO(exported.body.decode("utf-8-sig"))))
    assert {row[0] for row in table[1:]} == set(site.ids)
    workbook = await supervisor.get(overview.link("下载汇总表（Excel，不含有错误的单位）"))
    assert workbook.body[:2] == b"PK" and "attachment" in workbook.headers["Content-Disposition"]


async def test_an_invite_from_the_agency_page_signs_new_staff_in(site):
    supervisor = await site.supervisor()
    agency = "策勒乡人民政府"
    page = await supervisor.get(f"/agency/{site.ids[agency]}")
    assert page.title == "策勒乡人民政府 · 年报审核助手"  # the tab names the agency, nothing else
    page = await submit_form(supervisor, page, "//form[.//button[@id='make-invite']]")
    code = page.texts("//*[@id='invite']/code")[0]
    newcomer = await site.visitor()
    assert (await newcomer.post("/signin", {"code": code})).url == "/welcome"
    await site.named(newcomer, "赵六")
    assert (await newcomer.get("/")).text_of("agency-name") == agency


async def test_peers_and_trends_of_an_agency(site):
    await site.submit(A, one_mistake_docx(), "学张乡.docx")
    await site.submit("文水县刘胡兰镇", sample_bytes("002"), "刘胡兰镇.txt")
    supervisor = await site.supervisor()
    assert "需要先看的数字" in (await supervisor.get("/peers")).text
    page = await supervisor.get(f"/peers/{site.ids[A]}")
    row = page.texts("//*[@id='peer-figures']//tr[@data-figure='本年新收申请']")[0]
    assert row.startswith("本年新收申请")
    assert "2024 年" in page.text_of("years")
