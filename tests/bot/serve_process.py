"""The real ``nianbao serve`` as a child process against a LocalBotApi, for the tests that kill
it or read its log."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from nianbao.devtools import LocalBotApi


def start_serve(api: LocalBotApi, database: Path, log: Path, **env: str) -> subprocess.Popen:
    environment = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": api.token,
        "NIANBAO_API_BASE_URL": api.base_url,
        "NIANBAO_FILE_BASE_URL": api.base_file_url,
        "NIANBAO_DB": str(database),
        "NIANBAO_REPORT_YEAR": "2024",
        **env,
    }
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "nianbao.cli", "serve"], env=environment, stdout=out, stderr=out
        )


async def wait_for(predicate, timeout: float):
    """The first truthy value of ``predicate()`` within ``timeout`` seconds (else its last)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := predicate():
            return result
        await asyncio.sleep(0.1)
    return predicate()


async def stop_serve(process: subprocess.Popen, signum: int = signal.SIGTERM, timeout: float = 20) -> int:
    """Signal the bot and wait for it without blocking the loop (the LocalBotApi runs on it)."""
    process.send_signal(signum)
    return await asyncio.to_thread(process.wait, timeout)
