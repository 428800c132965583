"""The /_sim/* routes: simulated users driven over HTTP (sim_http.py)."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator

import aiohttp
import pytest
from telegram.error import RetryAfter

from devtools.sim_http import SimHttpBotApi

LI = 1002


@pytest.fixture
async def api() -> AsyncIterator[SimHttpBotApi]:
    async with SimHttpBotApi() as server:
        yield server


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_sim_http_api(api: SimHttpBotApi, echo_bot) -> None:
    data = "年度报告正文".encode() * 50
    async with aiohttp.ClientSession(base_url=api.url) as http:
        answer = await _post_json(http, "/_sim/send_text", {"user_id": LI, "text": "你好",
                                                            "first_name": "李四"})
        assert answer["ok"] and answer["update_id"] >= 1
        form = aiohttp.FormData()
        form.add_field("user_id", str(LI))
        form.add_field("file", data, filename="报告.txt")
        async with http.post("/_sim/send_document", data=form) as response:
            assert (await response.json())["ok"]
        params = {"chat_id": LI, "since": 0, "wait": 5, "count": 3, "include_data": 1}
        async with http.get("/_sim/messages", params=params) as response:
            body = await response.json()
        echo, summary, resent = body["messages"]
        assert echo["text"] == "收到：你好" and body["next"] == 3
        assert summary["text"].endswith(hashlib.sha256(data).hexdigest())
        assert resent["document"]["sha256"] == hashlib.sha256(data).hexdigest()
        async with http.get(resent["document"]["url"]) as response:
            assert await response.read() == data
        assert (await _post_json(http, "/_sim/fault", {"method": "sendMessage", "status": 429,
                                                       "retry_after": 2}))["ok"]
        bad = await _post_json(http, "/_sim/send_text", {"user_id": LI}, expect=400)
        assert "text" in bad["description"]
    with pytest.raises(RetryAfter):
        await echo_bot.bot.send_message(LI, "被限流")


async def _post_json(http: aiohttp.ClientSession, path: str, body: dict,
                     expect: int = 200) -> dict:
    async with http.post(path, json=body) as response:
        assert response.status == expect
        return await response.json()
