"""Another process holding the database's write lock (the CLI, a backup) holds up only the writes
waiting for it: every other chat is still answered at once."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time

from bot.harness import STAFF_CHAGAN, STAFF_XUEZHANG, SUPERVISOR, running_bot, sample_text, seed
from nianbao.storage import Store

HOLD_LOCK = """
import sqlite3, sys, time
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
connection.execute("ROLLBACK")
"""
SECOND_SUPERVISOR = 9002


async def test_status_and_help_are_answered_within_a_second_while_another_process_holds_the_write_lock(tmp_path):
    store = Store(tmp_path / "nianbao.db")
    seed(store)
    async with running_bot(tmp_path, store, supervisors=frozenset({SUPERVISOR, SECOND_SUPERVISOR})) as env:
        for user in (STAFF_XUEZHANG, STAFF_CHAGAN, SUPERVISOR, SECOND_SUPERVISOR):
            env.api.add_user(user)
        await env.send(SUPERVISOR, "/status", count=2)  # warm: the chart's first drawing is slow
        holder = subprocess.Popen(
            [sys.executable, "-c", HOLD_LOCK, str(tmp_path / "nianbao.db"), "3"], stdout=subprocess.PIPE, text=True
        )
        try:
            assert holder.stdout.readline().strip() == "locked"
            # writes now wait for the lock: an invite, and a draft being journalled
            invite = asyncio.create_task(env.send(SUPERVISOR, "/invite 策勒乡", count=1, timeout=15))
            draft = asyncio.create_task(env.upload(STAFF_XUEZHANG, "年报.txt", sample_text("000").encode(), count=1, timeout=30))
            await asyncio.sleep(0.3)
            started = time.monotonic()
            status, help_reply = await asyncio.gather(
                env.send(SECOND_SUPERVISOR, "/status", count=2, timeout=5),
                env.send(STAFF_CHAGAN, "/help", count=1, timeout=5),
            )
            elapsed = time.monotonic() - started
            assert holder.poll() is None, "the lock was released before the answers came"
        finally:
            holder.wait(timeout=10)
        assert elapsed < 1.0, f"answered in {elapsed:.2f} s while the database was locked"
        assert "年度报告报送情况" in status[0].plain_text and status[1].method == "sendPhoto"
        assert "使用说明" in help_reply[0].plain_text
        # and the writes that waited were done once the lock was gone
        assert "邀请码" in (await invite)[0].plain_text
        assert "个错误" in (await draft)[0].plain_text
    store.close()
