"""The real ``nianbao serve`` killed with SIGKILL (as the OOM killer does) in the middle of a
LibreOffice conversion, outside systemd: its forkserver, resource tracker, check workers and
the converter's processes all end within a few seconds instead of living on as orphans."""

from __future__ import annotations

import signal
import time

import psutil

from bot.harness import STAFF_XUEZHANG, seed
from bot.serve_process import start_serve, stop_serve, wait_for
from nianbao.devtools import LocalBotApi
from nianbao.storage import Store

# stands in for LibreOffice: soffice starts soffice.bin and waits for it, both in a new session
HANGING_SOFFICE = "#!/bin/sh\nsleep 300 &\nwait\n"


def living(processes: list[psutil.Process]) -> list[psutil.Process]:
    alive = []
    for process in processes:
        try:
            if process.is_running() and process.status() != psutil.STATUS_ZOMBIE:
                alive.append(process)
        except psutil.NoSuchProcess:
            pass
    return alive


def names_of(processes: list[psutil.Process]) -> list[str]:
    names = []
    for process in processes:
        try:
            names.append(process.name())
        except psutil.NoSuchProcess:
            pass
    return sorted(names)


async def test_bot_killed_with_sigkill_leaves_no_process_behind(tmp_path):
    database = tmp_path / "nianbao.db"
    with Store(database) as store:
        seed(store)
    soffice = tmp_path / "soffice"
    soffice.write_text(HANGING_SOFFICE)
    soffice.chmod(0o755)
    log = tmp_path / "bot.log"
    async with LocalBotApi() as api:
        api.add_user(STAFF_XUEZHANG)
        bot = start_serve(api, database, log, NIANBAO_SOFFICE=str(soffice))
        try:
            assert await wait_for(lambda: api.bot_commands(), 30), log.read_text()
            await api.user_sends_document(STAFF_XUEZHANG, "年报.rtf", b"{\\rtf1\\ansi 2024\\par}")

            def converter_running() -> list[psutil.Process]:
                family = psutil.Process(bot.pid).children(recursive=True)
                return family if "sleep" in names_of(family) else []

            family = await wait_for(converter_running, 30)
            assert family, f"the conversion never started:\n{log.read_text()}"
            names = names_of(family)
            assert {"sleep", "soffice"} <= set(names) and len(family) >= 5, names  # + tracker, forkserver, worker
        finally:
            await stop_serve(bot, signal.SIGKILL)
        started = time.monotonic()
        await wait_for(lambda: not living(family), 5)
        waited = time.monotonic() - started
        left = [(p.pid, " ".join(p.cmdline())[:100]) for p in living(family)]
        for process in living(family):  # a failing run must not leave them behind either
            process.kill()
        assert not left, left
        assert waited < 5


# A fresh interpreter, so that the forkserver is started by the thread under test.
POOL_ON_A_THREAD = """
import asyncio, os, sys, threading, time
from multiprocessing import forkserver
import psutil
from nianbao.drafts.pool import CheckPool

def check_on_its_own_loop():
    pool = CheckPool(1, timeout=30)
    try:
        assert asyncio.run(pool.run(os.getpid)) != os.getpid()
    finally:
        pool.shutdown()

desk = threading.Thread(target=check_on_its_own_loop)  # as the web desk runs beside a test
desk.start()
desk.join()
time.sleep(1)
server = forkserver._forkserver._forkserver_pid
alive = psutil.pid_exists(server) and psutil.Process(server).status() != psutil.STATUS_ZOMBIE
print("forkserver alive" if alive else "forkserver gone")
pool = CheckPool(1, timeout=30)
print("checked" if asyncio.run(pool.run(os.getpid)) else "")
pool.shutdown()
"""


def test_a_pool_first_used_on_a_thread_that_ends_keeps_its_forkserver():
    """Linux sends the parent-death signal when the *thread* that started a process ends: a
    forkserver started from a web desk's thread must not die with that thread."""
    import subprocess
    import sys

    run = subprocess.run([sys.executable, "-c", POOL_ON_A_THREAD], capture_output=True, text=True, timeout=60)
    assert run.stdout.split("\n")[:2] == ["forkserver alive", "checked"], run.stdout + run.stderr
