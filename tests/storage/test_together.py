"""Group commit (``AsyncStore.together``): writes made at the same moment, whatever their step,
share one commit, each is written exactly as on its own, and one that fails fails alone; short
reads made at the same moment (``read_together``) share one trip to a reader's thread."""

from __future__ import annotations

import asyncio
import threading

import pytest

from nianbao.storage import Store
from nianbao.storage.aio import AsyncStore


def journal(store: Store, update_id: int) -> int:
    if update_id == 1013:
        raise ValueError("this one is refused")
    entry, created = store.journal_draft(update_id, chat_id=update_id, user_id=update_id, kind="document", file_id=f"f{update_id}")
    return entry.update_id


@pytest.fixture
async def db(store: Store):
    commits: list[str] = []
    store._conn.set_trace_callback(lambda sql: commits.append(sql) if sql.strip().upper() == "COMMIT" else None)
    aio = AsyncStore(store)
    yield aio, commits
    aio.shutdown()


async def test_writes_made_at_once_share_a_commit_and_each_is_answered_with_its_own(db, store):
    aio, commits = db
    results = await asyncio.gather(*[aio.together(journal)(update_id) for update_id in range(1, 101)])
    assert results == list(range(1, 101))
    assert store.inbox_counts() == {"received": 100} and len(commits) == 1


async def test_one_that_fails_fails_alone(db, store):
    aio, commits = db
    results = await asyncio.gather(*[aio.together(journal)(update_id) for update_id in (12, 1013, 14)], return_exceptions=True)
    assert results[0] == 12 and isinstance(results[1], ValueError) and results[2] == 14
    assert [entry.update_id for entry in store.pending_drafts()] == [12, 14] and len(commits) == 1


async def test_calls_made_while_a_batch_is_written_go_in_the_next_one(db, store):
    aio, commits = db
    first = asyncio.ensure_future(aio.together(journal)(1))
    await asyncio.sleep(0)  # the first batch (one call) is on its way to the writers' thread
    later = [asyncio.ensure_future(aio.together(journal)(update_id)) for update_id in range(2, 51)]
    assert await first == 1 and await asyncio.gather(*later) == list(range(2, 51))
    assert store.inbox_counts() == {"received": 50} and len(commits) == 2


async def test_each_event_loop_has_its_own_batches(db, store):
    """A desk on its own loop and the bot on another may share the store: neither's calls are
    settled on the other's loop."""
    aio, _ = db

    async def from_another_loop() -> list[int]:
        return await asyncio.gather(*[aio.together(journal)(update_id) for update_id in range(100, 150)])

    other = asyncio.get_running_loop().run_in_executor(None, asyncio.run, asyncio.wait_for(from_another_loop(), 30))
    here = await asyncio.wait_for(asyncio.gather(*[aio.together(journal)(update_id) for update_id in range(1, 51)]), 30)
    assert here == list(range(1, 51)) and await other == list(range(100, 150))
    assert store.inbox_counts() == {"received": 100}


def answered(store: Store, update_id: int) -> str:
    store.inbox_answered(update_id)
    return "answered"


async def test_different_steps_made_at_once_share_a_commit(db, store):
    aio, commits = db
    await asyncio.gather(*[aio.together(journal)(update_id) for update_id in range(1, 11)])
    commits.clear()
    results = await asyncio.gather(
        *[aio.together(answered)(update_id) for update_id in range(1, 6)], *[aio.together(journal)(update_id) for update_id in range(11, 16)]
    )
    assert results == ["answered"] * 5 + list(range(11, 16)) and len(commits) == 1
    assert store.inbox_counts() == {"answered": 5, "received": 10}


def member_or_refusal(store: Store, user_id: int) -> tuple[int, str | None]:
    if user_id == 13:
        raise LookupError("this one fails")
    return threading.get_ident(), store.get_member(user_id)


async def test_reads_made_at_once_share_a_trip_and_one_that_fails_fails_alone(db, store):
    aio, _ = db
    results = await asyncio.gather(*[aio.read_together(member_or_refusal)(user_id) for user_id in range(1, 101)], return_exceptions=True)
    assert isinstance(results[12], LookupError)
    answered = [result for number, result in enumerate(results) if number != 12]
    assert [member for _, member in answered] == [None] * 99
    assert len({thread for thread, _ in answered}) == 1  # one reader's thread took them all, in one go


def put(store: Store, key: int, size: int) -> int:
    with store.transaction() as conn:
        conn.execute("INSERT INTO blobs VALUES (?, ?)", (key, b"x" * size))
    return key


async def test_a_full_disk_in_the_middle_of_a_batch_fails_the_whole_batch_and_nothing_of_it_is_kept(db, store):
    # SQLite undoes the whole transaction on a full disk, whatever savepoints were open: no call
    # of the batch may then be told it was written, nor run on in a transaction of its own
    aio, _ = db
    with store.transaction() as conn:
        conn.execute("CREATE TABLE blobs (k INTEGER, v BLOB)")
    pages = store._conn.execute("PRAGMA page_count").fetchone()[0]
    store._conn.execute(f"PRAGMA max_page_count = {pages + 4}")  # a disk with room for a few pages
    results = await asyncio.gather(aio.together(put)(1, 10), aio.together(put)(2, 1_000_000), aio.together(put)(3, 10), return_exceptions=True)
    kept = [key for (key,) in store._conn.execute("SELECT k FROM blobs").fetchall()]
    assert kept == [] and all(isinstance(result, Exception) for result in results)
