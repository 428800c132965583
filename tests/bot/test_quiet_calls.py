"""What the bot sends and receives without PTB's objects in between: the pipeline's replies go out
with exactly the parameters PTB's own methods send, and each polled update is decoded once, a
poisoned one replaced by its bare id."""

from __future__ import annotations

import json

from telegram import InputFile, Update
from telegram.constants import ParseMode
from telegram.request import BaseRequest

from nianbao.bot.delivery import TelegramDeliver
from nianbao.bot.updates import TolerantBot

TOKEN = "123456:ABCdef"
ZHANG = 1001
MESSAGE = {"message_id": 7, "date": 1736900000, "chat": {"id": ZHANG, "type": "private"}, "text": "x"}
ME = {"id": 123456, "is_bot": True, "first_name": "年报审核助手", "username": "nianbao_test_bot"}


class Recording(BaseRequest):
    """A Bot API that answers every call from ``answers`` (by method) and keeps what was sent."""

    def __init__(self, answers: dict) -> None:
        self.answers = answers
        self.sent: list[tuple[str, dict, dict]] = []

    @property
    def read_timeout(self) -> float:
        return 5.0

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def do_request(self, url, method, request_data=None, *args, **kwargs):
        endpoint = url.rsplit("/", 1)[1]
        files = {}
        if request_data is not None and request_data.contains_files:
            files = {name: (filename, bytes(content)) for name, (filename, content, _) in request_data.multipart_data.items()}
        self.sent.append((endpoint, request_data.json_parameters if request_data else {}, files))
        return 200, json.dumps({"ok": True, "result": self.answers.get(endpoint, MESSAGE)}).encode()


def bot_on(recording: Recording) -> TolerantBot:
    return TolerantBot(TOKEN, request=recording, get_updates_request=recording)


async def test_a_reply_goes_out_as_ptbs_own_methods_send_it():
    ptb, ours = Recording({}), Recording({})
    text = "<b>审核结果</b>：发现 2 个问题"
    await bot_on(ptb).send_message(ZHANG, text, parse_mode=ParseMode.HTML, disable_web_page_preview=True)
    await bot_on(ptb).send_document(ZHANG, InputFile(b"PK\x03\x04docx", filename="年报_审核批注.docx"), caption="共 2 条批注")
    deliver = TelegramDeliver(bot_on(ours))
    await deliver.send_text(ZHANG, text)
    await deliver.send_document(ZHANG, b"PK\x03\x04docx", "年报_审核批注.docx", "共 2 条批注")
    assert ours.sent == ptb.sent
    assert ours.sent[0][1]["link_preview_options"] == '{"is_disabled": true}'


async def test_each_update_is_decoded_once_and_a_poisoned_one_skipped(monkeypatch):
    good = {"update_id": 11, "message": {**MESSAGE, "from": {"id": ZHANG, "is_bot": False, "first_name": "张\u202e三"}}}
    poisoned = {"update_id": 12, "poll": {"id": "1", "question": "?", "options": [{"text": "a"}]}}
    bot = bot_on(Recording({"getUpdates": [good, poisoned], "getMe": ME}))
    calls = []
    decode = Update.de_json.__func__

    def counted(cls, data, bot=None):
        calls.append(data.get("update_id") if isinstance(data, dict) else data)
        return decode(cls, data, bot)

    monkeypatch.setattr(Update, "de_json", classmethod(counted))
    first, second = await bot.get_updates(timeout=0)
    assert (first.update_id, first.message.from_user.first_name) == (11, "张三")
    assert (second.update_id, second.effective_message, second.poll) == (12, None, None)
    assert calls == [11, 12]
    assert await bot.get_updates(timeout=0) != ()  # a second batch is its own
