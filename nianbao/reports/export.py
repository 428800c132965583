"""The year's submission status as CSV for Excel/WPS (supervisors' /export)."""

from __future__ import annotations

import csv
import io
import datetime as dt

from ..levels import LEVELS
from ..states import state_label
from ..storage import AgencyStatus

HEADER = ["单位", "层级", "地区", "状态", "报送次数", "最新报送时间", "错误", "警告", "文件名"]


def status_csv(statuses: list[AgencyStatus], tz: dt.tzinfo) -> bytes:
    """One row per agency, UTF-8 with a BOM so that Excel reads the Chinese."""
    output = io.StringIO()
    writer = csv.writer(output)
    writer.writerow(HEADER)
    for status in statuses:
        latest = status.latest
        writer.writerow(
            formula_safe(
                [
                    status.agency.name,
                    LEVELS.get(status.agency.level, status.agency.level),
                    status.agency.region or "",
                    state_label(status.state, status.accepted),
                    status.submission_count,
                    latest.received_at.astimezone(tz).strftime("%Y-%m-%d %H:%M") if latest else "",
                    latest.error_count if latest else "",
                    latest.warning_count if latest else "",
                    latest.file_name if latest else "",
                ]
            )
        )
    return output.getvalue().encode("utf-8-sig")


def formula_safe(cells: list) -> list:
    """Staff choose file names; a cell starting with = + - @ would run as a formula in Excel/WPS."""
    return [f"'{c}" if isinstance(c, str) and c[:1] in ("=", "+", "-", "@", "\t", "\r") else c for c in cells]
