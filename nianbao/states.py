"""Where an agency stands with its report of a year, and where a report came from: one
vocabulary, one Chinese label each, for the storage, the chat, the web desk, the command line,
the summary and the chart (see ``storage.campaign`` for how an agency's state is decided)."""

from __future__ import annotations

from .labelled import Labelled


class State(Labelled):
    """Decided once per agency and year by ``Store.campaign`` (storage/campaign.py)."""

    NOT_SUBMITTED = "not_submitted", "未报送"
    PASSING = "passing", "通过"
    ERRORS = "errors", "有错误"
    UNREADABLE = "unreadable", "无法读取"
    IMPORTED = "imported", "已导入"  # the published report collected outside the bot (e-mail) and imported
    INACTIVE = "inactive", "已停用"  # taken off the roster: kept in every list, never reminded or summed


class Source(Labelled):
    """Where the deciding report of an agency's year came from."""

    CHAT = "chat", "聊天"
    WEB = "web", "网页"
    CLI = "cli", "命令行"
    IMPORTED = "imported", "导入"


STATES: tuple[str, ...] = tuple(State.labels())
STATE_LABELS: dict[str, str] = State.labels()  # by the stored value
SUBMITTED_STATES = (State.PASSING, State.ERRORS, State.UNREADABLE, State.IMPORTED)
DONE_STATES = (State.PASSING, State.IMPORTED)  # nothing left for the agency to do: not late, not reminded


def accepted_label(accepted: int) -> str:
    """An agency whose remaining errors a supervisor accepted, in every view."""
    return f"通过（含 {accepted} 项已确认）"


def state_label(state: str, accepted: int = 0) -> str:
    """The label of a stored state, 通过（含 N 项已确认） when a person accepted the errors."""
    return accepted_label(accepted) if state == State.PASSING.value and accepted else STATE_LABELS[state]
