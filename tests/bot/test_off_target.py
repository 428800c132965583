"""Another agency's or another year's report sent by a clerk (issue 13, item 6): recorded, marked
「他单位/非本年度，未计入」 wherever submissions are listed, left out of every count (报送次数,
the chart's drafts per day), and reviewed with the report's own name and level."""

from __future__ import annotations

import csv
import io

from bot.harness import STAFF_XUEZHANG, SUPERVISOR, sample_text
from nianbao.reports.chart import read_chart_data

MARK = "他单位/非本年度，未计入"


def celle_report() -> str:
    """策勒乡's report (sample 004), as 学张乡's clerk might send it by mistake."""
    return sample_text("004")


def city_report() -> str:
    """Sample 003 (a township's, with 规章 5) as a city government's report."""
    return sample_text("003").replace("大安市叉干镇综合服务中心", "运城市人民政府")


async def _export_row(env, name: str) -> dict:
    [document] = [m for m in await env.send(SUPERVISOR, "/export", count=1) if m.is_file]
    rows = list(csv.DictReader(io.StringIO(document.data.decode("utf-8-sig"))))
    return next(row for row in rows if row["单位"] == name)


async def test_another_agencys_report_is_marked_and_left_out_of_every_count(env):
    review = env.text(await env.upload(STAFF_XUEZHANG, "策勒乡.txt", celle_report().encode()))
    assert "不计入" in review

    staff_history = env.text(await env.send(STAFF_XUEZHANG, "/history"))
    assert MARK in staff_history
    agency = env.text(await env.send(SUPERVISOR, "/agency 学张乡人民政府"))
    assert MARK in agency
    assert "最新一稿的审核意见" not in agency  # it is not 学张乡's draft

    row = await _export_row(env, "学张乡人民政府")
    assert row["报送次数"] == "0" and row["状态"] == "未报送"

    replies = await env.send(SUPERVISOR, "/status", count=2)
    [photo] = [m for m in replies if m.is_file]
    assert read_chart_data(photo.data)["daily"] == []  # not among the drafts received per day


async def test_an_own_draft_after_it_counts_once(env):
    await env.upload(STAFF_XUEZHANG, "策勒乡.txt", celle_report().encode())
    await env.upload(STAFF_XUEZHANG, "学张乡.txt", sample_text("000").encode())
    row = await _export_row(env, "学张乡人民政府")
    assert row["报送次数"] == "1"
    replies = await env.send(SUPERVISOR, "/status", count=2)
    [photo] = [m for m in replies if m.is_file]
    assert sum(n for _, n in read_chart_data(photo.data)["daily"]) == 1


async def test_another_agencys_report_is_reviewed_with_its_own_name_and_level(env):
    review = env.text(await env.upload(STAFF_XUEZHANG, "运城市.txt", city_report().encode()))
    assert "不计入" in review
    assert "审核结果：运城市人民政府" in review  # the report's own name, not the sender's
    assert "乡镇（街道）不能制定规章" not in review  # a city government may make 规章
