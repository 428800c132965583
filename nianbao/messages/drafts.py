"""The answers to a draft: its review (and how it compares with the last one), the rule
catalogue, and what the pipeline says when a draft cannot be checked or kept."""

from __future__ import annotations

from ..storage.acceptances import issue_key  # the one definition of an issue's identity
from ..validators.template import TABLE_BY_KEY, part_name
from .format import SEVERITY_MARK, escape, issue_html, local_time, split_message

__all__ = [
    "issue_places", "no_issue_numbered", "place", "place_lines",
    "AGENCY_QUOTA_FULL", "CHECK_CRASHED", "CHECK_TIMED_OUT", "FILE_TOO_LARGE", "GAVE_UP", "LEGACY_FORMATS",
    "MAX_FIXED_LISTED", "MISSING_END", "MISSING_START", "MISSING_TABLES", "NO_MARKUP_FOR_LEGACY", "CONVERTED_MARKUP",
    "OFF_TARGET", "PHOTO_NOT_READABLE", "RATE_LIMITED", "SHORT_TEXT", "STORAGE_UNAVAILABLE",
    "SUPERVISOR_DRAFT", "TELEGRAM_REFUSED", "fragment_held", "fragment_let_go", "prior_source_accepted",
    "prior_source_imported", "review_messages", "rules_messages",
]  # fmt: skip

MAX_FIXED_LISTED = 10


def _comparison_html(comparison, tz=None) -> str:
    when = local_time(comparison.previous.received_at, tz)
    lines = [
        f"<b>与上一稿（{when}）相比</b>：已改正 {len(comparison.fixed)} 项，"
        f"仍未改正 {len(comparison.remaining)} 项，新出现 {len(comparison.new)} 项。"
    ]
    for issue in comparison.fixed[:MAX_FIXED_LISTED]:
        lines.append(f"✅ 已改正：{escape(issue['message'])}")
    if len(comparison.fixed) > MAX_FIXED_LISTED:
        lines.append(f"……另有 {len(comparison.fixed) - MAX_FIXED_LISTED} 项已改正，不再逐条列出。")
    return "\n".join(lines)


def review_messages(review, agency_name: str | None, tz=None) -> list[str]:
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
        blocks.append(issue_html(issue, marker))
    if review.comparison and result.errors == 0 and review.comparison.previous.error_count > 0:
        blocks.append("🎉 所有错误都已改正。")
    if result.input_format in _CONVERTED_FORMATS and result.issues:
        blocks.append(CONVERTED_MARKUP.format(kind=result.input_format))
    elif result.input_format in _NO_MARKUP_FORMATS and result.issues:
        blocks.append(NO_MARKUP_FOR_LEGACY.format(kind=result.input_format, why=_NO_MARKUP_WHY[result.input_format]))
    return split_message("\n\n".join(blocks))


LEGACY_FORMATS = ("doc", "wps", "rtf", "odt", "html")
_CONVERTED_FORMATS = ("doc", "wps", "rtf", "odt")
_NO_MARKUP_FORMATS = ("html", "pdf")
_NO_MARKUP_WHY = {"html": "网页不能加批注", "pdf": "PDF 不能加批注"}
CONVERTED_MARKUP = (
    "（这是 .{kind} 文件：随后发送的批注版是转换成的 .docx 副本，每条意见作为批注加在对应位置。"
    "请在这份 .docx 上修改并以 .docx 发送，转换可能改变了少量版式，请核对。）"
)
NO_MARKUP_FOR_LEGACY = (
    "（这是 .{kind} 文件，{why}，所以没有批注版。在 Word/WPS 中“另存为 .docx”后再发送，"
    "就会收到一份把每条意见作为批注加在对应位置的批注版。）"
)
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
OFF_TARGET = (
    "⚠️ 这份报告不是本单位本年度的报告（见下面的意见），已记录，但<b>不会替换</b>本单位之前报送的报告，"
    "也不计入报送情况。请发送本单位本年度的报告。"
)
RATE_LIMITED = "您发送得太频繁了，请 {seconds} 秒后再发送。（每人每{window}最多审核 {limit} 份报告。）"
TELEGRAM_REFUSED = (
    "抱歉，无法处理您发送的「{name}」：聊天平台拒绝了下载或回复（文件可能过大，或内容无法显示）。"
    "请另存为 .docx（不超过 10 MB）后重新发送；如果一直如此，请联系县政务公开办。"
)
GAVE_UP = (
    "抱歉，您发送的「{name}」多次尝试后仍未能完成审核，已停止处理。"
    "请重新发送；如果一直如此，请把文件另存为 .docx 后再试，或联系县政务公开办。"
)
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


