"""A year after a command (`/status 2023`, `/summary 全部 2023`, `/history 2023`): honoured, or
a plain answer saying what the command accepts; never the current year silently."""

from __future__ import annotations

from ... import messages as say
from ..asks import year_argument
from .common import Call


async def year_asked(call: Call, command: str, extra: tuple[str, ...] = ()) -> int | None:
    """The year the arguments ask for (default: the year under review), or None after saying
    plainly what the command accepts. Words in ``extra`` (「全部」) are the command's own."""
    current = call.services.year()
    year, rest, problem = year_argument(call.args, current)
    rest = [word for word in rest if word not in extra]
    if problem is None and rest:
        problem = say.not_understood(" ".join(rest))
    if problem is not None:
        await call.reply(problem + say.year_usage(command, current))
        return None
    return year or current
