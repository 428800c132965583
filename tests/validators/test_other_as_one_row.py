"""Table 3's 「（六）其他处理」 printed as one row (as published reports do, even in 2021-format years)
in a text copied one cell per line: its numbers are its own, not the row above's (issue 19: the
text reader gave T104 「5.要求行政机关确认或重新出具已获取信息」行多出 8 个数字). Made from the
real reports' text forms (../shared/real/outside) by folding the three sub-rows into one."""

from __future__ import annotations

import re

import pytest
from test_outside_reports import OUTSIDE, _manifest, unread_cells

from nianbao.validators.engine import check_bytes
from nianbao.validators.template import APPLICANT_COLUMNS, T3_OTHER_ITEMS

T3 = "依申请公开"
# the 2021-format reports whose text form keeps every cell of （六） (沭阳发改局's drops its blanks; 沭阳县's is markdown)
FOLDED = [r for r in _manifest() if r["format"] == "2021" and r["name"] not in ("shuyang_gov_2025", "shuyang_fgj_2023")]


def folded(text: str) -> tuple[str, list[int]]:
    """The text with （六）'s three sub-rows replaced by one row of their sums."""
    lines = text.split("\n")
    start = next(k for k, line in enumerate(lines) if line.strip() == "（六）其他处理")
    end = next(k for k in range(start, len(lines)) if lines[k].strip().startswith("（七）"))
    numbers = [int(line) for line in lines[start + 1 : end] if re.fullmatch(r"\d+", line.strip())]
    assert len(numbers) == 3 * len(APPLICANT_COLUMNS)
    sums = [sum(numbers[c + r * len(APPLICANT_COLUMNS)] for r in range(3)) for c in range(len(APPLICANT_COLUMNS))]
    return "\n".join(lines[:start] + ["（六）其他处理", *map(str, sums), "", ""] + lines[end:]), sums


@pytest.mark.parametrize("report", FOLDED or [None], ids=[r["name"] for r in FOLDED] or ["no-outside-reports"])
def test_other_handling_as_one_row_keeps_its_numbers(report):
    if report is None or not (OUTSIDE / f"{report['name']}.txt").exists():
        pytest.skip("../shared/real/outside is not here")
    text, sums = folded((OUTSIDE / f"{report['name']}.txt").read_text(encoding="utf-8"))
    result = check_bytes(text.encode("utf-8"), f"{report['name']}.txt")
    assert result.error is None and result.input_format == "one_per_line"
    assert [(i.code, i.message) for i in result.issues if i.severity.value == "error"] == []
    assert [i.code for i in result.issues if i.code in ("T104", "T106")] == ["T106"]
    table = result.report.tables[T3]
    assert [table.value("其他", c) for c in APPLICANT_COLUMNS] == sums
    truth = {**report, "truth": {k: v for k, v in report["truth"].items()}}
    truth["truth"][T3] = {row: cells for row, cells in report["truth"][T3].items() if not any(row.endswith(i) for i in T3_OTHER_ITEMS)}
    assert unread_cells(truth, result) == []  # every other cell as the published report has it
