"""Where agencies stand: an agency's record, the county's status and who is overdue, reminders,
and the answers to an agency named (or a year asked for) in a command."""

from __future__ import annotations

import datetime as dt

from ..levels import LEVEL_WORDS, LEVELS
from ..states import State
from ..storage import AgencyState, Submission
from .format import escape, issue_html, local_time, split_message

__all__ = [
    "OFF_TARGET_MARK", "agency_messages", "agency_name_needed", "agency_not_found", "ambiguous_agency",
    "digest_message", "history_message", "no_such_year", "not_understood", "overdue_message",
    "reminder_message", "status_message", "year_usage", "status_line", "status_counts", "regions_message", "peers_ranking", "agency_peers_message", "figure_change",
]  # fmt: skip

OFF_TARGET_MARK = "他单位/非本年度，未计入"


def history_message(agency_name: str, submissions: list[Submission], tz=None, year: int | None = None) -> str:
    period = f"{year} 年度" if year else ""
    if not submissions:
        return f"<b>{escape(agency_name)}</b> {period}还没有报送记录。"
    own = sum(1 for item in submissions if not item.off_target)
    others = len(submissions) - own
    note = f"；另有 {others} 份{OFF_TARGET_MARK}" if others else ""
    lines = [f"<b>{escape(agency_name)} 的报送记录</b>（{period + '，' if period else ''}共 {own} 次{note}，最新在前）"]
    for index, item in enumerate(submissions, start=1):
        when = local_time(item.received_at, tz)
        if item.off_target:
            verdict = f"⚠️ {OFF_TARGET_MARK}"
        elif not item.parsed:
            verdict = "无法读取"
        elif item.error_count == 0:
            verdict = f"✅ 通过（{item.warning_count} 个警告）"
        else:
            verdict = f"❌ {item.error_count} 个错误，{item.warning_count} 个警告"
        lines.append(f"{index}. {when} {escape(item.file_name or '粘贴文本')} —— {verdict}")
    return "\n".join(lines)


def status_message(year: int, states: list[AgencyState], deadline: dt.date, today: dt.date) -> str:
    """The county's state of ``year`` (``Store.campaign``), as /status and the digest say it."""
    listed = [s for s in states if s.state != State.INACTIVE]
    counts = {state: sum(1 for s in listed if s.state == state) for state in State}
    submitted = sum(1 for s in listed if s.state != State.NOT_SUBMITTED)
    days = (deadline - today).days
    when = f"距截止日期（{deadline.month}月{deadline.day}日）还有 {days} 天" if days >= 0 else f"已超过截止日期 {-days} 天"
    imported = f"，已导入已公开报告 {counts[State.IMPORTED]} 个" if counts[State.IMPORTED] else ""
    lines = [
        f"<b>{year} 年度报告报送情况</b>",
        when,
        f"应报单位 {len(listed)} 个：已报送 {submitted} 个，通过 {counts[State.PASSING]} 个{imported}，"
        f"有错误 {counts[State.ERRORS]} 个，无法读取 {counts[State.UNREADABLE]} 个，未报送 {counts[State.NOT_SUBMITTED]} 个。",
    ]
    if len(listed) < len(states):
        lines.append(f"另有已停用单位 {len(states) - len(listed)} 个，不计入。")
    failing = [s for s in listed if not s.done]
    if failing:
        lines += ["", "<b>尚未通过的单位</b>"]
        lines += [_status_line(i, s) for i, s in enumerate(failing, start=1)]
    else:
        lines.append("🎉 所有单位都已通过审核。")
    confirmed = [s for s in listed if s.state == State.PASSING and s.accepted]
    if confirmed:
        lines += ["", "<b>经督导员确认后通过的单位</b>"]
        lines += [f"{i}. {escape(s.agency.name)} —— {s.label}" for i, s in enumerate(confirmed, start=1)]
    return "\n".join(lines)


def _status_line(index: int, state: AgencyState) -> str:
    detail = state.label
    if state.state == State.ERRORS:
        detail += f"（{state.remaining_errors} 个错误" + (f"，另有 {state.accepted} 项已确认" if state.accepted else "") + "）"
    if state.set_aside:
        detail += f"；另有 {len(state.set_aside)} 份{OFF_TARGET_MARK}"
    if state.late_days:
        detail += f"；逾期 {state.late_days} 天"
    return f"{index}. {escape(state.agency.name)} —— {detail}"


