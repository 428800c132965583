"""The chat commands, each declared once: name, who may use it, a summary and its arguments,
for every chat face (Telegram, 企业微信) alike.

``/help``, each face's command menus, the demo's banner and docs/commands.md are generated from
this table (``python -m nianbao.usecases.chat.registry > docs/commands.md``; a test keeps it in
step). ``chat.run_command`` enforces the rank and resolves an agency argument, with one set of
messages, then runs the command's answer (``chat.answers``).
"""

from __future__ import annotations

from dataclasses import dataclass

from ... import messages as say
from ...levels import LEVEL_WORDS
from ...roles import Rank


@dataclass(frozen=True)
class Command:
    name: str
    role: Rank
    summary: str  # the menu's description and the help line
    usage: str = ""  # the arguments, as a user types them
    agency: bool = False  # the argument is an agency's name, resolved before the handler runs
    in_help: bool = True

    def help_line(self) -> str:
        if self.usage:
            return f"/{self.name} {self.usage} —— {self.summary}"
        return f"/{self.name} {self.summary}"


COMMANDS: tuple[Command, ...] = (
    Command("start", Rank.ANYONE, "绑定单位", usage="邀请码", in_help=False),
    Command("history", Rank.MEMBER, "查看本单位的报送记录", usage="[年度]"),
    Command("template", Rank.MEMBER, "下载标准格式的空白年报（.docx）"),
    Command("rules", Rank.ANYONE, "查看全部审核规则"),
    Command("help", Rank.ANYONE, "显示本说明"),
    Command("whoami", Rank.ANYONE, "查看我的用户编号（督导员把它告诉管理员）"),
    Command("status", Rank.SUPERVISOR, "本年度报送情况汇总（可写年度，如 /status 2023）", usage="[年度]"),
    Command("overdue", Rank.SUPERVISOR, "尚未通过审核的单位", usage="[年度]"),
    Command("agency", Rank.SUPERVISOR, "某单位的报送记录和最新审核意见", usage="单位名称", agency=True),
    Command("invite", Rank.SUPERVISOR, "生成该单位的邀请码", usage="单位名称", agency=True),
    Command("addagency", Rank.SUPERVISOR, f"把新单位加入名单（层级：{LEVEL_WORDS}）", usage="单位名称 层级"),
    Command("report", Rank.SUPERVISOR, "本地区政府信息公开工作年度报告初稿（Word，按统一格式，需补充的地方已标出）", usage="[地区]"),
    Command("peers", Rank.SUPERVISOR, "与同级单位、与上年比较：最值得先看的单位，或某单位的关键数字", usage="[单位名称]"),
    Command("published", Rank.MEMBER, "比对发布在网站上的年报与审核通过的稿件（也可以把另存的网页以“发布稿”为说明发送）", usage="[单位名称] 网址"),
    Command("draft", Rank.SUPERVISOR, "下载该单位最新报送的文件", usage="单位名称", agency=True),
    Command("export", Rank.SUPERVISOR, "导出本年度报送情况（CSV 文件）", usage="[年度]"),
    Command("summary", Rank.SUPERVISOR, "全县三张统计表汇总（Excel）；加“全部”则含有错误的单位", usage="[全部] [年度]"),
    Command("remove", Rank.SUPERVISOR, "移除一名成员（其不能再使用机器人）", usage="用户ID"),
    Command("audit", Rank.SUPERVISOR, "查看操作记录（绑定、移除、邀请、设为督导员等）"),
    Command("web", Rank.MEMBER, "网页版一次性登录链接（10 分钟内有效）"),
    Command("accept", Rank.SUPERVISOR, "确认该单位最新一稿的一项意见（不再计为错误）", usage="单位名称 序号 理由"),
    Command("unaccept", Rank.SUPERVISOR, "撤销对一项意见的确认", usage="单位名称 序号 [理由]"),
    Command("promote", Rank.ADMIN, "设为督导员", usage="用户ID"),
)
BY_NAME = {command.name: command for command in COMMANDS}


def commands_for(role: Rank, *, exactly: bool = False) -> list[Command]:
    """The commands ``role`` may use (``exactly``: only those first open at that role)."""
    return [c for c in COMMANDS if (c.role == role if exactly else c.role <= role)]


def menu(role: Rank) -> list[tuple[str, str]]:
    """(command, description) pairs for a chat face's command menu of a user with ``role``."""
    return [(c.name, c.summary if not c.usage else f"{c.summary}（/{c.name} {c.usage}）") for c in commands_for(role)]


def help_text(role: str | None, deadline_line: str | None = None) -> str:
    """/help for a user with ``role``: the deadline, how to send a draft, then the commands they may use."""
    rank = Rank.of(role)
    if rank == Rank.ANYONE:
        return say.WELCOME
    lines = [say.HELP_TITLE, ""] + ([deadline_line, ""] if deadline_line else []) + [*say.HELP_DRAFTS]
    lines += [c.help_line() for c in commands_for(Rank.MEMBER) if c.in_help]
    for section in (Rank.SUPERVISOR, Rank.ADMIN):
        if rank >= section:
            lines += ["", say.HELP_SECTIONS[section.name.lower()]]
            lines += [c.help_line() for c in commands_for(section, exactly=True) if c.in_help]
    return "\n".join(lines)


def commands_markdown() -> str:
    """docs/commands.md."""
    lines = [
        "# Chat commands",
        "",
        "Generated from `nianbao/usecases/chat/registry.py` (`python -m nianbao.usecases.chat.registry > docs/commands.md`);",
        "a test keeps this file in step. Each role may use the commands of the roles above it in this list.",
    ]
    for role in Rank:
        lines += ["", f"## {role.label}", "", "| 命令 | 说明 |", "| --- | --- |"]
        for command in commands_for(role, exactly=True):
            usage = f" {command.usage}" if command.usage else ""
            lines.append(f"| `/{command.name}{usage}` | {command.summary} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(commands_markdown(), end="")
