"""A poison update: one the bot cannot decode (a ``poll`` in the shape Bot API servers older
than 9.6 send, as a self-hosted server may) is skipped, logged once without its content, and
everyone else is still answered; identical log lines do not flood the log."""

from __future__ import annotations

import logging

from bot.harness import STAFF_CHAGAN, STAFF_XUEZHANG, seed
from bot.serve_process import start_serve, stop_serve, wait_for
from nianbao.devtools import LocalBotApi
from nianbao.bot.updates import RepeatLimiter
from nianbao.storage import Store

OLD_POLL = {  # no persistent_id on the options, no allows_revoting: Bot API before 9.6
    "poll": {
        "id": "5012",
        "question": "机密投票：明天几点开会",
        "options": [{"text": "上午九点", "voter_count": 0}, {"text": "下午三点", "voter_count": 0}],
        "total_voter_count": 0,
        "is_closed": False,
        "is_anonymous": True,
        "type": "regular",
        "allows_multiple_answers": False,
    }
}


async def test_an_undecodable_update_is_skipped_and_the_others_are_served(tmp_path):
    database = tmp_path / "nianbao.db"
    with Store(database) as store:
        seed(store)
    log = tmp_path / "bot.log"
    async with LocalBotApi() as api:
        api.add_user(STAFF_XUEZHANG)
        api.add_user(STAFF_CHAGAN, first_name="王秘书")
        bot = start_serve(api, database, log)
        try:
            assert await wait_for(lambda: api.bot_commands(), 30), log.read_text()
            [await api.user_sends_message(STAFF_CHAGAN, OLD_POLL) for _ in range(20)]
            await api.user_sends_text(STAFF_XUEZHANG, "/help")
            replies = await api.wait_for_replies(STAFF_XUEZHANG, count=1, timeout=20)
            assert "/history" in replies[0].plain_text
            reply = await api.user_sends_text(STAFF_CHAGAN, "/help")
            assert await api.wait_for_replies(STAFF_CHAGAN, count=1, timeout=20)
            assert await wait_for(lambda: api.confirmed_offset > reply, 10)  # the offset moved past them all
            assert api.sent_to(STAFF_CHAGAN)[-1].plain_text == replies[0].plain_text
        finally:
            await stop_serve(bot)
    text = log.read_text()
    skipped = [line for line in text.splitlines() if "cannot be decoded" in line]
    assert len(skipped) == 1, skipped  # twenty identical skips, one line
    for secret in ("机密投票", "上午九点", "王秘书"):
        assert secret not in text
    assert len(text) < 20_000, len(text)


def test_identical_lines_are_held_back_and_counted():
    limiter = RepeatLimiter(window=60)
    records = [logging.LogRecord("telegram.ext.Updater", logging.ERROR, "", 0, "polling failed", (), None) for _ in range(5)]
    assert [limiter.filter(record) for record in records] == [True, False, False, False, False]
    other = logging.LogRecord("telegram.ext.Updater", logging.ERROR, "", 0, "another failure", (), None)
    assert limiter.filter(other)
    limiter.window = 0  # the window has passed: the next one goes out, saying how many were held back
    late = logging.LogRecord("telegram.ext.Updater", logging.ERROR, "", 0, "polling failed", (), None)
    assert limiter.filter(late)
    assert late.getMessage() == "polling failed (4 identical lines not logged since the last one)"
