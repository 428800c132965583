"""Sending to WeCom people, for the draft pipeline (``WecomDeliver`` is its ``Deliver``), the
chat's answers and the reminders: chat HTML rendered and split to WeCom's size, files uploaded as
temporary media, a file over WeCom's limit replaced by a one-time link to the web desk; WeCom's
refusals turned into the pipeline's three errors."""

from __future__ import annotations

import logging

from .. import messages as say
from ..drafts import DeliveryFailed, DeliveryRefused, RecipientGone
from ..usecases.chat import Reply
from ..usecases.intake import too_large
from ..usecases.invites import web_link
from ..usecases.office import Office
from . import render, texts
from .api import RECIPIENT_GONE, TooLarge, Unreachable, WecomApi, WecomError
from .ids import Directory

log = logging.getLogger("nianbao.wecom")

MB = 1024 * 1024
IMAGE_LIMIT_MB = 10.0  # media/upload: an image (a file: settings.max_upload_mb, 20 MB)
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")


class WecomDeliver:
    def __init__(self, office: Office, api: WecomApi, directory: Directory) -> None:
        self.office, self.api, self.directory = office, api, directory

    def user(self, user_id: int) -> str:
        user = self.directory.user(user_id)
        if user is None:  # not seen since the start and not a bound member: nowhere to send
            raise DeliveryFailed(f"no WeCom account known for member {user_id}")
        return user

    async def _call(self, call):
        try:
            return await call
        except Unreachable as error:
            raise DeliveryFailed(str(error)) from error
        except WecomError as error:
            if error.errcode in RECIPIENT_GONE:
                raise RecipientGone(str(error)) from error
            if error.errcode == 60020:  # the server's address is not trusted: fixable, so retried later
                raise DeliveryFailed(str(error)) from error
            raise DeliveryRefused(str(error)) from error

    # ------------------------------------------------------------ Deliver

    async def send_text(self, chat_id: int, text: str) -> None:
        user = self.user(chat_id)
        for piece in render.split(render.to_text(text)):
            await self._call(self.api.send(user, "text", {"content": piece}))

    async def send_texts(self, chat_id: int, chat_html: list[str]) -> None:
        """Several texts of one answer, packed into as few messages as fit."""
        user = self.user(chat_id)
        for piece in render.pack([render.to_text(text) for text in chat_html]):
            await self._call(self.api.send(user, "text", {"content": piece}))

    async def send_document(self, chat_id: int, data: bytes, filename: str, caption: str) -> None:
        await self.send_file(chat_id, data, filename, caption)

    async def send_file(self, chat_id: int, data: bytes, filename: str, caption: str | None, *, picture: bool = False) -> None:
        """A file (or an image) with its caption said first; over WeCom's limit, a link to the
        web desk instead."""
        user = self.user(chat_id)
        picture = picture and filename.lower().endswith(IMAGE_SUFFIXES) and len(data) <= IMAGE_LIMIT_MB * MB
        limit = self.api.settings.max_upload_mb
        if caption:
            await self._call(self.api.send(user, "text", {"content": render.split(render.plain(caption))[0]}))
        if len(data) > limit * MB:
            await self.send_text(chat_id, await self._instead_of_file(chat_id, filename, len(data), limit))
            return
        media_id = await self._call(self.api.upload("image" if picture else "file", filename, data))
        await self._call(self.api.send(user, "image" if picture else "file", {"media_id": media_id}))

    async def _instead_of_file(self, chat_id: int, filename: str, size: int, limit: float) -> str:
        text = texts.FILE_TOO_LARGE_FOR_WECOM.format(name=filename, size=size / MB, limit=limit)
        link = await web_link(self.office, await self.office.person(chat_id))
        if link is None:
            return f"{text}\n{texts.FILE_WEB_OFF}"
        return f"{text}\n" + texts.FILE_ON_THE_WEB.format(minutes=self.office.config.web.login_link_minutes, link=link)

    async def notify_plainly(self, chat_id: int, text: str) -> None:
        try:
            user = self.user(chat_id)
            await self.api.send(user, "text", {"content": render.split(render.plain(text))[0]})
        except Exception:  # noqa: BLE001 - a last word never raises
            log.warning("could not tell WeCom member %s about their draft", chat_id)

    async def download(self, file_id: str) -> bytes:
        limit = int(self.office.config.max_file_mb * MB)
        try:
            return await self._call(self.api.download(file_id, limit))
        except TooLarge as error:
            raise DeliveryRefused(too_large(self.office, error.size) or "too large") from error

    async def working(self, chat_id: int) -> None:
        """WeCom has no "typing…"."""

    # ------------------------------------------------------------ the chat's answers

    async def send_replies(self, chat_id: int, replies: list[Reply]) -> None:
        """A command's answer: its texts and the files' captions packed into as few messages
        as fit, each file after the text that says what it is."""
        waiting: list[str] = []
        for item in replies:
            if item.text is not None:
                waiting.append(item.text)
                continue
            if item.caption:
                waiting.append(item.caption if item.caption_html else say.escape(item.caption))
            if waiting:
                await self.send_texts(chat_id, waiting)
                waiting = []
            await self.send_file(chat_id, item.data, item.filename, None, picture=item.picture)
        if waiting:
            await self.send_texts(chat_id, waiting)
