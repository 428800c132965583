"""Configuration: a TOML file with defaults that work, overridden by environment variables.

One configuration for every face (the chat bot, the web desk, the command line).

Environment variables (they win over the file, so an operator or a test never edits files):
TELEGRAM_BOT_TOKEN, NIANBAO_API_BASE_URL, NIANBAO_FILE_BASE_URL, NIANBAO_DB, NIANBAO_SUPERVISORS,
NIANBAO_ADMINS, NIANBAO_CONFIG (path of the TOML file), NIANBAO_REPORT_YEAR; for the web desk
(``[web]`` in the file) NIANBAO_WEB (``off`` turns the desk off under ``nianbao serve``),
NIANBAO_WEB_HOST, NIANBAO_WEB_PORT, NIANBAO_WEB_URL (the address people open, for the one-time
links; default http://HOST:PORT) and NIANBAO_TRUSTED_PROXIES (addresses of reverse proxies whose
``X-Forwarded-For`` names the client).

The year under review: reports of year Y are written from December of Y to the deadline
(31 January of Y+1). From ``[campaign] start_month``/``start_day`` (default 1 December) of a year
on, that year's reports are reviewed; before it, last year's.
"""

from __future__ import annotations

import datetime as dt
import os
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from zoneinfo import ZoneInfo


DEFAULT_WEB_HOST = "127.0.0.1"
DEFAULT_WEB_PORT = 8080
_OFF = ("off", "0", "no", "false")


@dataclass(frozen=True)
class WebConfig:
    """The web desk's settings (``[web]`` in the file, NIANBAO_WEB_* in the environment)."""

    enabled: bool = True
    host: str = DEFAULT_WEB_HOST
    port: int = DEFAULT_WEB_PORT
    public_url: str | None = None
    max_upload_mb: float = 10.0
    secure_cookies: bool = False  # set when the desk is served over HTTPS (a public_url with https)
    login_link_minutes: int = 10
    supervisor_session_days: int = 7
    trusted_proxies: frozenset[str] = frozenset()  # reverse proxies whose X-Forwarded-For is believed

    @property
    def base_url(self) -> str:
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides) -> "WebConfig":
        """The settings from the environment alone (the defaults for the rest)."""
        return _web_config({}, os.environ if environ is None else environ, **overrides)


def _web_config(section: dict, env, **overrides) -> WebConfig:
    public_url = env.get("NIANBAO_WEB_URL") or section.get("url") or None
    enabled = env.get("NIANBAO_WEB") or str(section.get("enabled", "on"))
    proxies = env.get("NIANBAO_TRUSTED_PROXIES") or section.get("trusted_proxies") or ()
    if isinstance(proxies, str):
        proxies = proxies.replace("，", ",").split(",")
    values = dict(
        enabled=enabled.strip().lower() not in _OFF,
        host=env.get("NIANBAO_WEB_HOST") or section.get("host") or DEFAULT_WEB_HOST,
        port=int(env.get("NIANBAO_WEB_PORT") or section.get("port") or DEFAULT_WEB_PORT),
        public_url=public_url,
        max_upload_mb=float(section.get("max_upload_mb", WebConfig.max_upload_mb)),
        secure_cookies=bool(public_url and public_url.startswith("https://")),
        login_link_minutes=int(section.get("login_link_minutes", WebConfig.login_link_minutes)),
        supervisor_session_days=int(section.get("supervisor_session_days", WebConfig.supervisor_session_days)),
        trusted_proxies=frozenset(p.strip() for p in proxies if p and p.strip()),
    )
    values.update(overrides)
    return WebConfig(**values)


@dataclass(frozen=True)
class ReminderConfig:
    start_month: int = 1
    start_day: int = 10
    hour: int = 9  # local time at which the day's reminders go out
    days_before: tuple[int, ...] = (15, 7, 3, 1, 0)  # 0 = on the deadline day


@dataclass(frozen=True)
class Config:
    token: str | None = None
    api_base_url: str | None = None  # a self-hosted Bot API server, e.g. http://127.0.0.1:8081/bot
    file_base_url: str | None = None
    database: str = "nianbao.db"
    supervisors: frozenset[int] = frozenset()
    admins: frozenset[int] = frozenset()
    timezone: str = "Asia/Shanghai"
    deadline_month: int = 1
    deadline_day: int = 31
    government_deadline_month: int = 3  # a county-level-or-above government's own report (条例 第四十九条)
    government_deadline_day: int = 31
    report_year: int | None = None  # None: from the campaign start (1 December) the current year, before it the last
    campaign_start_month: int = 12
    campaign_start_day: int = 1
    max_file_mb: float = 10.0
    check_workers: int = 2  # worker processes checking drafts at the same time
    check_timeout_seconds: float = 120.0  # a check (with a LibreOffice conversion) running longer is stopped
    worker_memory_mb: int = 2048  # address-space limit of a check worker
    drafts_per_user: int = 6  # per-user rate limit: drafts per ``rate_window_seconds``
    rate_window_seconds: float = 60.0
    retention_days: int = 400  # stored drafts older than this are deleted (each agency's latest is kept)
    agency_quota_mb: float = 200.0  # an agency's stored drafts; a draft beyond this is refused, not stored
    busy_timeout_ms: int = 5000  # how long a write waits for a database locked by another process
    paste_delay_seconds: float = 2.5  # Telegram splits a long paste into several messages
    fragment_wait_seconds: float = 300.0  # a paste split by hand: how long the first part waits for the rest
    reminders: ReminderConfig = field(default_factory=ReminderConfig)
    files_dir: str | None = None  # where drafts are kept (content-addressed); None: next to the database
    webhook_url: str | None = None  # public HTTPS URL; unset = long polling
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    webhook_secret: str | None = None  # from the environment (NIANBAO_WEBHOOK_SECRET) only
    web: WebConfig = field(default_factory=WebConfig)
    sections: dict = field(default_factory=dict, compare=False, repr=False)  # the file as read: a face's own [section]

    @property
    def files_path(self) -> str:
        return self.files_dir or str(Path(self.database).resolve().parent / "files")

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def year_under_review(self, now: dt.datetime) -> int:
        if self.report_year:
            return self.report_year
        today = now.astimezone(self.tz).date()
        started = today >= dt.date(today.year, self.campaign_start_month, self.campaign_start_day)
        return today.year if started else today.year - 1

    def deadline(self, year: int) -> dt.date:
        return dt.date(year + 1, self.deadline_month, self.deadline_day)

    def deadline_for(self, year: int, level: str | None) -> dt.date:
        """An agency's own deadline: a county-level-or-above government's report by 31 March
        (条例 第四十九条), every other agency's by 31 January."""
        return self.government_deadline(year) if level == "government" else self.deadline(year)

    def government_deadline(self, year: int) -> dt.date:
        return dt.date(year + 1, self.government_deadline_month, self.government_deadline_day)

    def reminder_start(self, year: int) -> dt.date:
        return dt.date(year + 1, self.reminders.start_month, self.reminders.start_day)


