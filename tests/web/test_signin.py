"""Signing in and out: invite codes for staff, one-time links for supervisors, sessions that
sign-out (and signing in again) ends, forms refused without their CSRF token, and no trace of a
code that did not sign anyone in."""

from __future__ import annotations

import datetime as dt
import sqlite3
from contextlib import closing

import pytest

from nianbao.storage import InviteError

A = "学张乡人民政府"
B = "策勒乡人民政府"


def web_accounts(site) -> int:
    with closing(sqlite3.connect(f"file:{site.database}?mode=ro", uri=True)) as db:
        return db.execute("SELECT count(*) FROM web_accounts").fetchone()[0]


async def test_staff_sign_in_with_the_invite_code_and_see_only_their_agency(site):
    staff = await site.staff(A)
    page = await staff.get(f"/agency/{site.ids[A]}")
    assert page.text_of("agency-name") == A
    page = await staff.get("/overview")  # the supervisors' page does not exist for staff
    assert page.status == 404 and "找不到页面" in page.text and "策勒乡" not in page.text


async def test_a_used_invite_code_is_refused_in_chinese_and_points_to_the_personal_code(site):
    code = site.invite(A)
    visitor = await site.visitor()
    assert (await visitor.post("/signin", {"code": code})).url == "/welcome"
    await site.named(visitor, "张三")
    assert "您已退出登录" in (await visitor.post("/signout")).text
    problem = (await visitor.post("/signin", {"code": code})).text_of("problem")
    assert "已经使用过了" in problem and "个人登录码" in problem and "本单位人员" in problem
    assert "邀请码无效" in (await visitor.post("/signin", {"code": "NOSUCH22"})).text_of("problem")
    assert "请输入邀请码" in (await visitor.post("/signin", {"code": "  "})).text_of("problem")


async def test_signing_out_ends_the_session_on_the_server(site):
    staff = await site.staff(A)
    cookie = staff.cookie("nianbao_session")
    await staff.post("/signout")
    staff.set_cookie("nianbao_session", cookie)  # the old cookie, replayed
    assert (await staff.get(f"/agency/{site.ids[A]}")).url == "/signin"


async def test_a_forged_session_cookie_is_ignored(site):
    visitor = await site.visitor()
    visitor.set_cookie("nianbao_session", "made-up.cookie.value")
    assert (await visitor.get("/overview")).url == "/signin"


async def test_a_supervisor_signs_in_through_a_one_time_link(site):
    supervisor = await site.supervisor()
    page = await supervisor.get("/overview")
    assert set(page.texts("//table[@id='agencies']/tbody/tr/@data-agency")) == set(site.ids)
    assert f"未报送 {len(site.ids)}" in page.text


async def test_a_supervisor_invite_code_typed_on_the_sign_in_page_signs_a_supervisor_in(site):
    """An office without Telegram: `nianbao invite --role supervisor`'s code is enough for the desk."""
    code = site.store.create_invite(None, role="supervisor", now=site.clock())
    visitor = await site.visitor()
    assert (await visitor.post("/signin", {"code": code})).url == "/welcome"  # a name first, then the personal code
    await site.named(visitor, "李四")
    page = await visitor.get("/")
    assert page.url == "/overview" and page.text_of("me") == "李四"
    assert set(page.texts("//table[@id='agencies']/tbody/tr/@data-agency")) == set(site.ids)


async def test_a_reused_login_link_is_refused(site):
    link = site.login_path()
    first = await site.visitor()
    await first.get(link)
    assert (await first.post(link)).url == "/overview"
    second = await site.visitor()
    assert "已经用过了" in (await second.get(link)).text_of("message")
    assert "已经用过了" in (await second.post(link)).text_of("message")
    assert (await second.get("/overview")).url == "/signin"


async def test_an_expired_login_link_is_refused(site):
    link = site.login_path()
    site.clock.now += dt.timedelta(minutes=10, seconds=1)
    page = await (await site.visitor()).get(link)
    assert "已过期" in page.text_of("message") and not page.has("login")


