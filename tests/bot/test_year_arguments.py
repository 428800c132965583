"""Year arguments (issue 13, item 9): `/status 2023`, `/summary 2023`, `/history 2023` answer for
2023, or say plainly what they can do; never the current year silently."""

from __future__ import annotations

import io

import openpyxl

from bot.harness import STAFF_XUEZHANG, SUPERVISOR, sample_text
from nianbao.reports.chart import read_chart_data


async def test_status_of_another_year(env):
    await env.upload(STAFF_XUEZHANG, "学张乡.txt", sample_text("000").encode())
    replies = await env.send(SUPERVISOR, "/status 2023", count=2)
    [text] = [m.plain_text for m in replies if not m.is_file]
    [photo] = [m for m in replies if m.is_file]
    assert "2023 年度报告报送情况" in text and "2024" not in text.splitlines()[0]
    assert "未报送 4 个" in text  # nothing was sent for 2023
    assert read_chart_data(photo.data)["year"] == 2023


async def test_summary_of_another_year(env):
    await env.upload(STAFF_XUEZHANG, "学张乡.txt", sample_text("000").encode())
    replies = await env.send(SUPERVISOR, "/summary 2023", count=2)
    [text] = [m.plain_text for m in replies if not m.is_file]
    [workbook] = [m for m in replies if m.is_file]
    assert text.startswith("2023年度") and "纳入汇总 0 个" in text
    assert "2023" in workbook.filename
    assert "2023年度" in openpyxl.load_workbook(io.BytesIO(workbook.data))["表三 依申请公开"].cell(1, 1).value


async def test_summary_all_with_a_year_in_either_order(env):
    replies = await env.send(SUPERVISOR, "/summary 全部 2023", count=2)
    [text] = [m.plain_text for m in replies if not m.is_file]
    assert text.startswith("2023年度")


async def test_history_of_another_year(env):
    await env.upload(STAFF_XUEZHANG, "学张乡.txt", sample_text("000").encode())
    this_year = env.text(await env.send(STAFF_XUEZHANG, "/history"))
    assert "共 1 次" in this_year
    last_year = env.text(await env.send(STAFF_XUEZHANG, "/history 2023"))
    assert "2023" in last_year and "没有" in last_year and "共 1 次" not in last_year


async def test_an_argument_that_is_not_a_year_is_answered_plainly(env):
    text = env.text(await env.send(SUPERVISOR, "/status 去年"))
    assert "年度" in text and "/status 2023" in text  # how to ask, with an example
    text = env.text(await env.send(SUPERVISOR, "/status 1850"))
    assert "1850" in text and "/status" in text