def rules_messages() -> list[str]:
    from ..validators.rules import all_rules  # the engine, only when asked: the CLI starts without it
    from ..validators.rules.catalog import AREAS

    blocks = ["<b>审核规则目录</b>（❌错误必须改正；⚠️警告需要核实；ℹ️提示供校对）"]
    rules = all_rules()
    for prefix, area in AREAS.items():
        members = [r for r in rules if r.code.startswith(prefix)]
        lines = [f"<b>{prefix} {area}</b>"]
        lines += [f"{SEVERITY_MARK[r.severity.value]} <code>{r.code}</code> {escape(r.summary)}" for r in members]
        blocks.append("\n".join(lines))
    return split_message("\n\n".join(blocks))


def prior_source_accepted(year: int) -> str:
    """Where the year-to-year rules' previous report came from: the agency's own passing draft."""
    return f"{year}年已通过的报送"


def prior_source_imported(year: int, file_name: str | None) -> str:
    """... or a report imported with ``nianbao history import``."""
    return f"导入的{year}年报告" + (f"（{file_name}）" if file_name else "")


# ---------------------------------------------------------------- a report pasted in parts (bot.fragments)

MISSING_START = "报告标题和第一、二部分"
MISSING_TABLES = "统计表"
MISSING_END = "第五部分、第六部分"


def fragment_held(gaps: list[str], wait_seconds: float) -> str:
    minutes = max(1, round(wait_seconds / 60))
    return (
        f"📝 看起来报告还没有发完：没有找到{'、'.join(gaps)}。\n"
        f"请在 {minutes} 分钟内接着发送其余部分，我会把它们合并起来一起审核；这一部分不会单独记为报送。"
    )


def fragment_let_go(characters: int) -> str:
    return (
        f"⏳ 没有收到后续内容：刚才那部分（约 {characters} 字）没有作为报告审核，也没有记为报送。"
        "请把报告全文一次粘贴发送，或发送 Word 文件（.docx）。"
    )


def place(issue: dict) -> str:
    """Where an issue (or one place of it) is, as a reader of the report says it: 表、行、列
    (表三, not the JSON key 依申请公开), or the section; every face words a place this way."""
    parts = []
    if issue.get("table"):
        spec = TABLE_BY_KEY.get(issue["table"])
        parts.append(spec.number if spec else issue["table"])
        if issue.get("row"):
            parts.append(f"「{issue['row']}」行")
        if issue.get("column"):
            parts.append(f"「{issue['column']}」列")
    elif issue.get("section"):
        parts.append(part_name(issue["section"]))
    if issue.get("location"):
        parts.append(f"（{issue['location']}）")
    return " ".join(parts) or "全文"


def place_lines(issue: dict) -> list[str]:
    """Each place of an issue (each member of a grouped one), with what is there and what should be."""
    lines = []
    for where in issue.get("places") or [issue]:
        text = place({**where, "section": issue.get("section")})
        if where.get("found") or where.get("expected"):
            text += f"：现为 {where.get('found') or '—'}" + (f"，应为 {where['expected']}" if where.get("expected") else "")
        lines.append(text)
    return lines


def issue_places(issue: dict) -> str:
    """「详情 3」: every place of issue 3 (each member of a grouped one), as the clerk looks for them."""
    places = place_lines(issue)
    lines = [f"<b>第 {issue['number']} 项（{issue['code']}）共 {len(places)} 处</b>：{escape(issue['message'])}"]
    lines += [f"{index}. {escape(line)}" for index, line in enumerate(places, start=1)]
    return "\n".join(lines)


def no_issue_numbered(number: int) -> str:
    return f"最新一稿没有第 {number} 项审核意见。"
