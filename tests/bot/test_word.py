"""The human word over the checker in chat, end to end through the local Bot API server:
a supervisor accepts an error (and revokes it), staff explain an issue, /web gives a link."""

from __future__ import annotations

import io

import openpyxl

from bot.harness import STAFF_OTHER, STAFF_XUEZHANG, SUPERVISOR, sample_text
from fixtures.mistakes import one_mistake_docx

REASON = "经核实，该单位本年予以公开的申请为 0，系填报时看错列"


async def test_a_supervisor_accepts_an_error_in_chat_and_status_counts_the_agency_as_passing(env):
    review = await env.upload(STAFF_XUEZHANG, "学张乡2024年报.docx", one_mistake_docx())
    assert "1 个错误" in env.text(review)
    status = env.text(await env.send(SUPERVISOR, "/status", count=2))  # the text and the chart
    assert "通过 0 个，有错误 1 个" in status

    staff_seen = env.api.message_count(STAFF_XUEZHANG)
    accepted = env.text(await env.send(SUPERVISOR, f"/accept 学张乡人民政府 1 {REASON}", count=1))
    told = env.text(await env.api.wait_for_replies(STAFF_XUEZHANG, count=1, timeout=10, since=staff_seen))
    assert "督导员对本单位最新一稿的审核意见作了处理" in told and REASON in told  # staff see the acceptance and why
    assert "已确认「学张乡人民政府」最新一稿的第 1 项（A100）" in accepted and "通过（含 1 项已确认）" in accepted
    status = env.text(await env.send(SUPERVISOR, "/status", count=2))  # the text and the chart
    assert "通过 1 个，有错误 0 个" in status and "学张乡人民政府 —— 通过（含 1 项已确认）" in status
    overdue = env.text(await env.send(SUPERVISOR, "/overdue", count=1))
    assert "学张乡" not in overdue
    (kept,) = env.store.acceptances_of(env.store.find_agency("学张乡人民政府").id, 2024)
    assert (kept.accepted_by, kept.reason, kept.code) == (SUPERVISOR, REASON, "A100")
    shown = env.text(await env.send(SUPERVISOR, "/agency 学张乡", count=1))
    assert "✔️ 已确认" in shown and REASON in shown  # the acceptance is shown beside the issue in chat
    (exported,) = await env.send(SUPERVISOR, "/export", count=1)
    assert any(r.startswith("学张乡人民政府,乡镇（街道）,,通过（含 1 项已确认）,") for r in exported.data.decode("utf-8-sig").splitlines())
    summary = await env.send(SUPERVISOR, "/summary", count=2)
    [workbook] = [m for m in summary if m.is_file]
    sheet = openpyxl.load_workbook(io.BytesIO(workbook.data))["各机关情况"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert any("学张乡人民政府" in row and "通过（含 1 项已确认）" in row for row in rows), rows

    revoked = env.text(await env.send(SUPERVISOR, "/unaccept 学张乡人民政府 1 复核后确有错误", count=1))
    assert "已撤销" in revoked
    assert "有错误 1 个" in env.text(await env.send(SUPERVISOR, "/status", count=2))  # the text and the chart


async def test_accept_is_for_supervisors_and_needs_a_reason(env):
    await env.upload(STAFF_XUEZHANG, "学张乡2024年报.docx", one_mistake_docx())
    refused = env.text(await env.send(STAFF_XUEZHANG, f"/accept 学张乡人民政府 1 {REASON}", count=1))
    assert "只有督导员" in refused
    usage = env.text(await env.send(SUPERVISOR, "/accept 学张乡人民政府 1", count=1))
    assert "用法" in usage
    missing = env.text(await env.send(SUPERVISOR, f"/accept 学张乡人民政府 9 {REASON}", count=1))
    assert "没有第 9 项" in missing


async def test_staff_explain_an_issue_by_replying_with_its_number(env):
    review = await env.send(STAFF_OTHER, sample_text("004"))
    assert "警告" in env.text(review)
    answer = env.text(await env.send(STAFF_OTHER, "说明 3 本年机构改革，申请量下降", count=1))
    assert "已记录对第 3 项" in answer and "本年机构改革" in answer
    agency = env.store.find_agency("策勒乡人民政府")
    (explanation,) = env.store.explanations_of(agency.id, 2024).values()
    assert explanation.text == "本年机构改革，申请量下降" and explanation.user_id == STAFF_OTHER
    shown = env.text(await env.send(SUPERVISOR, "/agency 策勒乡", count=1))
    assert "3. " in shown and "💬 单位说明：本年机构改革，申请量下降" in shown  # the supervisor sees it beside issue 3


async def test_web_gives_a_one_time_link(env):
    link = env.text(await env.send(SUPERVISOR, "/web", count=1))
    assert "一次性登录链接" in link and "/login/" in link
    assert "还没有绑定" in env.text(await env.send(4242, "/web", count=1))


async def test_an_agency_whose_errors_are_accepted_gets_no_reminder(tmp_path):
    import datetime as dt

    from bot.harness import SHANGHAI, Clock, running_bot, seed
    from nianbao.bot.reminders import JOB_NAME
    from nianbao.devtools.server import LocalBotApi
    from nianbao.storage import Store

    store = Store(tmp_path / "nianbao.db")
    seed(store)
    clock = Clock(dt.datetime(2025, 1, 24, 9, 30, tzinfo=SHANGHAI))  # 7 days before the deadline: a reminder day
    api = LocalBotApi()
    await api.start()
    try:
        for user in (STAFF_XUEZHANG, STAFF_OTHER, SUPERVISOR):
            api.add_user(user)
        async with running_bot(tmp_path, store, clock, api) as env:
            job = env.app.job_queue.get_jobs_by_name(JOB_NAME)[0]
            job.enabled = False  # run below, at a known moment, not by the scheduler under load
            await env.upload(STAFF_XUEZHANG, "学张乡2024年报.docx", one_mistake_docx())
            staff_seen = api.message_count(STAFF_XUEZHANG)
            await env.send(SUPERVISOR, f"/accept 学张乡人民政府 1 {REASON}", count=1)
            await api.wait_for_replies(STAFF_XUEZHANG, count=1, timeout=10, since=staff_seen)  # told of the acceptance
            marks = {user: api.message_count(user) for user in (STAFF_XUEZHANG, STAFF_OTHER, SUPERVISOR)}
            await job.run(env.app)
        new = {user: api.sent_to(user)[marks[user]:] for user in marks}
        assert new[STAFF_XUEZHANG] == []  # accepted: passing, not reminded
        assert len(new[STAFF_OTHER]) == 1 and "距截止日期还有 7 天" in new[STAFF_OTHER][0].plain_text
        assert "通过 1 个" in new[SUPERVISOR][0].plain_text
    finally:
        await api.stop()
        store.close()
