"""Faults, end to end: Telegram answering 429/5xx, updates delivered twice, a database locked by
another process, a full disk, a check that never ends, a user flooding the bot. In each case the
user gets a clear answer, nobody else is held up, and the database holds exactly what happened."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import os
import sqlite3
import subprocess
from pathlib import Path

import pytest

import nianbao.bot.delivery as delivery
from bot.harness import STAFF_CHAGAN, STAFF_XUEZHANG, SUPERVISOR, running_bot, sample_text, seed
from nianbao.devtools import LocalBotApi
from nianbao.storage import Store

REVIEW_MARK = "个错误"  # every review's summary line says how many errors


@pytest.fixture(autouse=True)
def quick_backoff(monkeypatch):
    monkeypatch.setattr(delivery, "FIRST_BACKOFF", 0.05)


def agency_submissions(store: Store, name: str) -> list:
    return store.list_submissions(store.find_agency(name).id)


def reviews(messages) -> list:
    return [m for m in messages if REVIEW_MARK in m.plain_text]


@pytest.mark.parametrize("status", [429, 500, 502])
async def test_a_refused_reply_is_retried_and_arrives_once(env, status):
    env.api.inject_fault("sendMessage", status=status, retry_after=1, times=2)
    replies = await env.upload(STAFF_XUEZHANG, "年报.txt", sample_text("000").encode(), timeout=30)
    assert len(reviews(replies)) == 1
    assert len(reviews(env.api.sent_to(STAFF_XUEZHANG))) == 1
    [submission] = agency_submissions(env.store, "学张乡人民政府")
    assert env.store.get_inbox(submission.update_id).state == "answered"


async def test_a_review_that_cannot_be_delivered_stays_in_the_journal_until_it_can(env):
    from telegram.ext import CallbackContext

    from nianbao.bot.handlers.jobs import recover_drafts

    env.api.inject_fault("sendMessage", status=502, times=delivery.ATTEMPTS)
    update_id = await env.api.user_sends_document(STAFF_XUEZHANG, "年报.txt", sample_text("000").encode())
    for _ in range(200):
        await asyncio.sleep(0.05)
        entry = env.store.get_inbox(update_id)
        if entry and entry.state == "checked" and update_id not in env.app.bot_data["services"].pipeline.in_progress:
            break
    assert entry.state == "checked" and not env.api.sent_to(STAFF_XUEZHANG)
    await recover_drafts(CallbackContext(env.app))  # what the job runs every minute
    replies = await env.api.wait_for_replies(STAFF_XUEZHANG, count=1, timeout=20)
    assert REVIEW_MARK in replies[0].plain_text
    await env.until_idle()
    assert len(env.api.sent_to(STAFF_XUEZHANG)) == 1
    assert env.store.get_inbox(update_id).state == "answered"
    assert len(agency_submissions(env.store, "学张乡人民政府")) == 1


async def test_a_retried_reply_resumes_where_it_stopped(env, sample_docx):
    from telegram.ext import CallbackContext

    from nianbao.bot.handlers.jobs import recover_drafts

    data = next(v for k, v in sample_docx.items() if k.startswith("003"))
    env.api.inject_fault("sendDocument", status=502, times=delivery.ATTEMPTS)  # the marked-up copy fails
    update_id = await env.api.user_sends_document(STAFF_CHAGAN, "叉干镇.docx", data)
    for _ in range(300):
        await asyncio.sleep(0.05)
        entry = env.store.get_inbox(update_id)
        if entry is not None and entry.parts_sent == 1 and update_id not in env.app.bot_data["services"].pipeline.in_progress:
            break
    assert entry.state == "checked" and [m.is_file for m in env.api.sent_to(STAFF_CHAGAN)] == [False]
    await recover_drafts(CallbackContext(env.app))
    await env.api.wait_for_replies(STAFF_CHAGAN, count=2, timeout=20, since=0)
    await env.until_idle()
    assert [m.is_file for m in env.api.sent_to(STAFF_CHAGAN)] == [False, True]  # the review once, then the file
    assert env.store.get_inbox(update_id).state == "answered"


async def test_an_update_delivered_again_after_a_restart_is_not_reviewed_twice(tmp_path):
    store = Store(tmp_path / "nianbao.db")
    seed(store)
    async with LocalBotApi() as api:
        api.add_user(STAFF_XUEZHANG)
        async with running_bot(tmp_path, store, api=api) as env:
            first = await env.upload(STAFF_XUEZHANG, "年报.txt", sample_text("000").encode(), count=1)
            update_id = agency_submissions(store, "学张乡人民政府")[0].update_id
        api.redeliver(update_id)  # the new process starts polling from offset 0
        async with running_bot(tmp_path, store, api=api) as again:
            assert await api.wait_until(lambda: api.confirmed_offset > update_id, 10)  # received again
            await again.until_idle()
    assert len(reviews(api.sent_to(STAFF_XUEZHANG))) == 1 and REVIEW_MARK in first[0].plain_text
    assert len(agency_submissions(store, "学张乡人民政府")) == 1
    store.close()


async def test_a_locked_database_gets_a_retry_message_and_nothing_is_half_written(tmp_path):
    store = Store(tmp_path / "nianbao.db", busy_timeout_ms=200)
    seed(store)
    async with running_bot(tmp_path, store) as env:
        env.api.add_user(STAFF_XUEZHANG)
        other_process = sqlite3.connect(tmp_path / "nianbao.db", isolation_level=None)
        other_process.execute("BEGIN EXCLUSIVE")
        try:
            replies = await env.upload(STAFF_XUEZHANG, "年报.txt", sample_text("000").encode(), count=1)
        finally:
            other_process.execute("ROLLBACK")
            other_process.close()
        assert "系统暂时无法保存您的报告" in replies[0].plain_text and "重新发送" in replies[0].plain_text
        assert agency_submissions(store, "学张乡人民政府") == []
        assert store.pending_drafts() == []
        again = await env.upload(STAFF_XUEZHANG, "年报.txt", sample_text("000").encode(), count=1)
        assert REVIEW_MARK in again[0].plain_text
        assert len(agency_submissions(store, "学张乡人民政府")) == 1
    store.close()


@pytest.fixture
def small_disk(tmp_path):
    """A real 1 MB file system: the database fits, a large draft does not."""
    mount_point = tmp_path / "small"
    mount_point.mkdir()
    run = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount_point)], capture_output=True)
    if run.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (not root?)")
    yield mount_point
    subprocess.run(["umount", "-l", str(mount_point)], check=False)


async def test_a_full_disk_gets_a_retry_message_and_nothing_is_half_written(tmp_path, small_disk):
    store = Store(small_disk / "nianbao.db")
    seed(store)
    files_dir = small_disk / "files"
    async with running_bot(tmp_path, store, files_dir=str(files_dir)) as env:
        env.api.add_user(STAFF_XUEZHANG)
        big = sample_text("000").encode() + b"\n" + os.urandom(1536 * 1024).hex().encode()[: 1536 * 1024]
        replies = await env.upload(STAFF_XUEZHANG, "年报.txt", big, count=1)
        assert "系统暂时无法保存您的报告" in replies[0].plain_text
        assert agency_submissions(store, "学张乡人民政府") == []
        assert not [p for p in files_dir.rglob("*") if p.is_file()]  # no partial copy left
        assert store.pending_drafts() == []
        # with room again, the same user is served normally
        again = await env.upload(STAFF_XUEZHANG, "年报.txt", sample_text("000").encode(), count=1)
        assert REVIEW_MARK in again[0].plain_text
    assert store.pragma("integrity_check") == "ok"
    store.close()


async def test_a_check_that_runs_too_long_is_stopped_and_others_are_served(tmp_path):
    store = Store(tmp_path / "nianbao.db")
    seed(store)
    # a report followed by 40,000 table-like lines: several seconds of work, far over the limit
    huge = (sample_text("000") + "\n" + "\n".join(f"其他事项{i}\t{i}\t{i * 2}" for i in range(90_000))).encode()
    async with running_bot(tmp_path, store, check_timeout_seconds=0.5, check_workers=2) as env:
        for user in (STAFF_XUEZHANG, STAFF_CHAGAN):
            env.api.add_user(user)
        slow = asyncio.create_task(env.upload(STAFF_XUEZHANG, "巨大.txt", huge, count=1, timeout=60))
        await asyncio.sleep(0.2)
        fast = await env.upload(STAFF_CHAGAN, "叉干镇.txt", sample_text("003").encode(), count=1, timeout=30)
        assert REVIEW_MARK in fast[0].plain_text
        slow_reply = (await slow)[0].plain_text
        assert "处理时间过长" in slow_reply and "另存为 .docx" in slow_reply
        [attempt] = agency_submissions(store, "学张乡人民政府")
        assert not attempt.parsed and "处理时间过长" in attempt.message
        assert env.app.bot_data["services"].pool.restarts >= 1
        after = await env.upload(STAFF_XUEZHANG, "年报.txt", sample_text("000").encode(), count=1)
        assert REVIEW_MARK in after[0].plain_text
    store.close()


async def test_a_user_sending_too_fast_is_asked_to_wait_and_others_are_not(tmp_path):
    store = Store(tmp_path / "nianbao.db")
    seed(store)
    async with running_bot(tmp_path, store, drafts_per_user=2, rate_window_seconds=60) as env:
        for user in (STAFF_XUEZHANG, STAFF_CHAGAN):
            env.api.add_user(user)
        data = sample_text("000").encode()
        for n in range(3):
            await env.api.user_sends_document(STAFF_XUEZHANG, f"第{n}稿.txt", data)
        replies = await env.api.wait_for_replies(STAFF_XUEZHANG, count=3, timeout=30)
        texts = [m.plain_text for m in replies]
        assert sum(REVIEW_MARK in t for t in texts) == 2
        assert sum("发送得太频繁" in t for t in texts) == 1
        other = await env.upload(STAFF_CHAGAN, "叉干镇.txt", sample_text("003").encode(), count=1)
        assert REVIEW_MARK in other[0].plain_text
        assert len(agency_submissions(store, "学张乡人民政府")) == 2
    store.close()


async def test_supervisor_downloads_the_latest_draft_stored_under_its_hash(env):
    data = sample_text("003").encode()
    await env.upload(STAFF_CHAGAN, "../../etc/passwd;rm -rf.txt", data, count=1)
    reply = await env.send(SUPERVISOR, "/draft 叉干镇", count=1)
    assert reply[0].is_file and reply[0].data == data
    assert reply[0].filename.startswith("大安市叉干镇综合服务中心_") and reply[0].filename.endswith(".txt")

    digest = hashlib.sha256(data).hexdigest()
    files_root = Path(env.config.files_path)
    assert (files_root / digest[:2] / digest).read_bytes() == data
    assert all(p.name == digest or p.is_dir() for p in files_root.rglob("*"))
    refused = await env.send(STAFF_XUEZHANG, "/draft 叉干镇", count=1)
    assert "只有督导员" in refused[0].plain_text


async def test_retention_deletes_old_drafts_but_keeps_each_agencys_latest(tmp_path):
    from telegram.ext import CallbackContext

    from nianbao.bot.handlers.jobs import purge_files

    store = Store(tmp_path / "nianbao.db")
    seed(store)
    async with running_bot(tmp_path, store, retention_days=0) as env:
        env.api.add_user(STAFF_XUEZHANG)
        first, second = sample_text("000").encode(), sample_text("000").replace("学张乡", "学张乡 ").encode()
        await env.upload(STAFF_XUEZHANG, "初稿.txt", first, count=1)
        await env.upload(STAFF_XUEZHANG, "二稿.txt", second, count=1)
        files = env.app.bot_data["services"].files
        digests = [hashlib.sha256(data).hexdigest() for data in (first, second)]
        assert all(files.exists(d) for d in digests)
        env.clock.now += dt.timedelta(days=1)
        await purge_files(CallbackContext(env.app))  # what the daily job runs
        assert not files.exists(digests[0]) and files.exists(digests[1])
        [reply] = await env.send(SUPERVISOR, "/draft 学张乡", count=1)
        assert reply.data == second
    store.close()


async def test_a_draft_that_keeps_failing_is_given_up_and_the_user_told(env):
    from telegram.ext import CallbackContext

    from nianbao.bot.handlers.jobs import recover_drafts
    from nianbao.drafts import MAX_ATTEMPTS

    env.store.journal_draft(99_000, chat_id=STAFF_XUEZHANG, user_id=STAFF_XUEZHANG, kind="document", file_id="gone", file_name="年报<1>.docx")
    for _ in range(MAX_ATTEMPTS):
        env.store.inbox_attempt(99_000)
    await recover_drafts(CallbackContext(env.app))
    [reply] = await env.api.wait_for_replies(STAFF_XUEZHANG, count=1, timeout=10)
    assert "「年报<1>.docx」多次尝试后仍未能完成审核" in reply.plain_text and "重新发送" in reply.plain_text
    assert env.store.get_inbox(99_000).state == "failed"


async def test_retention_forgets_old_reviews_but_keeps_the_history_and_the_latest(tmp_path):
    from telegram.ext import CallbackContext

    from nianbao.bot.handlers.jobs import purge_files

    store = Store(tmp_path / "nianbao.db")
    ids = seed(store)
    async with running_bot(tmp_path, store, retention_days=1) as env:
        for user in (STAFF_XUEZHANG, SUPERVISOR):
            env.api.add_user(user)
        first, second = sample_text("000").encode(), sample_text("000").replace("学张乡", "学张乡 ").encode()
        await env.upload(STAFF_XUEZHANG, "初稿.txt", first, count=1, timeout=60)
        await env.upload(STAFF_XUEZHANG, "二稿.txt", second, count=1, timeout=60)
        before = env.text(await env.send(STAFF_XUEZHANG, "/history", count=1))
        while store.pending_drafts():  # marked answered just after the reply went out
            await asyncio.sleep(0.1)
        env.clock.now += dt.timedelta(days=2)
        await purge_files(CallbackContext(env.app))  # what the daily job runs

        older, newest = sorted(store.list_submissions(ids["学张乡人民政府"]), key=lambda s: s.id)
        assert older.issues == [] and older.report is None and older.error_count + older.warning_count > 0
        assert newest.issues and newest.report is not None  # the latest stays whole
        journal = [store.get_inbox(s.update_id) for s in (older, newest)]
        assert [(entry.reply, entry.state) for entry in journal] == [(None, "answered")] * 2
        after = env.text(await env.send(STAFF_XUEZHANG, "/history", count=1))
        assert "初稿.txt" in after and "二稿.txt" in after and after == before  # the history of states
        [reply] = await env.send(SUPERVISOR, "/draft 学张乡", count=1)
        assert reply.data == second
    store.close()
