"""The command line as a user or a script runs it, on real files: ``main(argv)`` in this
process (fixtures/cli.py), and the installed script in a real subprocess for its exit status."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from fixtures.cli import run_cli as nianbao
from nianbao.storage import Store
from nianbao.validators.rules import all_rules

INSTALLED = str(Path(sys.executable).with_name("nianbao"))


def sample(samples_dir: Path, prefix: str) -> Path:
    return next(samples_dir.glob(f"{prefix}_*.txt"))


def test_check_prints_numbered_issues_and_exits_1_on_errors(samples_dir):
    run = subprocess.run([INSTALLED, "check", str(sample(samples_dir, "003"))], capture_output=True, text=True)
    assert run.returncode == 1
    lines = run.stdout.splitlines()
    assert lines[0] == "大安市叉干镇综合服务中心 2024年度报告：6 个错误，2 个警告"
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


def test_check_a_folder_skips_a_stray_readme_as_not_a_report(samples_dir, tmp_path):
    """A README.md beside the drafts is skipped like an image, and the batch's status is the drafts'."""
    folder = tmp_path / "drafts"
    folder.mkdir()
    draft = sample(samples_dir, "003")
    (folder / draft.name).write_bytes(draft.read_bytes())
    (folder / "README.md").write_text("# 说明\n\n本文件夹存放各单位报送的年报。\n", encoding="utf-8")
    (folder / "scan.png").write_bytes(b"\x89PNG\r\n")
    run = nianbao("check", str(folder))
    assert run.returncode == 1, run.stderr
    assert "跳过 README.md：不是年报文件" in run.stderr and "跳过 scan.png：不是年报文件" in run.stderr
    assert [line.split("\t")[0] for line in run.stdout.splitlines()] == [draft.name]
    assert "无法审核" not in run.stdout + run.stderr
    assert nianbao("check", "--json", str(folder)).stdout.count("\n") == 1
    summed = nianbao("summary", str(folder))  # nor is it an agency that could not be read
    assert summed.returncode == 0 and "README.md：不是年报文件" in summed.stderr and "README" not in summed.stdout
    (folder / draft.name).unlink()
    alone = nianbao("check", str(folder))
    assert alone.returncode == 2 and "没有找到要审核的文件" in alone.stderr
    named = nianbao("check", str(folder / "README.md"))  # named on its own, it is tried and refused
    assert named.returncode == 2 and "无法审核" in named.stderr


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


def test_every_level_option_takes_the_chinese_names(samples_dir, tmp_path):
    """`--level 乡镇` is what `agencies add` takes: one parser (nianbao.levels) for every --level."""
    draft = str(sample(samples_dir, "003"))
    chinese = nianbao("check", "--json", "--level", "市直部门", "--year", "2025", draft)
    assert chinese.returncode == 1, chinese.stderr
    assert chinese.stdout == nianbao("check", "--json", "--level", "city_department", "--year", "2025", draft).stdout
    assert nianbao("check", "--level", "乡镇", draft).returncode == 1
    wrong = nianbao("check", "--level", "火星", draft)
    assert wrong.returncode == 2 and "未知的单位类型“火星”，可用：乡镇、街道、县直部门" in wrong.stderr
    assert "乡镇、街道、县直部门、县级部门、市直部门、省直部门、政府、其他" in nianbao("check", "--help").stdout
    env = {"NIANBAO_DB": str(tmp_path / "nianbao.db")}
    assert nianbao("agencies", "add", "芮城县财政局", "--level", "县直部门", env=env).returncode == 0
    # the level kept as written (the roster's and the office's own word), the label where none was given
    assert nianbao("agencies", "set-level", "芮城县财政局", "市直部门", env=env).stdout.strip() == "已修改层级：芮城县财政局 → 市直部门"
    refused = nianbao("agencies", "add", "某某局", "--level", "火星", env=env)
    assert refused.returncode == 2 and "未知的单位类型“火星”" in refused.stderr
    assert "芮城县财政局\t市直部门" in nianbao("agencies", "list", env=env).stdout
    assert nianbao("agencies", "set-level", "芮城县财政局", "city_department", env=env).stdout.strip() == "已修改层级：芮城县财政局 → 市级部门"


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
    assert "芮城县财政局\t县直部门" in listed.stdout  # as the roster wrote it
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
    assert "芮城县财政局（国资局）\t县直部门\t芮城县（已停用）" in nianbao("agencies", "list", "--all", env=env).stdout
    unknown = nianbao("invite", "不存在的单位", env=env)
    assert unknown.returncode == 1 and "没有找到机关" in unknown.stderr


def test_check_annotate_writes_the_draft_with_a_comment_per_issue(sample_docx, tmp_path):
    from nianbao.validators.annotate import read_comments

    draft = tmp_path / "叉干镇.docx"
    draft.write_bytes(next(v for k, v in sample_docx.items() if k.startswith("003")))
    out = tmp_path / "批注版.docx"
    run = nianbao("check", "--annotate", str(out), str(draft))
    assert run.returncode == 1 and "已生成批注版" in run.stderr
    numbered = [line for line in run.stdout.splitlines() if line[:1].isdigit()]
    comments = sorted(read_comments(out.read_bytes()), key=lambda c: c.number)
    assert [c.text.split("\n")[0] for c in comments] == numbered
    text_draft = tmp_path / "叉干镇.txt"
    text_draft.write_text("大安市叉干镇综合服务中心2024年政府信息公开工作年度报告\n一、总体情况\n二、主动公开政府信息情况", encoding="utf-8")
    run = nianbao("check", "--annotate", str(tmp_path / "x.docx"), str(text_draft))
    assert "未生成批注版（只有 .docx 文件可以加批注）" in run.stderr and not (tmp_path / "x.docx").exists()


def test_check_previous_compares_with_last_years_report(samples_dir, tmp_path):
    this_year = sample(samples_dir, "003")
    last_year = tmp_path / "2023.txt"
    text = this_year.read_text(encoding="utf-8").replace("2024", "2023")
    last_year.write_text(text, encoding="utf-8")
    same = json.loads(nianbao("check", "--json", "--previous", str(last_year), str(this_year)).stdout)
    # the same figures a year apart: copied (H104), and documents in force cannot stay at 5
    # when 5 more were made this year (H102); the carry-over happens to match
    history = [i for i in same["issues"] if i["code"].startswith("H")]
    assert {(i["code"], i["row"]) for i in history} == {("H102", "规章"), ("H102", "行政规范性文件"), ("H104", None)}
    assert "2023年的报告（2023.txt）" in history[0]["message"]
    assert not [i for i in json.loads(nianbao("check", "--json", str(this_year)).stdout)["issues"] if i["code"].startswith("H")]
    missing = nianbao("check", "--previous", str(tmp_path / "none.txt"), str(this_year))
    assert missing.returncode == 2 and "无法打开上一年度的报告" in missing.stderr and "Traceback" not in missing.stderr
    same_year = nianbao("check", "--previous", str(this_year), str(this_year))
    assert "未做跨年度核对" in same_year.stderr


def test_history_import_matches_agencies_and_explains_what_it_skips(samples_dir, tmp_path):
    env = {"NIANBAO_DB": str(tmp_path / "db.sqlite")}
    assert nianbao("agencies", "add", "大安市叉干镇综合服务中心", "--level", "township", env=env).returncode == 0
    assert nianbao("agencies", "add", "刘胡兰镇人民政府", "--level", "township", env=env).returncode == 0
    folder = tmp_path / "2023"
    folder.mkdir()
    text = sample(samples_dir, "003").read_text(encoding="utf-8")
    (folder / "叉干镇2023.txt").write_text(text.replace("2024", "2023").replace("大安市叉干镇", "大安市叉干镇"), encoding="utf-8")
    (folder / "刘胡兰镇2023年报.txt").write_text(sample(samples_dir, "002").read_text(encoding="utf-8").replace("2024", "2023"), encoding="utf-8")
    (folder / "策勒乡2023.txt").write_text(sample(samples_dir, "001").read_text(encoding="utf-8").replace("2024", "2023"), encoding="utf-8")
    (folder / "叉干镇2024.txt").write_text(text, encoding="utf-8")
    run = nianbao("history", "import", str(folder), "--year", "2023", env=env)
    assert run.returncode == 1
    assert "✓ 叉干镇2023.txt → 大安市叉干镇综合服务中心 2023 年度" in run.stdout
    assert "✗ 叉干镇2024.txt：这是 2024 年度的报告，不是 2023 年度的。" in run.stdout
    assert "✓ 刘胡兰镇2023年报.txt → 刘胡兰镇人民政府 2023 年度" in run.stdout  # title says 文水县刘胡兰镇
    assert "✗ 策勒乡2023.txt：名单中找不到这个单位" in run.stdout
    store = Store(tmp_path / "db.sqlite")
    prior = store.prior_report(store.find_agency("叉干镇").id, 2023)
    assert prior.source == "imported" and prior.tables["依申请公开"]["本年新收政府信息公开申请数量"]["总计"] == 9
    store.close()


def test_history_import_skips_a_readme_beside_the_reports(samples_dir, tmp_path):
    env = {"NIANBAO_DB": str(tmp_path / "db.sqlite")}
    assert nianbao("agencies", "add", "刘胡兰镇人民政府", "--level", "township", env=env).returncode == 0
    folder = tmp_path / "2023"
    folder.mkdir()
    (folder / "刘胡兰镇2023年报.txt").write_text(sample(samples_dir, "002").read_text(encoding="utf-8").replace("2024", "2023"), encoding="utf-8")
    (folder / "README.md").write_text("# 去年的年报\n\n从政府网站下载，2025年3月整理。\n", encoding="utf-8")
    run = nianbao("history", "import", str(folder), "--year", "2023", env=env)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "✓ 刘胡兰镇2023年报.txt → 刘胡兰镇人民政府 2023 年度" in run.stdout
    assert "README.md" not in run.stdout and "跳过 README.md：不是年报文件" in run.stderr


def test_summary_and_template_write_real_files(samples_dir, tmp_path):
    import openpyxl

    from nianbao.reports.chart import read_chart_data
    from nianbao.validators.engine import check_bytes

    env = {"NIANBAO_DB": str(tmp_path / "db.sqlite")}
    nianbao("agencies", "add", "学张乡人民政府", "--level", "township", env=env)
    run = nianbao("summary", "--year", "2024", "--xlsx", str(tmp_path / "s.xlsx"), "--chart", str(tmp_path / "s.png"), env=env)
    assert run.returncode == 0 and "未报送 1 个" in run.stdout
    assert openpyxl.load_workbook(tmp_path / "s.xlsx").sheetnames[-1] == "各机关情况"
    assert read_chart_data((tmp_path / "s.png").read_bytes())["counts"]["not_submitted"] == 1
    blank = tmp_path / "blank.docx"
    assert nianbao("template", "--out", str(blank), "--year", "2024", "--agency", "学张乡人民政府").returncode == 0
    report = check_bytes(blank.read_bytes(), "blank.docx").report
    assert report.agency == "学张乡人民政府" and all(t.found for t in report.tables.values())


@pytest.mark.parametrize("command", ["check", "rules", "agencies", "invite", "serve", "demo", "history", "summary", "template"])
def test_every_command_has_help_and_is_in_the_readme(command):
    run = nianbao(command, "--help")
    assert run.returncode == 0 and run.stdout.startswith(f"用法：nianbao {command}")
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert f"nianbao {command}" in readme


def test_help_and_argparse_errors_are_in_chinese():
    """argparse's own words are translated; every option says what it is for."""
    check = nianbao("check", "--help").stdout
    assert check.startswith("用法：nianbao check") and "\n选项" in check and "\n位置参数" in check
    assert "显示此帮助信息并退出" in check and "usage" not in check and "options" not in check
    assert "PDF" in nianbao("--help").stdout.split("check", 1)[1].split("\n")[0]
    assert ".doc、.wps、.odt" in check and "PDF" in check
    assert "保存空白年报的文件" in nianbao("template", "--help").stdout
    assert "supervisor：督导员" in nianbao("invite", "--help").stdout
    web = nianbao("web", "--help").stdout
    assert "NIANBAO_WEB_HOST" in web and "NIANBAO_WEB_PORT" in web
    missing = nianbao("template")
    assert missing.returncode == 2 and "nianbao template：错误：缺少必需的参数：--out" in missing.stderr
    typo = nianbao("chek", "a.docx")
    assert typo.returncode == 2 and "无效的选择：'chek'（可选：'check'" in typo.stderr
    assert "需要一个值" in nianbao("check", "a.docx", "--level").stderr
    assert "无法识别的参数：--bogus" in nianbao("rules", "--bogus").stderr
