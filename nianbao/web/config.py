"""The web desk's settings, from the environment (they sit beside the bot's ``Config``):
NIANBAO_WEB (``off`` turns the desk off under ``nianbao serve``), NIANBAO_WEB_HOST,
NIANBAO_WEB_PORT, NIANBAO_WEB_URL (the address people open, for the one-time links; default
http://HOST:PORT)."""

from __future__ import annotations

import os
from dataclasses import dataclass

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080


@dataclass(frozen=True)
class WebConfig:
    enabled: bool = True
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    public_url: str | None = None
    max_upload_mb: float = 10.0
    secure_cookies: bool = False  # set when the desk is served over HTTPS (a public_url with https)
    login_link_minutes: int = 10
    supervisor_session_days: int = 7

    @property
    def base_url(self) -> str:
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides) -> "WebConfig":
        env = os.environ if environ is None else environ
        public_url = env.get("NIANBAO_WEB_URL") or None
        values = dict(
            enabled=env.get("NIANBAO_WEB", "on").strip().lower() not in ("off", "0", "no", "false"),
            host=env.get("NIANBAO_WEB_HOST") or DEFAULT_HOST,
            port=int(env.get("NIANBAO_WEB_PORT") or DEFAULT_PORT),
            public_url=public_url,
            secure_cookies=bool(public_url and public_url.startswith("https://")),
        )
        values.update(overrides)
        return cls(**values)
