"""The published copy in chat: ``/published 网址`` (staff: their agency; a supervisor:
``/published 单位名称 网址``), or the saved page sent as a file with 「发布稿」 as its caption. The
comparison is ``usecases.published``'s; this only parses and words the answer."""

from __future__ import annotations

from ... import messages as say
from ..office import Office
from ..people import Person
from ..published import check_published
from .county import answers
from .turn import ChatFace, Reply, Turn

CAPTION_WORD = "发布稿"  # a file sent with this caption is the published copy, not a draft


def _answer(turn: Turn, outcome) -> None:
    turn.say(say.split_message(say.escape(outcome.text)))


@answers("published")
async def published(turn: Turn) -> None:
    args = list(turn.args)
    url = next((word for word in args if word.startswith(("http://", "https://"))), None)
    if url is None:
        turn.say(say.PUBLISHED_USAGE)
        return
    args.remove(url)
    if turn.person.supervises:
        turn.args = args
        agency = await turn.named_agency("published")
    else:
        agency = turn.person.agency
    if agency is None:
        return
    _answer(turn, await check_published(turn.office, turn.person, agency, url=url))


async def published_file(office: Office, face: ChatFace, person: Person, data: bytes, file_name: str) -> list[Reply]:
    """A file sent as the published copy (caption 「发布稿」): staff's own agency."""
    turn = Turn(office, face, person, [])
    if person.agency is None:
        turn.say(say.PUBLISHED_USAGE)
        return turn.replies
    _answer(turn, await check_published(office, person, person.agency, data, file_name))
    return turn.replies
