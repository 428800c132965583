"""Chat state: the private chats between the bot and simulated users, and what the bot sent."""

from __future__ import annotations

import re
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from .html import utf16_len, visible_text

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
LANGUAGE_CODE = "zh-hans"
DEFAULT_FIRST_NAME = "张三"
MAX_KNOWN_MESSAGES = 2000  # per chat, for replies and edits


@dataclass
class SentMessage:
    """One message the bot sent (or edited; then ``method == "editMessageText"``).

    ``text`` holds the message text, or the caption of a document/photo.
    ``filename``/``data`` are set for documents and photos.
    """

    message_id: int
    chat_id: int
    method: str
    text: str | None
    parse_mode: str | None
    date: int
    filename: str | None = None
    data: bytes | None = None
    file_id: str | None = None
    reply_to_message_id: int | None = None
    reply_markup: dict[str, Any] | None = None

    @property
    def is_file(self) -> bool:
        return self.data is not None

    @property
    def plain_text(self) -> str:
        """Text as a user would read it (HTML tags stripped, entities decoded)."""
        return visible_text(self.text or "", self.parse_mode)

    def __repr__(self) -> str:
        body = f"[{self.filename}, {len(self.data or b'')} B] " if self.is_file else ""
        text = self.plain_text[:60]
        return f"<{self.method} #{self.message_id} to {self.chat_id}: {body}{text!r}>"


class ChatLog:
    """Messages sent to one chat, trimmed from the front but with stable indexes."""

    def __init__(self, capacity: int):
        self._items: list[SentMessage] = []
        self._base = 0
        self._capacity = capacity

    @property
    def end(self) -> int:
        return self._base + len(self._items)

    def append(self, message: SentMessage) -> None:
        self._items.append(message)
        excess = len(self._items) - self._capacity
        if excess > 0:
            del self._items[:excess]
            self._base += excess

    def since(self, index: int) -> list[SentMessage]:
        return self._items[max(index - self._base, 0) :]


@dataclass
class Chat:
    """A private chat between the bot and one simulated user."""

    user: dict[str, Any]
    log: ChatLog
    messages: OrderedDict[int, dict[str, Any]] = field(default_factory=OrderedDict)
    next_message_id: int = 1
    blocked: bool = False
    last_message_at: float = 0.0
    last_action_at: float = 0.0
    group_title: str | None = None  # a group chat (``user`` then holds its id and title)

    @property
    def id(self) -> int:
        return self.user["id"]

    def to_json(self) -> dict[str, Any]:
        if self.group_title is not None:
            return {"id": self.id, "type": "group", "title": self.group_title}
        chat = {"id": self.id, "type": "private", "first_name": self.user["first_name"]}
        if "username" in self.user:
            chat["username"] = self.user["username"]
        return chat

    def new_message(self, sender: dict[str, Any], content: dict[str, Any]) -> dict[str, Any]:
        message = {"message_id": self.next_message_id, "from": sender, "chat": self.to_json(),
                   "date": int(time.time()), **content}
        self.next_message_id += 1
        self.messages[message["message_id"]] = message
        while len(self.messages) > MAX_KNOWN_MESSAGES:
            self.messages.popitem(last=False)
        return message


_COMMAND_RE = re.compile(r"/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![^\s])")


def command_entities(text: str) -> list[dict[str, Any]]:
    match = _COMMAND_RE.match(text)
    if not match:
        return []
    return [{"type": "bot_command", "offset": 0, "length": utf16_len(match[0])}]
