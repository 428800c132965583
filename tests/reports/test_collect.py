"""A folder of reports collected outside the bot takes every format the engine reads: a page saved
from the web (.html/.htm) is summed, not skipped as 「不是年报文件格式」."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from nianbao.reports.collect import collect_reports

SRC = Path(__file__).resolve().parents[2].parent / "shared" / "real" / "outside" / "src"


def test_a_saved_web_page_in_the_folder_is_read(tmp_path):
    page = SRC / "huaian_gov_2024.html"
    if not page.exists():
        pytest.skip("../shared/real/outside is not here")
    shutil.copy(page, tmp_path / "淮安市政府年报.htm")
    (tmp_path / "照片.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    collected = collect_reports([tmp_path], year=2024)
    assert [(e.name, e.state) for e in collected.entries] == [("淮安市人民政府", "passing")]
    assert [(p.name, why) for p, why in collected.skipped] == [("照片.png", "不是年报文件格式")]
