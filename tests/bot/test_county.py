"""The county picture and the year-to-year checks, end to end through the local Bot API server:
/status with its chart, /summary with its workbook, /template, and last year's report imported
with the command line feeding H101 in a staff member's review."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess

import openpyxl
import pytest

from bot.harness import STAFF_CHAGAN, STAFF_XUEZHANG, SUPERVISOR, sample_text
from fixtures.cli import run_cli
from fixtures.docx_builder import build_docx, content_from_sample
from nianbao.reports.chart import read_chart_data
from nianbao.validators.engine import check_bytes

T3 = "依申请公开"
FORWARD = "结转下年度继续办理"


def passing_000() -> str:
    """Sample 000 with its two misnumbered headings corrected: no errors left."""
    return sample_text("000").replace("2、 主动公开政府信息情况", "二、主动公开政府信息情况").replace("3、 收到和处理", "三、收到和处理")


async def two_agencies_reviewed(env) -> None:
    passing = await env.upload(STAFF_XUEZHANG, "学张乡.txt", passing_000().encode())
    assert "没有错误" in env.text(passing) or "0 个错误" in env.text(passing)
    await env.upload(STAFF_CHAGAN, "叉干镇.txt", sample_text("003").encode())


async def test_status_comes_with_a_chart_of_the_real_counts(env):
    await two_agencies_reviewed(env)
    replies = await env.send(SUPERVISOR, "/status", count=2)
    [text] = [m for m in replies if not m.is_file]
    [photo] = [m for m in replies if m.is_file]
    assert "通过 1 个，有错误 1 个" in text.plain_text and "未报送 2 个" in text.plain_text
    assert photo.data.startswith(b"\x89PNG\r\n\x1a\n") and "截止日期" in photo.plain_text
    data = read_chart_data(photo.data)
    assert data["counts"] == {"passing": 1, "with_errors": 1, "unreadable": 0, "not_submitted": 2, "total": 4}
    assert data["daily"] == [(dt.date(2025, 1, 15), 2)]
    assert data["passed"] == [(dt.date(2025, 1, 15), 1)]
    assert data["year"] == 2024 and data["deadline"] == dt.date(2025, 1, 31)


async def test_summary_sums_passing_agencies_and_all_on_request(env):
    await two_agencies_reviewed(env)
    passing = check_bytes(passing_000().encode(), "x.txt").report.tables_json()
    errors = check_bytes(sample_text("003").encode(), "y.txt").report.tables_json()
    new = "本年新收政府信息公开申请数量"

    replies = await env.send(SUPERVISOR, "/summary", count=2)
    [text] = [m for m in replies if not m.is_file]
    [workbook] = [m for m in replies if m.is_file]
    assert "纳入汇总 1 个" in text.plain_text and "大安市叉干镇综合服务中心" in text.plain_text
    assert workbook.filename.endswith(".xlsx")
    assert sheet_value(workbook.data, T3, new, "总计") == passing[T3][new]["总计"]
    agencies = openpyxl.load_workbook(io.BytesIO(workbook.data))["各机关情况"]
    cells = [[c.value for c in row] for row in agencies.iter_rows()]
    header = next(r for r in cells if "计入汇总" in r)
    rows = {r[header.index("机关名称")]: r for r in cells if r[header.index("机关名称")]}
    included = header.index("计入汇总")
    assert rows["大安市叉干镇综合服务中心"][included] == "否" and rows["学张乡人民政府"][included] == "是"

    everything = await env.send(SUPERVISOR, "/summary 全部", count=2)
    [workbook] = [m for m in everything if m.is_file]
    assert sheet_value(workbook.data, T3, new, "总计") == passing[T3][new]["总计"] + errors[T3][new]["总计"]

    refused = await env.send(STAFF_XUEZHANG, "/summary", count=1)
    assert "只有督导员" in refused[0].plain_text


def sheet_value(data: bytes, table_key: str, row_label: str, column_label: str):
    """A number of the summed table, found by its printed row label and column header."""
    sheet = next(ws for ws in openpyxl.load_workbook(io.BytesIO(data)).worksheets if table_key in ws.title)
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(r for r in cells if column_label in r)
    column = len(header) - 1 - header[::-1].index(column_label)
    row = next(r for r in cells if any(isinstance(v, str) and row_label in v for v in r))
    return row[column]


async def test_template_is_a_blank_report_our_own_checker_reads_completely(env, tmp_path):
    [reply] = await env.send(STAFF_XUEZHANG, "/template", count=1)
    assert reply.is_file and reply.filename.endswith(".docx") and "学张乡人民政府" in reply.filename
    result = check_bytes(reply.data, reply.filename)
    report = result.report
    assert report.agency == "学张乡人民政府" and report.year == 2024
    assert all(section.heading_found for section in report.sections)
    assert all(table.found for table in report.tables.values())
    assert not [i for i in result.issues if i.code[0] in "ST"]  # nothing missing or relabelled
    if shutil.which("soffice"):
        path = tmp_path / "blank.docx"
        path.write_bytes(reply.data)
        profile = f"-env:UserInstallation=file://{tmp_path / 'profile'}"
        run = subprocess.run(
            ["soffice", "--headless", profile, "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
            capture_output=True, timeout=120,
        )
        assert run.returncode == 0 and (tmp_path / "blank.pdf").stat().st_size > 1000


async def test_last_years_report_imported_on_the_command_line_feeds_the_year_to_year_check(env, tmp_path):
    last_year = content_from_sample(sample_text("000").replace("2024", "2023"), "2023.txt")
    last_year["tables"][T3][FORWARD]["values"].update({"自然人": "2", "总计": "2"})
    folder = tmp_path / "2023"
    folder.mkdir()
    (folder / "学张乡人民政府2023年报.docx").write_bytes(build_docx(last_year))
    run = run_cli("history", "import", str(folder), "--year", "2023", env={"NIANBAO_DB": env.config.database})
    assert run.returncode == 0, run.stderr
    assert "学张乡人民政府 2023 年度" in run.stdout

    replies = await env.upload(STAFF_XUEZHANG, "学张乡.txt", passing_000().encode())
    chat = env.text(replies)
    assert "上年结转" in chat and "导入的2023年报告" in chat
    submission = env.store.latest_submission(env.store.find_agency("学张乡人民政府").id, 2024)
    carried = [i for i in submission.issues if i["code"] == "H101"]
    assert {(i["column"], i["expected"]) for i in carried} == {("自然人", "2"), ("总计", "2")}


@pytest.mark.parametrize("command", ["/status", "/summary", "/template"])
async def test_the_new_commands_refuse_strangers(env, command):
    [reply] = await env.send(4242, command, count=1)
    assert "还没有绑定单位" in reply.plain_text
