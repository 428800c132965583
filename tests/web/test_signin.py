"""Signing in and out in a real browser: invite codes for staff, one-time links for supervisors,
sessions that sign-out ends, and forms refused without their CSRF token."""

from __future__ import annotations

import datetime as dt

from selenium.webdriver.common.by import By

from web.harness import SUPERVISOR
from web.pages import click_and_wait, open_login_link, page_text, sign_in_with_code, sign_out, text_of


def test_staff_signs_in_with_the_invite_code_and_sees_only_their_agency(chrome, desk):
    sign_in_with_code(chrome, desk.url, desk.invite("学张乡人民政府"))
    assert text_of(chrome, "#agency-name") == "学张乡人民政府"
    assert chrome.current_url.endswith(f"/agency/{desk.ids['学张乡人民政府']}")
    chrome.get(desk.url + "/overview")  # the supervisors' page does not exist for staff
    assert "找不到页面" in page_text(chrome) and "策勒乡" not in page_text(chrome)


def test_a_used_invite_code_is_refused_in_chinese(chrome, desk):
    code = desk.invite("学张乡人民政府")
    sign_in_with_code(chrome, desk.url, code)
    sign_out(chrome)
    assert "您已退出登录" in page_text(chrome)
    sign_in_with_code(chrome, desk.url, code)
    assert "已经使用过了" in text_of(chrome, "#problem")
    sign_in_with_code(chrome, desk.url, "NOSUCH22")
    assert "邀请码无效" in text_of(chrome, "#problem")


def test_signing_out_ends_the_session_on_the_server(chrome, desk):
    sign_in_with_code(chrome, desk.url, desk.invite("学张乡人民政府"))
    cookie = chrome.get_cookie("nianbao_session")
    sign_out(chrome)
    chrome.add_cookie({"name": "nianbao_session", "value": cookie["value"], "path": "/"})  # the old cookie, replayed
    chrome.get(desk.url + f"/agency/{desk.ids['学张乡人民政府']}")
    assert chrome.current_url.endswith("/signin")


def test_a_forged_session_cookie_is_ignored(chrome, desk):
    chrome.get(desk.url + "/signin")
    chrome.add_cookie({"name": "nianbao_session", "value": "made-up.cookie.value", "path": "/"})
    chrome.get(desk.url + "/overview")
    assert chrome.current_url.endswith("/signin")


def test_supervisor_signs_in_through_a_one_time_link(chrome, desk):
    open_login_link(chrome, desk.login_link(SUPERVISOR))
    assert chrome.current_url.endswith("/overview")
    rows = chrome.find_elements(By.CSS_SELECTOR, "#agencies tbody tr")
    assert {row.get_attribute("data-agency") for row in rows} == set(desk.ids)
    assert f"未报送 {len(desk.ids)}" in page_text(chrome)


def test_a_supervisor_invite_code_typed_on_the_sign_in_page_signs_a_supervisor_in(chrome, desk):
    """An office without Telegram: `nianbao invite --role supervisor`'s code is enough for the desk."""
    code = desk.store.create_invite(None, role="supervisor", now=desk.clock())
    chrome.delete_all_cookies()
    sign_in_with_code(chrome, desk.url, code)
    assert chrome.current_url.endswith("/overview")
    rows = chrome.find_elements(By.CSS_SELECTOR, "#agencies tbody tr")
    assert {row.get_attribute("data-agency") for row in rows} == set(desk.ids)


def test_a_reused_login_link_is_refused(chrome, desk):
    link = desk.login_link(SUPERVISOR)
    open_login_link(chrome, link)
    assert chrome.current_url.endswith("/overview")
    chrome.delete_all_cookies()
    chrome.get(link)
    assert "已经用过了" in text_of(chrome, "#message")
    chrome.get(desk.url + "/overview")
    assert chrome.current_url.endswith("/signin")


def test_an_expired_login_link_is_refused(chrome, desk):
    link = desk.login_link(SUPERVISOR)
    desk.clock.now += dt.timedelta(minutes=10, seconds=1)
    chrome.get(link)
    assert "已过期" in text_of(chrome, "#message")
    assert not chrome.find_elements(By.ID, "login")


def test_a_link_that_expires_while_its_page_is_open_is_refused_on_use(chrome, desk):
    chrome.get(desk.login_link(SUPERVISOR))
    desk.clock.now += dt.timedelta(minutes=11)
    click_and_wait(chrome, chrome.find_element(By.ID, "login"))
    assert "已过期" in text_of(chrome, "#message")
    chrome.get(desk.url + "/overview")
    assert chrome.current_url.endswith("/signin")


def test_a_form_posted_without_its_csrf_token_is_refused(chrome, desk):
    code = desk.invite("学张乡人民政府")
    chrome.get(desk.url + "/signin")
    chrome.execute_script("document.querySelector('input[name=csrf]').remove()")
    chrome.find_element(By.ID, "code").send_keys(code)
    click_and_wait(chrome, chrome.find_element(By.ID, "signin"))
    assert "表单已失效" in page_text(chrome)
    assert desk.store.get_invite(code).used_by is None  # nothing happened
    chrome.get(desk.url + "/signin")
    chrome.execute_script("document.querySelector('input[name=csrf]').value = 'forged'")
    chrome.find_element(By.ID, "code").send_keys(code)
    click_and_wait(chrome, chrome.find_element(By.ID, "signin"))
    assert "表单已失效" in page_text(chrome)
    assert desk.store.get_invite(code).used_by is None


def test_guessing_invite_codes_is_slowed_down(chrome, desk):
    code = desk.invite("学张乡人民政府")
    for guess in range(10):
        sign_in_with_code(chrome, desk.url, f"WRONG{guess:03d}")
    sign_in_with_code(chrome, desk.url, code)
    assert "尝试次数过多" in text_of(chrome, "#problem")
    assert desk.store.get_invite(code).used_by is None
