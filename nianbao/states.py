"""Where an agency stands with its report of a year: one vocabulary, one Chinese label each, for
the storage, the bot's messages, the summary, the chart and the web desk."""

from __future__ import annotations

import enum


class State(str, enum.Enum):
    """Decided by the agency's latest readable draft of its own report (see ``Store.year_status``).
    A ``str`` enum: it compares equal to its value, as stored and as JSON."""

    def __new__(cls, value: str, label: str) -> "State":
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    def __str__(self) -> str:
        return self.value

    NOT_SUBMITTED = "not_submitted", "未报送"
    PASSING = "passing", "通过"
    ERRORS = "errors", "有错误"
    UNREADABLE = "unreadable", "无法读取"


STATES: tuple[str, ...] = tuple(state.value for state in State)
STATE_LABELS: dict[str, str] = {state.value: state.label for state in State}  # by the stored value
