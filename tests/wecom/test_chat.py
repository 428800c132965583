"""What a county office gets in 企业微信, end to end through the local WeCom API server over
HTTP: binding, a .docx draft answered with the CLI's first issue and its 批注版, a supervisor's
/status with the chart, an acceptance that staff are told of, the app menu, a paste, and what
someone not bound (or a group chat) gets."""

from __future__ import annotations

import re

import pytest

from bot.harness import cli_check, issue_lines, sample_text
from fixtures.mistakes import one_mistake_docx
from nianbao.wecom.ids import member_id
from nianbao.wecom.render import TEXT_LIMIT
from wecom.harness import OTHER_STAFF, STAFF, STRANGER, SUPERVISOR

REASON = "经核实，该单位本年予以公开的申请为 0，系填报时看错列"


async def test_binding_with_a_code_typed_as_in_wecom(env):
    agency = env.store.find_agency("大安市叉干镇综合服务中心")
    code = env.store.create_invite(agency.id)
    bound = env.text(await env.send(STRANGER, f"绑定 {code}", count=1))
    assert "绑定成功" in bound and "大安市叉干镇综合服务中心" in bound
    member = env.store.get_member(member_id(STRANGER))
    assert member.agency_id == agency.id and member.display_name == STRANGER
    again = env.text(await env.send("WangWu", f"/start {code}", count=1))
    assert "已经使用过" in again and env.store.get_member(member_id("WangWu")) is None


async def test_a_docx_draft_gets_the_clis_first_issue_and_a_marked_up_copy(env, tmp_path):
    draft = one_mistake_docx()
    replies = await env.upload(STAFF, "学张乡2024年报.docx", draft)
    text = env.text(replies)
    path = tmp_path / "draft.docx"
    path.write_bytes(draft)
    first_issue = issue_lines(cli_check(path))[0]
    assert first_issue in issue_lines(text), (first_issue, text)
    assert "1 个错误" in text
    files = [m for m in replies if m.is_file]
    assert len(files) == 1 and files[0].filename.endswith(".docx") and "批注" in files[0].filename
    assert files[0].data[:2] == b"PK"
    assert all(len(m.text.encode("utf-8")) <= TEXT_LIMIT for m in replies if m.text)
    assert "<b>" not in text and "&lt;" not in text  # chat HTML rendered for WeCom
    (submission,) = env.store.list_submissions(env.store.find_agency("学张乡人民政府").id)
    assert submission.error_count == 1

    again = env.text(await env.upload(STAFF, "学张乡2024年报.docx", draft))
    assert "仍未改正" in again or "与上一稿相同" in again or "相同" in again  # the comparison with the previous draft


async def test_a_supervisors_status_comes_with_the_chart(env):
    await env.upload(STAFF, "学张乡2024年报.docx", one_mistake_docx())
    replies = await env.send(SUPERVISOR, "/status")
    assert "通过 0 个，有错误 1 个" in env.text(replies)
    (chart,) = [m for m in replies if m.is_file]
    assert chart.msgtype == "image" and chart.data[:8] == b"\x89PNG\r\n\x1a\n"
    clicked = await env.click(SUPERVISOR, "cmd:status")  # the menu's button answers the same
    assert "通过 0 个，有错误 1 个" in env.text(clicked)
    refused = env.text(await env.send(STAFF, "/status", count=1))
    assert "只有督导员" in refused


async def test_an_acceptance_is_told_to_staff_and_counts(env):
    await env.upload(STAFF, "学张乡2024年报.docx", one_mistake_docx())
    staff_seen = env.wecom.message_count(STAFF)
    accepted = env.text(await env.send(SUPERVISOR, f"/accept 学张乡人民政府 1 {REASON}", count=1))
    assert "已确认「学张乡人民政府」最新一稿的第 1 项（A100）" in accepted
    told = env.text(await env.wecom.wait_for(STAFF, 1, since=staff_seen, timeout=10))
    assert "督导员对本单位最新一稿的审核意见作了处理" in told and REASON in told
    status = env.text(await env.send(SUPERVISOR, "/status"))
    assert "学张乡人民政府 —— 通过（含 1 项已确认）" in status
    (kept,) = env.store.acceptances_of(env.store.find_agency("学张乡人民政府").id, 2024)
    assert kept.accepted_by == member_id(SUPERVISOR)
    exported = [m for m in await env.send(SUPERVISOR, "/export") if m.is_file]
    assert exported and exported[0].filename.endswith(".csv") and "学张乡人民政府" in exported[0].data.decode("utf-8-sig")


