"""People, not sessions: the first sign-in asks the name and shows a personal sign-in code once;
signing out is confirmed on a page that says the way back; the personal code brings the person
back (the same person: their drafts, their name); a colleague or a supervisor makes a new code for
someone who lost theirs (the old one stops working, the person is told); the records name who
uploaded, explained and decided, and the audit log names them."""

from __future__ import annotations

import datetime as dt

from web.harness import one_mistake_docx, sample_bytes

A, B = "学张乡人民政府", "策勒乡人民政府"


async def first_sign_in(site, agency: str):
    visitor = await site.visitor()
    page = await visitor.post("/signin", {"code": site.invite(agency)})
    return visitor, page


async def test_the_first_sign_in_asks_the_name_before_anything_and_shows_the_personal_code_once(site):
    visitor, page = await first_sign_in(site, A)
    assert page.url == "/welcome" and page.has("name")
    for elsewhere in (f"/agency/{site.ids[A]}", "/", "/me"):  # nothing else before the name
        assert (await visitor.get(elsewhere)).url == "/welcome"
    empty = await visitor.post("/welcome", {"name": "  "})
    assert empty.status == 400 and "还没有填写姓名" in empty.text_of("problem") and empty.has("name")  # the form kept
    shown = await visitor.post("/welcome", {"name": "张 三"})
    code = shown.text_of("personal-code")
    assert len(code) == 14 and code.count("-") == 2 and "只显示这一次" in shown.text
    page = await visitor.get(shown.link("我已记下，继续"))
    assert page.url == f"/agency/{site.ids[A]}" and page.text_of("me") == "张 三"
    assert (await visitor.get("/welcome")).url == f"/agency/{site.ids[A]}"  # asked once
    me = await visitor.get("/me")
    assert "已有个人登录码" in me.text_of("code-state") and code not in me.html  # never shown again


async def test_signing_out_says_the_way_back_and_the_personal_code_brings_the_same_person_back(site):
    staff = await site.staff(A, name="张三")
    page = await staff.get(f"/agency/{site.ids[A]}")
    confirm = await staff.get(page.link("退出登录"))  # a page first, not an instant sign-out
    assert "个人登录码" in confirm.text_of("way-back") and confirm.has("confirm-signout")
    assert (await staff.get(f"/agency/{site.ids[A]}")).url == f"/agency/{site.ids[A]}"  # still signed in
    assert "您已退出登录" in (await staff.post("/signout")).text
    typed = staff.personal_code.lower().replace("-", " ")  # as a person types it
    back = await staff.post("/signin", {"code": typed})
    assert back.url == f"/agency/{site.ids[A]}" and back.text_of("me") == "张三"
    assert len(site.store.list_members(agency_id=site.ids[A])) == 1  # the same person, no new account


async def test_without_a_personal_code_the_sign_out_page_offers_one_first(site):
    supervisor = await site.supervisor()  # by a one-time link: no personal code yet
    confirm = await supervisor.get("/signout")
    assert "还没有个人登录码" in confirm.text_of("way-back") and confirm.has("make-code")
    made = await supervisor.post("/me/code")
    code = made.text_of("personal-code")
    await supervisor.post("/signout")
    assert (await supervisor.post("/signin", {"code": code})).url == "/overview"


async def test_a_colleague_makes_a_new_code_for_one_who_lost_theirs(site):
    zhang = await site.staff(A, name="张三")
    li = await site.staff(A, name="李四")
    lost = li.personal_code
    page = await zhang.get(f"/agency/{site.ids[A]}")
    names = page.texts("//table[@id='people-table']//td[@class='name']")
    assert names == ["张三（我）", "李四"]
    ids = {m.display_name: m.user_id for m in site.store.list_members(agency_id=site.ids[A])}
    zhang_id, li_id = ids["张三"], ids["李四"]
    made = await zhang.post(f"/person/{li_id}/code")
    new = made.text_of("personal-code")
    assert "已为李四生成新的个人登录码" in made.text and "原来的个人登录码已经作废" in made.text
    await li.post("/signout")
    refused = await li.post("/signin", {"code": lost})
    assert refused.status == 400 and "个人登录码不对" in refused.text_of("problem")
    page = await li.post("/signin", {"code": new})
    assert page.url == f"/agency/{site.ids[A]}"
    assert "张三" in page.text_of("notice-1") and "新的网页版个人登录码" in page.text_of("notice-1")  # told who did it
    supervisor = await site.supervisor()
    audit = (await supervisor.get("/people")).texts("//ul[@id='audit']/li")
    assert any(f"张三（{zhang_id}）：生成个人登录码 李四（{li_id}）" in line for line in audit), audit
    assert any("登记姓名「李四」" in line for line in audit)


