"""What the operator reads in a terminal or the log, not in the chat: serve without a token, the
Telegram server out of reach (both in Chinese and English: the log is read by whoever runs the
server), and ``nianbao history import``'s problems with a report."""

from __future__ import annotations

__all__ = [
    "NO_TOKEN_MESSAGE", "REACH_NO_TOKEN", "REACH_TOKEN_REJECTED", "import_ambiguous", "import_not_in_roster",
    "import_other_year", "reach_connection_failed", "reach_refused", "unreachable",
]  # fmt: skip

NO_TOKEN_MESSAGE = """\
没有设置 TELEGRAM_BOT_TOKEN：机器人无法启动。请在环境变量（或 systemd 的 EnvironmentFile）中设置
TELEGRAM_BOT_TOKEN=机器人的 token；只想在本机试用，请运行 `nianbao demo`。
TELEGRAM_BOT_TOKEN is not set: the bot cannot start. Set TELEGRAM_BOT_TOKEN=<the bot's token> in the
environment (or systemd's EnvironmentFile); to try it locally, run `nianbao demo`."""


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
