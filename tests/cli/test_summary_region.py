"""``nianbao summary --docx OUT.docx [--region NAME]``: the region's summary report written,
recorded for next year, and passing ``nianbao check``; the region limits the text and workbook too."""

from __future__ import annotations

import io

import openpyxl

from fixtures.cli import run_cli as nianbao
from nianbao.storage import Store
from reports.region_rosters import YEAR, Member, fixed_tables, populate


def _database(tmp_path):
    path = tmp_path / "nianbao.db"
    with Store(path) as store:
        populate(store, [Member("芮城县学张乡人民政府", "township", "passing", fixed_tables(1)),
                         Member("芮城县财政局", "county_department", "errors", fixed_tables(2))])  # fmt: skip
        populate(store, [Member("大安市叉干镇人民政府", "township", "passing", fixed_tables(3))], region="大安市", parent="大安市人民政府")
    return {"NIANBAO_DB": str(path)}


def test_the_region_report_is_written_recorded_and_passes_the_check(tmp_path):
    env, out = _database(tmp_path), tmp_path / "汇总.docx"
    run = nianbao("summary", "--year", str(YEAR), "--docx", str(out), "--region", "芮城县", env=env, clean=True)
    assert run.returncode == 0, run.stderr
    assert "纳入汇总 1 个机关" in run.stdout and "未纳入 1 个：有错误 1 个" in run.stdout
    assert "大安市" not in run.stdout
    assert "已生成本地区汇总报告" in run.stderr and str(out) in run.stderr
    assert "名单中原来没有「芮城县人民政府」，已添加" in run.stderr
    assert "汇总数据已存档为芮城县人民政府 2024 年度的报告" in run.stderr
    checked = nianbao("check", "--level", "政府", "--year", str(YEAR), str(out), env=env, clean=True)
    assert checked.returncode == 0, checked.stdout
    assert checked.stdout.startswith("芮城县人民政府 2024年度报告：0 个错误")


def test_the_region_limits_the_workbook_and_a_wrong_region_exits_2(tmp_path):
    env, book = _database(tmp_path), tmp_path / "汇总.xlsx"
    run = nianbao("summary", "--year", str(YEAR), "--region", "大安市", "--xlsx", str(book), env=env, clean=True)
    assert run.returncode == 0, run.stderr
    names = {cell.value for row in openpyxl.load_workbook(io.BytesIO(book.read_bytes()))["各机关情况"].iter_rows() for cell in row}
    assert "大安市叉干镇人民政府" in names and "芮城县学张乡人民政府" not in names
    assert "已生成本地区汇总报告" not in run.stderr  # no --docx: nothing written or recorded
    wrong = nianbao("summary", "--year", str(YEAR), "--region", "永济市", "--docx", str(tmp_path / "x.docx"), env=env, clean=True)
    assert wrong.returncode == 2 and "名单中没有地区「永济市」" in wrong.stderr and not (tmp_path / "x.docx").exists()
    several = nianbao("summary", "--year", str(YEAR), "--docx", str(tmp_path / "x.docx"), env=env, clean=True)
    assert several.returncode == 2 and "名单中有多个地区" in several.stderr
