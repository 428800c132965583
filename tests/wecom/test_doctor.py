"""What `nianbao doctor` can say of WeCom (``nianbao.wecom.doctor.probe``) and when the face is
configured: all five settings, from the environment over ``[wecom]``."""

from __future__ import annotations

from nianbao.config import Config
from nianbao.devtools.wecom import WecomEmulator
from nianbao.wecom.doctor import probe
from nianbao.wecom.face import FACE
from nianbao.wecom.ids import member_id
from nianbao.wecom.settings import load_settings


async def test_the_probe_gets_a_token_and_names_a_wrong_secret():
    async with WecomEmulator() as wecom:
        env = wecom.environment()
        good = await probe(Config(), env)
        assert good.configured and good.ok and "access_token" in good.detail and "/wecom/callback" in good.detail
        wrong = await probe(Config(), env | {"NIANBAO_WECOM_SECRET": "not-it"})
        assert not wrong.ok and "40001" in wrong.detail and "Secret" in wrong.detail
    unreachable = await probe(Config(), env, timeout=5)  # the server is gone
    assert not unreachable.ok and "无法连接" in unreachable.detail


async def test_the_probe_names_what_is_missing_or_malformed():
    assert (await probe(Config(), {})).ok  # not configured: the face is off, nothing wrong
    half = await probe(Config(), {"NIANBAO_WECOM_CORP_ID": "ww1", "NIANBAO_WECOM_SECRET": "s"})
    assert not half.ok and "NIANBAO_WECOM_TOKEN" in half.detail and "NIANBAO_WECOM_AGENT_ID" in half.detail
    env = {"NIANBAO_WECOM_CORP_ID": "ww1", "NIANBAO_WECOM_AGENT_ID": "1000002", "NIANBAO_WECOM_SECRET": "s",
           "NIANBAO_WECOM_TOKEN": "t", "NIANBAO_WECOM_AES_KEY": "short"}
    assert "43 个字符" in (await probe(Config(), env)).detail


def test_configured_from_the_file_and_the_environment(monkeypatch):
    section = {"wecom": {"corp_id": "wwfile", "agent_id": 1000002, "secret": "s", "token": "t", "aes_key": "k" * 43,
                         "supervisors": ["LiSi"]}}
    config = Config(sections=section)
    for name in ("CORP_ID", "AGENT_ID", "SECRET", "TOKEN", "AES_KEY", "API_BASE", "SUPERVISORS", "ADMINS"):
        monkeypatch.delenv(f"NIANBAO_WECOM_{name}", raising=False)
    assert FACE.configured(config) and not FACE.configured(Config())
    monkeypatch.setenv("NIANBAO_WECOM_CORP_ID", "wwenv")
    settings = load_settings(config)
    assert settings.corp_id == "wwenv" and settings.agent_id == "1000002"  # the environment wins
    assert settings.api_base == "https://qyapi.weixin.qq.com"
    assert member_id("LiSi") in FACE.prepare(config).supervisors and member_id("lisi") == member_id("LiSi")
    assert {"s", "t", "k" * 43} <= set(FACE.secrets(config))