def overdue_message(year: int, states: list[AgencyState], deadline: dt.date, today: dt.date) -> str:
    failing = [s for s in states if s.state != State.INACTIVE and not s.done]
    late = today > deadline
    title = f"<b>{year} 年度：{'已逾期' if late else '尚未通过审核'}的单位（{len(failing)} 个）</b>"
    if not failing:
        return title + "\n🎉 没有。所有单位都已通过。"
    return "\n".join([title, *(_status_line(i, s) for i, s in enumerate(failing, start=1))])


def _word_marker(words: tuple | None, tz=None) -> str:
    """An issue's human words in chat: a supervisor's acceptance and the agency's explanation."""
    if not words:
        return ""
    acceptance, explanation = words
    marker = ""
    if acceptance is not None:
        marker += f"\n   ✔️ 已确认（{local_time(acceptance.accepted_at, tz)}）：{escape(acceptance.reason)}"
    if explanation is not None:
        marker += f"\n   💬 单位说明：{escape(explanation.text)}"
    return marker


def agency_messages(
    agency, submissions: list[Submission], tz=None, words: dict[int, tuple] | None = None, state: AgencyState | None = None
) -> list[str]:
    """One agency's record and its latest draft's issues; ``words``: by issue number, the
    acceptance and explanation on it (storage.acceptances.words_on_latest); ``state``: where it
    stands (the campaign state every window shows)."""
    words = words or {}
    blocks = [history_message(agency.name, submissions, tz)]
    if state is not None:
        standing = f"状态：<b>{escape(state.label)}</b>"
        if state.state == State.IMPORTED:
            standing += f"（导入的已公开报告 {escape(state.imported_file or '')}）"
        if state.late_days:
            standing += f"，逾期 {state.late_days} 天"
        standing += "；计入汇总" if state.counted else f"；未计入汇总：{escape(state.not_counted or '')}"
        blocks.insert(0, standing)
    own = [item for item in submissions if not item.off_target]
    if own:
        latest = own[0]
        if latest.parsed and latest.issues:
            blocks.append("<b>最新一稿的审核意见</b>")
            blocks += [issue_html(issue, _word_marker(words.get(issue.get("number")), tz)) for issue in latest.issues]
        elif latest.parsed:
            blocks.append("最新一稿没有发现问题。")
        else:
            blocks.append(f"最新一稿无法读取：{escape(latest.message or '')}")
    level = LEVELS.get(agency.level, agency.level)
    at = 1 if state is not None else 0
    blocks[at] = blocks[at].replace("</b>", f"</b> · {escape(level)}", 1)
    return split_message("\n\n".join(blocks))


def reminder_message(agency_name: str, year: int, days_left: int, deadline: dt.date, state: str) -> str:
    when = "今天就是截止日期" if days_left == 0 else f"距截止日期还有 {days_left} 天"
    status = {"not_submitted": "还没有报送", "unreadable": "发送的文件无法读取，还没有可审核的稿件"}.get(state, "最新一稿还有错误未改正")
    return (
        f"⏰ <b>提醒</b>：{escape(agency_name)} 的 {year} 年度政府信息公开工作年度报告{status}。\n"
        f"{when}（{deadline.month}月{deadline.day}日）。请尽快把报告发给我审核。"
    )


def digest_message(year: int, states: list[AgencyState], deadline: dt.date, today: dt.date) -> str:
    return "⏰ <b>督导提醒</b>\n" + status_message(year, states, deadline, today)


def agency_name_needed(command: str) -> str:
    return f"请在命令后写单位名称，例如：<code>/{command} 学张乡</code>"


def ambiguous_agency(name: str, candidates) -> str:
    names = "、".join(a.name for a in candidates[:10])
    return f"「{escape(name)}」对应多个单位：{escape(names)}。请写得更完整一些。"


