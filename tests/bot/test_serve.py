"""`nianbao serve` runs what is configured for real or nothing at all: it never falls into the demo."""

from __future__ import annotations

import os
import subprocess
import sys


def test_serve_with_nothing_configured_exits_2_naming_the_variables(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("TELEGRAM_BOT_TOKEN", "NIANBAO_CONFIG") and not k.startswith("NIANBAO_WECOM")}
    env["NIANBAO_DB"] = str(tmp_path / "nianbao.db")
    env["NIANBAO_WEB"] = "off"
    run = subprocess.run(
        [sys.executable, "-m", "nianbao.cli", "serve"], stdin=subprocess.DEVNULL, capture_output=True, text=True, env=env, timeout=60
    )
    assert run.returncode == 2
    assert "没有设置 TELEGRAM_BOT_TOKEN：机器人无法启动" in run.stderr
    assert "TELEGRAM_BOT_TOKEN is not set: the bot cannot start" in run.stderr
    assert "nianbao demo" in run.stderr and "NIANBAO_WECOM_CORP_ID" in run.stderr and "NIANBAO_WEB=off" in run.stderr
    assert "本地演示" not in run.stdout and run.stdout == ""
    assert not (tmp_path / "nianbao.db").exists()  # nothing was started


def test_serve_without_a_messenger_serves_the_web_desk_alone_on_an_existing_database(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("TELEGRAM_BOT_TOKEN", "NIANBAO_CONFIG") and not k.startswith("NIANBAO_WECOM")}
    env |= {"NIANBAO_DB": str(tmp_path / "nianbao.db"), "NIANBAO_WEB_PORT": "0"}
    run = subprocess.run(
        [sys.executable, "-m", "nianbao.cli", "serve"], stdin=subprocess.DEVNULL, capture_output=True, text=True, env=env, timeout=60
    )
    assert run.returncode == 2 and "nianbao agencies import" in run.stderr  # like `nianbao web`: no empty database made
    assert not (tmp_path / "nianbao.db").exists()
