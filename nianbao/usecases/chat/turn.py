"""One turn of a chat, whatever the messenger: who asks, what they typed after the command, and
the replies the answer makes (text in Telegram's HTML subset, files, pictures). A face renders
the replies its own way; what it alone can do (a link that binds, a command menu) it supplies as
a ``ChatFace``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from ... import messages as say
from ...roles import Rank
from ...storage import Agency, AmbiguousAgency
from ..office import Office
from ..people import Person
from .asks import year_argument


@dataclass(frozen=True)
class Reply:
    text: str | None = None  # chat HTML (Telegram's subset; a face converts it)
    data: bytes | None = None  # a file (or a picture) to send
    filename: str | None = None
    caption: str | None = None
    picture: bool = False  # show it as an image (the status chart)
    caption_html: bool = False  # the caption is chat HTML too


class ChatFace(Protocol):
    name: str  # "telegram", "wecom": shown nowhere, for logs

    def invite_link(self, code: str) -> str | None:
        """A link that binds whoever opens it with ``code`` (None: the face has none)."""

    async def rank_changed(self, user_id: int, rank: Rank) -> None:
        """A person's rank changed (bound, promoted, removed): their command menu follows."""


@dataclass
class Turn:
    office: Office
    face: ChatFace
    person: Person
    args: list[str]
    agency: Agency | None = None  # the agency named in the arguments (commands declared with agency=True)
    replies: list[Reply] = field(default_factory=list)

    @property
    def role(self) -> str | None:
        return self.person.role.value if self.person.role else None

    @property
    def user_id(self) -> int:
        return self.person.user_id

    def say(self, texts: str | list[str]) -> None:
        for text in [texts] if isinstance(texts, str) else texts:
            self.replies.append(Reply(text=text))

    def send_file(self, data: bytes, filename: str, caption: str, *, caption_html: bool = False) -> None:
        self.replies.append(Reply(data=data, filename=filename, caption=caption, caption_html=caption_html))

    def show_picture(self, data: bytes, filename: str, caption: str) -> None:
        self.replies.append(Reply(data=data, filename=filename, caption=caption, picture=True))

    def year_asked(self, command: str, extra: tuple[str, ...] = ()) -> int | None:
        """The year the arguments ask for (default: the year under review), or None after saying
        plainly what the command accepts. Words in ``extra`` (「全部」) are the command's own."""
        current = self.office.year()
        year, rest, problem = year_argument(self.args, current)
        rest = [word for word in rest if word not in extra]
        if problem is None and rest:
            problem = say.not_understood(" ".join(rest))
        if problem is not None:
            self.say(problem + say.year_usage(command, current))
            return None
        return year or current

    async def named_agency(self, command: str) -> Agency | None:
        """The agency the arguments name (deactivated ones too: supervisors still find them), or
        None after saying why not."""
        written = " ".join(self.args)
        if not written:
            self.say(say.agency_name_needed(command))
            return None
        try:
            agency = await self.office.db.find_agency(written, include_inactive=True)
        except AmbiguousAgency as exc:
            self.say(say.ambiguous_agency(written, exc.candidates))
            return None
        if agency is None or not self.person.covers(agency.id):  # another county's agency is not found
            self.say(say.agency_not_found(written))
            return None
        return agency
