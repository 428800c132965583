"""`nianbao doctor`: is everything the office configured there? One line per check, ✓, ✗ or !
(optional), with what to do when something is missing. Exit 0 when all of it is well, 1 otherwise:
an office on the web desk alone is checked as such, not failed for having no Telegram.

Checks: the configuration; each face that is configured: the web desk (an HTTP GET of its sign-in
page at its address; a desk that does not answer fails when it is the office's only face, and is
a warning beside a chat face, which works without it), Telegram's Bot API server (a real getMe,
when a token is set), 企业微信 (a real gettoken, when its settings are given); the database
(exists, opens, schema, roster, people, journal of drafts), the drafts folder and the store's size,
LibreOffice (a real conversion of a tiny RTF file) and a Chinese font (``fc-list``), both optional.
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
            problems.append(
                "还没有督导员：nianbao members add 用户ID --role supervisor --name 姓名（再用 nianbao web-login 用户ID 登录网页版），"
                "或 nianbao invite --role supervisor 生成督导员邀请码"
            )
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
        return Check("草稿文件夹", True, f"{folder}（第一次收到草稿时创建）；{store_size(config)}")
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


def _web(config: Config, only_face: bool, timeout: float = 5.0) -> Check:
    """The web desk at its address: its sign-in page fetched as a browser would."""
    import urllib.error
    import urllib.request
    from urllib.parse import urlparse

    url = f"{config.web.base_url}/signin"
    local = (urlparse(url).hostname or "") in ("127.0.0.1", "localhost", "::1", "0.0.0.0")
    note = "；只有本机能打开：各机关用的地址请设 NIANBAO_WEB_URL（配置文件 [web] url）" if local else ""
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers={"User-Agent": "nianbao-doctor"}), timeout=timeout) as answer:
            page = answer.read(200_000).decode("utf-8", "replace")
            status = answer.status
    except urllib.error.HTTPError as error:
        return Check("网页版", False, f"{url} 返回 HTTP {error.code}：不是正常的登录页，检查反向代理和 NIANBAO_WEB_URL")
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        how = "启动服务（nianbao web，或 nianbao serve 同时启动网页版）后再检查"
        if only_face:
            return Check("网页版", False, f"{url} 打不开（{reason}）：网页版是本办唯一的使用方式，{how}{note}")
        return Check("网页版", False, f"{url} 打不开（{reason}）：{how}；聊天方式不受影响{note}", required=False)
    if 'name="code"' not in page:
        return Check("网页版", False, f"{url} 可以打开（HTTP {status}），但不是年报审核助手的登录页：检查 NIANBAO_WEB_URL 和反向代理")
    return Check("网页版", True, f"{url} 可以打开（HTTP {status}）{note}")


def _fonts() -> Check:
    """A Chinese font for the status chart and the documents LibreOffice renders."""
    import shutil
    import subprocess

    name = "中文字体"
    install = "安装：apt-get install fonts-noto-cjk"
    if shutil.which("fc-list") is None:
        return Check(name, False, f"没有 fc-list，无法检查；状态图中的中文可能显示成方框，{install}", required=False)
    try:
        found = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError) as exc:
        return Check(name, False, f"fc-list 出错（{exc}）", required=False)
    families = sorted(
        {line.split(",")[0].strip() for line in found.splitlines() if line.strip()},
        key=lambda family: (not any(mark in family for mark in (" SC", "CN", "Hei", "Song")), family),
    )  # the simplified Chinese ones first
    if not families:
        return Check(name, False, f"没有找到中文字体：状态图中的中文会显示成方框；{install}", required=False)
    more = f" 等 {len(families)} 种" if len(families) > 2 else ""
    return Check(name, True, "、".join(families[:2]) + more)


def _wecom(config: Config, probe) -> Check | None:
    """企业微信, through the face's own probe handed in by the command line: None when it is not
    configured at all (then it is not this office's face)."""
    found = asyncio.run(probe(config))
    if not found.configured and found.ok:
        return None
    return Check("企业微信", found.ok, found.detail)


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


def run_checks(
    config: Config, config_path: str | None = None, *, libreoffice: bool = True, probe=None, wecom_probe=None,
    fonts: bool = True,
) -> list[Check]:
    """``probe``, ``wecom_probe``: how Telegram's and 企业微信's faces test their servers (None:
    not checked); each is checked only where it is configured (a token; WeCom's settings)."""
    checks = [_config(config, config_path)]
    chat = []
    if probe is not None and config.token:
        chat.append(_telegram(config, probe))
    wecom = _wecom(config, wecom_probe) if wecom_probe is not None else None
    if wecom is not None:
        chat.append(wecom)
    if config.web.enabled:
        checks.append(_web(config, only_face=not chat))
    checks += chat + [_database(config), _files(config)]
    if libreoffice:
        checks.append(_libreoffice())
    if fonts:
        checks.append(_fonts())
    return checks
