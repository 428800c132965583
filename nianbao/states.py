"""Where an agency stands with its report of a year: one vocabulary, one Chinese label each, for
the storage, the bot's messages, the summary, the chart and the web desk."""

from __future__ import annotations

from .labelled import Labelled


class State(Labelled):
    """Decided by the agency's latest readable draft of its own report (see ``Store.year_status``)."""

    NOT_SUBMITTED = "not_submitted", "未报送"
    PASSING = "passing", "通过"
    ERRORS = "errors", "有错误"
    UNREADABLE = "unreadable", "无法读取"


STATES: tuple[str, ...] = tuple(State.labels())
STATE_LABELS: dict[str, str] = State.labels()  # by the stored value


def accepted_label(accepted: int) -> str:
    """An agency whose remaining errors a supervisor accepted, in every view."""
    return f"通过（含 {accepted} 项已确认）"


def state_label(state: str, accepted: int = 0) -> str:
    """The label of a stored state, 通过（含 N 项已确认） when a person accepted the errors."""
    return accepted_label(accepted) if state == State.PASSING.value and accepted else STATE_LABELS[state]
