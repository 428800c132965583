"""The check pool: results cross the process boundary intact; a hang, a crash or a memory bomb
costs one worker, not the bot."""

from __future__ import annotations

import os
import pickle
import time

import pytest

from nianbao.bot.pool import CheckFailed, CheckPool, CheckTimedOut
from nianbao.validators.engine import check_bytes


def _hang() -> None:
    time.sleep(60)


def _die() -> None:
    os._exit(3)


def _eat_memory() -> int:
    return len(bytearray(4 * 1024**3))


@pytest.fixture
def pool():
    checks = CheckPool(2, timeout=3, memory_mb=1024)
    yield checks
    checks.shutdown()


def test_results_pickle_unchanged(sample_texts):
    for name, text in sample_texts.items():
        result = check_bytes(text.encode(), f"{name}.txt")
        again = pickle.loads(pickle.dumps(result))
        assert [i.json_dict() for i in again.issues] == [i.json_dict() for i in result.issues]
        assert again.report.tables_json() == result.report.tables_json()
    error = check_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "x.doc").error
    assert pickle.loads(pickle.dumps(error)).message == error.message


async def test_checks_run_in_workers_and_match_in_process_results(pool, sample_texts):
    for name, text in sample_texts.items():
        remote = await pool.run(check_bytes, text.encode(), f"{name}.txt", expected_year=2024)
        local = check_bytes(text.encode(), f"{name}.txt", expected_year=2024)
        assert [i.json_dict() for i in remote.issues] == [i.json_dict() for i in local.issues]


@pytest.mark.parametrize(
    "hostile, error",
    [(_hang, CheckTimedOut), (_die, CheckFailed), (_eat_memory, CheckFailed)],
    ids=["hangs", "crashes", "eats-memory"],
)
async def test_a_hostile_task_costs_a_worker_and_the_pool_keeps_serving(pool, sample_texts, hostile, error):
    with pytest.raises(error):
        await pool.run(hostile)
    text = next(iter(sample_texts.values()))
    result = await pool.run(check_bytes, text.encode(), "after.txt")
    assert result.report is not None
