"""What people type where a command was expected: a year after a command, 「帮助」 or 「截止日期是
哪天？」 in plain text, an invite code without /start, a mistyped command. Pure functions: the
answers decide what to send."""

from __future__ import annotations

import difflib
import re

from ... import messages as say
from ...storage import INVITE_ALPHABET, INVITE_CODE_LENGTH

__all__ = ["FIRST_YEAR", "invite_code_in", "quick_intent", "suggest_command", "year_argument"]

FIRST_YEAR = 2008  # the first year of the 条例's annual reports
HELP_WORDS = ("帮助", "help", "怎么用", "如何使用", "使用说明", "说明", "菜单", "命令", "?", "？")
DEADLINE_WORDS = ("截止", "截至日期", "期限", "什么时候交", "哪天交", "最晚", "deadline")
_YEAR = re.compile(r"^(\d{4})(?:年度?|年)?$")
_CODE = re.compile(rf"(?:邀请码|/start|start|code)?[\s:：]*([{INVITE_ALPHABET}{INVITE_ALPHABET.lower()}]{{{INVITE_CODE_LENGTH}}})$", re.I)


def year_argument(args: list[str], current: int) -> tuple[int | None, list[str], str | None]:
    """(the year asked for or None, the other arguments, a problem to tell the user or None)."""
    year, rest = None, []
    for arg in args:
        match = _YEAR.match(arg.strip())
        if match and year is None:
            year = int(match.group(1))
        else:
            rest.append(arg)
    if year is not None and not FIRST_YEAR <= year <= current:
        return None, rest, say.no_such_year(year, FIRST_YEAR, current)
    return year, rest, None


def invite_code_in(text: str) -> str | None:
    """An invite code typed as text: 「邀请码 NZLM3ZTP」, 「NZLM3ZTP」, 「start NZLM3ZTP」."""
    match = _CODE.fullmatch(text.strip())
    return match.group(1).upper() if match else None


def quick_intent(text: str) -> str | None:
    """"help" or "deadline" for a short question in plain text, else None."""
    words = text.strip().lower()
    if not words or len(words) > 40:
        return None
    if any(word in words for word in DEADLINE_WORDS):
        return "deadline"
    if words.rstrip("?？!！。 ") in {w.rstrip("?？") for w in HELP_WORDS if w not in ("?", "？")} or words in ("?", "？"):
        return "help"
    if any(word in words for word in ("帮助", "怎么用", "如何使用", "使用说明")):
        return "help"
    return None


def suggest_command(typed: str, names: list[str]) -> str | None:
    """The command a mistyped one was meant to be (/histroy → history), or None."""
    word = typed.lstrip("/").split("@", 1)[0].split()[0].lower() if typed.strip("/ ") else ""
    if not word:
        return None
    found = difflib.get_close_matches(word, names, n=1, cutoff=0.6)
    return found[0] if found else None