def _ids(text: str | list | None) -> frozenset[int]:
    if text is None:
        return frozenset()
    items = text if isinstance(text, list) else str(text).replace("，", ",").split(",")
    return frozenset(int(str(item).strip()) for item in items if str(item).strip())


def _from_file(path: Path) -> dict:
    with path.open("rb") as handle:
        return tomllib.load(handle)


def load_config(path: str | os.PathLike | None = None, environ: dict[str, str] | None = None) -> Config:
    env = os.environ if environ is None else environ
    path = path or env.get("NIANBAO_CONFIG")
    data = _from_file(Path(path)) if path else {}
    bot = data.get("bot", {})
    schedule = data.get("reminders", {})
    deadline = data.get("deadline", {})
    campaign = data.get("campaign", {})
    config = Config(
        token=env.get(bot.get("token_env", "TELEGRAM_BOT_TOKEN")) or None,
        api_base_url=bot.get("api_base_url"),
        file_base_url=bot.get("file_base_url"),
        database=data.get("database", {}).get("path", Config.database),
        supervisors=_ids(data.get("people", {}).get("supervisors")),
        admins=_ids(data.get("people", {}).get("admins")),
        timezone=data.get("timezone", Config.timezone),
        deadline_month=deadline.get("month", 1),
        deadline_day=deadline.get("day", 31),
        government_deadline_month=deadline.get("government_month", Config.government_deadline_month),
        government_deadline_day=deadline.get("government_day", Config.government_deadline_day),
        report_year=data.get("report_year"),
        campaign_start_month=campaign.get("start_month", Config.campaign_start_month),
        campaign_start_day=campaign.get("start_day", Config.campaign_start_day),
        max_file_mb=bot.get("max_file_mb", Config.max_file_mb),
        check_workers=bot.get("check_workers", Config.check_workers),
        check_timeout_seconds=bot.get("check_timeout_seconds", Config.check_timeout_seconds),
        worker_memory_mb=bot.get("worker_memory_mb", Config.worker_memory_mb),
        drafts_per_user=bot.get("drafts_per_user", Config.drafts_per_user),
        rate_window_seconds=bot.get("rate_window_seconds", Config.rate_window_seconds),
        retention_days=data.get("database", {}).get("retention_days", Config.retention_days),
        agency_quota_mb=data.get("database", {}).get("agency_quota_mb", Config.agency_quota_mb),
        busy_timeout_ms=data.get("database", {}).get("busy_timeout_ms", Config.busy_timeout_ms),
        paste_delay_seconds=bot.get("paste_delay_seconds", Config.paste_delay_seconds),
        fragment_wait_seconds=bot.get("fragment_wait_seconds", Config.fragment_wait_seconds),
        reminders=ReminderConfig(
            start_month=schedule.get("start_month", 1),
            start_day=schedule.get("start_day", 10),
            hour=schedule.get("hour", 9),
            days_before=tuple(schedule.get("days_before", ReminderConfig.days_before)),
        ),
        files_dir=data.get("database", {}).get("files_dir"),
        webhook_url=bot.get("webhook_url"),
        webhook_listen=bot.get("webhook_listen", Config.webhook_listen),
        webhook_port=bot.get("webhook_port", Config.webhook_port),
        webhook_secret=env.get("NIANBAO_WEBHOOK_SECRET") or None,
        web=_web_config(data.get("web", {}), env),
        sections=data,
    )
    return _apply_env(config, env)


def _apply_env(config: Config, env) -> Config:
    changes: dict = {}
    if env.get("NIANBAO_API_BASE_URL"):
        changes["api_base_url"] = env["NIANBAO_API_BASE_URL"]
    if env.get("NIANBAO_FILE_BASE_URL"):
        changes["file_base_url"] = env["NIANBAO_FILE_BASE_URL"]
    if env.get("NIANBAO_DB"):
        changes["database"] = env["NIANBAO_DB"]
    if env.get("NIANBAO_SUPERVISORS"):
        changes["supervisors"] = _ids(env["NIANBAO_SUPERVISORS"])
    if env.get("NIANBAO_ADMINS"):
        changes["admins"] = _ids(env["NIANBAO_ADMINS"])
    if env.get("NIANBAO_REPORT_YEAR"):
        changes["report_year"] = int(env["NIANBAO_REPORT_YEAR"])
    return replace(config, **changes)
