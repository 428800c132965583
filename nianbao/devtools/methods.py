"""The Bot API methods the bot calls (getUpdates, sendMessage, sendDocument, getFile, ...), answered
from the simulated users' state with Telegram's limits and error wording."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

from .chats import MAX_CAPTION_LENGTH, MAX_TEXT_LENGTH, Chat, SentMessage
from .faults import FAULT_DESCRIPTIONS
from .files import StoredFile
from .html import EntityParseError, ParsedText, parse_html
from .users import SimulatedUsers, commands_key
from .wire import ApiError, Params, Upload, bad_request, bool_param, int_param, json_param, str_param

MAX_UPDATES_PER_CALL = 100
_BOT_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
_CHAT_ACTIONS = frozenset({"typing", "upload_photo", "record_video", "upload_video", "record_voice",
                           "upload_voice", "upload_document", "choose_sticker", "find_location",
                           "record_video_note", "upload_video_note"})

Method = Callable[[Params, dict[str, Upload]], Awaitable[Any]]


class BotApiMethods(SimulatedUsers):
    """The Bot API's methods over the simulated users' chats (``method_table`` maps names)."""

    strict_html: bool
    max_download_bytes: int
    max_poll_timeout: float

    def method_table(self) -> dict[str, Method]:
        methods = {
            "getMe": self._get_me, "logOut": self._true, "close": self._true,
            "getUpdates": self._get_updates, "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook, "getWebhookInfo": self._get_webhook_info,
            "sendMessage": self._send_message, "editMessageText": self._edit_message_text,
            "deleteMessage": self._delete_message,
            "sendDocument": partial(self._send_file, kind="document"),
            "sendPhoto": partial(self._send_file, kind="photo"),
            "sendChatAction": self._send_chat_action, "getFile": self._get_file,
            "setMyCommands": self._set_my_commands, "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "answerCallbackQuery": self._answer_callback_query, "getChat": self._get_chat,
            "leaveChat": self._leave_chat,
        }
        return {name.lower(): handler for name, handler in methods.items()}

    def _target_chat(self, params: Params) -> Chat:
        chat_id = params.get("chat_id")
        if chat_id is None or chat_id == "":
            raise bad_request("chat_id is empty")
        try:
            chat = self._chats.get(int(chat_id))
        except (TypeError, ValueError):
            chat = None
        if chat is None:
            raise bad_request("chat not found")
        if chat.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return chat

    # ------------------------------------------------------------------ updates

    async def _get_updates(self, params: Params, _uploads: dict) -> list[dict[str, Any]]:
        if self.webhook_url:
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active; "
                                "use deleteWebhook to delete the webhook first")
        offset = int_param(params, "offset", 0) or 0
        limit = min(max(int_param(params, "limit", MAX_UPDATES_PER_CALL) or 1, 1), 100)
        timeout = min(max(int_param(params, "timeout", 0) or 0, 0), self.max_poll_timeout)
        allowed = json_param(params, "allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = allowed or None
        self._confirm(offset)
        self._poll_ticket += 1
        ticket = self._poll_ticket
        self._signal()  # an older long poll gets terminated with 409
        await self.wait_until(
            lambda: bool(self._deliverable(limit)) or ticket != self._poll_ticket, timeout
        )
        if ticket != self._poll_ticket:
            raise ApiError(409, FAULT_DESCRIPTIONS[409])
        return self._deliverable(limit)

    def _confirm(self, offset: int) -> None:
        if offset < 0:
            keep = -offset
            offset = self._updates[-keep]["update_id"] if len(self._updates) >= keep else 0
        while self._updates and self._updates[0]["update_id"] < offset:
            self._processed_ids.append(self._updates.popleft()["update_id"])
        self._confirmed_offset = max(self._confirmed_offset, offset)

    def _deliverable(self, limit: int) -> list[dict[str, Any]]:
        allowed = self._allowed_updates
        ready = [u for u in self._updates if not allowed or any(k in u for k in allowed)]
        return ready[:limit]

    async def _set_webhook(self, params: Params, _uploads: dict) -> bool:
        url = str_param(params, "url") or ""
        if url and not url.startswith("https://"):
            raise bad_request("bad webhook: HTTPS url must be provided for webhook")
        self.webhook_url = url
        if bool_param(params, "drop_pending_updates"):
            self._updates.clear()
        return True

    async def _delete_webhook(self, params: Params, _uploads: dict) -> bool:
        self.webhook_url = ""
        if bool_param(params, "drop_pending_updates"):
            self._updates.clear()
        return True

    async def _get_webhook_info(self, _params: Params, _uploads: dict) -> dict[str, Any]:
        return {"url": self.webhook_url, "has_custom_certificate": False,
                "pending_update_count": len(self._updates)}

    # ------------------------------------------------------------------ simple methods

    async def _true(self, _params: Params, _uploads: dict) -> bool:
        return True

    async def _get_me(self, _params: Params, _uploads: dict) -> dict[str, Any]:
        return {**self._bot_user(), "can_join_groups": True, "can_read_all_group_messages": False,
                "supports_inline_queries": False, "can_connect_to_business": False,
                "has_main_web_app": False}

    async def _leave_chat(self, params: Params, _uploads: dict) -> bool:
        chat = self._target_chat(params)
        if chat.group_title is None:
            raise bad_request("chat member status can't be changed in private chats")
        self.left_chats.append(chat.id)
        self._signal()
        return True

    async def _get_chat(self, params: Params, _uploads: dict) -> dict[str, Any]:
        chat = self._target_chat(params)
        gifts = dict.fromkeys(("unlimited_gifts", "limited_gifts", "unique_gifts",
                               "premium_subscription", "gifts_from_channels"), True)
        return {**chat.to_json(), "accent_color_id": 0, "max_reaction_count": 11,
                "accepted_gift_types": gifts}

    async def _send_chat_action(self, params: Params, _uploads: dict) -> bool:
        chat = self._target_chat(params)
        action = str_param(params, "action") or ""
        if action not in _CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        chat.last_action_at = asyncio.get_running_loop().time()
        self.chat_actions.append((chat.id, action))
        self._signal()
        return True

    async def _answer_callback_query(self, params: Params, _uploads: dict) -> bool:
        query_id = str_param(params, "callback_query_id") or ""
        if query_id not in self._callback_queries:
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        del self._callback_queries[query_id]
        self.callback_answers.append({"callback_query_id": query_id,
                                      "text": str_param(params, "text"),
                                      "show_alert": bool_param(params, "show_alert")})
        return True

    async def _set_my_commands(self, params: Params, _uploads: dict) -> bool:
        commands = json_param(params, "commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad_request("commands must be a list of at most 100 BotCommand")
        for command in commands:
            if not isinstance(command, dict) or not _BOT_COMMAND_RE.fullmatch(
                str(command.get("command", ""))
            ):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", "")).strip()) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        key = commands_key(json_param(params, "scope"), str_param(params, "language_code"))
        self._commands[key] = [{"command": c["command"], "description": c["description"]}
                               for c in commands]
        return True

    async def _get_my_commands(self, params: Params, _uploads: dict) -> list[dict[str, str]]:
        key = commands_key(json_param(params, "scope"), str_param(params, "language_code"))
        return list(self._commands.get(key, []))

    async def _delete_my_commands(self, params: Params, _uploads: dict) -> bool:
        key = commands_key(json_param(params, "scope"), str_param(params, "language_code"))
        self._commands.pop(key, None)
        return True

    # ------------------------------------------------------------------ sending messages

    def _formatted(self, text: str, parse_mode: str | None) -> ParsedText:
        mode = (parse_mode or "").lower()
        if mode == "html":
            try:
                return parse_html(text, strict=self.strict_html)
            except EntityParseError as error:
                raise bad_request(f"can't parse entities: {error}") from None
        if mode in ("", "markdown", "markdownv2"):
            return ParsedText(text, [])  # Markdown is accepted but not validated
        raise bad_request("unsupported parse_mode")

    def _message_text(self, params: Params) -> tuple[str, str | None, ParsedText]:
        text = str_param(params, "text") or ""
        parse_mode = str_param(params, "parse_mode")
        parsed = self._formatted(text, parse_mode)
        if not parsed.text.strip():
            raise bad_request("message text is empty")
        if len(parsed.text) > MAX_TEXT_LENGTH:
            raise bad_request("message is too long")
        return text, parse_mode, parsed

    def _caption(self, params: Params) -> tuple[str | None, str | None, ParsedText | None]:
        caption = str_param(params, "caption")
        parse_mode = str_param(params, "parse_mode")
        if not caption:
            return None, parse_mode, None
        parsed = self._formatted(caption, parse_mode)
        if len(parsed.text) > MAX_CAPTION_LENGTH:
            raise bad_request("message caption is too long")
        return caption, parse_mode, parsed

    @staticmethod
    def _reply_target(chat: Chat, params: Params) -> int | None:
        reply = json_param(params, "reply_parameters")
        if isinstance(reply, dict):
            message_id = int_param(reply, "message_id")
            allow_missing = bool_param(reply, "allow_sending_without_reply")
        else:
            message_id = int_param(params, "reply_to_message_id")
            allow_missing = bool_param(params, "allow_sending_without_reply")
        if message_id is None or message_id in chat.messages:
            return message_id
        if allow_missing:
            return None
        raise bad_request("message to be replied not found")

    @staticmethod
    def _reply_markup(params: Params) -> dict[str, Any] | None:
        markup = json_param(params, "reply_markup")
        if markup is not None and not isinstance(markup, dict):
            raise bad_request("can't parse reply keyboard markup JSON object")
        return markup or None

    def _post_message(
        self, chat: Chat, method: str, params: Params, content: dict[str, Any],
        text: str | None, parse_mode: str | None, stored: StoredFile | None = None,
    ) -> dict[str, Any]:
        """Create the bot's message in ``chat`` and record it as a SentMessage."""
        reply_to = self._reply_target(chat, params)
        markup = self._reply_markup(params)
        if reply_to is not None:
            original = dict(chat.messages[reply_to])
            original.pop("reply_to_message", None)
            content["reply_to_message"] = original
        if markup and "inline_keyboard" in markup:
            content["reply_markup"] = markup
        message = chat.new_message(self._bot_user(), content)
        self._record(chat, SentMessage(
            message_id=message["message_id"], chat_id=chat.id, method=method, text=text,
            parse_mode=parse_mode, date=message["date"],
            filename=stored.filename if stored else None, data=stored.data if stored else None,
            file_id=stored.file_id if stored else None, reply_to_message_id=reply_to,
            reply_markup=markup,
        ))
        return message

    async def _send_message(self, params: Params, _uploads: dict) -> dict[str, Any]:
        chat = self._target_chat(params)
        text, parse_mode, parsed = self._message_text(params)
        content: dict[str, Any] = {"text": parsed.text}
        if parsed.entities:
            content["entities"] = parsed.entities
        return self._post_message(chat, "sendMessage", params, content, text, parse_mode)

    async def _edit_message_text(self, params: Params, _uploads: dict) -> dict[str, Any]:
        chat = self._target_chat(params)
        message_id = int_param(params, "message_id")
        message = chat.messages.get(message_id) if message_id is not None else None
        if message is None or message["from"].get("id") != self._bot_id:
            raise bad_request("message to edit not found")
        if "text" not in message:
            raise bad_request("there is no text in the message to edit")
        text, parse_mode, parsed = self._message_text(params)
        markup = self._reply_markup(params)
        if (parsed.text, parsed.entities, markup) == (
            message["text"], message.get("entities", []), message.get("reply_markup")
        ):
            raise bad_request("message is not modified: specified new message content and "
                               "reply markup are exactly the same as a current content and "
                               "reply markup of the message")
        message.update(text=parsed.text, entities=parsed.entities, edit_date=int(time.time()))
        message.pop("reply_markup", None)
        if markup:
            message["reply_markup"] = markup
        self._record(chat, SentMessage(message_id, chat.id, "editMessageText", text, parse_mode,
                                       message["edit_date"], reply_markup=markup))
        return message

    async def _delete_message(self, params: Params, _uploads: dict) -> bool:
        chat = self._target_chat(params)
        message_id = int_param(params, "message_id")
        if chat.messages.pop(message_id, None) is None:
            raise bad_request("message to delete not found")
        return True

    # ------------------------------------------------------------------ files

    async def _send_file(self, params: Params, uploads: dict[str, Upload], kind: str) -> dict:
        chat = self._target_chat(params)
        stored = self._resolve_file(params, uploads, kind)
        caption, parse_mode, parsed = self._caption(params)
        if kind == "document":
            content: dict[str, Any] = {"document": stored.document_json()}
        else:
            content = {"photo": [stored.photo_json()]}
        if parsed is not None:
            content["caption"] = parsed.text
            if parsed.entities:
                content["caption_entities"] = parsed.entities
        method = "sendDocument" if kind == "document" else "sendPhoto"
        return self._post_message(chat, method, params, content, caption, parse_mode, stored)

    def _resolve_file(self, params: Params, uploads: dict[str, Upload], kind: str) -> StoredFile:
        """An uploaded part (plain or ``attach://name``) or a known file_id."""
        value = params.get(kind)
        upload = uploads.get(kind)
        if upload is None and isinstance(value, str) and value.startswith("attach://"):
            upload = uploads.get(value[len("attach://") :])
        if upload is not None:
            if not upload.data:
                raise bad_request("file must be non-empty")
            return self._files.add(upload.filename, upload.data, kind, upload.mime_type)
        if not value:
            raise bad_request(f"there is no {kind} in the request")
        if str(value).startswith(("http://", "https://")):
            raise bad_request("failed to get HTTP URL content")
        stored = self._files.get(str(value))
        if stored is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
        if stored.kind != kind:
            raise bad_request(f"can't use file of type {stored.kind.title()} as {kind.title()}")
        return stored

    async def _get_file(self, params: Params, _uploads: dict) -> dict[str, Any]:
        stored = self._files.get(str_param(params, "file_id") or "")
        if stored is None:
            raise bad_request("invalid file_id")
        if stored.size > self.max_download_bytes:
            raise bad_request("file is too big")
        return {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id,
                "file_size": stored.size, "file_path": stored.file_path}
