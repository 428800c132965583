"""What the operator reads in a terminal or the log, not in the chat: serve without a token, the
Telegram server out of reach (both in Chinese and English: the log is read by whoever runs the
server), and ``nianbao history import``'s problems with a report."""

from __future__ import annotations

__all__ = [
    "ANNOTATE_ONE_FILE", "ARGPARSE_WORDS", "CHART_NEEDS_DATABASE", "DEACTIVATED_MARK", "FILE_NOT_FOUND",
    "IS_A_FOLDER", "NOT_ANNOTATED_NOT_DOCX", "NOT_ANNOTATED_NO_ISSUES",
    "NO_FILES_TO_CHECK", "NO_FILES_TO_IMPORT", "NO_READ_PERMISSION",
    "NO_REPORTS_TO_SUM", "NO_TOKEN_MESSAGE", "WEB_ONLY", "REACH_NO_TOKEN", "REACH_TOKEN_REJECTED",
    "agency_added_to_roster", "agency_in_roster", "agency_level_set", "agency_name_ambiguous",
    "agency_not_in_roster", "agency_renamed", "agency_switched", "annotate_over_input", "annotated_saved", "bad_date", "converted_annotated",
    "cannot_add_agency", "cannot_open_file", "cannot_read", "chart_saved", "clean_copy_saved",
    "cli_member_removed", "cli_not_a_member", "days_not_a_number", "days_out_of_range",
    "history_counts", "history_failed", "history_imported", "import_ambiguous", "import_not_in_roster",
    "import_other_year", "invite_agency",
    "level_changed", "previous_cannot_open", "previous_other_year", "previous_source",
    "previous_unreadable", "reach_connection_failed", "reach_refused", "region_changed", "roster_imported",
    "skipped", "skipped_not_a_report", "summary_no_database", "summary_saved", "template_saved",
    "unreachable", "web_no_database",
]  # fmt: skip

NO_TOKEN_MESSAGE = """\
没有设置 TELEGRAM_BOT_TOKEN：机器人无法启动。没有配置企业微信（NIANBAO_WECOM_CORP_ID、_AGENT_ID、_SECRET、
_TOKEN、_AES_KEY），网页版也已关闭（NIANBAO_WEB=off），没有可以启动的入口。请在环境变量（或 systemd 的
EnvironmentFile）中设置 TELEGRAM_BOT_TOKEN 或企业微信的五项设置，或打开网页版；只想在本机试用，请运行 `nianbao demo`。
TELEGRAM_BOT_TOKEN is not set: the bot cannot start. No 企业微信 (WeCom) settings either and the web desk
is off (NIANBAO_WEB=off): nothing to serve. Set TELEGRAM_BOT_TOKEN or the five NIANBAO_WECOM_* settings
in the environment (or systemd's EnvironmentFile), or turn the web desk on; to try it locally, run
`nianbao demo`."""
WEB_ONLY = "没有配置聊天平台（Telegram、企业微信）：只运行网页版 / no chat face configured: serving the web desk alone"


# ---------------------------------------------------------------- reaching the Bot API server (bot.reach)

REACH_NO_TOKEN = "没有设置 TELEGRAM_BOT_TOKEN / TELEGRAM_BOT_TOKEN is not set"
REACH_TOKEN_REJECTED = "令牌被拒绝，请检查 TELEGRAM_BOT_TOKEN / the token was rejected"


def reach_refused(message: str) -> str:
    return f"服务器拒绝了请求 / the server refused: {message}"


def reach_connection_failed(reason: str) -> str:
    return f"连接失败 / connection failed ({reason})"


def unreachable(server: str, detail: str, pause: float | None) -> str:
    """The log line while the server cannot be reached; ``pause``: seconds until the next try."""
    line = (
        f"无法连接 Telegram 或配置的 Bot API 服务器 {server}（{detail}）"
        f" / Cannot reach Telegram or the configured Bot API server {server}"
    )
    if pause is not None:
        line += f"；{pause:g} 秒后重试 / retrying in {pause:g} s"
    return line


# ---------------------------------------------------------------- importing past reports (drafts.history)

def import_other_year(found: int, year: int) -> str:
    return f"这是 {found} 年度的报告，不是 {year} 年度的。"


