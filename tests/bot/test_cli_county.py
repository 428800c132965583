"""The county's command line as its IT person runs it, on real files: ``main(argv)`` with the
environment of a fresh shell (fixtures/cli.py), and once the installed `nianbao` script itself. Reports collected by e-mail are summed from a folder or from
the year's imported reports; `summary` never creates a database by accident."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl

from fixtures.cli import Completed, run_cli

NIANBAO = str(Path(sys.executable).with_name("nianbao"))
SAMPLE_AGENCIES = ("学张乡人民政府", "水城区坪寨乡人民政府", "文水县刘胡兰镇人民政府", "大安市叉干镇综合服务中心", "策勒乡人民政府")


def nianbao(*args: str, env: dict | None = None, cwd: Path | None = None) -> Completed:
    return run_cli(*args, env=env, cwd=cwd, clean=True)


def installed(*args: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("NIANBAO_")}
    return subprocess.run([NIANBAO, *args], capture_output=True, text=True, env=clean)


def test_summary_of_reports_imported_for_the_year(samples_dir, tmp_path):
    env = {"NIANBAO_DB": str(tmp_path / "county.db")}
    for name in SAMPLE_AGENCIES:
        assert nianbao("agencies", "add", name, "--level", "township", env=env).returncode == 0
    imported = nianbao("history", "import", str(samples_dir), "--year", "2024", env=env)
    assert imported.returncode == 0, imported.stdout + imported.stderr
    run = nianbao("summary", "--year", "2024", "--xlsx", str(tmp_path / "s.xlsx"), env=env)
    assert run.returncode == 0, run.stderr
    assert "没有可以汇总的报告" not in run.stdout
    assert "导入的已公开报告" in run.stdout and "本年新收申请" in run.stdout
    ws = openpyxl.load_workbook(tmp_path / "s.xlsx")["各机关情况"]
    rows = range(5, 5 + len(SAMPLE_AGENCIES))
    assert [ws.cell(r, 5).value for r in rows] == ["已导入"] * len(SAMPLE_AGENCIES)  # the campaign's one label
    assert [ws.cell(r, 8).value for r in rows] == ["是"] * len(SAMPLE_AGENCIES)  # 计入汇总


def test_summary_of_a_folder_of_reports_needs_no_database(samples_dir, tmp_path):
    folder = tmp_path / "收到的年报"
    shutil.copytree(samples_dir, folder)
    (folder / "照片.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    run = nianbao("summary", str(folder), "--include-errors", "--xlsx", str(tmp_path / "s.xlsx"), cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("2024年度政府信息公开工作年度报告汇总")
    assert "纳入汇总" in run.stdout and "本年新收申请" in run.stdout
    assert "跳过" in run.stderr and "照片.png" in run.stderr  # never skipped silently
    wb = openpyxl.load_workbook(tmp_path / "s.xlsx")
    names = {wb["各机关情况"].cell(r, 2).value for r in range(5, 10)}
    assert {"学张乡人民政府", "策勒乡人民政府", "大安市叉干镇综合服务中心"} <= names
    assert not (tmp_path / "nianbao.db").exists()


def test_summary_of_a_folder_leaves_out_another_years_report(samples_dir, tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    text = next(samples_dir.glob("003_*.txt")).read_text(encoding="utf-8")
    (folder / "a.txt").write_text(text, encoding="utf-8")
    (folder / "b.txt").write_text(text.replace("2025", "2024").replace("2024", "2023"), encoding="utf-8")
    run = nianbao("summary", str(folder), "--year", "2024", "--include-errors", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "不是 2024 年度的报告" in run.stdout


def test_summary_without_a_database_says_so_and_creates_none(tmp_path):
    run = nianbao("summary", "--year", "2024", cwd=tmp_path)
    assert run.returncode == 2
    assert "找不到数据库" in run.stderr and "nianbao summary 文件夹/" in run.stderr
    assert "Traceback" not in run.stderr
    assert not (tmp_path / "nianbao.db").exists()


def test_agencies_add_of_an_existing_name_says_it_is_there(tmp_path):
    env = {"NIANBAO_DB": str(tmp_path / "county.db")}
    first = nianbao("agencies", "add", "学张乡人民政府", "--level", "乡镇", env=env)
    assert first.returncode == 0 and first.stdout.startswith("已添加：学张乡人民政府")
    again = nianbao("agencies", "add", "学张乡人民政府", "--level", "乡镇", env=env)
    assert again.returncode == 0
    assert "已添加" not in again.stdout and "「学张乡人民政府」已在名单中" in again.stdout and "没有重复添加" in again.stdout
    moved = nianbao("agencies", "add", "学张乡人民政府", "--level", "县直部门", env=env)
    assert "层级改为 县直部门" in moved.stdout  # the roster's own word for the level, as written
    listed = nianbao("agencies", "list", env=env)
    assert listed.stdout.count("学张乡人民政府") == 1
    bad = nianbao("agencies", "add", "新乡", "--level", "foo", env=env)
    assert bad.returncode == 2 and "未知的单位类型“foo”" in bad.stderr and "乡镇、街道、县直部门" in bad.stderr
    assert "Traceback" not in bad.stderr and "新乡" not in nianbao("agencies", "list", env=env).stdout


def test_check_of_a_missing_file_says_so_in_chinese(tmp_path):
    run = installed("check", str(tmp_path / "报告.docx"))
    assert run.returncode == 2
    assert "找不到这个文件" in run.stderr and "No such file" not in run.stderr + run.stdout


def test_check_of_a_folder_names_the_files_it_skips(samples_dir, tmp_path):
    for path in list(samples_dir.glob("00[01]_*.txt")):
        (tmp_path / path.name).write_bytes(path.read_bytes())
    (tmp_path / "扫描件.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    run = nianbao("check", str(tmp_path))
    assert "跳过 扫描件.png：不是年报文件" in run.stderr
    assert run.stdout.count("年度报告") == 2
