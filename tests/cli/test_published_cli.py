"""``nianbao published FILE|URL --agency NAME --year YEAR [--date] [--json]``: exit 0 when the
published copy matches the reviewed draft, 1 when it differs (the differences listed), 2 when it
cannot be read or there is no reviewed draft; ``nianbao status`` shows the publication state."""

from __future__ import annotations

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from fixtures.cli import run_cli as nianbao
from nianbao.storage import Store, SubmissionIn
from nianbao.validators.engine import check_bytes
from nianbao.validators.render import result_json
from reports.published_pages import changed, page
from reports.region_rosters import fixed_tables

AGENCY = "芮城县财政局"
TABLES = fixed_tables(1)


@pytest.fixture
def env(tmp_path) -> dict[str, str]:
    path = tmp_path / "nianbao.db"
    with Store(path) as store:
        agency = store.add_agency(AGENCY, "县直部门", region="芮城县")
        store.add_agency("芮城县教育局", "县直部门", region="芮城县")
        report = result_json(check_bytes(page(AGENCY, TABLES), "审核稿.html", expected_year=2024, expected_agency=AGENCY))
        report.pop("issues")
        store.add_submission(SubmissionIn(
            agency_id=agency, year=2024, input_format="html", parsed=True, report=report, file_name="审核稿.html",
            received_at=dt.datetime(2025, 1, 15, tzinfo=dt.timezone.utc),
        ))  # fmt: skip
    return {"NIANBAO_DB": str(path)}


def _run(env, *args):
    return nianbao("published", *args, "--year", "2024", env=env, clean=True)


def test_matching_differing_and_the_status_column(env, tmp_path):
    same = tmp_path / "发布稿.html"
    same.write_bytes(page(AGENCY, TABLES, published="2025-01-25"))
    run = _run(env, str(same), "--agency", AGENCY)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == [
        "✓ 芮城县财政局 2024 年度的发布稿与审核通过的稿件（审核稿.html）一致：标题、各部分标题、三张统计表和成文日期都相同。",
        "发布日期 2025-01-25（页面上的发布时间），按期发布。",
    ]
    other = tmp_path / "发布稿2.html"
    total = TABLES["依申请公开"]["总计"]["总计"]
    other.write_bytes(page(AGENCY, changed(TABLES, "依申请公开", "总计", "总计", 59)))
    run = _run(env, str(other), "--agency", "财政局", "--date", "2025-02-03")
    assert run.returncode == 1
    assert f"1. 表三「（七）总计」「总计」审核稿为 {total}，发布稿为 59" in run.stdout.splitlines()
    assert "晚于截止日期 2025-01-31，逾期发布" in run.stdout
    data = json.loads(_run(env, str(other), "--agency", AGENCY, "--json").stdout)
    assert (data["agency"], data["matches"], data["label"]) == (AGENCY, False, "发布稿与审核稿不一致")
    assert data["differences"][0] == {"kind": "cell", "where": "表三「（七）总计」「总计」", "reviewed": str(total), "published": "59",
                                      "text": f"表三「（七）总计」「总计」审核稿为 {total}，发布稿为 59"}  # fmt: skip
    status = {line["agency"]: line["publication"] for line in map(json.loads, nianbao("status", "--year", "2024", "--json", env=env, clean=True).stdout.splitlines())}
    assert status[AGENCY]["label"] == "发布稿与审核稿不一致" and status["芮城县教育局"]["label"] == "未发布"
    text = nianbao("status", "--year", "2024", env=env, clean=True).stdout
    assert any(line.startswith(AGENCY) and line.endswith("\t发布稿与审核稿不一致") for line in text.splitlines())


def test_no_reviewed_draft_an_unreadable_file_or_an_unknown_agency_exit_2(env, tmp_path):
    copy = tmp_path / "发布稿.html"
    copy.write_bytes(page("芮城县教育局", TABLES))
    run = _run(env, str(copy), "--agency", "芮城县教育局")
    assert run.returncode == 2 and "还没有审核通过的稿件" in run.stderr and run.stdout == ""
    broken = tmp_path / "发布稿.pdf"
    broken.write_bytes(b"%PDF-1.4 broken")
    run = _run(env, str(broken), "--agency", AGENCY)
    assert run.returncode == 2 and run.stderr.startswith("无法读取发布稿「发布稿.pdf」")
    assert _run(env, str(tmp_path / "没有.html"), "--agency", AGENCY).returncode == 2
    assert "没有找到机关「永济市财政局」" in _run(env, str(copy), "--agency", "永济市财政局").stderr
    assert _run(env, str(copy), "--agency", AGENCY, "--date", "2025-13-01").returncode == 2


def test_an_address_is_fetched_by_the_command(env):
    body = page(AGENCY, TABLES, published="2025-01-28")

    class Site(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the standard library's name
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        run = _run(env, f"http://127.0.0.1:{server.server_port}/art/2025/nb.html", "--agency", AGENCY)
    finally:
        server.shutdown()
        thread.join()
    assert run.returncode == 0, run.stderr
    assert "发布日期 2025-01-28（页面上的发布时间），按期发布。" in run.stdout
