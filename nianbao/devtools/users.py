"""The server's state and the simulated users' side of it: users send text, documents and button
presses (queued as updates for getUpdates); tests and the console read what the bot sent back."""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from typing import Any

from .chats import (
    DEFAULT_FIRST_NAME,
    LANGUAGE_CODE,
    MAX_CAPTION_LENGTH,
    MAX_TEXT_LENGTH,
    Chat,
    ChatLog,
    SentMessage,
    command_entities,
)
from .files import FileStore, StoredFile

logger = logging.getLogger("nianbao.devtools")

CHAT_ACTION_SECONDS = 5.0  # Telegram shows a chat action for five seconds
SETTLED_LOOK_SECONDS = 0.02  # between two looks at a caller's "settled" predicate


class SimulatedUsers:
    """Chats, pending updates and files, with the methods by which simulated users act and watch.

    Every change calls ``_signal()``, which wakes whatever waits in ``wait_until``."""

    def __init__(
        self,
        token: str,
        bot_username: str,
        bot_first_name: str,
        *,
        max_upload_bytes: int,
        max_pending_updates: int,
        max_messages_per_chat: int,
        max_stored_bytes: int,
    ):
        bot_id, sep, secret = token.partition(":")
        if not (bot_id.isdigit() and sep and secret):
            raise ValueError(f"token must look like '123456:ABC', got {token!r}")
        self.token = token
        self.bot_username = bot_username
        self.bot_first_name = bot_first_name
        self.max_upload_bytes = max_upload_bytes
        self.max_pending_updates = max_pending_updates
        self.max_messages_per_chat = max_messages_per_chat
        self._bot_id = int(bot_id)
        self._closing = asyncio.Event()
        self._changed = asyncio.Event()
        self._chats: dict[int, Chat] = {}
        self._updates: deque[dict[str, Any]] = deque()
        self._next_update_id = 1
        self._confirmed_offset = 0
        self._delivered: dict[int, dict[str, Any]] = {}
        self._processed_ids: deque[int] = deque(maxlen=max_pending_updates)
        self._poll_ticket = 0  # a newer getUpdates ends an older one's long poll
        self._allowed_updates: list[str] | None = None
        self._files = FileStore(max_stored_bytes)
        self._cursors: dict[int, int] = {}
        self._sent_watchers: list[Callable[[SentMessage], None]] = []
        self._commands: dict[str, list[dict[str, str]]] = {}
        self._callback_queries: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self.callback_answers: deque[dict[str, Any]] = deque(maxlen=1000)
        self.chat_actions: deque[tuple[int, str]] = deque(maxlen=1000)
        self.webhook_url = ""
        self.left_chats: list[int] = []  # groups the bot left (leaveChat)

    # ------------------------------------------------------------------ waiting

    def _signal(self) -> None:
        """Wake every coroutine waiting for a state change."""
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait_until(self, predicate: Callable[[], bool], timeout: float) -> bool:
        """Wait until ``predicate()`` holds, the timeout expires or the server stops."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + max(timeout, 0.0)
        while not predicate():
            remaining = deadline - loop.time()
            if remaining <= 0 or self._closing.is_set():
                return False
            changed = self._changed
            try:
                await asyncio.wait_for(changed.wait(), remaining)
            except TimeoutError:
                pass
        return True

    async def _sleep(self, seconds: float) -> None:
        """Sleep, but return early when the server stops."""
        try:
            await asyncio.wait_for(self._closing.wait(), seconds)
        except TimeoutError:
            pass

    # ------------------------------------------------------------------ users and chats

    def add_user(self, user_id: int, first_name: str = DEFAULT_FIRST_NAME,
                 username: str | None = None) -> None:
        """Register a user who has started the bot, without sending an update."""
        self._user_chat(user_id, first_name, username)

    def block_bot(self, user_id: int, blocked: bool = True) -> None:
        """The user blocks (or unblocks) the bot: sends to them fail with 403."""
        self._user_chat(user_id, None, None).blocked = blocked

    def _user_chat(self, user_id: int, first_name: str | None, username: str | None) -> Chat:
        chat = self._chats.get(user_id)
        if chat is None:
            user = {"id": user_id, "is_bot": False, "first_name": first_name or DEFAULT_FIRST_NAME,
                    "username": username or f"user{user_id}", "language_code": LANGUAGE_CODE}
            chat = self._chats[user_id] = Chat(user, ChatLog(self.max_messages_per_chat))
            return chat
        if first_name:
            chat.user["first_name"] = first_name
        if username:
            chat.user["username"] = username
        return chat

    def _bot_user(self) -> dict[str, Any]:
        return {"id": self._bot_id, "is_bot": True, "first_name": self.bot_first_name,
                "username": self.bot_username}

    @property
    def chat_ids(self) -> list[int]:
        return sorted(self._chats)

    # ------------------------------------------------------------------ simulated users

    async def user_sends_text(self, user_id: int, text: str, first_name: str | None = None,
                              username: str | None = None) -> int:
        """A user sends ``text`` to the bot; returns the update_id.

        ``first_name`` defaults to the user's known name, or "张三" for a new user.
        """
        if not text.strip():
            raise ValueError("message text is empty")
        if len(text) > MAX_TEXT_LENGTH:
            raise ValueError("message is too long")
        chat = self._user_chat(user_id, first_name, username)
        content: dict[str, Any] = {"text": text}
        if entities := command_entities(text):
            content["entities"] = entities
        return self._enqueue("message", chat.new_message(dict(chat.user), content))

    async def user_sends_message(self, user_id: int, content: dict[str, Any]) -> int:
        """A user sends any other kind of message (``{"photo": [...]}``, ``{"sticker": {...}}``);
        returns the update_id."""
        chat = self._user_chat(user_id, None, None)
        return self._enqueue("message", chat.new_message(dict(chat.user), content))

    async def user_sends_in_group(self, group_id: int, user_id: int, text: str, title: str = "县政务公开工作群") -> int:
        """A user posts ``text`` in a group chat the bot is a member of; returns the update_id.
        The group is created on first use (``group_id`` negative, as Telegram's are)."""
        chat = self._chats.get(group_id)
        if chat is None:
            chat = self._chats[group_id] = Chat({"id": group_id, "first_name": title}, ChatLog(self.max_messages_per_chat),
                                                group_title=title)
        sender = dict(self._user_chat(user_id, None, None).user)
        content: dict[str, Any] = {"text": text}
        if entities := command_entities(text):
            content["entities"] = entities
        return self._enqueue("message", chat.new_message(sender, content))

    async def user_edits_text(self, update_id: int, text: str) -> int:
        """A user edits the message they sent in update ``update_id``; returns the new update_id
        (an ``edited_message``)."""
        message = self._delivered[update_id]["message"]
        edited = {**message, "text": text, "edit_date": int(time.time())}
        edited.pop("entities", None)
        if entities := command_entities(text):
            edited["entities"] = entities
        return self._enqueue("edited_message", edited)

    async def user_sends_document(
        self,
        user_id: int,
        filename: str,
        data: bytes,
        caption: str | None = None,
        first_name: str | None = None,
        mime_type: str | None = None,
    ) -> int:
        """A user uploads a document; returns the update_id."""
        if not data:
            raise ValueError("file must be non-empty")
        if len(data) > self.max_upload_bytes:
            raise ValueError(f"file larger than {self.max_upload_bytes} bytes")
        if caption and len(caption) > MAX_CAPTION_LENGTH:
            raise ValueError("message caption is too long")
        chat = self._user_chat(user_id, first_name, None)
        stored = self._files.add(filename, bytes(data), "document", mime_type)
        content: dict[str, Any] = {"document": stored.document_json()}
        if caption:
            content["caption"] = caption
            if entities := command_entities(caption):
                content["caption_entities"] = entities
        return self._enqueue("message", chat.new_message(dict(chat.user), content))

    async def user_presses_button(self, user_id: int, message_id: int, callback_data: str) -> int:
        """A user presses an inline button of a bot message; returns the update_id."""
        chat = self._chats.get(user_id)
        message = chat.messages.get(message_id) if chat else None
        if message is None:
            raise ValueError(f"no message {message_id} in chat {user_id}")
        buttons = (message.get("reply_markup") or {}).get("inline_keyboard", [])
        if not any(b.get("callback_data") == callback_data for row in buttons for b in row):
            raise ValueError(f"message {message_id} has no button with data {callback_data!r}")
        query_id = str(secrets.randbits(63))
        query = {"id": query_id, "from": dict(chat.user), "message": message,
                 "chat_instance": str(user_id), "data": callback_data}
        self._callback_queries[query_id] = query
        while len(self._callback_queries) > 1000:
            self._callback_queries.popitem(last=False)
        return self._enqueue("callback_query", query)

    def _enqueue(self, kind: str, payload: dict[str, Any]) -> int:
        update_id = self._next_update_id
        self._next_update_id += 1
        self._updates.append({"update_id": update_id, kind: payload})
        self._delivered[update_id] = self._updates[-1]
        while len(self._updates) > self.max_pending_updates:
            self._updates.popleft()
        logger.debug("queued update %s (%s)", update_id, kind)
        self._signal()
        return update_id

    def redeliver(self, update_id: int) -> None:
        """Deliver an update again, as Telegram does when the bot did not confirm its offset
        (it crashed first): a bot that starts polling afresh (offset 0) receives it again,
        with the same update_id."""
        self._updates = deque(sorted([*self._updates, self._delivered[update_id]], key=lambda u: u["update_id"]))
        self._signal()

    # ------------------------------------------------------------------ observing the bot

    def watch_sent(self, watcher: Callable[[SentMessage], None]) -> Callable[[], None]:
        """Call ``watcher(message)`` for every message the bot sends or edits from now on, in
        any chat, at the moment the server records it (before it answers the call and wakes
        whatever waits): a time taken there is the message's own, without polling the chats.
        Returns a function that stops the watching. A watcher that raises is logged; the
        message stays sent."""
        self._sent_watchers.append(watcher)

        def stop() -> None:
            if watcher in self._sent_watchers:
                self._sent_watchers.remove(watcher)

        return stop

    def _record(self, chat: Chat, sent: SentMessage) -> None:
        """The bot sent (or edited) ``sent`` in ``chat``: log it, tell the watchers, wake the waiters."""
        chat.log.append(sent)
        chat.last_message_at = asyncio.get_running_loop().time()
        logger.debug("bot -> %s: %r", chat.id, sent)
        for watcher in tuple(self._sent_watchers):
            try:
                watcher(sent)
            except Exception:
                logger.exception("a watcher of sent messages failed on %r", sent)
        self._signal()

    def sent_to(self, chat_id: int) -> list[SentMessage]:
        """Everything the bot sent (and edited) in this chat, oldest first."""
        chat = self._chats.get(chat_id)
        return chat.log.since(0) if chat else []

    def message_count(self, chat_id: int) -> int:
        """Index just past the last sent message: use as ``since=`` marker."""
        chat = self._chats.get(chat_id)
        return chat.log.end if chat else 0

    def messages_since(self, chat_id: int, index: int) -> list[SentMessage]:
        chat = self._chats.get(chat_id)
        return chat.log.since(index) if chat else []

    async def wait_for_replies(self, chat_id: int, count: int = 1, timeout: float = 10.0,
                               since: int | None = None) -> list[SentMessage]:
        """Wait for ``count`` new bot messages in ``chat_id`` and return exactly those.

        "New" means at index >= ``since`` (a ``message_count()`` marker) if given,
        otherwise after everything previous ``wait_for_replies``/``collect_replies``
        calls returned for this chat. Either way the chat's cursor moves past the
        returned messages. Raises ``TimeoutError`` listing what did arrive.
        """
        start = self._cursors.get(chat_id, 0) if since is None else since
        if not await self.wait_until(lambda: len(self.messages_since(chat_id, start)) >= count, timeout):
            got = self.messages_since(chat_id, start)
            raise TimeoutError(
                f"timed out after {timeout}s waiting for {count} new bot message(s) in chat "
                f"{chat_id} (since index {start}); received {len(got)}: {got!r}"
            )
        replies = self.messages_since(chat_id, start)[:count]
        self._cursors[chat_id] = start + count
        return replies

    async def collect_replies(self, chat_id: int, timeout: float = 30.0, quiet: float = 0.5,
                              since: int | None = None,
                              settled: Callable[[], bool] | None = None) -> list[SentMessage]:
        """Collect bot messages until the chat goes quiet; never raises on timeout.

        Returns once at least one new message arrived and nothing happened for
        ``quiet`` seconds (a chat action such as "typing" keeps it waiting for 5 s,
        as Telegram shows it), or when ``timeout`` expires, with whatever arrived.
        A caller that can see the bot's own work passes ``settled`` (true when the
        bot has nothing left to do): then the answer is complete as soon as it holds
        on two looks a moment apart, without waiting out ``quiet``.
        Same ``since``/cursor rules as :meth:`wait_for_replies`.
        """
        start = self._cursors.get(chat_id, 0) if since is None else since
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        settled_looks = 0
        while (now := loop.time()) < deadline and not self._closing.is_set():
            busy_until = self._busy_until(chat_id, quiet)
            if self.messages_since(chat_id, start) and now >= busy_until:
                break
            if settled is not None and self.messages_since(chat_id, start):
                settled_looks = settled_looks + 1 if settled() else 0
                if settled_looks >= 2:
                    break
                busy_until = min(busy_until, now + SETTLED_LOOK_SECONDS)
            wake_at = min(deadline, busy_until) if busy_until > now else deadline
            changed = self._changed
            try:
                await asyncio.wait_for(changed.wait(), max(wake_at - now, 0.001))
            except TimeoutError:
                pass
        replies = self.messages_since(chat_id, start)
        self._cursors[chat_id] = start + len(replies)
        return replies

    def _busy_until(self, chat_id: int, quiet: float) -> float:
        chat = self._chats.get(chat_id)
        if chat is None:
            return 0.0
        busy_until = chat.last_message_at + quiet
        if chat.last_action_at > chat.last_message_at:
            busy_until = max(busy_until, chat.last_action_at + CHAT_ACTION_SECONDS)
        return busy_until

    @property
    def confirmed_offset(self) -> int:
        """The highest ``offset`` the bot confirmed with getUpdates."""
        return self._confirmed_offset

    @property
    def processed_update_ids(self) -> list[int]:
        """update_ids the bot confirmed (i.e. will never be delivered again)."""
        return list(self._processed_ids)

    @property
    def pending_update_count(self) -> int:
        return len(self._updates)

    def bot_commands(self, scope: dict | None = None, language_code: str = "") -> list[dict]:
        return list(self._commands.get(commands_key(scope, language_code), []))

    def get_stored_file(self, file_id: str) -> StoredFile | None:
        return self._files.get(file_id)


def commands_key(scope: Any, language_code: str | None) -> str:
    """The key under which setMyCommands keeps a list: its scope and language."""
    scope_key = json.dumps(scope or {"type": "default"}, sort_keys=True)
    return f"{scope_key}|{language_code or ''}"