def import_ambiguous(name: str, candidates) -> str:
    return f"「{name}」对应多个单位：" + "、".join(a.name for a in candidates[:5])


def import_not_in_roster(tried: list[str]) -> str:
    names = "」「".join(dict.fromkeys(tried[:4]))
    return f"名单中找不到这个单位（按「{names}」查找过）。先用 nianbao agencies add/import 维护名单，或把文件名改成单位名称。"


# ---------------------------------------------------------------- the nianbao command (nianbao.cli)
# (its argparse help stays with the parsers, the command's registry, as the chat registry's summaries do)

# argparse's own words (its gettext messages, Python 3.11+), as the nianbao command shows them;
# one not here stays in English (nianbao.cli.main installs the translation)
ARGPARSE_WORDS = {
    "usage: ": "用法：",
    "positional arguments": "位置参数",
    "options": "选项",
    "show this help message and exit": "显示此帮助信息并退出",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的选择：%(value)r（可选：%(choices)s）",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "invalid %(type)s value: %(value)r": "无效的 %(type)s 值：%(value)r",
    "expected one argument": "需要一个值",
    "expected at most one argument": "最多只能有一个值",
    "expected at least one argument": "至少需要一个值",
    "expected %s argument": "需要 %s 个值",
    "expected %s arguments": "需要 %s 个值",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 有歧义，可能是：%(matches)s",
    "not allowed with argument %s": "不能与参数 %s 一起使用",
    "one of the arguments %s is required": "需要参数 %s 之一",
    "ignored explicit argument %r": "多余的参数值 %r",
    "can't open '%(filename)s': %(error)s": "无法打开「%(filename)s」：%(error)s",
}

FILE_NOT_FOUND = "找不到这个文件，请检查文件名和路径"
NO_READ_PERMISSION = "没有权限读取这个文件"
IS_A_FOLDER = "这是一个文件夹"
NO_FILES_TO_CHECK = "没有找到要审核的文件。"
ANNOTATE_ONE_FILE = "--annotate 只能用于一个文件。"
NOT_ANNOTATED_NO_ISSUES = "未生成批注版（没有发现问题）。"
NOT_ANNOTATED_NOT_DOCX = "未生成批注版（只有 .docx 文件可以加批注）。"
NO_FILES_TO_IMPORT = "没有找到要导入的文件。"
CHART_NEEDS_DATABASE = "状态图需要机器人的数据库（报送日期），汇总文件夹时不生成。"
NO_REPORTS_TO_SUM = "没有找到可以汇总的报告文件（.docx、.doc、.wps、.odt、.rtf、.pdf、网页、文本）。"
DEACTIVATED_MARK = "（已停用）"


def cannot_read(reason) -> str:
    """An OSError without a Chinese reason of its own; ``reason``: its strerror."""
    return f"无法读取（{reason}）"


def skipped_not_a_report(name: str, text: bool = False) -> str:
    """A file in a folder left out: of another kind, or (``text``) a text with nothing of a report."""
    why = "没有报告标题、六个部分的标题或统计表" if text else "只审核 .docx、.doc、.wps、.odt、.rtf、.pdf、网页（.html、.mht）和文本文件"
    return f"跳过 {name}：不是年报文件（{why}）"


def skipped(path, reason: str) -> str:
    return f"跳过 {path}：{reason}"


def cannot_open_file(path, problem: str) -> str:
    return f"无法打开文件「{path}」：{problem}"


def bad_date(text: str) -> str:
    return f"日期「{text}」的格式应为 YYYY-MM-DD，例如 2025-01-31"


def previous_cannot_open(path, problem: str) -> str:
    return f"无法打开上一年度的报告「{path}」：{problem}"


def previous_unreadable(path) -> str:
    return f"无法读取上一年度的报告「{path}」（需要能读出年度的年报）。"


def previous_source(year: int, file_name: str) -> str:
    """``--previous``'s report, as the year-to-year rules name it."""
    return f"{year}年的报告（{file_name}）"


def previous_other_year(previous: int, year: int) -> str:
    return f"注意：--previous 给出的是 {previous} 年度的报告，而本报告是 {year} 年度的，未做跨年度核对。"


def clean_copy_saved(target) -> str:
    return f"所有问题都已改正，已去掉原来的审核批注，另存为干净版本：{target}"


