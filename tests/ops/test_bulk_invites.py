"""``nianbao invite --all`` as an office without Telegram meets it: the sheet and the printed
lines say how to use each code in the faces the office has (the web desk's address and sign-in
steps; Telegram's t.me link and /start only with a bot; 企业微信's 「绑定 邀请码」 only when it is
configured), the roster's own words for levels; a second run says the earlier codes still work,
and ``--replace`` revokes them (audited)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from fixtures.cli import run_cli
from nianbao.storage import InviteError, Store

ROOT = Path(__file__).resolve().parents[2]
ROSTER = ROOT / "deploy" / "roster.example.csv"
WEB_URL = "https://nianbao.example.gov.cn"
WECOM = {
    "NIANBAO_WECOM_CORP_ID": "ww0123456789abcdef", "NIANBAO_WECOM_AGENT_ID": "1000002", "NIANBAO_WECOM_SECRET": "s",
    "NIANBAO_WECOM_TOKEN": "t", "NIANBAO_WECOM_AES_KEY": "k" * 43,
}  # fmt: skip


@pytest.fixture
def office(tmp_path, monkeypatch) -> dict:
    """A county office's environment with the example roster imported and no Telegram token."""
    for name in ("TELEGRAM_BOT_TOKEN", *WECOM):
        monkeypatch.delenv(name, raising=False)
    env = {"NIANBAO_DB": str(tmp_path / "nianbao.db"), "NIANBAO_WEB_URL": WEB_URL}
    assert run_cli("agencies", "import", str(ROSTER), env=env, clean=True).returncode == 0
    return env


def sheet(path: Path) -> list[dict]:
    ws = openpyxl.load_workbook(path).active
    header = [c.value for c in ws[1]]
    return [dict(zip(header, (c.value for c in row))) for row in ws.iter_rows(min_row=2)]


def test_a_web_only_office_gets_the_desks_address_and_sign_in_steps_and_no_chat(office, tmp_path):
    run = run_cli("invite", "--all", "--out", str(tmp_path / "邀请码.xlsx"), env=office, clean=True)
    assert run.returncode == 0, run.stderr
    rows = sheet(tmp_path / "邀请码.xlsx")
    assert list(rows[0]) == ["序号", "机关名称", "层级", "地区", "邀请码", "有效期至", "网页版登录地址", "使用方法"]
    assert [r["层级"] for r in rows] == ["乡镇", "乡镇（街道）", "县直部门", "市直部门"]  # the roster's words (township: the label)
    for row in rows:
        assert row["网页版登录地址"] == f"{WEB_URL}/signin"
        how = row["使用方法"]
        assert f"{WEB_URL}/signin" in how and f"输入邀请码 {row['邀请码']}" in how and "个人登录码" in how
        assert "t.me" not in how and "/start" not in how and "企业微信" not in how
    assert f"{WEB_URL}/signin" in run.stdout and "/start" not in run.stdout and "t.me" not in run.stdout
    assert "只有服务器本机能打开" not in run.stderr


def test_a_desk_on_the_servers_own_address_is_said_to_be_unreachable_for_the_agencies(office, tmp_path):
    local = {**office, "NIANBAO_WEB_URL": ""}
    run = run_cli("invite", "--all", "--out", str(tmp_path / "邀请码.csv"), env=local, clean=True)
    assert run.returncode == 0 and "只有服务器本机能打开" in run.stderr and "NIANBAO_WEB_URL" in run.stderr


def test_telegram_and_wecom_steps_appear_only_where_they_are_configured(office, tmp_path):
    env = {**office, **WECOM}
    run = run_cli("invite", "--all", "--bot", "@nianbao_bot", "--out", str(tmp_path / "邀请码.xlsx"), env=env, clean=True)
    assert run.returncode == 0, run.stderr
    rows = sheet(tmp_path / "邀请码.xlsx")
    assert list(rows[0])[6:] == ["网页版登录地址", "绑定链接", "使用方法"]
    for row in rows:
        code = row["邀请码"]
        assert row["绑定链接"] == f"https://t.me/nianbao_bot?start={code}"
        assert f"/start {code}" in row["使用方法"] and f"绑定 {code}" in row["使用方法"] and WEB_URL in row["使用方法"]
    off = {**office, "NIANBAO_WEB": "off"}
    run = run_cli("invite", "--all", "--bot", "nianbao_bot", "--out", str(tmp_path / "chat.csv"), env=off, clean=True)
    text = (tmp_path / "chat.csv").read_text(encoding="utf-8-sig")
    assert run.returncode == 0 and "网页版" not in text and "t.me/nianbao_bot" in text


def test_no_face_at_all_is_refused(office, tmp_path):
    run = run_cli("invite", "--all", "--out", str(tmp_path / "x.xlsx"), env={**office, "NIANBAO_WEB": "off"}, clean=True)
    assert run.returncode == 2 and "邀请码没有地方可用" in run.stderr and not (tmp_path / "x.xlsx").exists()


def test_running_twice_says_the_earlier_codes_still_work_and_replace_revokes_them(office, tmp_path):
    first = run_cli("invite", "--all", "--out", str(tmp_path / "1.xlsx"), env=office, clean=True)
    assert first.returncode == 0 and "以前生成" not in first.stdout
    second = run_cli("invite", "--all", "--out", str(tmp_path / "2.xlsx"), env=office, clean=True)
    assert "4 个机关还有以前生成、尚未使用的邀请码共 4 个，仍然有效" in second.stdout and "--replace" in second.stdout
    with Store(office["NIANBAO_DB"]) as store:
        assert sorted(len(codes) for codes in store.live_invites().values()) == [2, 2, 2, 2]
    third = run_cli("invite", "--all", "--replace", "--out", str(tmp_path / "3.xlsx"), env=office, clean=True)
    assert third.returncode == 0 and "已作废 4 个机关以前生成、尚未使用的邀请码共 8 个" in third.stdout
    earlier = sheet(tmp_path / "1.xlsx")[0]["邀请码"]
    kept = sheet(tmp_path / "3.xlsx")[0]["邀请码"]
    with Store(office["NIANBAO_DB"]) as store:
        assert sorted(len(codes) for codes in store.live_invites().values()) == [1, 1, 1, 1]
        with pytest.raises(InviteError) as refused:
            store.redeem_for_new_account(earlier)
        assert refused.value.reason == "expired"  # typed on the desk: 「已过期（或已换成新的邀请码）」
        assert store.redeem_for_new_account(kept) < 0
        revoked = [e for e in store.list_events(50) if e.action == "revoke_invite"]
    assert len(revoked) == 4 and {e.detail for e in revoked} == {"2"}


def test_a_single_code_says_how_to_use_it_in_this_office(office):
    run = run_cli("invite", "学张乡人民政府", env=office, clean=True)
    code = run.stdout.strip().splitlines()[-1]
    assert run.returncode == 0 and f"{WEB_URL}/signin" in run.stdout and f"输入邀请码 {code}" in run.stdout
    assert "/start" not in run.stdout
    chat = run_cli("invite", "学张乡人民政府", env={**office, "TELEGRAM_BOT_TOKEN": "123:abc"}, clean=True)
    assert f"/start {chat.stdout.strip().splitlines()[-1]}" in chat.stdout
    again = run_cli("invite", "学张乡人民政府", "--replace", env=office, clean=True)
    assert "已作废 1 个机关以前生成、尚未使用的邀请码共 2 个" in again.stdout
