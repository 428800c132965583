"""End to end: the real Application talks HTTP to the local Bot API server; users are simulated
there, and the tests assert on what the bot sent back and on what the database holds."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace


from bot.harness import (
    SHANGHAI,
    STAFF_CHAGAN,
    STAFF_OTHER,
    STAFF_XUEZHANG,
    SUPERVISOR,
    Clock,
    cli_check,
    issue_lines,
    paste_parts,
    running_bot,
    sample_text,
    seed,
)
from nianbao.bot.reminders import JOB_NAME
from nianbao.devtools import LocalBotApi
from nianbao.storage import Store

# ---------------------------------------------------------------- joining


async def test_invite_binds_staff_once(tmp_path):
    store = Store(tmp_path / "nianbao.db")
    agency_id = store.add_agency("学张乡人民政府", "township")
    code = store.create_invite(agency_id)
    async with running_bot(tmp_path, store) as env:
        replies = await env.send(2001, f"/start {code.lower()}", count=1)
        assert "绑定成功" in replies[0].plain_text and "学张乡人民政府" in replies[0].plain_text
        assert store.get_member(2001).agency_id == agency_id
        again = await env.send(2002, f"/start {code}", count=1)
        assert "已经使用过" in again[0].plain_text
        assert store.get_member(2002) is None
        unknown = await env.send(2003, "/start NOPE1234", count=1)
        assert "邀请码无效" in unknown[0].plain_text
    store.close()


async def test_unbound_user_is_refused_and_nothing_is_stored(env):
    replies = await env.upload(4242, "报告.txt", sample_text("000").encode(), count=1)
    assert "还没有绑定单位" in replies[0].plain_text
    for command in ("/status", "/history", "/agency 学张乡"):
        reply = await env.send(4242, command, count=1)
        assert "还没有绑定单位" in reply[0].plain_text
    assert all(not env.store.list_submissions(a.id) for a in env.store.list_agencies())


async def test_staff_cannot_use_supervisor_commands_or_see_other_agencies(env):
    await env.upload(STAFF_CHAGAN, "叉干镇.txt", sample_text("003").encode())
    for command in ("/status", "/agency 大安市叉干镇综合服务中心", "/overdue", "/invite 学张乡", "/export"):
        reply = await env.send(STAFF_XUEZHANG, command, count=1)
        assert reply[0].plain_text == "抱歉，这个命令只有督导员可以使用。", command
    history = await env.send(STAFF_XUEZHANG, "/history", count=1)
    assert "学张乡人民政府" in history[0].plain_text and "还没有报送记录" in history[0].plain_text
    assert "叉干" not in env.text(env.api.sent_to(STAFF_XUEZHANG))


# ---------------------------------------------------------------- drafts


async def test_docx_draft_gets_the_same_issues_as_the_cli(env, tmp_path, sample_docx):
    data = next(value for name, value in sample_docx.items() if name.startswith("003"))
    path = tmp_path / "叉干镇年报.docx"
    path.write_bytes(data)
    replies = await env.upload(STAFF_CHAGAN, path.name, data)
    chat = env.text(replies)
    assert "6 个错误，2 个警告" in chat
    assert issue_lines(chat) == issue_lines(cli_check(path))
    assert len(issue_lines(chat)) == 8
    agency = env.store.find_agency("大安市叉干镇综合服务中心")
    [submission] = env.store.list_submissions(agency.id, 2024)
    assert submission.input_format == "docx" and submission.error_count == 6
    assert {i["code"] for i in submission.issues} >= {"L101", "C101", "S102", "X101", "Y104"}
    assert submission.report["tables"]["依申请公开"]["本年新收政府信息公开申请数量"]["总计"] == 9


async def test_docx_draft_comes_back_marked_up_with_a_comment_per_issue(env, sample_docx):
    from nianbao.validators.annotate import read_comments
    from nianbao.validators.engine import check_bytes

    data = next(value for name, value in sample_docx.items() if name.startswith("003"))
    replies = await env.upload(STAFF_CHAGAN, "叉干镇年报.docx", data)
    [marked] = [m for m in replies if m.is_file]
    assert marked.filename == "叉干镇年报_审核批注.docx" and "批注" in marked.plain_text
    comments = sorted(read_comments(marked.data), key=lambda c: c.number)  # read in document order
    chat_lines = issue_lines(env.text(replies))
    assert [c.text.split("\n")[0] for c in comments] == chat_lines  # same numbers, same words
    expected = check_bytes(data, "叉干镇年报.docx", expected_year=2024).issues
    for comment, issue in zip(comments, expected):
        if issue.locator is not None:
            assert comment.locator == issue.locator, issue.message
    assert check_bytes(marked.data, "again.docx").report.tables_json() == check_bytes(data, "x.docx").report.tables_json()


async def test_text_and_passing_drafts_get_no_marked_up_file(env, sample_texts):
    replies = await env.upload(STAFF_XUEZHANG, "年报.txt", sample_text("000").encode())
    assert not any(m.is_file for m in replies)


async def test_corrected_draft_reports_fixed_issues_and_passes(env):
    text = sample_text("000")
    first = env.text(await env.upload(STAFF_XUEZHANG, "初稿.txt", text.encode()))
    assert "2 个错误" in first
    fixed = text.replace("2、 主动公开政府信息情况", "二、主动公开政府信息情况").replace("3、 收到和处理", "三、收到和处理")
    fixed = fixed.replace(" 2024年政府信息公开工作", "学张乡人民政府2024年政府信息公开工作", 1)  # and the title's missing name (Y111)
    second = env.text(await env.upload(STAFF_XUEZHANG, "修改稿.txt", fixed.encode()))
    assert "与上一稿" in second and "已改正 3 项" in second and "仍未改正 0 项" in second
    assert "✅ 已改正：第二部分标题编号有误" in second
    assert "没有错误，已记录为通过" in second and "所有错误都已改正" in second
    third = env.text(await env.upload(STAFF_XUEZHANG, "修改稿（再发一次）.txt", fixed.encode()))
    assert "与上一稿的文件内容完全相同" in third
    status = env.text(await env.send(SUPERVISOR, "/status", count=1))
    assert "应报单位 4 个：已报送 1 个，通过 1 个" in status
    assert "学张乡人民政府" not in status.split("尚未通过的单位")[1]


async def test_pasted_text_is_checked_like_a_file(env, tmp_path):
    text = sample_text("003")
    path = tmp_path / "003.txt"
    path.write_text(text, encoding="utf-8")
    since = env.api.message_count(STAFF_CHAGAN)
    for part in paste_parts(text):
        await env.api.user_sends_text(STAFF_CHAGAN, part)
    replies = await env.api.collect_replies(STAFF_CHAGAN, timeout=20, quiet=1.0, since=since, settled=env.bot_is_idle)
    chat = env.text(replies)
    assert issue_lines(chat) == issue_lines(cli_check(path))
    agency = env.store.find_agency("大安市叉干镇综合服务中心")
    [submission] = env.store.list_submissions(agency.id, 2024)
    assert submission.file_name == "粘贴的文本" and submission.input_format == "tabbed"


async def test_short_chat_is_not_mistaken_for_a_report(env):
    reply = await env.send(STAFF_XUEZHANG, "你好，请问怎么用？", count=1)
    assert "使用说明" in reply[0].plain_text and "发送年度报告" in reply[0].plain_text  # a question about use gets the help
    reply = await env.send(STAFF_XUEZHANG, "好的，谢谢", count=1)
    assert "请发送年度报告" in reply[0].plain_text


async def test_long_reply_arrives_complete_in_several_messages(env, tmp_path):
    # sixty cells holding sixty different fractions instead of 0 (the same word in every cell would be
    # one issue per table): a review longer than one Telegram message
    parts = sample_text("000").split("\t0\n")
    broken = "".join(part + (f"\t{i}.5\n" if i <= 60 else "\t0\n") for i, part in enumerate(parts[:-1], 1)) + parts[-1]
    replies = await env.upload(STAFF_XUEZHANG, "长回复.txt", broken.encode())
    assert len(replies) >= 2
    assert all(len(m.plain_text) <= 4096 for m in replies)
    path = tmp_path / "长回复.txt"
    path.write_bytes(broken.encode())
    lines = issue_lines(env.text(replies))
    assert lines == issue_lines(cli_check(path)) and len(lines) > 40
    assert [int(line.split(".")[0]) for line in lines] == list(range(1, len(lines) + 1))


async def test_unreadable_file_gets_a_clear_answer_and_is_recorded(env):
    reply = await env.upload(STAFF_XUEZHANG, "年报.docx", b"PK\x03\x04 this is not a zip", count=1)
    assert "无法审核" in reply[0].plain_text and "损坏" in reply[0].plain_text
    agency = env.store.find_agency("学张乡人民政府")
    [submission] = env.store.list_submissions(agency.id, 2024)
    assert submission.parsed is False
    ok = await env.send(STAFF_OTHER, "/history", count=1)
    assert "策勒乡人民政府" in ok[0].plain_text


# ---------------------------------------------------------------- supervisors


async def test_supervisor_sees_agency_history_and_export(env):
    await env.upload(STAFF_CHAGAN, "叉干镇.txt", sample_text("003").encode())
    await env.upload(STAFF_OTHER, "=SUM(1,2)+草稿.txt", sample_text("004").encode())
    agency = env.text(await env.send(SUPERVISOR, "/agency 叉干镇"))
    assert "大安市叉干镇综合服务中心 的报送记录" in agency and "6 个错误" in agency and "最新一稿的审核意见" in agency
    overdue = env.text(await env.send(SUPERVISOR, "/overdue", count=1))
    assert "尚未通过审核的单位（4 个）" in overdue
    exported = await env.send(SUPERVISOR, "/export", count=1)
    assert exported[0].filename.endswith(".csv")
    rows = exported[0].data.decode("utf-8-sig").splitlines()
    assert rows[0].startswith("单位,层级,地区,状态,来源,报送次数,")
    assert "大安市叉干镇综合服务中心,乡镇（街道）,,有错误,聊天,1,,2025-01-15 10:00,6,,2,否,有错误,,叉干镇.txt" in rows
    assert any(r.startswith("策勒乡人民政府,") and r.endswith(",\"'=SUM(1,2)+草稿.txt\"") for r in rows), rows
    invite = env.text(await env.send(SUPERVISOR, "/invite 策勒乡", count=1))
    code = invite.split("邀请码：")[1].split()[0]
    assert env.store.get_invite(code).agency_id == env.store.find_agency("策勒乡人民政府").id


# ---------------------------------------------------------------- reminders


async def test_reminders_go_out_once_to_the_right_people_even_after_a_restart(tmp_path):
    store = Store(tmp_path / "nianbao.db")
    seed(store)
    clock = Clock(dt.datetime(2025, 1, 24, 9, 30, tzinfo=SHANGHAI))  # 7 days before 31 January
    api = LocalBotApi()
    await api.start()
    try:
        for user in (STAFF_XUEZHANG, STAFF_CHAGAN, STAFF_OTHER, SUPERVISOR):
            api.add_user(user)
        async with running_bot(tmp_path, store, clock, api) as env:
            fixed = sample_text("000").replace("2、 主动", "二、主动").replace("3、 收到", "三、收到")
            await env.upload(STAFF_XUEZHANG, "通过.txt", fixed.encode())
            marks = {u: api.message_count(u) for u in (STAFF_XUEZHANG, STAFF_CHAGAN, STAFF_OTHER, SUPERVISOR)}
            job = env.app.job_queue.get_jobs_by_name(JOB_NAME)[0]
            await job.run(env.app)
            await job.run(env.app)  # the same day again: nothing new
        async with running_bot(tmp_path, store, clock, api) as env:  # a restart
            await env.app.job_queue.get_jobs_by_name(JOB_NAME)[0].run(env.app)
        new = {u: api.sent_to(u)[marks[u]:] for u in marks}
        assert new[STAFF_XUEZHANG] == []  # passing: no reminder
        for user in (STAFF_CHAGAN, STAFF_OTHER):
            assert len(new[user]) == 1 and "距截止日期还有 7 天" in new[user][0].plain_text
        assert len(new[SUPERVISOR]) == 1 and "督导提醒" in new[SUPERVISOR][0].plain_text
        assert "通过 1 个" in new[SUPERVISOR][0].plain_text
        clock.now = dt.datetime(2025, 1, 25, 10, 0, tzinfo=SHANGHAI)  # 6 days: not a reminder day
        async with running_bot(tmp_path, store, clock, api) as env:
            await env.app.job_queue.get_jobs_by_name(JOB_NAME)[0].run(env.app)
        assert all(len(api.sent_to(u)) == marks[u] + len(new[u]) for u in marks)
    finally:
        await api.stop()
        store.close()


def test_config_reads_environment_over_file(tmp_path):
    from nianbao.config import load_config

    path = tmp_path / "nianbao.toml"
    path.write_text('[database]\npath = "file.db"\n[people]\nsupervisors = [1, 2]\n[reminders]\nhour = 8\n', encoding="utf-8")
    config = load_config(path, {"NIANBAO_DB": "env.db", "TELEGRAM_BOT_TOKEN": "123:abc", "NIANBAO_SUPERVISORS": "7,8"})
    assert config.database == "env.db" and config.token == "123:abc" and config.supervisors == {7, 8}
    assert config.reminders.hour == 8
    assert replace(config, report_year=2024).deadline(2024) == dt.date(2025, 1, 31)




async def test_help_and_rules_fit_the_role(env):
    staff_help = env.text(await env.send(STAFF_XUEZHANG, "/help", count=1))
    assert "/history" in staff_help and "/status" not in staff_help
    supervisor_help = env.text(await env.send(SUPERVISOR, "/help", count=1))
    assert "/status" in supervisor_help and "/invite 单位名称" in supervisor_help
    rules = env.text(await env.send(STAFF_XUEZHANG, "/rules"))
    from nianbao.validators.rules import all_rules

    assert all(r.code in rules for r in all_rules())


async def test_admin_promotes_a_supervisor(tmp_path):
    store = Store(tmp_path / "nianbao.db")
    seed(store)
    store.bind_member(7777, None, role="admin")
    async with running_bot(tmp_path, store) as env:
        refused = await env.send(STAFF_XUEZHANG, "/promote 8888", count=1)
        assert "只有管理员" in refused[0].plain_text
        assert "已把用户 8888 设为督导员" in (await env.send(7777, "/promote 8888", count=1))[0].plain_text
        status = await env.send(8888, "/status", count=1)
        assert "年度报告报送情况" in status[0].plain_text
    store.close()


async def test_start_tells_people_where_they_stand(env):
    again = await env.send(STAFF_XUEZHANG, "/start", count=1)
    assert "您已绑定：学张乡人民政府" in again[0].plain_text
    code = env.store.create_invite(env.store.find_agency("策勒乡人民政府").id)
    refused = await env.send(SUPERVISOR, f"/start {code}", count=1)
    assert "督导员，不能绑定到某个单位" in refused[0].plain_text
    moved = await env.send(STAFF_XUEZHANG, f"/start {code}", count=1)
    assert "绑定成功：策勒乡人民政府" in moved[0].plain_text and "原来绑定的单位是「学张乡人民政府」" in moved[0].plain_text
    same = await env.send(STAFF_XUEZHANG, f"/start {code}", count=1)
    assert "您已绑定：策勒乡人民政府" in same[0].plain_text
    unknown = await env.send(STAFF_XUEZHANG, "/foo", count=1)
    assert "未知命令" in unknown[0].plain_text


async def test_another_agencys_report_does_not_pass(env):
    replies = env.text(await env.upload(STAFF_XUEZHANG, "别人的报告.txt", sample_text("002").encode()))
    assert "报告的机关名称是「文水县刘胡兰镇」，而您绑定的单位是「学张乡人民政府」" in replies
    assert "没有错误" not in replies and "不会替换本单位之前报送的报告" in replies
    status = env.text(await env.send(SUPERVISOR, "/status", count=1))
    assert "通过 0 个" in status


async def test_a_wrong_file_after_a_passing_draft_does_not_replace_it(env):
    fixed = sample_text("000").replace("2、 主动公开政府信息情况", "二、主动公开政府信息情况").replace("3、 收到和处理", "三、收到和处理")
    assert "没有错误" in env.text(await env.upload(STAFF_XUEZHANG, "定稿.txt", fixed.encode()))
    other_agency = env.text(await env.upload(STAFF_XUEZHANG, "别人的.txt", sample_text("002").encode()))
    assert "不会替换" in other_agency and "与上一稿" not in other_agency  # no comparison with an unrelated report
    last_year = env.text(await env.upload(STAFF_XUEZHANG, "去年的.txt", fixed.replace("2024", "2023").encode()))
    assert "不会替换" in last_year
    note = env.text(await env.upload(STAFF_XUEZHANG, "说明.txt", "你好，这是我的报告".encode(), count=1))
    assert "这不像政府信息公开工作年度报告" in note
    status = env.text(await env.send(SUPERVISOR, "/status", count=2))  # the text and the chart
    assert "通过 1 个" in status
    [draft] = await env.send(SUPERVISOR, "/draft 学张乡", count=1)
    assert draft.data == fixed.encode() and "已通过" in draft.plain_text


async def test_a_file_that_is_not_a_report_is_answered_and_not_reviewed(env):
    reply = await env.upload(STAFF_XUEZHANG, "hello.txt", "你好，这是测试。".encode(), count=1)
    assert "这不像政府信息公开工作年度报告" in reply[0].plain_text
