"""The parts of a long paste are checked in the order they were sent, however long the bot takes
to look at each one: Telegram's updates are handled concurrently, and who the sender is is looked
up in the store's threads, where a later part's lookup can finish first."""

from __future__ import annotations

import asyncio
import random

from bot.harness import STAFF_CHAGAN, cli_check, issue_lines, paste_parts, sample_text
from nianbao.bot.services import PasteBuffer
from nianbao.usecases.ordering import InOrder


async def test_a_part_arriving_as_the_first_is_done_waits_behind_the_one_already_waiting():
    order, log = InOrder(), []

    async def part(n: int, then=None) -> None:
        async with order.turn(1001):
            log.append(f"{n} starts")
            await asyncio.sleep(0.02)
            log.append(f"{n} ends")
        if then is not None:  # the next message arrives the moment this one is done
            await asyncio.create_task(then())

    second = asyncio.create_task(part(2))
    await part(1, then=lambda: part(3))
    await second
    assert log == ["1 starts", "1 ends", "2 starts", "2 ends", "3 starts", "3 ends"]
    assert len(order) == 0  # nothing kept once nobody waits


async def test_a_buffer_joins_its_parts_in_the_order_sent_whatever_order_they_were_added():
    buffer = PasteBuffer(chat_id=1001, update_id=12)
    buffer.add(12, "第二段")
    buffer.add(13, "第三段")
    buffer.add(11, "第一段")
    assert buffer.text == "第一段\n第二段\n第三段"
    assert buffer.update_id == 11  # the draft's id in the journal: the first message's, as sent


async def test_many_parts_looked_up_at_uneven_speeds_are_checked_as_pasted(env, tmp_path):
    office = env.app.bot_data["services"].office
    pipeline = env.app.bot_data["services"].pipeline
    looked_up, receive, rng, received = office.person, pipeline.receive, random.Random(5), []

    async def uneven(user_id: int):
        await asyncio.sleep(rng.uniform(0, 0.08))  # the store's threads answer in any order
        return await looked_up(user_id)

    async def kept(arrival, data=None):
        received.append(data.decode("utf-8"))
        return await receive(arrival, data)

    office.person, pipeline.receive = uneven, kept
    text = sample_text("003")
    parts = paste_parts(text, size=500)
    assert len(parts) >= 6
    since = env.api.message_count(STAFF_CHAGAN)
    for part in parts:  # a long paste, its parts arriving over a moment, not at once
        await env.api.user_sends_text(STAFF_CHAGAN, part)
        await asyncio.sleep(rng.uniform(0, 0.05))
    chat = env.text(await env.api.collect_replies(STAFF_CHAGAN, timeout=20, quiet=1.0, since=since, settled=env.bot_is_idle))
    assert received == ["\n".join(parts)]  # checked once, as pasted
    path = tmp_path / "003.txt"
    path.write_text(text, encoding="utf-8")
    assert issue_lines(chat) == issue_lines(cli_check(path))
