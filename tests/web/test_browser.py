"""What only a real browser shows, in a real headless Chromium against the desk served as in
production (``start_desk``): the pages styled under their Content-Security-Policy, the cookie
flow of signing in and out, an upload through the file field, the chart drawn, and files that
land in the downloads folder. Everything else is asserted in process (test_signin, test_staff,
test_supervisor, test_routes), where it is quicker and says the same."""

from __future__ import annotations

import csv
import io
import zipfile

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from web.harness import one_mistake_docx
from web.pages import click_and_wait, issue_texts, open_login_link, page_text, settled_get, sign_in_with_code, sign_out, upload_file


def downloaded(chrome, suffix: str, timeout: float = 30):
    """The file the browser saved (waiting for the download to finish, not for a fixed time)."""
    WebDriverWait(chrome, timeout, poll_frequency=0.1).until(
        lambda _: [p for p in chrome.downloads.iterdir() if p.name.endswith(suffix)]
    )
    return next(p for p in chrome.downloads.iterdir() if p.name.endswith(suffix))


def test_a_supervisor_signs_in_with_a_link_and_out_again_in_a_real_browser(chrome, desk):
    open_login_link(chrome, desk.login_link())
    assert chrome.current_url.endswith("/overview")
    rows = chrome.find_elements(By.CSS_SELECTOR, "#agencies tbody tr")
    assert {row.get_attribute("data-agency") for row in rows} == set(desk.ids)
    assert chrome.get_cookie("nianbao_session")["httpOnly"]
    header = chrome.find_element(By.CSS_SELECTOR, "header.top")  # the stylesheet applies under the CSP
    assert header.value_of_css_property("background-color") in ("rgba(18, 60, 105, 1)", "rgb(18, 60, 105)")
    sign_out(chrome)
    assert "您已退出登录" in page_text(chrome)
    settled_get(chrome, desk.url + "/overview")
    assert chrome.current_url.endswith("/signin")


def test_staff_upload_a_word_file_and_download_the_marked_up_copy(chrome, desk, tmp_path):
    draft = tmp_path / "学张乡2024年报.docx"
    draft.write_bytes(one_mistake_docx())
    sign_in_with_code(chrome, desk.url, desk.invite("学张乡人民政府"))
    assert chrome.find_element(By.ID, "agency-name").text == "学张乡人民政府"
    upload_file(chrome, draft)
    assert len(issue_texts(chrome)) == 1
    flagged = chrome.find_elements(By.CSS_SELECTOR, "table[data-table='依申请公开'] td.flagged")
    assert [cell.get_attribute("data-issues") for cell in flagged] == ["1"] and flagged[0].is_displayed()
    chrome.find_element(By.ID, "download-marked").click()
    with zipfile.ZipFile(downloaded(chrome, ".docx")) as package:
        assert "应为 0" in package.read("word/comments.xml").decode("utf-8")


def test_the_overview_draws_its_chart_and_the_county_files_download(chrome, desk):
    desk.submit("学张乡人民政府", one_mistake_docx(), "学张乡.docx")
    open_login_link(chrome, desk.login_link())
    chart = chrome.find_element(By.CSS_SELECTOR, "img.chart")
    assert chrome.execute_script("return arguments[0].complete && arguments[0].naturalWidth", chart) > 100
    chrome.find_element(By.LINK_TEXT, "导出报送情况（CSV）").click()
    rows = list(csv.reader(io.StringIO(downloaded(chrome, ".csv").read_text(encoding="utf-8-sig"))))
    assert {row[0] for row in rows[1:]} == set(desk.ids)
    chrome.find_element(By.LINK_TEXT, "下载汇总表（Excel，不含有错误的单位）").click()
    assert downloaded(chrome, ".xlsx").read_bytes()[:2] == b"PK"
    click_and_wait(chrome, chrome.find_element(By.LINK_TEXT, "学张乡人民政府"))
    assert chrome.find_element(By.ID, "agency-state").text == "有错误"


def test_every_page_is_usable_on_a_phone(chrome, desk):
    """At 375 px: nothing sticks out sideways (the paste box, the buttons, the forms), 退出登录 and
    agency names stay on one line; wide tables scroll inside their box, never the page."""
    from web.pages import PHONE, lines_of, phone_width, wider_than_the_screen

    def fits(where: str) -> None:
        found = wider_than_the_screen(chrome)
        assert found == [], f"{where}: {found}"

    name = "大安市叉干镇综合服务中心"  # the longest name of the roster
    submission = desk.submit(name, one_mistake_docx(), "叉干镇.docx")
    with phone_width(chrome):
        settled_get(chrome, desk.url + "/signin")
        fits("sign-in page")
        personal = sign_in_with_code(chrome, desk.url, desk.invite(name), name="欧阳娜娜")
        fits("agency page")
        paste = chrome.find_element(By.ID, "draft-text").rect
        assert paste["x"] + paste["width"] <= PHONE
        signout = chrome.find_element(By.ID, "signout")
        assert lines_of(chrome, signout) == 1 and signout.is_displayed()
        click_and_wait(chrome, chrome.find_element(By.ID, "upload"))  # nothing chosen, nothing pasted
        assert "还没有选择文件" in chrome.find_element(By.ID, "upload-problem").text
        fits("an empty upload refused")
        for path in (f"/submission/{submission}", "/me", "/signout"):
            settled_get(chrome, desk.url + path)
            fits(path)
        sign_out(chrome)
        fits("signed out")
        sign_in_with_code(chrome, desk.url, personal)
        assert chrome.find_element(By.ID, "agency-name").text == name
        sign_out(chrome)
        open_login_link(chrome, desk.login_link())
        fits("overview")
        names = chrome.find_elements(By.CSS_SELECTOR, "#agencies td.name a")
        assert {n.text for n in names} == set(desk.ids) and all(lines_of(chrome, n) == 1 for n in names)
        for path in ("/people", "/peers", f"/agency/{desk.ids[name]}", f"/submission/{submission}", f"/peers/{desk.ids[name]}"):
            settled_get(chrome, desk.url + path)
            fits(path)
