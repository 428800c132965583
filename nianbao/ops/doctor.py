"""`nianbao doctor`: is everything the bot needs there? One line per check, ✓ or ✗, with what
to do when something is missing. Exit 0 when the bot can run, 1 otherwise.

Checks: the configuration, the Bot API server (Telegram's cloud or the configured one, by a
real getMe call), the database (exists, opens, schema, roster, journal of drafts), the drafts
folder, and LibreOffice (a real conversion of a tiny RTF file; optional: without it .doc/.wps
senders are told to save as .docx).
"""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass
from pathlib import Path

from ..config import Config

__all__ = ["Check", "run_checks"]


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    required: bool = True  # a failed optional check is a warning, not a failure

    def line(self) -> str:
        mark = "✓" if self.ok else ("✗" if self.required else "!")
        return f"{mark} {self.name}：{self.detail}"


def _config(config: Config, path: str | None) -> Check:
    source = path or os.environ.get("NIANBAO_CONFIG")
    where = f"配置文件 {source}" if source else "没有配置文件（使用默认值和环境变量）"
    supervisors = f"，配置中的督导员 {len(config.supervisors)} 人" if config.supervisors else ""
    return Check("配置", True, f"{where}；时区 {config.timezone}{supervisors}")


def _telegram(config: Config, probe) -> Check:
    """``probe``: the chat face's own test of its server (``bot.reach.probe``), handed in by the
    command line, so that this face imports no other."""
    reach = asyncio.run(probe(config))
    if reach.ok:
        return Check("Telegram / Bot API 服务器", True, f"{reach.server} 可以连接，机器人 {reach.detail}")
    hint = "" if reach.fatal else "；检查网络、代理，或在配置里设置自建的 Bot API 服务器（api_base_url）"
    return Check("Telegram / Bot API 服务器", False, f"{reach.server}：{reach.detail}{hint}")


def _database(config: Config) -> Check:
    path = Path(config.database)
    if not path.exists():
        return Check("数据库", False, f"{path} 不存在：先运行 nianbao agencies import 名单.csv 建立名单（会创建数据库），并确认 NIANBAO_DB / 配置文件的 [database] path 指向它")
    if not os.access(path, os.R_OK | os.W_OK) or not os.access(path.parent, os.W_OK):
        return Check("数据库", False, f"{path}：当前用户（{_user()}）没有读写权限；请用运行机器人的用户执行（例如 sudo -u nianbao）")
    from ..storage import Store

    try:
        store = Store(path, busy_timeout_ms=config.busy_timeout_ms)
    except Exception as exc:  # a damaged or locked file: say what, do not crash the doctor
        return Check("数据库", False, f"{path} 无法打开：{exc}")
    try:
        agencies = len(store.list_agencies())
        staff = len(store.list_members(role="staff"))
        supervisors = len(store.list_members(role="supervisor")) + len(config.supervisors)
        pending = {k: v for k, v in store.inbox_counts().items() if k != "answered" and v}
        detail = f"{path}（结构版本 {store.schema_version()}，{store.journal_mode()} 模式）；名单 {agencies} 个机关，已绑定工作人员 {staff} 人，督导员 {supervisors} 人"
        if pending:
            detail += "；待处理的草稿：" + "、".join(f"{k} {v} 份" for k, v in pending.items())
        detail += "；" + _campaign_line(store, config)
        problems = [] if agencies else ["名单是空的：nianbao agencies import 名单.csv"]
        if not supervisors:
            problems.append("还没有督导员：在配置 [people] supervisors 填 Telegram 用户编号，或 nianbao invite --role supervisor")
        return Check("数据库", not problems, detail + ("；" + "；".join(problems) if problems else ""))
    finally:
        store.close()


def _campaign_line(store, config: Config) -> str:
    """The year under review as every window shows it (the one campaign state)."""
    import datetime as dt

    from ..states import State

    now = dt.datetime.now(dt.timezone.utc)
    year = config.year_under_review(now)
    states = [s for s in store.campaign(year, config, now.astimezone(config.tz).date()) if s.state != State.INACTIVE]
    counts = {state: sum(1 for s in states if s.state == state) for state in State if state != State.INACTIVE}
    parts = "、".join(f"{state.label} {n}" for state, n in counts.items() if n)
    late = sum(1 for s in states if s.late and not s.done)
    return f"{year} 年度：{parts or '没有单位'}" + (f"，逾期未通过 {late} 个" if late else "")


def _files(config: Config) -> Check:
    folder = Path(config.files_path)
    if folder.exists() and not os.access(folder, os.W_OK):
        return Check("草稿文件夹", False, f"{folder}：当前用户（{_user()}）不能写入")
    if not folder.exists() and not os.access(_existing_parent(folder), os.W_OK):
        return Check("草稿文件夹", False, f"{folder} 不存在，且当前用户（{_user()}）不能创建")
    if not folder.exists():
        return Check("草稿文件夹", True, f"{folder}（第一次收到草稿时创建）")
    return Check("草稿文件夹", True, f"{folder}；{store_size(config)}")


def store_size(config: Config) -> str:
    """How much the bot keeps on disk: stored drafts (count, size) and the database with its WAL."""
    drafts = [path for path in Path(config.files_path).rglob("*") if path.is_file()]
    database = Path(config.database)
    db_bytes = sum(p.stat().st_size for p in database.parent.glob(database.name + "*") if p.is_file())
    drafts_mb = sum(p.stat().st_size for p in drafts) / 1024 / 1024
    return f"已存文件 {len(drafts)} 个，共 {drafts_mb:.1f} MB；数据库 {db_bytes / 1024 / 1024:.1f} MB"


def _libreoffice() -> Check:
    from ..validators.readers.legacy import convert_to_docx, find_soffice

    soffice = find_soffice()
    name = "LibreOffice（读取 .doc/.wps/.rtf）"
    if soffice is None:
        return Check(name, False, "未安装或已关闭（NIANBAO_SOFFICE=none）：发送 .doc/.wps 的人会被请求另存为 .docx；安装：apt-get install libreoffice-writer-nogui", required=False)
    try:
        converted = convert_to_docx(b"{\\rtf1\\ansi nianbao doctor\\par}", ".rtf", timeout=90, soffice=soffice)
    except Exception as exc:
        return Check(name, False, f"{soffice} 转换失败：{exc}", required=False)
    ok = converted[:2] == b"PK"
    return Check(name, ok, f"{soffice} 可以转换文件" if ok else f"{soffice} 没有生成 .docx", required=False)


def _user() -> str:
    try:
        import pwd

        return pwd.getpwuid(os.geteuid()).pw_name
    except (ImportError, KeyError):
        return str(os.geteuid())


def _existing_parent(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def run_checks(config: Config, config_path: str | None = None, *, libreoffice: bool = True, probe=None) -> list[Check]:
    """``probe``: how the chat face tests its server (None: not checked)."""
    checks = [_config(config, config_path)]
    if probe is not None:
        checks.append(_telegram(config, probe))
    checks += [_database(config), _files(config)]
    if libreoffice:
        checks.append(_libreoffice())
    return checks
