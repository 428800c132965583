"""Webhook mode, through the real ``nianbao serve``: an update POSTed to /telegram counts only
with the secret token given to Telegram; without NIANBAO_WEBHOOK_SECRET the bot makes one up
(and says so) rather than take forged updates from anyone who can reach the port."""

from __future__ import annotations

import asyncio
import socket
import time

import aiohttp

from bot.harness import SUPERVISOR, seed
from bot.serve_process import start_serve, stop_serve, wait_for
from nianbao.devtools import LocalBotApi
from nianbao.storage import Store

ATTACKER = 6666
SECRET = "s3cret-Token_for-tests"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def command(update_id: int, sender: int, chat: int, text: str) -> dict:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": int(time.time()),
            "chat": {"id": chat, "type": "private", "first_name": "x"},
            "from": {"id": sender, "is_bot": False, "first_name": "督导"},
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": text.split()[0].__len__()}],
        },
    }


async def start_webhook_bot(tmp_path, api: LocalBotApi, **env: str):
    database = tmp_path / "nianbao.db"
    with Store(database) as store:
        seed(store)
    port = free_port()
    config = tmp_path / "nianbao.toml"
    config.write_text(
        f'[bot]\nwebhook_url = "https://bot.example.org/telegram"\nwebhook_port = {port}\n'
        f"[people]\nsupervisors = [{SUPERVISOR}]\n"
    )
    log = tmp_path / "bot.log"
    bot = start_serve(api, database, log, NIANBAO_CONFIG=str(config), **env)

    def listening() -> bool:
        with socket.socket() as probe:
            return probe.connect_ex(("127.0.0.1", port)) == 0

    assert await wait_for(lambda: api.webhook_url and listening(), 30), log.read_text()
    return bot, f"http://127.0.0.1:{port}/telegram", log


async def post(url: str, update: dict, secret: str | None = None) -> int:
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
    async with aiohttp.ClientSession() as session, session.post(url, json=update, headers=headers) as response:
        return response.status


async def test_without_a_configured_secret_forged_updates_are_refused(tmp_path):
    async with LocalBotApi() as api:
        api.add_user(SUPERVISOR)
        api.add_user(ATTACKER)
        bot, url, log = await start_webhook_bot(tmp_path, api, NIANBAO_WEBHOOK_SECRET="")
        try:
            # the supervisor's id, the attacker's chat: a working invite code would land there
            assert await post(url, command(1, SUPERVISOR, ATTACKER, "/invite 学张乡")) == 403
            assert await post(url, command(2, SUPERVISOR, ATTACKER, "/status"), secret="") == 403
            assert await post(url, command(3, SUPERVISOR, ATTACKER, "/status"), secret="x" * 43) == 403
            await asyncio.sleep(0.5)  # refused at the door: nothing is queued to answer later
            assert api.sent_to(ATTACKER) == [] and api.sent_to(SUPERVISOR) == []
        finally:
            await stop_serve(bot)
    assert "NIANBAO_WEBHOOK_SECRET is not set: using a random secret" in log.read_text()


async def test_with_the_secret_updates_are_answered_and_without_it_refused(tmp_path):
    async with LocalBotApi() as api:
        api.add_user(SUPERVISOR)
        api.add_user(ATTACKER)
        bot, url, log = await start_webhook_bot(tmp_path, api, NIANBAO_WEBHOOK_SECRET=SECRET)
        try:
            assert await post(url, command(1, SUPERVISOR, ATTACKER, "/status"), secret=SECRET[:-1] + "X") == 403
            assert await post(url, command(2, SUPERVISOR, SUPERVISOR, "/status"), secret=SECRET) == 200
            replies = await api.wait_for_replies(SUPERVISOR, count=1, timeout=20)
            assert "学张乡" in replies[0].plain_text
            assert api.sent_to(ATTACKER) == []
        finally:
            assert await stop_serve(bot) == 0
    assert SECRET not in log.read_text()
