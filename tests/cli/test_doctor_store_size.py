"""`nianbao doctor` reports how much the bot keeps on disk (stored files and the database), so an
account filling the disk shows up in the health check."""

from __future__ import annotations

import os

from fixtures.cli import run_cli
from nianbao.storage import Store
from nianbao.storage.files import FileStore


def test_doctor_reports_the_store_size(tmp_path):
    database = tmp_path / "nianbao.db"
    Store(database).close()
    files = FileStore(tmp_path / "files")
    for _ in range(3):
        files.put(os.urandom(700_000))
    run = run_cli(
        "doctor", "--no-libreoffice",
        env={"NIANBAO_DB": str(database), "TELEGRAM_BOT_TOKEN": "", "NIANBAO_API_BASE_URL": "http://127.0.0.1:9/bot"},
    )  # fmt: skip
    line = next(line for line in run.stdout.splitlines() if "草稿文件夹" in line)
    assert "已存文件 3 个，共 2.0 MB" in line, run.stdout
    assert "数据库" in line