def agency_not_found(name: str) -> str:
    return (
        f"没有找到单位「{escape(name)}」。如果是新单位，督导员可以发送 "
        f"<code>/addagency {escape(name)} 乡镇</code>（层级可以写：{LEVEL_WORDS}）添加，再生成邀请码。"
    )


def year_usage(command: str, current: int) -> str:
    return f"可以写年度，例如 <code>/{command} {current - 1}</code>；不写则是正在审核的 {current} 年度。"


def no_such_year(year: int, first: int, current: int) -> str:
    return f"没有 {year} 年度的报告：可以查看 {first} 年度到 {current} 年度。"


def not_understood(words: str) -> str:
    """Words after a command that it does not take (the year usage follows)."""
    return f"不明白「{escape(words)}」。"


def status_line(state: AgencyState, tz=None) -> str:
    """One agency's state as ``nianbao status`` prints it (plain text, tab-separated)."""
    when = local_time(state.submitted_at, tz) if state.submitted_at else ""
    source = state.source.label if state.source else ""
    counted = "计入汇总" if state.counted else f"未计入汇总（{state.not_counted}）"
    late = f"逾期 {state.late_days} 天" if state.late_days else ""
    return "\t".join([state.agency.name, state.label, source, when, counted, late]).rstrip("\t")


def status_counts(year: int, states: list[AgencyState]) -> str:
    counts = {state: sum(1 for s in states if s.state == state) for state in State}
    return f"{year} 年度，共 {len(states)} 个单位：" + "，".join(f"{state.label} {n}" for state, n in counts.items() if n)


def regions_message(rows) -> str:
    """A city supervisor's view: one line per county (``usecases.campaign.region_rows``)."""
    lines = ["<b>各地区情况</b>"]
    for row in rows:
        late = f"，逾期 {row.late} 个" if row.late else ""
        name = escape(row.region) if row.region else "本级单位"
        lines.append(f"{name}：{row.agencies} 个单位，已报送 {row.submitted} 个，通过 {row.passing} 个{late}")
    return "\n".join(lines)


_VERDICT_WORDS = {"confirmed": "已核实", "dismissed": "无需关注"}


def peers_ranking(review) -> str:
    """/peers: the agencies most worth a look (``usecases.peers.county_peers``)."""
    if not review.ranking:
        return f"在 {review.reporting} 个已有可读报告的单位中，没有发现异常的数字。"
    lines = [f"<b>最值得先看的单位</b>（{review.reporting} 个单位有可读报告）"]
    for index, ranked in enumerate(review.ranking, start=1):
        what = "；".join(f"{o.figure} {o.value:g}，{escape(o.why)}" for o in ranked.outliers[:3])
        lines.append(f"{index}. {escape(ranked.agency.name)}：{what}")
    lines.append("发送 <code>/peers 单位名称</code> 查看该单位的关键数字。")
    return "\n".join(lines)


def agency_peers_message(view) -> str:
    """/peers 单位名称: each key figure once, against the peers and last year side by side."""
    head = f"<b>{escape(view.agency.name)}</b>：与同级单位（{view.peers} 个）、与上年比较"
    lines = [head + ("\n同级单位太少，不作比较。" if view.few_peers else "")]
    for row in view.rows:
        if row.value is None:
            continue
        peers = f"同级中位数 {row.peers.median:g}（{row.position}）" if row.peers else ""
        parts = [p for p in (peers, row.change) if p]
        lines.append(f"{escape(row.name)}：{row.value:g}" + (f" —— {'；'.join(parts)}" if parts else ""))
    for outlier in view.outliers:
        note = view.notes.get(outlier.figure)
        word = f"（{_VERDICT_WORDS.get(note.verdict, note.verdict)}：{escape(note.note)}）" if note else ""
        lines.append(f"⚠️ {escape(outlier.figure)}：{escape(outlier.why)}{word}")
    return "\n".join(lines)


def figure_change(now: float, before: float, rate: float | None) -> str:
    """A key figure against last year's: 较上年增长 12.5% / 持平 / 上年为 0，本年 5."""
    if now == before:
        return "持平"
    if rate is None:
        return f"上年为 0，本年 {now:g}"
    return f"较上年{'增长' if rate > 0 else '下降'} {abs(rate):.1f}%"
