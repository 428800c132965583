"""`nianbao demo --wecom`, as a newcomer runs it: the WeCom face against the local WeCom server,
a console where a clerk pastes a report and a supervisor asks for /status."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bot.harness import SAMPLES

NIANBAO = str(Path(sys.executable).with_name("nianbao"))


def test_the_wecom_demo_answers_a_paste_and_status(tmp_path):
    sample = next(SAMPLES.glob("000_*.txt"))
    script = f"/paste {sample}\n/as 李四\n/status\n/menu\n/quit\n"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NIANBAO_", "TELEGRAM_"))} | {"NIANBAO_WEB": "off"}
    done = subprocess.run([NIANBAO, "demo", "--wecom"], input=script, capture_output=True, text=True, timeout=180, env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "企业微信演示" in out and "审核结果：学张乡人民政府" in out
    assert "2024 年度报告报送情况" in out and "图片「2024年度报送情况.png」" in out
    assert "[督导] 报送情况=cmd:status" in out