async def test_staff_explain_a_warning_and_a_paste_in_parts_is_one_draft(env):
    text = sample_text("004")
    since = env.wecom.message_count(OTHER_STAFF)
    half = len(text) // 2
    cut = text.index("\n", half)
    await env.wecom.user_sends_text(OTHER_STAFF, text[:cut])
    await env.wecom.user_sends_text(OTHER_STAFF, text[cut + 1 :])
    review = env.text(await env.replies(OTHER_STAFF, since, None))
    assert "警告" in review and review.count("审核结果") <= 1
    agency = env.store.find_agency("策勒乡人民政府")
    assert len(env.store.list_submissions(agency.id)) == 1
    answer = env.text(await env.send(OTHER_STAFF, "说明 3 本年机构改革，申请量下降", count=1))
    assert "已记录对第 3 项" in answer


async def test_the_app_menu_is_made_from_the_command_registry(env):
    await env.until_idle()
    menu = env.wecom.menu
    keys = [sub["key"] for button in menu["button"] for sub in button["sub_button"]]
    assert {"cmd:status", "cmd:overdue", "cmd:summary", "cmd:export", "cmd:history", "cmd:help"} <= set(keys)
    helped = env.text(await env.click(STAFF, "cmd:help"))
    assert "/history" in helped and "/status" not in helped


async def test_someone_not_bound_gets_one_short_answer_and_no_data(env):
    for message in ("/status", "/history", "/agency 学张乡", "你好"):
        reply = env.text(await env.send(STRANGER, message, count=1))
        assert "还没有绑定单位" in reply and "学张乡人民政府" not in reply
    answered = env.wecom.message_count(STRANGER)
    await env.wecom.user_sends_file(STRANGER, "报告.docx", one_mistake_docx())
    await env.until_idle()
    assert env.wecom.message_count(STRANGER) <= answered + 1  # at most a few answers in ten minutes
    assert all(not env.store.list_submissions(a.id) for a in env.store.list_agencies())


async def test_a_group_chat_gets_nothing(env):
    result = await env.wecom.user_sends_text(STAFF, "/help", chat_id="wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA")
    await env.until_idle()
    assert result.status == 200 and env.wecom.message_count(STAFF) == 0


async def test_long_answers_are_split_to_wecoms_limit_and_whoami_names_the_account(env):
    rules = await env.send(STAFF, "/rules")
    assert len(rules) >= 2 and all(len(m.text.encode("utf-8")) <= TEXT_LIMIT for m in rules)
    from nianbao.validators.rules import all_rules

    assert all(r.code in env.text(rules) for r in all_rules())
    who = env.text(await env.send(STAFF, "/whoami"))
    assert str(member_id(STAFF)) in who and STAFF in who and "Telegram" not in who


async def test_a_file_over_wecoms_limit_is_a_web_desk_link(tmp_path):
    from nianbao.storage import Store
    from wecom.harness import running_wecom, seed

    store = Store(tmp_path / "nianbao.db")
    seed(store)
    async with running_wecom(tmp_path, store, sections={"wecom": {"supervisors": [SUPERVISOR], "max_upload_mb": 0.001}}) as env:
        replies = await env.send(SUPERVISOR, "/summary")
        assert not any(m.is_file for m in replies)
        text = env.text(replies)
        assert "超过企业微信" in text and re.search(r'<a href="http://[^"]+/login/[^"]+">', text), text
    store.close()


async def test_a_report_pasted_by_hand_in_two_parts_minutes_apart_is_checked_whole(env):
    text = sample_text("004")
    cut = text.index("\n", len(text) // 2)
    asked = env.text(await env.send(OTHER_STAFF, text[:cut]))  # collected, then held: the rest is asked for
    assert "审核结果" not in asked and asked
    agency = env.store.find_agency("策勒乡人民政府")
    assert env.store.list_submissions(agency.id) == []  # a part is never checked on its own
    review = env.text(await env.send(OTHER_STAFF, text[cut + 1 :]))
    assert "审核结果" in review and len(env.store.list_submissions(agency.id)) == 1
