"""Invite codes for the whole roster in one file to hand out: one row per agency with its code and
how to use it in each face the office has (``Faces``): the web desk's address and sign-in steps,
Telegram's t.me link (opening it binds the account, as ``/start CODE`` does), 企业微信's
「绑定 邀请码」. Codes made before are said (still valid, how many) or, with ``replace``, revoked."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from .. import messages as say
from ..levels import LEVELS
from ..storage import Store

__all__ = ["Faces", "InviteRow", "Issued", "bulk_invites", "headers", "invite_link", "write_invites"]


@dataclass(frozen=True)
class Faces:
    """Where an invite code can be used in this office."""

    web_url: str | None = None  # the web desk's sign-in page, when the desk is on
    bot: str | None = None  # Telegram's bot username, when there is a bot (a t.me link)
    chat: bool = False  # Telegram configured (a token) even without a known username
    wecom: bool = False  # the 企业微信 app is configured

    @property
    def any(self) -> bool:
        return bool(self.web_url or self.bot or self.chat or self.wecom)

    def ways(self, code: str, supervisor: bool = False) -> list[str]:
        return say.invite_ways(
            code, web_url=self.web_url, bot=self.bot, chat=self.chat, wecom=self.wecom, supervisor=supervisor
        )


@dataclass(frozen=True)
class InviteRow:
    name: str
    level: str
    region: str | None
    code: str
    expires: dt.date
    ways: list[str] = field(default_factory=list)
    link: str | None = None  # the t.me link, when there is a bot


@dataclass(frozen=True)
class Issued:
    """What one run made: the rows, and what became of the codes made before it."""

    rows: list[InviteRow]
    earlier_agencies: int = 0  # agencies that had unused, unexpired codes before this run
    earlier_codes: int = 0
    earlier_last: dt.datetime | None = None  # when the last of them expires (kept ones)
    revoked: bool = False  # they were revoked (``replace``)


def invite_link(bot_username: str, code: str) -> str:
    return f"https://t.me/{bot_username.lstrip('@')}?start={code}"


def bulk_invites(
    store: Store, faces: Faces, days: int = 14, *, unbound_only: bool = False, replace: bool = False,
    now: dt.datetime | None = None,
) -> Issued:
    """A new single-use code for every active agency of the roster, in the roster's order (with
    ``unbound_only``: only for agencies nobody has joined yet). The codes of those agencies made
    before and still unused are counted, and revoked (marked expired, audited) with ``replace``."""
    now = now or dt.datetime.now(dt.timezone.utc)
    earlier = store.live_invites(now=now)
    words = store.level_words()
    rows, agencies, codes, last = [], 0, 0, None
    for agency in store.list_agencies(active_only=True):
        if unbound_only and store.list_members(agency_id=agency.id):
            continue
        before = earlier.get(agency.id, [])
        if before:
            agencies, codes, last = agencies + 1, codes + len(before), max([*before, last or before[-1]])
            if replace:
                store.revoke_invites(agency.id, now=now)
        code = store.create_invite(agency.id, role="staff", ttl_days=days, now=now)
        level = words.get(agency.id) or LEVELS.get(agency.level, agency.level)
        link = invite_link(faces.bot, code) if faces.bot else None
        expires = (now + dt.timedelta(days=days)).date()
        rows.append(InviteRow(agency.name, level, agency.region, code, expires, faces.ways(code), link))
    return Issued(rows, agencies, codes, last, replace)


def headers(faces: Faces) -> list[str]:
    """The sheet's columns: the web desk's address and the t.me link only where those faces are."""
    columns = ["序号", "机关名称", "层级", "地区", "邀请码", "有效期至"]
    columns += ["网页版登录地址"] * bool(faces.web_url) + ["绑定链接"] * bool(faces.bot)
    return columns + ["使用方法"]


def _cells(index: int, row: InviteRow, faces: Faces) -> list:
    cells = [index, row.name, row.level, row.region or "", row.code, row.expires.isoformat()]
    cells += [faces.web_url] * bool(faces.web_url) + [row.link] * bool(faces.bot)
    return cells + ["\n".join(row.ways)]


def write_invites(rows: list[InviteRow], target: Path, faces: Faces) -> None:
    """``.xlsx``: a workbook (links clickable, printable on A4 landscape); anything else: CSV in
    UTF-8 with a BOM, so Excel and WPS open the Chinese names correctly."""
    columns = headers(faces)
    if target.suffix.lower() != ".xlsx":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(columns)
        for index, row in enumerate(rows, start=1):
            writer.writerow(_cells(index, row, faces))
        target.write_text(out.getvalue(), encoding="utf-8-sig")
        return
    wb = Workbook()
    ws = wb.active
    ws.title = "邀请码"
    ws.append(columns)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    widths = {"序号": 6, "机关名称": 30, "层级": 12, "地区": 12, "邀请码": 12, "有效期至": 12, "网页版登录地址": 32, "绑定链接": 40, "使用方法": 70}
    for index, row in enumerate(rows, start=1):
        ws.append(_cells(index, row, faces))
        for name, address in (("网页版登录地址", faces.web_url), ("绑定链接", row.link)):
            if name in columns and address:
                link = ws.cell(index + 1, columns.index(name) + 1)
                link.hyperlink = address
                link.font = Font(color="0563C1", underline="single")
    for number, name in enumerate(columns, start=1):
        ws.column_dimensions[ws.cell(1, number).column_letter].width = widths[name]
    for line in ws.iter_rows(min_row=2):
        for cell in line:
            cell.alignment = Alignment(vertical="center", wrap_text=columns[cell.column - 1] == "使用方法")
            if cell.data_type == "f":  # a roster name starting with "=" stays text
                cell.data_type = "s"
    ws.freeze_panes = "C2"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    wb.save(target)
