"""Money as the form has it (万元, the decimals entered, at most four), in the county's summed text
that chat's /summary and ``nianbao summary`` print: never float noise such as 22817.301619."""

from __future__ import annotations

import pytest

from fixtures.cli import run_cli
from fixtures.docx_builder import find_samples_dir


@pytest.mark.parametrize(("entered", "shown"), [("12817.150919", "12817.1509"), ("1.50", "1.5"), ("3", "3")])
def test_the_summed_fee_is_shown_to_at_most_four_decimals(tmp_path, entered, shown):
    sample = next(find_samples_dir().glob("002_*.txt")).read_text(encoding="utf-8")
    assert "| 行政事业性收费 | 0 |" in sample
    (tmp_path / "报告.txt").write_text(sample.replace("| 行政事业性收费 | 0 |", f"| 行政事业性收费 | {entered} |"), encoding="utf-8")
    run = run_cli("summary", str(tmp_path), "--year", "2024")
    assert f"行政事业性收费 {shown} 万元" in run.stdout, run.stdout
