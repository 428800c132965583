"""deploy/README.md followed as the county IT person would: the roster, bulk invites for every
agency (whose t.me links really bind an account), and `nianbao doctor`, with the installed
`nianbao` command against a local Bot API server. (`deploy/try_readme.sh` does the same from a
fresh virtual environment, installing the package first.)"""

from __future__ import annotations

import asyncio
import os
import re
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import openpyxl
import pytest

from bot.harness import running_bot
from nianbao.devtools import LocalBotApi
from nianbao.storage import Store

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "deploy" / "README.md").read_text(encoding="utf-8")
NIANBAO = str(Path(sys.executable).with_name("nianbao"))


@pytest.fixture
async def api():
    """A local Bot API server standing in for Telegram."""
    async with LocalBotApi() as server:
        yield server


async def nianbao(*args: str, env: dict, cwd: Path) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        NIANBAO, *args, env=env, cwd=cwd, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=120)
    return process.returncode, out.decode(), err.decode()


def _config(tmp_path: Path) -> Path:
    """deploy/nianbao.example.toml as the README has it copied, its database in tmp_path."""
    text = (ROOT / "deploy" / "nianbao.example.toml").read_text(encoding="utf-8")
    text = text.replace('path = "/var/lib/nianbao/nianbao.db"', f'path = "{tmp_path / "nianbao.db"}"')
    assert str(tmp_path) in text
    path = tmp_path / "nianbao.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _env(config: Path, api, **more: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NIANBAO_", "TELEGRAM_"))}
    return env | {"NIANBAO_CONFIG": str(config), "TELEGRAM_BOT_TOKEN": api.token, "NIANBAO_API_BASE_URL": api.base_url} | more


def test_the_readme_gives_the_commands_this_test_runs():
    chinese, english = README.split('<a id="english"></a>', 1)
    for command in ("nianbao agencies import", "nianbao invite --all --out 邀请码.xlsx", "nianbao doctor", "/whoami", "pip install ."):
        assert command in chinese, command
    for words in ("Python 3.11", "BotFather", "bulk invites", "/whoami", "journalctl", "nianbao doctor", "migrat", "reminder", "web"):
        assert words.lower() in english.lower(), words
    assert README.index("## 1. 需要什么") < README.index("## English")  # Chinese first


async def test_roster_bulk_invites_and_doctor_as_the_readme_says(api, tmp_path):
    config = _config(tmp_path)
    env = _env(config, api)
    code, out, err = await nianbao("agencies", "import", str(ROOT / "deploy" / "roster.example.csv"), env=env, cwd=tmp_path)
    assert code == 0, err
    code, out, err = await nianbao("invite", "--all", "--out", "邀请码.xlsx", env=env, cwd=tmp_path)
    assert code == 0, err
    assert "已为 4 个机关生成邀请码" in out
    ws = openpyxl.load_workbook(tmp_path / "邀请码.xlsx").active
    header = [c.value for c in ws[1]]
    rows = [dict(zip(header, (c.value for c in row))) for row in ws.iter_rows(min_row=2)]
    assert [r["机关名称"] for r in rows] == ["学张乡人民政府", "大安市叉干镇综合服务中心", "芮城县财政局", "运城市教育局"]
    for row in rows:
        link = urlparse(row["绑定链接"])
        assert (link.netloc, link.path) == ("t.me", f"/{api.bot_username}")
        assert parse_qs(link.query)["start"] == [row["邀请码"]] and re.fullmatch(r"[A-Z0-9]{8}", row["邀请码"])

    # doctor: a roster but no supervisor yet is something to fix; with one, all is well
    code, out, _ = await nianbao("doctor", "--no-libreoffice", env=env, cwd=tmp_path)
    assert code == 1 and "✗ 数据库" in out and "还没有督导员" in out
    assert f"✓ Telegram / Bot API 服务器：{api.base_url.removesuffix('/bot')} 可以连接，机器人 @{api.bot_username}" in out
    code, out, _ = await nianbao("doctor", "--no-libreoffice", env=env | {"NIANBAO_SUPERVISORS": "9001"}, cwd=tmp_path)
    assert code == 0 and "一切正常" in out and "名单 4 个机关" in out

    # the first agency's contact opens its link: START sends /start CODE, and the account is bound
    store = Store(tmp_path / "nianbao.db")
    try:
        async with running_bot(tmp_path, store, api=api) as bot_env:
            bot_env.api.add_user(4242)
            reply = bot_env.text(await bot_env.send(4242, f"/start {rows[0]['邀请码']}"))
            assert "学张乡人民政府" in reply
        assert store.get_member(4242).agency_id == store.find_agency("学张乡人民政府").id
    finally:
        store.close()
    code, out, err = await nianbao("invite", "--all", "--unbound", "--out", "补发.csv", env=env, cwd=tmp_path)
    assert code == 0 and "已为 3 个机关生成邀请码" in out
    assert "学张乡人民政府" not in (tmp_path / "补发.csv").read_text(encoding="utf-8-sig")


async def test_doctor_names_an_unreachable_server_and_a_missing_database(api, tmp_path):
    config = _config(tmp_path)
    env = _env(config, api, NIANBAO_API_BASE_URL="http://127.0.0.1:9/bot")
    code, out, _ = await nianbao("doctor", "--no-libreoffice", env=env, cwd=tmp_path)
    assert code == 1
    assert "✗ Telegram / Bot API 服务器：http://127.0.0.1:9：连接失败" in out
    assert f"✗ 数据库：{tmp_path / 'nianbao.db'} 不存在" in out and "nianbao agencies import" in out
    assert not (tmp_path / "nianbao.db").exists()  # the doctor looks, it does not create