def annotate_over_input(target, draft) -> str:
    """``--annotate`` naming a file the run reads: refused, nothing is written."""
    return (
        f"--annotate 的输出文件「{target}」就是要读取的文件「{draft}」，批注版会覆盖原稿，已停止（没有审核，也没有写入任何文件）。"
        "请另起一个文件名，例如：--annotate 批注版.docx"
    )


def annotated_saved(target, count: int) -> str:
    return f"已生成批注版：{target}（{count} 条批注）"


def converted_annotated(kind: str) -> str:
    return f"（原文件是 .{kind}：批注版是转换成的 .docx 副本，转换可能改变了少量版式，请核对后在这份 .docx 上修改。）"


def history_failed(file_name: str, problem: str) -> str:
    return f"✗ {file_name}：{problem}"


def history_imported(file_name: str, agency: str, year: int, replaced: bool) -> str:
    return f"✓ {file_name} → {agency} {year} 年度" + ("（替换了之前导入的）" if replaced else "")


def history_counts(imported: int, failed: int) -> str:
    return f"导入 {imported} 份，未导入 {failed} 份。"


def _no_database(database) -> str:
    return f"找不到数据库「{database}」：请用 --config 或环境变量 NIANBAO_CONFIG / NIANBAO_DB 指定机器人的数据库"


def summary_no_database(database) -> str:
    return _no_database(database) + "；邮件等方式收集的报告可以直接汇总一个文件夹：nianbao summary 文件夹/ --year 年度"


def web_no_database(database) -> str:
    """``nianbao web`` / ``web-login`` where there is no database: an empty one would have no roster."""
    return (
        _no_database(database) + "（配置文件的 [database] path）。网页版不会新建空数据库：还没有数据库时，"
        "先建立机关名单（nianbao agencies import 名单.csv，或 nianbao agencies add 机关名称 --level 层级），"
        "再用 nianbao invite 生成邀请码。"
    )


def chart_saved(path) -> str:
    return f"已生成状态图：{path}"


def summary_saved(path) -> str:
    return f"已生成汇总表：{path}"


def template_saved(path) -> str:
    return f"已生成空白年报：{path}"


def days_not_a_number(text: str) -> str:
    return f"有效天数应是整数，而不是“{text[:20]}”"


def days_out_of_range(most: int) -> str:
    return f"有效天数应在 1 到 {most} 之间"


def roster_imported(added: int, updated: int) -> str:
    return f"导入完成：新增 {added} 个，更新 {updated} 个。"


def cannot_add_agency(name: str, problem) -> str:
    return f"无法添加「{name}」：{problem}"


def agency_added_to_roster(name: str, agency_id: int) -> str:
    return f"已添加：{name}（编号 {agency_id}）"


def level_changed(level: str) -> str:
    return f"层级改为 {level}"


def region_changed(region: str) -> str:
    return f"地区改为 {region}"


def agency_in_roster(name: str, agency_id: int, active: bool, changed: list[str]) -> str:
    """``nianbao agencies add`` of a name already there; ``changed``: level_changed/region_changed."""
    state = "" if active else "（已停用，启用：nianbao agencies activate）"
    return f"「{name}」已在名单中（编号 {agency_id}）{state}，没有重复添加" + (f"；{'，'.join(changed)}" if changed else "") + "。"


def agency_name_ambiguous(candidates) -> str:
    return "机关名称不唯一，可能是：" + "、".join(a.name for a in candidates)


def agency_not_in_roster(name: str) -> str:
    return f"没有找到机关「{name}」。先用 `nianbao agencies import` 或 `nianbao agencies add` 维护名单。"


def agency_renamed(old: str, new: str) -> str:
    return f"已改名：{old} → {new}"


def agency_level_set(name: str, level: str) -> str:
    return f"已修改层级：{name} → {level}"


def agency_switched(name: str, active: bool) -> str:
    return f"已{'启用' if active else '停用'}：{name}" + ("" if active else "（其成员已不能再使用机器人）")


def invite_agency(name: str) -> str:
    return f"机关：{name}"


def cli_not_a_member(user_id: int) -> str:
    return f"用户 {user_id} 不是成员。"


def cli_member_removed(user_id: int) -> str:
    return f"已移除用户 {user_id}：其不能再使用机器人，需要新的邀请码才能重新绑定。"
