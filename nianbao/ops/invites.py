"""Invite codes for the whole roster in one file to hand out: one row per agency with its code
and its t.me link (opening the link in Telegram binds the account, as ``/start CODE`` does)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from ..levels import LEVELS
from ..storage import Store

__all__ = ["HEADERS", "InviteRow", "bulk_invites", "invite_link", "write_invites"]

HEADERS = ("序号", "机关名称", "层级", "地区", "邀请码", "绑定链接", "有效期至", "绑定方法")
HOW = "在手机或电脑上打开链接，点“开始/START”；或给机器人发送 /start 邀请码"


@dataclass(frozen=True)
class InviteRow:
    name: str
    level: str
    region: str | None
    code: str
    link: str
    expires: dt.date


def invite_link(bot_username: str, code: str) -> str:
    return f"https://t.me/{bot_username.lstrip('@')}?start={code}"


def bulk_invites(store: Store, bot_username: str, days: int = 14, *, unbound_only: bool = False, now: dt.datetime | None = None) -> list[InviteRow]:
    """A new single-use code for every active agency of the roster (with ``unbound_only``: only
    for agencies nobody has joined yet)."""
    now = now or dt.datetime.now(dt.timezone.utc)
    rows = []
    for agency in store.list_agencies(active_only=True):
        if unbound_only and store.list_members(agency_id=agency.id):
            continue
        code = store.create_invite(agency.id, role="staff", ttl_days=days, now=now)
        level = LEVELS.get(agency.level, agency.level)
        rows.append(InviteRow(agency.name, level, agency.region, code, invite_link(bot_username, code), (now + dt.timedelta(days=days)).date()))
    return rows


def _cells(index: int, row: InviteRow) -> list:
    return [index, row.name, row.level, row.region or "", row.code, row.link, row.expires.isoformat(), HOW]


def write_invites(rows: list[InviteRow], target: Path) -> None:
    """``.xlsx``: a workbook (links clickable); anything else: CSV in UTF-8 with a BOM, so Excel
    and WPS open the Chinese names correctly."""
    if target.suffix.lower() == ".xlsx":
        wb = Workbook()
        ws = wb.active
        ws.title = "邀请码"
        ws.append(list(HEADERS))
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for index, row in enumerate(rows, start=1):
            ws.append(_cells(index, row))
            link = ws.cell(index + 1, HEADERS.index("绑定链接") + 1)
            link.hyperlink = row.link
            link.font = Font(color="0563C1", underline="single")
        for column, width in zip("ABCDEFGH", (6, 30, 14, 12, 12, 44, 12, 50)):
            ws.column_dimensions[column].width = width
        for line in ws.iter_rows(min_row=2):
            for cell in line:
                cell.alignment = Alignment(vertical="center")
                if cell.data_type == "f":  # a roster name starting with "=" stays text
                    cell.data_type = "s"
        ws.freeze_panes = "C2"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_title_rows = "1:1"
        wb.save(target)
        return
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    for index, row in enumerate(rows, start=1):
        writer.writerow(_cells(index, row))
    target.write_text(out.getvalue(), encoding="utf-8-sig")
