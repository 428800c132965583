"""Supervisors in a real browser: the overview, one agency, the county's files, peers, and a
human word over the checker (accept with a reason, revoke; staff explanations)."""

from __future__ import annotations

import csv
import io
import time

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from web.harness import one_mistake_docx, sample_bytes
from web.pages import click_and_wait, open_login_link, page_text, sign_in_with_code, type_into

REASON = "经核实，该单位本年予以公开的申请为 0，系填报时看错列"


def state_of(chrome, agency: str) -> str:
    return chrome.find_element(By.CSS_SELECTOR, f"tr[data-agency='{agency}'] td.state").text


def test_supervisor_accepts_an_error_with_a_reason_and_the_agency_then_passes(chrome, desk):
    desk.submit("学张乡人民政府", one_mistake_docx(), "学张乡.docx")
    open_login_link(chrome, desk.login_link())
    assert state_of(chrome, "学张乡人民政府") == "有错误"
    click_and_wait(chrome, chrome.find_element(By.LINK_TEXT, "学张乡人民政府"))
    assert chrome.find_element(By.ID, "agency-state").text == "有错误"
    click_and_wait(chrome, chrome.find_element(By.LINK_TEXT, "查看"))
    chrome.find_element(By.CSS_SELECTOR, "#issue-1 details.accept summary").click()
    type_into(chrome, "reason-1", REASON)
    click_and_wait(chrome, chrome.find_element(By.ID, "accept-1"))
    assert REASON in chrome.find_element(By.ID, "accepted-1").text

    chrome.get(desk.url + "/overview")
    assert state_of(chrome, "学张乡人民政府") == "通过（含 1 项已确认）"

    desk.submit("学张乡人民政府", one_mistake_docx(), "学张乡-第二稿.docx")  # the same issue again
    chrome.get(desk.url + "/overview")
    assert state_of(chrome, "学张乡人民政府") == "通过（含 1 项已确认）"

    chrome.delete_all_cookies()  # staff of the agency see the acceptance and its reason
    sign_in_with_code(chrome, desk.url, desk.invite("学张乡人民政府"))
    assert "通过（含 1 项已确认）" == chrome.find_element(By.ID, "agency-state").text
    assert chrome.title == "学张乡人民政府 · 年报审核助手"  # the acceptances are in the page, not in its title
    assert REASON in chrome.find_element(By.ID, "acceptances").text
    click_and_wait(chrome, chrome.find_elements(By.LINK_TEXT, "查看")[0])
    assert REASON in chrome.find_element(By.ID, "accepted-1").text
    assert not chrome.find_elements(By.CSS_SELECTOR, "button.revoke")


def test_revoking_an_acceptance_puts_the_error_back_and_keeps_the_record(chrome, desk):
    submission = desk.submit("学张乡人民政府", one_mistake_docx(), "学张乡.docx")
    open_login_link(chrome, desk.login_link())
    chrome.get(desk.url + f"/submission/{submission}")
    chrome.find_element(By.CSS_SELECTOR, "#issue-1 details.accept summary").click()
    type_into(chrome, "reason-1", REASON)
    click_and_wait(chrome, chrome.find_element(By.ID, "accept-1"))
    chrome.find_element(By.CSS_SELECTOR, "#issue-1 input[name=reason]").send_keys("复核后发现确有错误")
    click_and_wait(chrome, chrome.find_element(By.CSS_SELECTOR, "button.revoke"))
    assert not chrome.find_elements(By.ID, "accepted-1")
    chrome.get(desk.url + f"/agency/{desk.ids['学张乡人民政府']}")
    assert chrome.find_element(By.ID, "agency-state").text == "有错误"
    record = chrome.find_element(By.ID, "acceptances").text
    assert REASON in record and "撤销：复核后发现确有错误" in record


def test_an_acceptance_without_a_reason_is_refused(chrome, desk):
    submission = desk.submit("学张乡人民政府", one_mistake_docx(), "学张乡.docx")
    open_login_link(chrome, desk.login_link())
    chrome.get(desk.url + f"/submission/{submission}")
    chrome.find_element(By.CSS_SELECTOR, "#issue-1 details.accept summary").click()
    chrome.execute_script("const box = document.getElementById('reason-1'); box.removeAttribute('required'); box.value = '   ';")
    click_and_wait(chrome, chrome.find_element(By.ID, "accept-1"))
    assert "需要写明理由" in page_text(chrome)
    chrome.get(desk.url + "/overview")
    assert state_of(chrome, "学张乡人民政府") == "有错误"


