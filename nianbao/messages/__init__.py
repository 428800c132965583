"""Everything the bot says, in simplified Chinese, as Telegram HTML (escaped), split to fit."""

from __future__ import annotations

import datetime as dt
import re
from html import escape

from ..states import STATE_LABELS, accepted_label
from ..storage import AgencyStatus, Submission
from ..validators.model import Severity
from ..validators.render import HINT_PREFIX
from ..validators.rules.catalog import AREAS
from ..validators.rules import all_rules
from ..levels import LEVELS
from ..drafts.review import Comparison, Review, issue_key

TELEGRAM_LIMIT = 4096
SEVERITY_LABEL = {s.value: s.label for s in Severity}
SEVERITY_MARK = {"error": "❌", "warning": "⚠️", "info": "ℹ️"}


def split_message(text: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Split at blank lines, then lines, so no tag or issue is cut in the middle."""
    return _pack([piece for block in text.split("\n\n") for piece in _fit(block, limit)], "\n\n", limit) or [""]


def _fit(block: str, limit: int) -> list[str]:
    if len(block) <= limit:
        return [block]
    lines = [piece for line in block.split("\n") for piece in _cut_line(line, limit)]
    return _pack(lines, "\n", limit)


_TOKEN = re.compile(r"<(/?)(\w+)[^>]*>|&#?\w+;|[^<&]+?(?=[<&]|$)|[<&]", re.S)


def _cut_line(line: str, limit: int) -> list[str]:
    """A single huge line cut between characters, never inside an entity (``&amp;``) or a tag;
    tags open at a cut are closed there and opened again in the next piece."""
    if len(line) <= limit:
        return [line]
    pieces, current, open_tags = [], "", []  # open_tags: (name, the opening tag as written)
    for match in _TOKEN.finditer(line):
        token = match.group(0)
        units = [token] if match.group(2) or token.startswith("&") else list(token)
        for unit in units:
            closing = "".join(f"</{name}>" for name, _ in reversed(open_tags))
            if current and len(current) + len(unit) + len(closing) > limit:
                pieces.append(current + closing)
                current = "".join(tag for _, tag in open_tags)
            current += unit
        if match.group(2):
            if match.group(1):
                if open_tags and open_tags[-1][0] == match.group(2):
                    open_tags.pop()
            else:
                open_tags.append((match.group(2), token))
    return [*pieces, current] if current else pieces


def _pack(pieces: list[str], separator: str, limit: int) -> list[str]:
    """Join consecutive pieces (each within ``limit``) into as few chunks within ``limit`` as fit."""
    chunks: list[str] = []
    current = ""
    for piece in pieces:
        candidate = f"{current}{separator}{piece}" if current else piece
        if len(candidate) <= limit:
            current = candidate
        else:
            chunks.append(current)
            current = piece
    if current:
        chunks.append(current)
    return chunks


def _issue_html(issue: dict, marker: str = "") -> str:
    label = SEVERITY_LABEL.get(issue["severity"], issue["severity"])
    text = f"{issue['number']}. {SEVERITY_MARK.get(issue['severity'], '')}<b>[{label}]</b> {escape(issue['message'])}{marker}"
    if issue.get("hint"):
        text += f"\n   <i>{HINT_PREFIX}{escape(issue['hint'])}</i>"
    return text


MAX_FIXED_LISTED = 10


def _comparison_html(comparison: Comparison, tz=None) -> str:
    when = _local(comparison.previous.received_at, tz)
    lines = [
        f"<b>与上一稿（{when}）相比</b>：已改正 {len(comparison.fixed)} 项，"
        f"仍未改正 {len(comparison.remaining)} 项，新出现 {len(comparison.new)} 项。"
    ]
    for issue in comparison.fixed[:MAX_FIXED_LISTED]:
        lines.append(f"✅ 已改正：{escape(issue['message'])}")
    if len(comparison.fixed) > MAX_FIXED_LISTED:
        lines.append(f"……另有 {len(comparison.fixed) - MAX_FIXED_LISTED} 项已改正，不再逐条列出。")
    return "\n".join(lines)


def _local(moment: dt.datetime, tz=None) -> str:
    moment = moment.astimezone(tz) if tz else moment
    return f"{moment.month}月{moment.day}日 {moment:%H:%M}"


def review_messages(review: Review, agency_name: str | None, tz=None) -> list[str]:
    result = review.result
    if result.error:
        return [f"❗ <b>无法审核「{escape(result.source_name)}」</b>\n{escape(result.error.message)}"]
    report = result.report
    name = (report.agency if review.off_target else None) or agency_name or report.agency or "报告"
    year = f"{report.year}年度" if report.year else ""
    head = [f"<b>审核结果：{escape(name)} {year}政府信息公开工作年度报告</b>"]
    counts = f"{result.errors} 个错误，{result.warnings} 个警告" + (f"，{result.infos} 条提示" if result.infos else "")
    if review.off_target:
        verdict = "。"
    elif result.errors == 0:
        verdict = "。✅ 没有错误，已记录为通过（发给我审核即为报送）。"
    else:
        verdict = "。请改正错误后重新发送。"
    head.append(counts + verdict)
    blocks = ["\n".join(head)]
    if review.off_target:
        blocks.append(OFF_TARGET)
    if review.comparison:
        same = review.comparison.previous.sha256 == result.sha256
        blocks.append("（这一稿与上一稿的文件内容完全相同。）" if same else _comparison_html(review.comparison, tz))
    new_keys = {issue_key(i) for i in review.comparison.new} if review.comparison else set()
    for issue in review.issues:
        marker = " 🆕" if review.comparison and issue_key(issue) in new_keys else ""
        blocks.append(_issue_html(issue, marker))
    if review.comparison and result.errors == 0 and review.comparison.previous.error_count > 0:
        blocks.append("🎉 所有错误都已改正。")
    if result.input_format in LEGACY_FORMATS and result.issues:
        blocks.append(NO_MARKUP_FOR_LEGACY.format(kind=result.input_format))
    return split_message("\n\n".join(blocks))


LEGACY_FORMATS = ("doc", "wps", "rtf")
NO_MARKUP_FOR_LEGACY = (
    "（这是 .{kind} 文件，不能直接加批注，所以没有批注版。在 Word/WPS 中“另存为 .docx”后再发送，"
    "就会收到一份把每条意见作为批注加在对应位置的批注版。）"
)


# ---------------------------------------------------------------- people and access

WELCOME = (
    "您好！我是<b>年报审核助手</b>，审核政府信息公开工作年度报告。\n\n"
    "请先绑定本单位：向县政务公开办索取邀请码，然后发送 <code>/start 邀请码</code>。"
)
NOT_BOUND = "您还没有绑定单位，不能提交或查看报告。请向县政务公开办索取邀请码，然后发送 <code>/start 邀请码</code>。"
SUPERVISORS_ONLY = "抱歉，这个命令只有督导员可以使用。"
ADMINS_ONLY = "抱歉，这个命令只有管理员可以使用。"
INVITE_ERRORS = {
    "unknown": "邀请码无效，请核对后重新发送（不区分大小写）。",
    "used": "这个邀请码已经使用过了。每个邀请码只能用一次，请向县政务公开办重新索取。",
    "expired": "这个邀请码已过期，请向县政务公开办重新索取。",
}
FILE_TOO_LARGE = "文件太大（{size:.1f} MB），超过 {limit:g} MB 的限制。年度报告的 .docx 通常不到 1 MB，请确认没有插入大图片。"
AGENCY_QUOTA_FULL = (
    "本单位保存的稿件已占用 {used:.1f} MB，再存这份（{size:.1f} MB）会超过 {limit:g} MB 的上限，"
    "所以这份稿件没有保存，也没有审核。请联系县政务公开办清理旧稿或调高上限后再发送。"
)
PHOTO_NOT_READABLE = (
    "图片无法审核：照片或截图里的文字读不出来。请发送年度报告的 Word 文件（.docx），"
    "或把报告全文复制粘贴发送；已发布的报告也可以发送带文字层的 PDF。"
)
SHORT_TEXT = "请发送年度报告的 Word 文件（.docx），或把报告全文粘贴发送。发送 /help 查看使用说明。"
SUPERVISOR_CANNOT_JOIN = "您是督导员，不能绑定到某个单位（绑定后会以该单位名义报送）。请把邀请码转给该单位的工作人员。"
UNKNOWN_COMMAND = "未知命令。发送 /help 查看可用命令。"
OFF_TARGET = (
    "⚠️ 这份报告不是本单位本年度的报告（见下面的意见），已记录，但<b>不会替换</b>本单位之前报送的报告，"
    "也不计入报送情况。请发送本单位本年度的报告。"
)
RATE_LIMITED = "您发送得太频繁了，请 {seconds} 秒后再发送。（每人每{window}最多审核 {limit} 份报告。）"
TELEGRAM_REFUSED = (
    "抱歉，无法处理您发送的「{name}」：Telegram 拒绝了下载或回复（文件可能过大，或内容无法显示）。"
    "请另存为 .docx（不超过 10 MB）后重新发送；如果一直如此，请联系县政务公开办。"
)
GAVE_UP = (
    "抱歉，您发送的「{name}」多次尝试后仍未能完成审核，已停止处理。"
    "请重新发送；如果一直如此，请把文件另存为 .docx 后再试，或联系县政务公开办。"
)


def duration(seconds: float) -> str:
    """60 → "分钟", 120 → "2 分钟", 90 → "90 秒", 3600 → "小时"."""
    for unit, size in (("小时", 3600), ("分钟", 60)):
        if seconds >= size and seconds % size == 0:
            count = int(seconds // size)
            return unit if count == 1 else f" {count} {unit}"
    return f" {seconds:g} 秒"
STORAGE_UNAVAILABLE = (
    "抱歉，系统暂时无法保存您的报告（数据库繁忙或磁盘空间不足），本次没有记录任何内容。"
    "请过几分钟重新发送同一份文件；如果一直如此，请联系县政务公开办。"
)
CHECK_TIMED_OUT = (
    "抱歉，这个文件处理时间过长（超过 {seconds:.0f} 秒），已停止处理。"
    "请在 Word/WPS 中打开后另存为 .docx（文件 → 另存为 → Word 文档）再发送；本次报送已记录为“无法读取”。"
)
CHECK_CRASHED = (
    "抱歉，这个文件无法处理（文件可能已损坏，或结构异常、占用内存过大）。"
    "请在 Word/WPS 中打开后另存为 .docx 再发送；本次报送已记录为“无法读取”。"
)
SUPERVISOR_DRAFT = "（督导员发送的报告只审核，不计入任何单位的报送记录。）"


def bound_message(agency_name: str, role: str) -> str:
    if role == "supervisor":
        return "✅ 已登记为<b>督导员</b>。发送 /status 查看本年度报送情况，/help 查看全部命令。"
    return (
        f"✅ 绑定成功：<b>{escape(agency_name)}</b>。\n"
        "现在可以直接发送年度报告的 Word 文件（.docx），或把全文粘贴发送，几秒钟内返回审核意见。"
    )


def already_bound(agency_name: str) -> str:
    return f"您已绑定：<b>{escape(agency_name)}</b>。直接发送年度报告即可审核；发送 /help 查看使用说明。"


HELP_TITLE = "<b>年报审核助手使用说明</b>"
HELP_DRAFTS = (
    "• 直接发送年度报告 .docx 文件（也可以是 .txt 或带文字层的 PDF），或把报告全文粘贴发送，即可审核。",
    "• 再次发送修改稿时，会告诉您哪些问题已改正、哪些仍未改正。",
    "• 对某一项意见有说明（例如数字变化的原因）时，发送「说明 序号 内容」，例如：说明 3 本年机构改革，申请量下降",
)
HELP_SECTIONS = {"supervisor": "<b>督导员命令</b>", "admin": "<b>管理员命令</b>"}


def deadline_answer(year: int, deadline: dt.date) -> str:
    return (
        f"📅 {year} 年度政府信息公开工作年度报告的报送截止日期是 <b>{deadline.year}年{deadline.month}月{deadline.day}日</b>。"
        "把报告发给我审核，没有错误即记为通过。"
    )


def help_deadline(year: int, deadline: dt.date) -> str:
    return f"📅 正在审核 {year} 年度报告，报送截止日期：<b>{deadline.year}年{deadline.month}月{deadline.day}日</b>。"


def rules_messages() -> list[str]:
    blocks = ["<b>审核规则目录</b>（❌错误必须改正；⚠️警告需要核实；ℹ️提示供校对）"]
    rules = all_rules()
    for prefix, area in AREAS.items():
        members = [r for r in rules if r.code.startswith(prefix)]
        lines = [f"<b>{prefix} {area}</b>"]
        lines += [f"{SEVERITY_MARK[r.severity.value]} <code>{r.code}</code> {escape(r.summary)}" for r in members]
        blocks.append("\n".join(lines))
    return split_message("\n\n".join(blocks))


# ---------------------------------------------------------------- history and status


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
        when = _local(item.received_at, tz)
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


def status_message(year: int, statuses: list[AgencyStatus], deadline: dt.date, today: dt.date) -> str:
    counts = {state: sum(1 for s in statuses if s.state == state) for state in STATE_LABELS}
    submitted = len(statuses) - counts["not_submitted"]
    days = (deadline - today).days
    when = f"距截止日期（{deadline.month}月{deadline.day}日）还有 {days} 天" if days >= 0 else f"已超过截止日期 {-days} 天"
    lines = [
        f"<b>{year} 年度报告报送情况</b>",
        when,
        f"应报单位 {len(statuses)} 个：已报送 {submitted} 个，通过 {counts['passing']} 个，"
        f"有错误 {counts['errors']} 个，无法读取 {counts['unreadable']} 个，未报送 {counts['not_submitted']} 个。",
    ]
    failing = [s for s in statuses if s.state != "passing"]
    if failing:
        lines += ["", "<b>尚未通过的单位</b>"]
        lines += [_status_line(i, s) for i, s in enumerate(failing, start=1)]
    else:
        lines.append("🎉 所有单位都已通过审核。")
    confirmed = [s for s in statuses if s.state == "passing" and s.accepted]
    if confirmed:
        lines += ["", "<b>经督导员确认后通过的单位</b>"]
        lines += [f"{i}. {escape(s.agency.name)} —— {accepted_label(s.accepted)}" for i, s in enumerate(confirmed, start=1)]
    return "\n".join(lines)


WORD_FOR_STAFF = "📌 县政务公开办督导员对本单位最新一稿的审核意见作了处理：{what}"
WEB_OFF = "网页版没有开启（NIANBAO_WEB=off）。"
WEB_LINK = "网页版一次性登录链接（{minutes} 分钟内有效，只能使用一次，请勿转发）：\n{link}"


def _status_line(index: int, status: AgencyStatus) -> str:
    detail = STATE_LABELS[status.state]
    if status.state == "errors" and status.latest:
        detail += f"（{status.latest.error_count} 个错误）"
    return f"{index}. {escape(status.agency.name)} —— {detail}"


def overdue_message(year: int, statuses: list[AgencyStatus], deadline: dt.date, today: dt.date) -> str:
    failing = [s for s in statuses if s.state != "passing"]
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
        marker += f"\n   ✔️ 已确认（{_local(acceptance.accepted_at, tz)}）：{escape(acceptance.reason)}"
    if explanation is not None:
        marker += f"\n   💬 单位说明：{escape(explanation.text)}"
    return marker


def agency_messages(agency, submissions: list[Submission], tz=None, words: dict[int, tuple] | None = None) -> list[str]:
    """One agency's record and its latest draft's issues; ``words``: by issue number, the
    acceptance and explanation on it (storage.acceptances.words_on_latest)."""
    words = words or {}
    blocks = [history_message(agency.name, submissions, tz)]
    own = [item for item in submissions if not item.off_target]
    if own:
        latest = own[0]
        if latest.parsed and latest.issues:
            blocks.append("<b>最新一稿的审核意见</b>")
            blocks += [_issue_html(issue, _word_marker(words.get(issue.get("number")), tz)) for issue in latest.issues]
        elif latest.parsed:
            blocks.append("最新一稿没有发现问题。")
        else:
            blocks.append(f"最新一稿无法读取：{escape(latest.message or '')}")
    level = LEVELS.get(agency.level, agency.level)
    blocks[0] = blocks[0].replace("</b>", f"</b> · {escape(level)}", 1)
    return split_message("\n\n".join(blocks))


def reminder_message(agency_name: str, year: int, days_left: int, deadline: dt.date, state: str) -> str:
    when = "今天就是截止日期" if days_left == 0 else f"距截止日期还有 {days_left} 天"
    status = {"not_submitted": "还没有报送", "unreadable": "发送的文件无法读取，还没有可审核的稿件"}.get(state, "最新一稿还有错误未改正")
    return (
        f"⏰ <b>提醒</b>：{escape(agency_name)} 的 {year} 年度政府信息公开工作年度报告{status}。\n"
        f"{when}（{deadline.month}月{deadline.day}日）。请尽快把报告发给我审核。"
    )


def digest_message(year: int, statuses: list[AgencyStatus], deadline: dt.date, today: dt.date) -> str:
    return "⏰ <b>督导提醒</b>\n" + status_message(year, statuses, deadline, today)


# ---------------------------------------------------------------- commands' replies and files

REBOUND = "\n（原来绑定的单位是「{name}」，已改为新单位。）"
SUPERVISOR_USE_AGENCY = "督导员请用 /agency 单位名称 查看某个单位的记录。"
ERROR_NOTICE = "抱歉，处理您的消息时出错了。请稍后再试一次；如果一直出错，请联系县政务公开办。"
MARKED_UP_CAPTION = (
    "审核批注版：上面的 {count} 条意见已作为批注加在文件中对应的单元格、行或段落旁，编号相同。"
    "可在 Word/WPS 中直接修改后重新发送。"
)
CLEAN_COPY_CAPTION = "所有问题都已改正：这是去掉了审核批注的干净版本（您自己加的批注仍保留），可以直接使用。"
STATUS_CHART_CAPTION = "{year} 年度报告：各单位状态，以及每天收到的报送和累计通过的单位（虚线为截止日期）"
STATUS_CHART_FILE = "{year}年度报送情况.png"
SUMMARY_FILE = "{year}年度政府信息公开统计汇总.xlsx"
SUMMARY_ALL_WORDS = ("全部", "all", "含错误")
TEMPLATE_FILE = "{agency}{year}年政府信息公开工作年度报告（空白模板）.docx"
TEMPLATE_CAPTION = "标准格式的空白年报：六个部分的标题和三张统计表都已排好，请在此基础上填写，数字填 0 而不要留空。"
EXPORT_FILE = "{year}年度报告报送情况.csv"
EXPORT_CAPTION = "{year} 年度报告报送情况（CSV，可用 Excel/WPS 打开）"
NO_STORED_DRAFT = "「{name}」还没有可下载的报送文件（或已超过保存期限）。"
PROMOTE_USAGE = "用法：<code>/promote 用户ID</code>"
PROMOTED = "已把用户 {user_id} 设为督导员。"


def summary_caption(include_errors: bool) -> str:
    return "汇总表（三张统计表之和，另有各单位情况表）" + (
        "，含有错误的单位" if include_errors else "；有错误的单位未计入，发送 /summary 全部 可计入"
    )


def agency_name_needed(command: str) -> str:
    return f"请在命令后写单位名称，例如：<code>/{command} 学张乡</code>"


def ambiguous_agency(name: str, candidates) -> str:
    names = "、".join(a.name for a in candidates[:10])
    return f"「{escape(name)}」对应多个单位：{escape(names)}。请写得更完整一些。"


def agency_not_found(name: str) -> str:
    return (
        f"没有找到单位「{escape(name)}」。如果是新单位，督导员可以发送 "
        f"<code>/addagency {escape(name)} 乡镇</code>（层级可以写：乡镇、县直部门、市直部门、省直部门、政府、其他）添加，再生成邀请码。"
    )


def year_usage(command: str, current: int) -> str:
    return f"可以写年度，例如 <code>/{command} {current - 1}</code>；不写则是正在审核的 {current} 年度。"


def draft_caption(agency_name: str, submission: Submission, received: dt.datetime) -> str:
    if not submission.parsed:
        verdict = "无法读取"
    else:
        verdict = f"{submission.error_count} 个错误" if submission.error_count else "已通过"
    return (
        f"{escape(agency_name)} 最新报送的文件（{received:%Y-%m-%d %H:%M}，{verdict}，"
        f"原文件名「{escape(submission.file_name or '')}」）"
    )


def invite_message(agency_name: str, code: str, link: str, ttl_days: int) -> str:
    return (
        f"<b>{escape(agency_name)}</b> 的邀请码：<code>{code}</code>\n"
        f"{ttl_days} 天内有效，只能使用一次。工作人员发送 <code>/start {code}</code> 或打开链接即可绑定：\n{link}"
    )