async def test_a_link_that_expires_while_its_page_is_open_is_refused_on_use(site):
    link = site.login_path()
    visitor = await site.visitor()
    assert (await visitor.get(link)).has("login")
    site.clock.now += dt.timedelta(minutes=11)
    assert "已过期" in (await visitor.post(link)).text_of("message")
    assert (await visitor.get("/overview")).url == "/signin"


async def test_a_form_posted_without_its_csrf_token_or_with_a_forged_one_is_refused(site):
    code = site.invite(A)
    visitor = await site.visitor()
    for form in ({"code": code}, {"code": code, "csrf": "forged"}):
        page = await visitor.post("/signin", form, csrf=False)
        assert page.status == 403 and "表单已失效" in page.text
        assert site.store.get_invite(code).used_by is None  # nothing happened


async def test_guessing_invite_codes_is_slowed_down(site):
    code = site.invite(A)
    visitor = await site.visitor()
    for guess in range(10):
        assert "邀请码无效" in (await visitor.post("/signin", {"code": f"WRONG{guess:03d}"})).text
    page = await visitor.post("/signin", {"code": code})
    assert page.status == 429 and "尝试次数过多" in page.text_of("problem")
    assert site.store.get_invite(code).used_by is None


async def test_signing_in_again_ends_the_earlier_session_of_that_browser(site):
    browser = await site.staff(A)
    earlier = browser.cookie("nianbao_session")
    assert (await browser.post("/signin", {"code": site.invite(B)})).url == "/welcome"
    await site.named(browser, "李四")
    page = await browser.get("/")
    assert page.url == f"/agency/{site.ids[B]}" and page.text_of("agency-name") == B
    replayed = await site.visitor()
    replayed.set_cookie("nianbao_session", earlier)
    assert (await replayed.get(f"/agency/{site.ids[A]}")).url == "/signin"


async def test_a_failed_sign_in_in_a_signed_in_browser_signs_it_out(site):
    browser = await site.staff(A)
    earlier = browser.cookie("nianbao_session")
    page = await browser.post("/signin", {"code": "NOSUCH22"})
    assert "邀请码无效" in page.text_of("problem") and not page.has("signout")  # nobody is shown signed in
    browser.set_cookie("nianbao_session", earlier)
    assert (await browser.get(f"/agency/{site.ids[A]}")).url == "/signin"


async def test_a_login_link_used_in_a_signed_in_browser_ends_its_earlier_session(site):
    browser = await site.staff(A)
    earlier = browser.cookie("nianbao_session")
    link = site.login_path()
    await browser.get(link)
    assert (await browser.post(link)).url == "/overview"
    replayed = await site.visitor()
    replayed.set_cookie("nianbao_session", earlier)
    assert (await replayed.get(f"/agency/{site.ids[A]}")).url == "/signin"


async def test_codes_that_sign_nobody_in_leave_no_account_behind(site):
    used = site.invite(A)
    await (await site.visitor()).post("/signin", {"code": used})  # one account, made by a good code
    accounts = web_accounts(site)
    expired = site.invite(B)
    site.clock.now += dt.timedelta(days=15)
    visitor = await site.visitor()
    for code in (used, expired, "NOSUCH22"):
        page = await visitor.post("/signin", {"code": code})
        assert page.status == 400 and page.has("problem")
    assert web_accounts(site) == accounts


@pytest.mark.parametrize("reason", ["used", "expired", "unknown"])
async def test_redeeming_for_a_new_account_is_one_transaction(site, reason):
    store, clock = site.store, site.clock
    code = site.invite(A) if reason != "unknown" else "NOSUCH22"
    if reason == "used":
        store.redeem_for_new_account(code, now=clock())
    before = web_accounts(site)
    later = clock() + dt.timedelta(days=15 if reason == "expired" else 0)
    with pytest.raises(InviteError) as refused:
        store.redeem_for_new_account(code, display_name="网页用户", now=later)
    assert refused.value.reason == reason
    assert web_accounts(site) == before
