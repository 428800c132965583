"""Chat, whatever the messenger: the commands declared once (``registry``), what each answers
(``county``, ``members``), and what a short text means (a code, 「帮助」, 「说明 3 …」). A chat
face turns a message into ``run_command`` or ``answer_text`` and renders the ``Reply``s; drafts
go to the draft pipeline (``usecases.intake``)."""

from __future__ import annotations

import re

from ... import messages as say
from ...roles import Rank
from .. import words
from ..office import Office
from ..people import Person, allowed
from . import members, published  # noqa: F401  (bind their answers)
from .asks import invite_code_in, quick_intent, suggest_command
from .county import ANSWERS
from .registry import BY_NAME, COMMANDS, help_text
from .turn import ChatFace, Reply, Turn

__all__ = ["COMMANDS", "ChatFace", "Reply", "answer_text", "run_command", "unknown_command"]

EXPLANATION = re.compile(r"^\s*说明\s*(\d{1,3})\s*[:：,，、]?\s*(\S.*)$", re.S)
DETAILS = re.compile(r"^\s*(?:详情|/issue)\s*(?:(\S.*?)\s+)?(\d{1,3})\s*$")  # 「详情 3」, a supervisor's 「详情 单位名称 3」


def _refusal(needed: Rank, person: Person) -> str:
    if needed == Rank.ADMIN:
        return say.ADMINS_ONLY
    return say.NOT_BOUND if person.role is None else say.SUPERVISORS_ONLY


async def run_command(office: Office, face: ChatFace, person: Person, name: str, args: list[str]) -> list[Reply]:
    """The replies to ``/name args`` from ``person``: the rank checked (one check, ``allowed``),
    an agency argument resolved, then the command's answer."""
    declared = BY_NAME[name]
    turn = Turn(office, face, person, list(args))
    if not allowed(person, declared.role):
        turn.say(_refusal(declared.role, person))
        return turn.replies
    if declared.agency:
        turn.agency = await turn.named_agency(name)
        if turn.agency is None:
            return turn.replies
    await ANSWERS[name](turn)
    return turn.replies


async def answer_text(office: Office, face: ChatFace, person: Person, text: str, display_name: str | None = None) -> list[Reply] | None:
    """The answer to a short text that is not a report: an invite code typed without /start,
    「帮助」, 「截止日期是哪天？」, or staff's 「说明 3 理由」 on a warning. None: it is none of these
    (the face treats it as a pasted draft, or says it is too short)."""
    turn = Turn(office, face, person, [])
    text = text.strip()
    if person.role is None:
        code = invite_code_in(text)
        if code is None:
            return None
        await members.join(turn, code, display_name)
        return turn.replies
    intent = quick_intent(text)
    year = office.year()
    if intent == "help":
        turn.say(help_text(turn.role, say.help_deadline(year, office.config.deadline(year))))
        return turn.replies
    if intent == "deadline":
        turn.say(say.deadline_answer(year, office.config.deadline(year)))
        return turn.replies
    details = DETAILS.match(text)
    if details is not None:
        await _details(turn, details.group(1), int(details.group(2)))
        return turn.replies
    match = EXPLANATION.match(text)
    if match is not None and person.agency is not None:
        outcome = await words.explain(office, person, int(match.group(1)), match.group(2))
        turn.say(outcome.text)
        return turn.replies
    return None


async def _details(turn: Turn, written: str | None, number: int) -> None:
    """Every place of one issue of the deciding draft: staff's own agency, or the one a
    supervisor names (within their scope)."""
    from ..words import deciding_draft

    if written and turn.person.supervises:
        turn.args = written.split()
        agency = await turn.named_agency("agency")
    else:
        agency = turn.person.agency
    if agency is None:
        if not turn.replies:
            turn.say(say.agency_name_needed("agency"))
        return
    office = turn.office
    draft = await office.db.read(deciding_draft, office.config, agency, office.year(), office.today())
    issue = next((i for i in draft.issues if i.get("number") == number), None) if draft else None
    turn.say(say.split_message(say.issue_places(issue)) if issue else say.no_issue_numbered(number))


def unknown_command(typed: str) -> str:
    meant = suggest_command(typed, [c.name for c in COMMANDS])
    return say.unknown_command_named(typed.split()[0] if typed.split() else "/", meant)