def test_staff_explain_a_warning_and_the_supervisor_sees_it_beside_the_issue(chrome, desk):
    submission = desk.submit("文水县刘胡兰镇", sample_bytes("002"), "刘胡兰镇.txt")
    sign_in_with_code(chrome, desk.url, desk.invite("文水县刘胡兰镇"))
    chrome.get(desk.url + f"/submission/{submission}")
    warning = chrome.find_element(By.CSS_SELECTOR, "#issues li.severity-warning")
    number = warning.get_attribute("value")
    warning.find_element(By.CSS_SELECTOR, "details.explain summary").click()
    type_into(chrome, f"explain-text-{number}", "本年机构改革，申请量下降")
    click_and_wait(chrome, chrome.find_element(By.ID, f"explain-{number}"))
    assert "本年机构改革" in chrome.find_element(By.ID, f"explanation-{number}").text
    chrome.delete_all_cookies()
    open_login_link(chrome, desk.login_link())
    chrome.get(desk.url + f"/submission/{submission}")
    assert "本单位说明：本年机构改革，申请量下降" == chrome.find_element(By.ID, f"explanation-{number}").text


def test_the_overview_filters_sorts_and_offers_the_county_files(chrome, desk):
    desk.submit("学张乡人民政府", one_mistake_docx(), "学张乡.docx")
    desk.submit("文水县刘胡兰镇", sample_bytes("002"), "刘胡兰镇.txt")
    open_login_link(chrome, desk.login_link())
    assert "距截止日期（1月31日）还有 16 天" in chrome.find_element(By.ID, "countdown").text
    Select(chrome.find_element(By.NAME, "state")).select_by_visible_text("有错误")
    click_and_wait(chrome, chrome.find_element(By.CSS_SELECTOR, ".filters button"))
    assert [r.get_attribute("data-agency") for r in chrome.find_elements(By.CSS_SELECTOR, "#agencies tbody tr")] == ["学张乡人民政府"]
    chrome.get(desk.url + "/overview?region=东区&sort=-name")
    names = [r.get_attribute("data-agency") for r in chrome.find_elements(By.CSS_SELECTOR, "#agencies tbody tr")]
    assert sorted(names, reverse=True) == names and set(names) == {"学张乡人民政府", "文水县刘胡兰镇"}
    chart = chrome.find_element(By.CSS_SELECTOR, "img.chart")
    assert chrome.execute_script("return arguments[0].complete && arguments[0].naturalWidth", chart) > 100

    chrome.get(desk.url + "/overview")
    chrome.find_element(By.LINK_TEXT, "导出报送情况（CSV）").click()
    exported = _downloaded(chrome, ".csv")
    rows = list(csv.reader(io.StringIO(exported.read_text(encoding="utf-8-sig"))))
    assert {row[0] for row in rows[1:]} == set(desk.ids)
    chrome.find_element(By.LINK_TEXT, "下载汇总表（Excel，不含有错误的单位）").click()
    assert _downloaded(chrome, ".xlsx").read_bytes()[:2] == b"PK"


def test_an_invite_from_the_agency_page_signs_new_staff_in(chrome, desk):
    open_login_link(chrome, desk.login_link())
    chrome.get(desk.url + f"/agency/{desk.ids['策勒乡人民政府']}")
    assert chrome.title == "策勒乡人民政府 · 年报审核助手"  # the tab names the agency, nothing else
    click_and_wait(chrome, chrome.find_element(By.ID, "make-invite"))
    code = chrome.find_element(By.CSS_SELECTOR, "#invite code").text
    chrome.delete_all_cookies()
    sign_in_with_code(chrome, desk.url, code)
    assert chrome.find_element(By.ID, "agency-name").text == "策勒乡人民政府"


def test_peers_and_trends_of_an_agency(chrome, desk):
    desk.submit("学张乡人民政府", one_mistake_docx(), "学张乡.docx")
    desk.submit("文水县刘胡兰镇", sample_bytes("002"), "刘胡兰镇.txt")
    open_login_link(chrome, desk.login_link())
    chrome.get(desk.url + "/peers")
    assert "需要先看的数字" in page_text(chrome)
    chrome.get(desk.url + f"/peers/{desk.ids['学张乡人民政府']}")
    row = chrome.find_element(By.CSS_SELECTOR, "#peer-figures tr[data-figure='本年新收申请']").text
    assert row.startswith("本年新收申请")
    assert "2024 年" in chrome.find_element(By.ID, "years").text


def _downloaded(chrome, suffix: str, timeout: float = 30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [p for p in chrome.downloads.iterdir() if p.name.endswith(suffix)]
        if found:
            return found[0]
        time.sleep(0.2)
    raise AssertionError(f"no {suffix} downloaded")
