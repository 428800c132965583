"""Updates the bot cannot decode, and log lines that repeat.

python-telegram-bot decodes a whole ``getUpdates`` batch at once: one update in a shape it does
not know (a ``poll`` from a Bot API server older than 9.6, as a self-hosted server may send)
fails the batch, the offset never advances and the same batch fails again, forever, with the
raw batch (names, texts) in every log line. Here each update is decoded on its own first; one
that fails is replaced by its bare ``update_id`` (an empty update no handler takes), so the
offset moves past it and the rest of the batch is served. The skip is logged without the
update's content, and ``RepeatLimiter`` keeps any line that repeats from flooding the log.

Names are cleaned here too, on arrival, before any handler sees them (``clean_arrival``): control
and invisible formatting characters (NUL, the right-to-left override that makes "报告‮xcod.exe"
read as "报告exe.docx") are removed from people's, chats' and files' names, and overlong names and
command arguments are cut, so that whatever is stored or echoed back stays short and plain.
"""

from __future__ import annotations

import logging
import os
import time
import unicodedata
from collections import OrderedDict
from contextvars import ContextVar
from typing import Any
from urllib.parse import quote

from telegram import Update
from telegram.ext import Defaults, ExtBot

from .. import messages as say
from .client import CONNECTIONS, POOL_WAIT, http_request

log = logging.getLogger(__name__)


NAME_FIELDS = {"first_name": 64, "last_name": 64, "title": 128, "file_name": 120}  # longest kept
MAX_COMMAND_CHARS = 300  # a command and its argument (an agency's name): far more than enough
_KEPT_FORMATS = {"\u200c", "\u200d"}  # zero-width (non-)joiners: parts of emoji and some scripts


def clean_name(name: str, limit: int = 120) -> str:
    """``name`` without control or invisible formatting characters (bidi overrides, zero-width
    spaces, BOM), line breaks made spaces, and cut to ``limit`` characters keeping a file's
    suffix."""
    characters = []
    for char in name:
        category = unicodedata.category(char)
        if category in ("Zl", "Zp") or char in "\t\n\r":
            characters.append(" ")
        elif category not in ("Cc", "Cf", "Cs") or char in _KEPT_FORMATS:
            characters.append(char)
    cleaned = " ".join("".join(characters).split())
    if len(cleaned) <= limit:
        return cleaned
    stem, dot, suffix = cleaned.rpartition(".")
    if dot and stem and 0 < len(suffix) <= 8:
        return stem[: limit - len(suffix) - 2] + "…." + suffix
    return cleaned[: limit - 1] + "…"


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _clean_command(message: dict) -> None:
    text = message.get("text")
    if not isinstance(text, str) or not text.startswith("/") or len(text) <= MAX_COMMAND_CHARS:
        return
    message["text"] = text = text[: MAX_COMMAND_CHARS - 1] + "…"
    end = _utf16_len(text)
    entities = message.get("entities")
    if isinstance(entities, list):
        message["entities"] = [
            e for e in entities if isinstance(e, dict) and e.get("offset", end) + e.get("length", 0) <= end
        ]


def clean_arrival(value: Any) -> None:
    """Clean, in place, every name in a raw update (see the module's docstring)."""
    if isinstance(value, list):
        for item in value:
            clean_arrival(item)
        return
    if not isinstance(value, dict):
        return
    for key, item in value.items():
        if key in NAME_FIELDS and isinstance(item, str):
            value[key] = clean_name(item, NAME_FIELDS[key]) or (say.UNNAMED_FILE if key == "file_name" else "-")
        else:
            clean_arrival(item)
    _clean_command(value)


def decoded(raw: Any, bot: Any) -> Update | None:
    """``raw``, its names cleaned, decoded into an Update; one that does not decode, as only its
    ``update_id`` (an empty update; None without one)."""
    try:
        clean_arrival(raw)
        return Update.de_json(raw, bot)
    except Exception as error:  # noqa: BLE001 - whatever breaks decoding must not stop the bot
        kinds = sorted(key for key in raw if key != "update_id") if isinstance(raw, dict) else []
        log.warning("skipped an update that cannot be decoded (%s: %s)", "/".join(kinds) or "?", type(error).__name__)
        update_id = raw.get("update_id") if isinstance(raw, dict) else None
        return Update(update_id) if isinstance(update_id, int) and not isinstance(update_id, bool) else None


