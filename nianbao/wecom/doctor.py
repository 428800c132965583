"""What ``nianbao doctor`` checks of WeCom: the settings are complete and well-formed, and the
server gives an access token (a real ``gettoken``: a wrong corp id or secret, an untrusted
server address, an unreachable 政务微信 server are named). ``probe(config)`` is the doctor's
entry, handed in by the command line as Telegram's probe is (the doctor imports no face)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from ..config import Config
from .api import Unreachable, WecomApi, WecomError
from .crypto import Crypto
from .settings import CALLBACK_PATH, REQUIRED, load_settings

WHY = {
    40001: "Secret 不对（应用详情页的 Secret）",
    40013: "企业 ID 不对（“我的企业”页面的企业ID）",
    40091: "Secret 不对（应用详情页的 Secret）",
    60020: "服务器的出口 IP 不在应用的“企业可信IP”中",
}


@dataclass(frozen=True)
class WecomProbe:
    configured: bool  # all five settings given (else the face is off: not a failure unless half-set)
    ok: bool
    detail: str  # Chinese, one line


async def probe(config: Config, environ: dict[str, str] | None = None, *, timeout: float = 20) -> WecomProbe:
    settings = load_settings(config, environ)
    given = [name for name in REQUIRED if getattr(settings, name)]
    if not given:
        return WecomProbe(False, True, "未配置（不使用企业微信；需要时设置 NIANBAO_WECOM_* 五项）")
    if not settings.configured:
        return WecomProbe(False, False, "配置不完整，缺少 " + "、".join(settings.missing))
    if not settings.agent_id.isdigit():
        return WecomProbe(True, False, "NIANBAO_WECOM_AGENT_ID 应为数字（应用详情页的 AgentId）")
    try:
        Crypto(settings.token, settings.aes_key, settings.corp_id)
    except ValueError:
        return WecomProbe(True, False, "NIANBAO_WECOM_AES_KEY 应为 43 个字符（应用“接收消息”设置中的 EncodingAESKey）")
    api = WecomApi(settings, attempts=2)
    try:
        await asyncio.wait_for(api.token(), timeout)
    except WecomError as error:
        why = WHY.get(error.errcode, error.errmsg)
        return WecomProbe(True, False, f"{settings.api_base} 拒绝取得 access_token（{error.errcode}）：{why}")
    except (Unreachable, asyncio.TimeoutError, OSError) as error:
        return WecomProbe(True, False, f"无法连接 {settings.api_base}（{type(error).__name__}）；检查网络，政务微信请设置 NIANBAO_WECOM_API_BASE")
    finally:
        await api.close()
    web = config.web
    where = f"{web.base_url}{CALLBACK_PATH}" if web.enabled else f"{web.host}:{web.port}{CALLBACK_PATH}（网页版已关闭，由企业微信自己提供）"
    return WecomProbe(True, True, f"{settings.api_base} 可以连接，取得了 access_token；应用 {settings.agent_id}，回调地址 {where}")


def main() -> int:
    """``python -m nianbao.wecom.doctor``: the check alone, with the service's configuration."""
    from ..config import load_config

    result = asyncio.run(probe(load_config()))
    print(f"{'✓' if result.ok else '✗'} 企业微信：{result.detail}")
    return 0 if result.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
