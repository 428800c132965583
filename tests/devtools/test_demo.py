"""The README's first command with no token: the real bot, a local Bot API server, a console."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_run_bot_without_token_runs_a_demo_a_person_can_use(samples_dir):
    sample = next(samples_dir.glob("003_*.txt"))
    script = f"/as 王五\n/send {sample}\n/as 李四\n/status\n/as 新同事\n/history\n/quit\n"
    env = {k: v for k, v in os.environ.items() if k not in ("TELEGRAM_BOT_TOKEN", "NIANBAO_CONFIG", "NIANBAO_DB")}
    env["NIANBAO_VENV"] = sys.prefix  # the environment these tests run in
    run = subprocess.run(
        ["bash", str(ROOT / "scripts" / "run_bot.sh")], input=script, capture_output=True, text=True, env=env, timeout=120
    )
    out = run.stdout
    assert run.returncode == 0, run.stderr
    assert "本地演示" in out and "李四 —— 督导员" in out
    assert "6 个错误，2 个警告" in out and "1. ❌[错误] 表二 第二十条第（一）项「规章」" in out
    assert "2024 年度报告报送情况" in out and "应报单位 5 个：已报送 1 个" in out
    assert "还没有绑定单位" in out  # the newcomer has not joined yet
    assert "Traceback" not in run.stderr