async def test_no_one_makes_a_code_for_someone_beyond_their_reach(site):
    await site.staff(B, name="王五")
    theirs = site.store.list_members(agency_id=site.ids[B])[0].user_id
    staff = await site.staff(A)
    assert (await staff.post(f"/person/{theirs}/code")).status == 404  # another agency's clerk
    site.store.bind_member(9002, None, "supervisor", "周督导")
    assert (await staff.post("/person/9002/code")).status == 404  # a supervisor
    site.store.bind_member(9003, None, "supervisor", "吴督导", region="东区")
    county = await site.supervisor(9003)
    assert (await county.post(f"/person/{theirs}/code")).status == 404  # 策勒乡 is in 西区
    assert (await county.post("/person/9002/code")).status == 404  # a supervisor of everything
    everyone = await site.supervisor(9002)
    assert (await everyone.post(f"/person/{theirs}/code")).has("personal-code")
    assert (await everyone.post("/person/9003/code")).has("personal-code")
    people = (await county.get("/people")).texts("//table[@id='people-table']//td[@class='name']")
    assert people == ["吴督导（我）"]  # a county supervisor sees no one above them


async def test_a_supervisor_comes_back_with_a_personal_code_too(site):
    visitor = await site.visitor()
    await visitor.post("/signin", {"code": site.store.create_invite(None, role="supervisor", now=site.clock())})
    await site.named(visitor, "李督导")
    await visitor.post("/signout")
    page = await visitor.post("/signin", {"code": visitor.personal_code})
    assert page.url == "/overview" and page.text_of("me") == "李督导"


async def test_the_records_say_who_uploaded_explained_and_decided(site):
    zhang = await site.staff("文水县刘胡兰镇", name="张三")
    li = await site.staff("文水县刘胡兰镇", name="李四")
    agency = site.ids["文水县刘胡兰镇"]
    await zhang.post(f"/agency/{agency}/upload", {"text": sample_bytes("002").decode("utf-8")})
    page = await li.post(f"/agency/{agency}/upload", {"text": sample_bytes("002").decode("utf-8")})
    submission = int(page.url.rsplit("/", 1)[1])
    assert page.text_of("uploader") == "李四"
    history = await zhang.get(f"/agency/{agency}")
    assert history.texts("//table[@id='history']//td[@class='uploader']") == ["李四", "张三"]  # newest first
    number = page.all("//ol[@id='issues']/li[contains(@class, 'severity-warning')]")[0].get("value")
    await li.post(f"/submission/{submission}/explain", {"number": number, "text": "本年机构改革"})
    site.store.bind_member(9002, None, "supervisor", "周督导")
    supervisor = await site.supervisor(9002)
    page = await supervisor.get(f"/submission/{submission}")
    assert page.text_of(f"explanation-{number}").startswith("本单位说明（李四，")
    error = page.all("//ol[@id='issues']/li[contains(@class, 'severity-error')]/@value")
    if error:
        page = await supervisor.post(f"/submission/{submission}/accept", {"number": error[0], "reason": "经核实无误"})
        assert "（周督导，" in page.text_of(f"accepted-{error[0]}")
    assert "网页用户" not in page.text and "用户 9002" not in page.text


async def test_renaming_oneself_and_a_new_code_for_oneself(site):
    staff = await site.staff(A, name="张三")
    old = staff.personal_code
    page = await staff.post("/me/name", {"name": "张三丰"})
    assert page.url == "/me" and page.text_of("me") == "张三丰"
    refused = await staff.post("/me/name", {"name": ""})
    assert refused.status == 400 and refused.has("problem")
    new = (await staff.post("/me/code")).text_of("personal-code")
    await staff.post("/signout")
    assert (await staff.post("/signin", {"code": old})).status == 400
    assert (await staff.post("/signin", {"code": new})).url == f"/agency/{site.ids[A]}"


async def test_an_empty_submit_keeps_the_form_and_says_what_is_missing(site):
    staff = await site.staff(A)
    agency = site.ids[A]
    page = await staff.post(f"/agency/{agency}/upload", {"text": ""})
    assert page.status == 400 and "还没有选择文件，也没有粘贴文字" in page.text_of("upload-problem")
    assert page.has("draft-text") and page.has("upload")  # the form is still there
    page = await staff.post(f"/agency/{agency}/upload", {"text": "只有一句话"})
    assert "不像一份完整的年度报告" in page.text_of("upload-problem")
    assert page.text_of("draft-text") == "只有一句话"  # what was pasted is kept
    submission = await site.submit(A, one_mistake_docx(), "学张乡.docx")
    supervisor = await site.supervisor()
    page = await supervisor.post(f"/submission/{submission}/accept", {"number": "1", "reason": " "})
    assert page.status == 400 and "还没有填写理由" in page.text_of("form-problem") and page.has("reason-1")


async def test_earlier_sessions_end_but_the_person_stays(site):
    """Signing out ends the session only: a week later the personal code still works."""
    staff = await site.staff(A)
    await staff.post("/signout")
    site.clock.now += dt.timedelta(days=7)
    assert (await staff.post("/signin", {"code": staff.personal_code})).url == f"/agency/{site.ids[A]}"
