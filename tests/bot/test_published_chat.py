"""The published copy from the chat: a clerk sends the published page as a file captioned
「发布稿」 and is told whether it matches the reviewed draft, cell by cell; the publication state
is then what every window shows."""

from __future__ import annotations

from bot.harness import STAFF_CHAGAN, SUPERVISOR, sample_text
from nianbao.states import State
from nianbao.usecases.published import publication_state


async def _send_published(env, name: str, data: bytes) -> str:
    since = env.api.message_count(STAFF_CHAGAN)
    await env.api.user_sends_document(STAFF_CHAGAN, name, data, caption="发布稿")
    return env.text(await env.api.wait_for_replies(STAFF_CHAGAN, count=1, timeout=30, since=since))


async def test_a_published_copy_sent_in_chat_is_compared_with_the_reviewed_draft(env):
    text = sample_text("003")
    agency = env.store.find_agency("大安市叉干镇综合服务中心")
    await env.send(STAFF_CHAGAN, text)
    state = env.store.agency_state(agency.id, 2024, env.config, env.clock().date())
    draft = env.store.get_submission(state.deciding.id)
    for issue in [i for i in draft.issues if i["severity"] == "error"]:  # accepted: a reviewed draft to compare with
        await env.send(SUPERVISOR, f"/accept 叉干镇 {issue['number']} 经核实，以发布稿为准", count=1)
    assert env.store.agency_state(agency.id, 2024, env.config, env.clock().date()).state == State.PASSING

    same = await _send_published(env, "发布的网页.txt", text.encode())
    assert "一致" in same and "不一致" not in same
    assert publication_state(env.store, env.config, agency.id, 2024, env.clock().date()).label.startswith("已发布")

    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip().endswith("本年新收政府信息公开申请数量"))
    lines[at + 1] = lines[at + 1].replace("1", "7")  # 自然人 1 -> 7 in the published copy
    differs = await _send_published(env, "发布的网页2.txt", "\n".join(lines).encode())
    assert "审核稿为" in differs and "发布稿为" in differs
    assert publication_state(env.store, env.config, agency.id, 2024, env.clock().date()).label == "发布稿与审核稿不一致"
