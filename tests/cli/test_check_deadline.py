"""``nianbao check --government-deadline``: a government's own report has its own deadline."""

from __future__ import annotations

from pathlib import Path

from fixtures.cli import run_cli

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "samples"


def check(*args: str) -> str:
    return run_cli("check", *args).stdout


def test_government_deadline_from_the_command_line(tmp_path):
    text = next(SAMPLES.glob("002_*.txt")).read_text(encoding="utf-8")
    draft = tmp_path / "政府年报.txt"
    draft.write_text(text.rstrip() + "\n文水县人民政府\n2025年3月20日\n", encoding="utf-8")
    assert "晚于截止日期" not in check(str(draft), "--level", "government")
    late = check(str(draft), "--level", "government", "--government-deadline", "2025-03-15")
    assert "晚于截止日期 2025年3月15日" in late
