"""Where an agency stands with its report of a year: one vocabulary, one Chinese label each, for
the storage, the bot's messages, the summary and the chart."""

from __future__ import annotations

import enum


class State(str, enum.Enum):
    """Decided by the agency's latest readable draft of its own report (see ``Store.year_status``).
    A ``str`` enum: it compares equal to its value, as stored and as JSON."""

    NOT_SUBMITTED = "not_submitted"
    PASSING = "passing"
    ERRORS = "errors"
    UNREADABLE = "unreadable"

    @property
    def label(self) -> str:
        return LABELS[self]

    def __str__(self) -> str:
        return self.value


LABELS: dict[State, str] = {
    State.PASSING: "已通过",
    State.ERRORS: "有错误",
    State.UNREADABLE: "无法读取",
    State.NOT_SUBMITTED: "未报送",
}
STATES: tuple[str, ...] = tuple(state.value for state in State)
