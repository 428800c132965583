"""A WeCom message answered: a command typed (``/status 2023``) or clicked in the app menu, 「绑定
邀请码」, a short text (an invite code, 帮助, 说明 3 …) or a paste, a file as a draft — through the
chat use cases (``usecases.chat``) and the draft pipeline, as Telegram answers them. Someone not
bound gets one short answer (at most a few per ten minutes) and nothing else; a group chat
nothing at all."""

from __future__ import annotations

import logging
import time
from collections import deque

from .. import messages as say
from ..drafts import Arrival, DraftPipeline, Sender
from ..roles import Rank
from ..usecases.chat import BY_NAME, Reply, answer_text, run_command, unknown_command
from ..usecases.chat.asks import invite_code_in
from ..usecases.office import Office
from ..usecases.people import Person
from . import texts
from .deliver import WecomDeliver
from .ids import Directory, journal_id, member_id
from .inbound import Inbound
from .menu import command_of
from .pastes import Pastes

log = logging.getLogger("nianbao.wecom")

STRANGER_ANSWERS = (5, 600.0)  # answers to someone not bound, per so many seconds
MAX_ARGS_CHARS = 300  # a command's arguments, as Telegram's guard cuts them
USER_ID_ARGUMENT = ("remove", "promote")  # commands whose argument is a person: a UserID works too


class WecomFace:
    """What only WeCom does for the chat use cases: no link binds (the code is typed), and the
    app menu is the same for everyone (nothing to change when a rank does)."""

    name = "wecom"

    def invite_link(self, code: str) -> str | None:
        return None

    async def rank_changed(self, user_id: int, rank: Rank) -> None:
        return None


class WecomChat:
    def __init__(self, office: Office, deliver: WecomDeliver, directory: Directory, pipeline: DraftPipeline, pastes: Pastes) -> None:
        self.office, self.deliver, self.directory = office, deliver, directory
        self.pipeline, self.pastes = pipeline, pastes
        self.face = WecomFace()
        self._strangers: dict[int, deque[float]] = {}

    async def person(self, message: Inbound) -> Person:
        person = await self.office.person(self.directory.add(message.user))
        if person.name:
            return person
        return Person(person.user_id, person.role, person.agency, message.user)  # named by their UserID

    async def first_time(self, message: Inbound, user_id: int) -> bool:
        """Journal a message that is not a draft; False when it was seen before (a retry)."""
        _, created = await self.office.db.journal_draft(
            message.journal_id, chat_id=user_id, user_id=user_id, kind="wecom_text", now=self.office.clock()
        )
        return created

    async def handle(self, message: Inbound) -> None:
        """One message, in its sender's order (the caller serialises each sender's messages)."""
        person = await self.person(message)
        if message.kind == "file" and person.role is not None:  # a draft: the pipeline journals it
            self.pipeline.spawn(self._draft(message, person))
            return
        if not await self.first_time(message, person.user_id):
            log.info("WeCom message %s seen before; not handled again", message.journal_id)
            return
        try:
            await self._answer(message, person)
        finally:
            await self.office.db.inbox_answered(message.journal_id, now=self.office.clock())

    async def _draft(self, message: Inbound, person: Person) -> None:
        arrival = Arrival(
            Sender(person.user_id, person.user_id), "wecom_file", message.file_name or say.UNNAMED_FILE,
            journal_id=message.journal_id, file_id=message.media_id,
        )
        await self.pipeline.receive(arrival)

    async def _answer(self, message: Inbound, person: Person) -> None:
        if message.kind == "event":
            name = command_of(message.event_key) if message.event == "click" else None
            if name in BY_NAME:
                await self.command(person, name, [])
            elif message.event == "subscribe" and person.role is None:
                await self.say(person, [say.WELCOME])
            return
        if message.kind == "text":
            await self.text(message, person)
            return
        if person.role is None:
            await self.say(person, [say.NOT_BOUND])
            return
        await self.say(person, [say.PHOTO_NOT_READABLE if message.kind == "image" else say.SHORT_TEXT])

    async def text(self, message: Inbound, person: Person) -> None:
        content = message.content.strip()
        words = content.split()
        if content.startswith("/") and words:
            name = words[0][1:].split("@", 1)[0].lower()
            args = " ".join(words[1:])[:MAX_ARGS_CHARS].split()
            if name in BY_NAME:
                await self.command(person, name, args)
            else:
                await self.say(person, [unknown_command(content)])
            return
        if words and words[0].startswith(texts.BIND_WORD):
            code = invite_code_in(content[len(texts.BIND_WORD):].strip())
            if code is not None:
                await self.command(person, "start", [code])
                return
        if not self.pastes.collecting(person.user_id):
            replies = await answer_text(self.office, self.face, person, content, person.name)
            if replies is not None:
                await self.send(person, replies)
                return
        if person.role is None:
            await self.say(person, [say.NOT_BOUND])
            return
        self.pastes.add(person.user_id, message.content, message.journal_id)

    async def command(self, person: Person, name: str, args: list[str]) -> None:
        if name in USER_ID_ARGUMENT and args and not args[0].lstrip("-").isdigit():
            args = [str(member_id(args[0])), *args[1:]]  # a WeCom account named instead of an id
        replies = await run_command(self.office, self.face, person, name, args)
        if name == "whoami":
            user = self.directory.user(person.user_id)
            replies.append(Reply(text=texts.WECOM_ACCOUNT.format(user=say.escape(user or ""))))
        await self.send(person, replies)

    async def say(self, person: Person, chat_html: list[str]) -> None:
        await self.send(person, [Reply(text=text) for text in chat_html])

    async def send(self, person: Person, replies: list[Reply]) -> None:
        if person.role is None and not self._may_answer_stranger(person.user_id):
            log.info("not answering %s again: not bound, answered often", person.user_id)
            return
        await self.deliver.send_replies(person.user_id, replies)

    def _may_answer_stranger(self, user_id: int) -> bool:
        most, window = STRANGER_ANSWERS
        answered = self._strangers.setdefault(user_id, deque())
        now = time.monotonic()
        while answered and now - answered[0] >= window:
            answered.popleft()
        if len(answered) >= most:
            return False
        answered.append(now)
        return True

    async def check_paste(self, user_id: int, text: str, first_id: int) -> None:
        """A paste collected: a draft like a file, journalled under an id of its own."""
        arrival = Arrival(Sender(user_id, user_id), "wecom_paste", say.PASTED_TEXT, journal_id=journal_id(f"paste:{first_id}"))
        await self.pipeline.receive(arrival, text.encode("utf-8"))
