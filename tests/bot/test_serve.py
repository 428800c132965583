"""`nianbao serve` runs the bot for real or not at all: without a token it never falls into the demo."""

from __future__ import annotations

import os
import subprocess
import sys


def test_serve_without_a_token_exits_2_naming_the_variable(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("TELEGRAM_BOT_TOKEN", "NIANBAO_CONFIG")}
    env["NIANBAO_DB"] = str(tmp_path / "nianbao.db")
    run = subprocess.run(
        [sys.executable, "-m", "nianbao.cli", "serve"], stdin=subprocess.DEVNULL, capture_output=True, text=True, env=env, timeout=60
    )
    assert run.returncode == 2
    assert "没有设置 TELEGRAM_BOT_TOKEN：机器人无法启动" in run.stderr
    assert "TELEGRAM_BOT_TOKEN is not set: the bot cannot start" in run.stderr
    assert "nianbao demo" in run.stderr
    assert "本地演示" not in run.stdout and run.stdout == ""
    assert not (tmp_path / "nianbao.db").exists()  # nothing was started