_BATCH: ContextVar[tuple[Update, ...]] = ContextVar("nianbao_updates_batch", default=())


class TolerantBot(ExtBot):
    """An ExtBot whose ``getUpdates`` batches survive an update it cannot decode: each update is
    decoded on its own, once (``_post`` hands the decoded batch to ``get_updates`` and leaves
    PTB's own all-or-nothing decoding an empty list)."""

    async def _post(self, endpoint: str, data: dict | None = None, **kwargs: Any) -> Any:
        result = await super()._post(endpoint, data, **kwargs)
        if endpoint == "getUpdates" and isinstance(result, list):
            _BATCH.set(tuple(update for update in (decoded(raw, self) for raw in result) if update is not None))
            return []
        return result

    async def get_updates(self, *args: Any, **kwargs: Any) -> tuple[Update, ...]:
        _BATCH.set(())
        await super().get_updates(*args, **kwargs)  # its _post, awaited in this task, set the batch
        batch = _BATCH.get()
        _BATCH.set(())
        for update in batch:
            self.insert_callback_data(update)
        return batch

    async def send_quietly(self, endpoint: str, **params: Any) -> Any:
        """Call ``endpoint`` with ``params`` as PTB's method of that name would send them, and
        return Telegram's answer as it came: for the draft pipeline's replies, whose sent message
        nobody reads (PTB would make a Message of it, an object for every formatting entity of
        a review: a quarter of a millisecond each)."""
        return await self._post(endpoint, params)

    async def download_by_id(self, file_id: str) -> bytes:
        """A file's bytes by its id, as ``get_file`` and ``download_as_bytearray`` get them,
        without the File object and the two looks on the disk whether its path is a local file
        (a Bot API server in local mode answers with an absolute path: that one is left to PTB)."""
        found = await self._post("getFile", {"file_id": file_id})
        path = found.get("file_path") if isinstance(found, dict) else None
        if not path or os.path.isabs(path):
            return bytes(await (await self.get_file(file_id)).download_as_bytearray())
        return await self.request.retrieve(f"{self.base_file_url}/{quote(path)}")


def tolerant_bot(config: Any) -> TolerantBot:
    """The bot ``ApplicationBuilder`` would build from ``config``, as a TolerantBot."""
    urls = {}
    if config.api_base_url:
        file_url = config.file_base_url or config.api_base_url.replace("/bot", "/file/bot", 1)
        urls = {"base_url": config.api_base_url, "base_file_url": file_url}
    return TolerantBot(
        config.token,
        defaults=Defaults(tzinfo=config.tz),
        request=http_request(connection_pool_size=CONNECTIONS, pool_timeout=POOL_WAIT),
        get_updates_request=http_request(connection_pool_size=1),
        **urls,
    )


class RepeatLimiter(logging.Filter):
    """Lets a log line through once per ``window`` seconds; the next one that passes says how
    many identical lines (same logger, level and text) were held back meanwhile."""

    def __init__(self, window: float = 60.0, capacity: int = 1000) -> None:
        super().__init__()
        self.window = window
        self.capacity = capacity
        self._seen: OrderedDict[tuple, list] = OrderedDict()  # key -> [last time let through, held back]

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.INFO:
            return True  # debugging output is asked for, and wanted whole
        key = (record.name, record.levelno, record.getMessage(), record.exc_info and record.exc_info[0])
        now = time.monotonic()
        seen = self._seen.get(key)
        if seen is not None and now - seen[0] < self.window:
            seen[1] += 1
            return False
        if seen is not None and seen[1]:
            record.msg, record.args = f"{record.getMessage()} ({seen[1]} identical lines not logged since the last one)", ()
        self._seen[key] = [now, 0]
        self._seen.move_to_end(key)
        while len(self._seen) > self.capacity:
            self._seen.popitem(last=False)
        return True
