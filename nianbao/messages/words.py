"""A human word over the checker (usecases.words, usecases.chat): a supervisor accepts an issue of an
agency's latest draft (``/accept``) or revokes it (``/unaccept``), staff explain one (``说明 3 …``),
and the staff are told of a supervisor's word."""

from __future__ import annotations

from .format import escape

__all__ = [
    "ACCEPT_USAGE", "UNACCEPT_USAGE", "WORD_DONE", "WORD_FOR_STAFF", "accepted", "explained",
    "never_accepted", "no_issue_to_explain", "no_readable_draft", "no_such_issue", "unaccepted",
    "not_the_deciding_draft", "only_warnings_explained", "unaccepted_for_staff",
]  # fmt: skip

WORD_DONE = "✅ "  # opens the answer to an acceptance or revocation that was made (and only those)
ACCEPT_USAGE = "用法：<code>/accept 单位名称 序号 理由</code>，例如 <code>/accept 学张乡 3 经核实，该单位本年无行政许可事项</code>（序号是该单位最新一稿审核意见的编号）。"
UNACCEPT_USAGE = "用法：<code>/unaccept 单位名称 序号 [理由]</code>"
WORD_FOR_STAFF = "📌 县政务公开办督导员对本单位最新一稿的审核意见作了处理：{what}"


def no_readable_draft(agency_name: str) -> str:
    return f"「{escape(agency_name)}」本年度还没有可读的报送。"


def no_such_issue(agency_name: str, number: int, *, pointing: bool = False) -> str:
    """``pointing``: also say how to see the agency's issues."""
    text = f"「{escape(agency_name)}」最新一稿没有第 {number} 项审核意见。"
    if pointing:
        text += f"发送 <code>/agency {escape(agency_name)}</code> 查看。"
    return text


def accepted(agency_name: str, number: int, code: str, reason: str, state: str) -> str:
    return (
        f"{WORD_DONE}已确认「{escape(agency_name)}」最新一稿的第 {number} 项（{code}）：{escape(reason)}\n"
        f"该项不再计为错误；以后的稿件中仍有同一问题时继续有效。该单位现在：{state}。"
    )


def never_accepted(agency_name: str, number: int) -> str:
    return f"「{escape(agency_name)}」最新一稿的第 {number} 项没有被确认过。"


def unaccepted(agency_name: str, number: int, code: str) -> str:
    return f"{WORD_DONE}已撤销对「{escape(agency_name)}」第 {number} 项（{code}）的确认，该项重新计为错误。"


def no_issue_to_explain(number: int) -> str:
    return f"本单位最新一稿没有第 {number} 项审核意见，说明没有记录。"


def explained(number: int, code: str, text: str) -> str:
    return f"已记录对第 {number} 项（{code}）的说明，督导员会在该项旁看到：{escape(text)}"


def not_the_deciding_draft(agency_name: str) -> str:
    return f"这一稿已不是「{escape(agency_name)}」当前有效的稿件：只能确认其最新一稿的审核意见。"


def only_warnings_explained(number: int) -> str:
    return f"第 {number} 项是错误，需要改正后重新发送；只有警告可以说明理由。"


def unaccepted_for_staff(agency_name: str, number: int, code: str, reason: str | None) -> str:
    why = f"（{escape(reason)}）" if reason else ""
    return f"撤销了对第 {number} 项（{code}）的确认{why}，该项重新计为错误，请改正后重新发送。"
