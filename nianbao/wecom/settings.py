"""The WeCom (企业微信 / 政务微信) face's settings: ``[wecom]`` in the TOML file, overridden by
the environment (NIANBAO_WECOM_CORP_ID, _AGENT_ID, _SECRET, _TOKEN, _AES_KEY, _API_BASE), read
here so that the shared configuration needs no field of ours. The face is configured when all
five credentials are set; ``api_base`` defaults to the public WeCom API (a 政务微信 server or the
local emulator is another address)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from ..config import Config

PUBLIC_API = "https://qyapi.weixin.qq.com"
CALLBACK_PATH = "/wecom/callback"
REQUIRED = ("corp_id", "agent_id", "secret", "token", "aes_key")
_ENV = {
    "corp_id": "NIANBAO_WECOM_CORP_ID",
    "agent_id": "NIANBAO_WECOM_AGENT_ID",
    "secret": "NIANBAO_WECOM_SECRET",
    "token": "NIANBAO_WECOM_TOKEN",
    "aes_key": "NIANBAO_WECOM_AES_KEY",
    "api_base": "NIANBAO_WECOM_API_BASE",
}


@dataclass(frozen=True)
class WecomSettings:
    corp_id: str = ""
    agent_id: str = ""  # digits; sent as an int
    secret: str = field(default="", repr=False)
    token: str = field(default="", repr=False)
    aes_key: str = field(default="", repr=False)  # EncodingAESKey: 43 characters
    api_base: str = PUBLIC_API
    supervisors: tuple[str, ...] = ()  # WeCom UserIDs made supervisors (besides [people])
    admins: tuple[str, ...] = ()
    max_upload_mb: float = 20.0  # media/upload's limit for a file (an image: 10 MB)

    @property
    def configured(self) -> bool:
        return all(getattr(self, name) for name in REQUIRED)

    @property
    def missing(self) -> list[str]:
        """The environment variables still to set (for the doctor and the log)."""
        return [_ENV[name] for name in REQUIRED if not getattr(self, name)]

    @property
    def secrets(self) -> tuple[str, ...]:
        return tuple(s for s in (self.secret, self.token, self.aes_key) if s)

    @property
    def agent(self) -> int:
        return int(self.agent_id)


def _names(value) -> tuple[str, ...]:
    if not value:
        return ()
    items = value if isinstance(value, list) else str(value).replace("，", ",").split(",")
    return tuple(str(item).strip() for item in items if str(item).strip())


def load_settings(config: Config, environ: dict[str, str] | None = None) -> WecomSettings:
    """The settings: the environment wins over the file's ``[wecom]`` section."""
    env = os.environ if environ is None else environ
    section = config.sections.get("wecom", {}) if isinstance(config.sections, dict) else {}
    values = {}
    for name, variable in _ENV.items():
        value = env.get(variable) or section.get(name)
        if value not in (None, ""):
            values[name] = str(value).strip()
    values["api_base"] = values.get("api_base", PUBLIC_API).rstrip("/")
    return WecomSettings(
        **values,
        supervisors=_names(env.get("NIANBAO_WECOM_SUPERVISORS") or section.get("supervisors")),
        admins=_names(env.get("NIANBAO_WECOM_ADMINS") or section.get("admins")),
        max_upload_mb=float(section.get("max_upload_mb", WecomSettings.max_upload_mb)),
    )
