"""The command line as a user or a script runs it: a real subprocess, real files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from nianbao.storage import Store
from nianbao.validators.rules import all_rules


def nianbao(*args: str, env: dict | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    import os

    return subprocess.run(
        [sys.executable, "-m", "nianbao.bot.cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        cwd=cwd,
    )


def sample(samples_dir: Path, prefix: str) -> Path:
    return next(samples_dir.glob(f"{prefix}_*.txt"))


def test_check_prints_numbered_issues_and_exits_1_on_errors(samples_dir):
    run = nianbao("check", str(sample(samples_dir, "003")))
    assert run.returncode == 1
    lines = run.stdout.splitlines()
    assert lines[0] == "大安市叉干镇综合服务中心 2024年度报告：7 个错误，1 个警告"
    assert lines[1].startswith("1. [错误] 表二 第二十条第（一）项「规章」本年制发件数为 5")
    assert any(line.startswith("8. [警告]") for line in lines)
    assert "修改建议" in run.stdout


def test_check_exits_0_when_only_warnings(samples_dir):
    run = nianbao("check", "--no-hints", str(sample(samples_dir, "002")))
    assert run.returncode == 0
    assert "没有错误，可以报送" in run.stdout and "修改建议" not in run.stdout


def test_check_json_contract(samples_dir):
    run = nianbao("check", "--json", str(sample(samples_dir, "003")))
    data = json.loads(run.stdout)
    assert (data["agency"], data["year"], data["level"]) == ("大安市叉干镇综合服务中心", 2024, "township")
    assert data["tables"]["主动公开"]["规章"]["本年制发件数"] == 5
    assert data["tables"]["主动公开"]["行政事业性收费"]["本年收费金额（单位：万元）"] is None
    assert data["tables"]["依申请公开"]["属于国家秘密"]["商业企业"] == 0
    assert data["tables"]["复议诉讼"]["复议后起诉"]["总计"] == 0
    assert set(data["tables"]["依申请公开"]) >= {"本年新收政府信息公开申请数量", "总计", "结转下年度继续办理"}
    issue = data["issues"][0]
    assert set(issue) >= {"number", "code", "severity", "table", "row", "column", "section", "message", "expected", "found", "hint"}
    assert [i["number"] for i in data["issues"]] == list(range(1, 9))
    assert {i["severity"] for i in data["issues"]} == {"error", "warning"}


def test_check_a_folder_gives_one_line_per_file_and_json_lines(samples_dir, tmp_path):
    run = nianbao("check", str(samples_dir))
    assert run.returncode == 1
    lines = run.stdout.splitlines()
    assert len(lines) == 5 and lines[2].startswith("002_d783aba02661c840.txt\t文水县刘胡兰镇 2024年度报告：0 个错误")
    lines = nianbao("check", "--json", str(samples_dir)).stdout.splitlines()
    names = [Path(json.loads(line)["file"]).name for line in lines]
    assert names == sorted(p.name for p in samples_dir.glob("*.txt"))


def test_unreadable_file_exits_2_with_a_clear_message(tmp_path):
    broken = tmp_path / "坏文件.docx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    run = nianbao("check", str(broken))
    assert run.returncode == 2
    assert "无法审核" in run.stderr and "损坏" in run.stderr
    missing = nianbao("check", str(tmp_path / "没有这个文件.docx"))
    assert missing.returncode == 2 and "无法打开文件" in missing.stderr


def test_check_with_level_and_year(samples_dir):
    run = nianbao("check", "--json", "--level", "city_department", "--year", "2025", str(sample(samples_dir, "003")))
    data = json.loads(run.stdout)
    codes = {i["code"] for i in data["issues"]}
    assert "Y108" in codes and "L102" in codes and "L101" not in codes


def test_rules_lists_every_rule():
    run = nianbao("rules")
    assert run.returncode == 0
    for item in all_rules():
        assert item.code in run.stdout and item.summary in run.stdout


def test_roster_import_and_invite(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("name,level,region\n学张乡人民政府,乡镇,芮城县\n芮城县财政局,县直部门,芮城县\n", encoding="utf-8-sig")
    env = {"NIANBAO_DB": str(tmp_path / "db.sqlite")}
    imported = nianbao("agencies", "import", str(roster), env=env)
    assert imported.returncode == 0 and "新增 2 个" in imported.stdout
    listed = nianbao("agencies", "list", env=env)
    assert "芮城县财政局\t县级部门" in listed.stdout
    invite = nianbao("invite", "学张乡", env=env)
    code = invite.stdout.strip().splitlines()[-1]
    assert invite.returncode == 0 and len(code) == 8
    store = Store(tmp_path / "db.sqlite")
    member = store.redeem_invite(code, 555)
    assert store.get_agency(member.agency_id).name == "学张乡人民政府"
    store.close()
    renamed = nianbao("agencies", "rename", "芮城县财政局", "芮城县财政局（国资局）", env=env)
    assert renamed.returncode == 0
    assert nianbao("agencies", "deactivate", "国资局", env=env).returncode == 0
    assert "国资局" not in nianbao("agencies", "list", env=env).stdout
    assert "芮城县财政局（国资局）\t县级部门\t芮城县（已停用）" in nianbao("agencies", "list", "--all", env=env).stdout
    unknown = nianbao("invite", "不存在的单位", env=env)
    assert unknown.returncode == 1 and "没有找到机关" in unknown.stderr


@pytest.mark.parametrize("command", ["check", "rules", "agencies", "invite", "serve"])
def test_every_command_has_help_and_is_in_the_readme(command):
    run = nianbao(command, "--help")
    assert run.returncode == 0 and "usage" in run.stdout
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert f"nianbao {command}" in readme
