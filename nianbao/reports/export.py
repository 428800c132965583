"""The year's campaign state as CSV for Excel/WPS (supervisors' /export and the web desk)."""

from __future__ import annotations

import csv
import io
import datetime as dt

from ..levels import LEVELS
from ..storage import AgencyState

HEADER = ["单位", "层级", "地区", "状态", "来源", "报送次数", "不计入的稿件", "报送时间", "错误", "已确认", "警告",
          "计入汇总", "未计入原因", "逾期天数", "文件名"]


def status_csv(states: list[AgencyState], tz: dt.tzinfo, level_words: dict[int, str] | None = None) -> bytes:
    """One row per agency, UTF-8 with a BOM so that Excel reads the Chinese; ``level_words``: the
    levels as the roster wrote them (``Store.level_words``), shown instead of the labels."""
    level_words = level_words or {}
    output = io.StringIO()
    writer = csv.writer(output)
    writer.writerow(HEADER)
    for state in states:
        deciding = state.deciding
        file_name = state.imported_file if state.source == "imported" else (deciding.file_name if deciding else "")
        writer.writerow(
            formula_safe(
                [
                    state.agency.name,
                    level_words.get(state.agency.id) or LEVELS.get(state.agency.level, state.agency.level),
                    state.agency.region or "",
                    state.label,
                    state.source.label if state.source else "",
                    state.drafts,
                    len(state.set_aside) or "",
                    state.submitted_at.astimezone(tz).strftime("%Y-%m-%d %H:%M") if state.submitted_at else "",
                    state.errors if deciding and deciding.parsed else "",
                    state.accepted or "",
                    state.warnings if deciding and deciding.parsed else "",
                    "是" if state.counted else "否",
                    state.not_counted or "",
                    state.late_days or "",
                    file_name or "",
                ]
            )
        )
    return output.getvalue().encode("utf-8-sig")


def formula_safe(cells: list) -> list:
    """Staff choose file names; a cell starting with = + - @ would run as a formula in Excel/WPS."""
    return [f"'{c}" if isinstance(c, str) and c[:1] in ("=", "+", "-", "@", "\t", "\r") else c for c in cells]
