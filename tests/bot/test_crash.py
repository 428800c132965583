"""The real ``nianbao serve`` process, killed with SIGKILL in the middle of a draft: after the
restart the draft is answered exactly once, the database is intact, and the token never
appears in the logs."""

from __future__ import annotations

import asyncio
import signal
import sqlite3
import subprocess
from pathlib import Path

from bot.harness import STAFF_CHAGAN, STAFF_XUEZHANG, sample_text, seed
from bot.serve_process import start_serve, stop_serve, wait_for
from nianbao.devtools import LocalBotApi
from nianbao.storage import Store


def inbox_state(database: Path, update_id: int) -> str | None:
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        row = connection.execute("SELECT state FROM inbox WHERE update_id = ?", (update_id,)).fetchone()
        return row[0] if row else None
    except sqlite3.OperationalError:  # the schema is not there yet
        return None
    finally:
        connection.close()


async def test_killed_while_handling_a_draft_it_is_answered_once_after_restart(tmp_path):
    database = tmp_path / "nianbao.db"
    with Store(database) as store:
        seed(store)
    log = tmp_path / "bot.log"
    async with LocalBotApi(token="7000123456:AAHx9sKq3VnZ_secretpart-4Lm0") as api:
        for user in (STAFF_XUEZHANG, STAFF_CHAGAN):
            api.add_user(user)
        bot = start_serve(api, database, log, NIANBAO_LOG_LEVEL="DEBUG")  # the most talkative logs must not leak the token either
        try:
            assert await wait_for(lambda: api.bot_commands(), 30), log.read_text()  # post_init ran
            # the download hangs: the bot is killed after journalling the draft, before answering
            api.inject_fault("getFile", delay=30, times=1)
            update_id = await api.user_sends_document(STAFF_XUEZHANG, "年报.txt", sample_text("000").encode())
            assert await wait_for(lambda: inbox_state(database, update_id) == "received", 20)
            bot.send_signal(signal.SIGKILL)
            bot.wait(10)
            assert api.sent_to(STAFF_XUEZHANG) == []

            bot = start_serve(api, database, log, NIANBAO_LOG_LEVEL="DEBUG")
            replies = await api.wait_for_replies(STAFF_XUEZHANG, count=1, timeout=40)
            assert "个错误" in replies[0].plain_text
            # a second draft, from someone else, goes through the restarted bot as usual
            await api.user_sends_document(STAFF_CHAGAN, "叉干镇.txt", sample_text("003").encode())
            await api.wait_for_replies(STAFF_CHAGAN, count=1, timeout=40)
            await asyncio.sleep(1)
            assert len(api.sent_to(STAFF_XUEZHANG)) == 1
        finally:
            try:
                await stop_serve(bot)
            except subprocess.TimeoutExpired:
                bot.kill()
    with Store(database) as store:
        assert store.pragma("integrity_check") == "ok"
        submissions = store.list_submissions(store.find_agency("学张乡人民政府").id)
        assert [s.update_id for s in submissions] == [update_id]
        assert store.get_inbox(update_id).state == "answered"
    text = log.read_text(errors="replace")
    assert "finishing journalled draft" in text
    assert "secretpart" not in text and "[REDACTED]" in text
