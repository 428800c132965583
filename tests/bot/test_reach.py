"""A token with no route to Telegram: `nianbao serve` says so in one line (Chinese and English)
and retries with a growing pause, instead of a long traceback and a restart loop."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from nianbao.config import Config
from nianbao.bot.reach import probe, wait_until_reachable
from nianbao.devtools import LocalBotApi

NIANBAO = str(Path(sys.executable).with_name("nianbao"))


@pytest.fixture
async def api():
    """A local Bot API server standing in for Telegram."""
    async with LocalBotApi() as server:
        yield server


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_without_a_route_says_so_in_one_line_and_keeps_trying(tmp_path):
    port = _closed_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NIANBAO_", "TELEGRAM_"))}
    env |= {"TELEGRAM_BOT_TOKEN": "123456:ABCdef", "NIANBAO_API_BASE_URL": f"http://127.0.0.1:{port}/bot", "NIANBAO_DB": str(tmp_path / "n.db")}
    log = tmp_path / "serve.log"
    with log.open("w") as output:
        process = subprocess.Popen([NIANBAO, "serve"], env=env, stdout=output, stderr=subprocess.STDOUT, text=True)
        try:
            deadline = time.monotonic() + 60  # slow start-up under load
            while "无法连接 Telegram" not in log.read_text() and time.monotonic() < deadline:
                assert process.poll() is None, "serve exited instead of retrying: " + log.read_text()
                time.sleep(0.1)
            time.sleep(0.3)
            assert process.poll() is None, "serve exited instead of retrying"
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=10)
    lines = [line for line in log.read_text().splitlines() if line.strip()]
    unreachable = [line for line in lines if "无法连接 Telegram 或配置的 Bot API 服务器" in line]
    assert len(unreachable) == 1, lines
    assert "Cannot reach Telegram or the configured Bot API server" in unreachable[0]
    assert "5 秒后重试" in unreachable[0] and f"127.0.0.1:{port}" in unreachable[0]
    assert not any("Traceback" in line or "httpx" in line for line in lines)
    assert "123456:ABCdef" not in log.read_text()


class Stop(Exception):
    pass


def test_the_pause_between_attempts_doubles_up_to_the_longest(caplog):
    """What serve does above, attempt after attempt, with the pauses taken from a recorder."""
    pauses: list[float] = []

    def sleep(seconds: float) -> None:
        pauses.append(seconds)
        if len(pauses) == 5:
            raise Stop

    config = Config(token="123456:ABCdef", api_base_url=f"http://127.0.0.1:{_closed_port()}/bot")
    with pytest.raises(Stop):
        wait_until_reachable(config, first_pause=5, longest_pause=40, sleep=sleep)
    assert pauses == [5, 10, 20, 40, 40]
    lines = [r.getMessage() for r in caplog.records if "无法连接 Telegram" in r.getMessage()]
    assert [line.split("；")[1].split(" /")[0] for line in lines] == [f"{p:g} 秒后重试" for p in pauses]


async def test_probe_tells_a_refused_token_from_a_missing_route(api):
    good = await probe(Config(token=api.token, api_base_url=api.base_url))
    assert good.ok and good.detail.startswith("@")
    refused = await probe(Config(token="999:wrong", api_base_url=api.base_url))
    assert not refused.ok and refused.fatal and "令牌被拒绝" in refused.detail
    nowhere = await probe(Config(token=api.token, api_base_url=f"http://127.0.0.1:{_closed_port()}/bot"), timeout=3)
    assert not nowhere.ok and not nowhere.fatal and "连接失败" in nowhere.detail
