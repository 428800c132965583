"""Every place of a grouped issue, in chat: 「详情 N」 lists all of them (not the three the message
names), for staff on their own draft and for a supervisor naming the agency; and on the web
desk's draft page every place is marked in the tables."""

from __future__ import annotations

from bot.harness import STAFF_CHAGAN, SUPERVISOR, sample_text

from nianbao.validators.template import TABLE_BY_KEY


async def test_details_list_every_place_of_a_grouped_issue(env):
    review = env.text(await env.send(STAFF_CHAGAN, sample_text("003")))
    agency = env.store.find_agency("大安市叉干镇综合服务中心")
    draft = env.store.list_submissions(agency.id, 2024)[0]
    grouped = max(draft.issues, key=lambda issue: len(issue.get("places") or []))
    places = grouped["places"]
    assert len(places) >= 5 and f"{grouped['number']}." in review
    details = env.text(await env.send(STAFF_CHAGAN, f"详情 {grouped['number']}", count=1))
    assert f"共 {len(places)} 处" in details
    for index, place in enumerate(places, start=1):
        assert f"{index}. {TABLE_BY_KEY[place['table']].number} 「{place['row']}」行" in details
    assert grouped["places"][0]["table"] not in details  # 表三, not the JSON key 依申请公开
    shown = env.text(await env.send(SUPERVISOR, f"详情 叉干镇 {grouped['number']}", count=1))
    assert shown == details
    assert "没有第 99 项" in env.text(await env.send(STAFF_CHAGAN, "详情 99", count=1))
