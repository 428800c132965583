"""Interactive terminal chat with the bot through an in-process ``LocalBotApi``.

Usage (inside the event loop that also runs the bot's ``Application``)::

    await run_console(api, {"张三": 1001, "李四": 1002}, download_dir="下载")

Plain lines are sent as the current simulated user's messages; ``/send PATH``
uploads a file, ``/as NAME`` switches user, ``/quit`` ends. Any other
``/command`` goes to the bot. Replies are printed as plain text and files the
bot sends are saved into ``download_dir``.
"""

from __future__ import annotations

import asyncio
import inspect
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from .chats import SentMessage
from .html import visible_text
from .server import LocalBotApi

InputFn = Callable[[str], "str | Awaitable[str]"]
OutputFn = Callable[[str], object]

HELP_TEXT = """\
可用命令：
  直接输入文字        以当前用户身份给机器人发消息
  /send 文件路径      以当前用户身份上传文件（如 /send 报告.docx）
  /paste 文件路径     把文本文件的内容当作粘贴的文字发送（长文本分成几条消息）
  /as 姓名            切换当前用户（不带姓名则列出全部用户）
  /?                  显示本帮助
  /quit               退出
  其他以 / 开头的命令（如 /start、/help）会原样发给机器人"""

_LINK_RE = re.compile(r"""<a\s+href\s*=\s*(["'])(.*?)\1\s*>(.*?)</a\s*>""", re.S | re.I)


async def _threaded_input(prompt: str) -> str:
    """``input()`` in a worker thread so the bot keeps running meanwhile."""
    return await asyncio.to_thread(input, prompt)


@dataclass
class _Console:
    api: LocalBotApi
    users: dict[str, int]
    current: str
    output: OutputFn
    download_dir: Path
    settled: Callable[[], bool] | None = None
    marks: dict[int, int] = field(default_factory=dict)

    @property
    def user_id(self) -> int:
        return self.users[self.current]

    def name_of(self, chat_id: int) -> str:
        return next((name for name, uid in self.users.items() if uid == chat_id), str(chat_id))


async def run_console(
    api: LocalBotApi,
    users: dict[str, int],
    input_fn: InputFn = _threaded_input,
    output_fn: OutputFn = print,
    download_dir: str | Path = "console_downloads",
    reply_timeout: float = 30.0,
    quiet: float = 0.8,
    echo_input: bool = False,
    settled: Callable[[], bool] | None = None,
) -> None:
    """Chat with the bot from a terminal (or a scripted ``input_fn``).

    ``users`` maps display names to Telegram user ids; the first one is active at
    start. ``input_fn(prompt)`` may return a string or an awaitable; raising
    ``EOFError`` (or ``StopIteration``) ends the session like ``/quit``. After each
    message it waits up to ``reply_timeout`` s for the first reply, then until the
    chat has been quiet for ``quiet`` s, or, given ``settled`` (true when the bot has
    nothing left to do), until that holds. ``echo_input`` also prints each input line
    (useful for scripted transcripts).
    """
    if not users:
        raise ValueError("users must not be empty")
    console = _Console(api, dict(users), next(iter(users)), output_fn, Path(download_dir), settled)
    console.marks = {uid: api.message_count(uid) for uid in users.values()}
    output_fn(f"本地对话控制台（当前用户：{console.current}）")
    output_fn(HELP_TEXT)
    while True:
        await _show_pending(console)
        line = await _read_line(input_fn, f"{console.current}> ")
        if line is None:
            break
        line = line.strip()
        if echo_input and line:
            output_fn(f"{console.current}> {line}")
        if not line:
            continue
        outcome = await _handle_line(console, line)
        if outcome == "quit":
            break
        if outcome == "sent":
            await _show_replies(console, reply_timeout, quiet)
    output_fn("再见！")


async def _read_line(input_fn: InputFn, prompt: str) -> str | None:
    try:
        result = input_fn(prompt)
        if inspect.isawaitable(result):
            result = await result
    except (EOFError, KeyboardInterrupt, StopIteration):
        return None
    return str(result)


async def _handle_line(console: _Console, line: str) -> str:
    """Execute one input line; returns "quit", "sent" or "local"."""
    command, _, argument = line.partition(" ")
    argument = argument.strip()
    if command in ("/quit", "/exit"):
        return "quit"
    if command == "/?":
        console.output(HELP_TEXT)
        return "local"
    if command == "/as":
        _switch_user(console, argument)
        return "local"
    if command == "/send":
        return await _send_file(console, argument)
    if command == "/paste":
        return await _paste_file(console, argument)
    await console.api.user_sends_text(console.user_id, line, first_name=console.current)
    return "sent"


PASTE_PART_CHARS = 4000  # Telegram splits a long paste into messages of at most 4096 characters


async def _paste_file(console: _Console, path: str) -> str:
    """Send a text file's content as if pasted into the chat: several trimmed messages."""
    try:
        text = Path(path).expanduser().read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        console.output(f"无法读取文件：{exc}")
        return "local"
    parts, current = [], ""
    for line in text.split("\n"):
        if current and len(current) + len(line) + 1 > PASTE_PART_CHARS:
            parts.append(current.strip())
            current = ""
        current += line + "\n"
    parts.append(current.strip())
    for part in filter(None, parts):
        await console.api.user_sends_text(console.user_id, part, first_name=console.current)
    console.output(f"已粘贴：{Path(path).name}（{len(text)} 字，分 {len(parts)} 条消息发送）")
    return "sent"


def _switch_user(console: _Console, name: str) -> None:
    names = "、".join(console.users)
    if not name:
        console.output(f"当前用户：{console.current}（可选：{names}）")
    elif name not in console.users:
        console.output(f"没有这个用户：{name}（可选：{names}）")
    else:
        console.current = name
        console.output(f"已切换到：{name}")


async def _send_file(console: _Console, argument: str) -> str:
    path = Path(argument.strip("\"'")).expanduser()
    if not argument:
        console.output("用法：/send 文件路径")
        return "local"
    if not path.is_file():
        console.output(f"找不到文件：{path}")
        return "local"
    try:
        await console.api.user_sends_document(
            console.user_id, path.name, path.read_bytes(), first_name=console.current
        )
    except (OSError, ValueError) as error:
        console.output(f"无法发送文件：{error}")
        return "local"
    console.output(f"已上传：{path.name}（{human_size(path.stat().st_size)}）")
    return "sent"


async def _show_replies(console: _Console, timeout: float, quiet: float) -> None:
    chat_id = console.user_id
    replies = await console.api.collect_replies(
        chat_id, timeout=timeout, quiet=quiet, since=console.marks.get(chat_id, 0), settled=console.settled
    )
    _print_replies(console, chat_id, replies)
    if not replies:
        console.output(f"（机器人在 {timeout:g} 秒内没有回复）")
    await _show_pending(console)


async def _show_pending(console: _Console) -> None:
    """Print messages that arrived meanwhile in any user's chat."""
    for chat_id in console.users.values():
        replies = await console.api.collect_replies(
            chat_id, timeout=0, since=console.marks.get(chat_id, 0)
        )
        _print_replies(console, chat_id, replies)


def _print_replies(console: _Console, chat_id: int, replies: list[SentMessage]) -> None:
    console.marks[chat_id] = console.marks.get(chat_id, 0) + len(replies)
    for message in replies:
        saved = _save_file(console.download_dir, message) if message.is_file else None
        recipient = None if chat_id == console.user_id else console.name_of(chat_id)
        console.output(format_reply(message, recipient, saved))


def format_reply(message: SentMessage, recipient: str | None = None,
                 saved: Path | None = None) -> str:
    """A bot message as terminal text (no HTML, files as "[文件] name (size)")."""
    header = "机器人" if recipient is None else f"机器人 → {recipient}"
    if message.method == "editMessageText":
        header += f"（修改了第 {message.message_id} 条消息）"
    lines = [f"{header}："]
    if message.is_file:
        kind = "图片" if message.method == "sendPhoto" else "文件"
        lines.append(f"  [{kind}] {message.filename} ({human_size(len(message.data or b''))})")
    if message.text:
        text = html_to_plain(message.text) if _is_html(message) else message.text
        lines.extend(f"  {row}" for row in text.splitlines() or [""])
    if buttons := _button_labels(message):
        lines.append(f"  [按钮] {' | '.join(buttons)}")
    if saved is not None:
        lines.append(f"  已保存到：{saved}")
    return "\n".join(lines)


def _is_html(message: SentMessage) -> bool:
    return (message.parse_mode or "").lower() == "html"


def html_to_plain(text: str) -> str:
    """Strip Telegram HTML: tags removed, entities decoded, links shown as "文字 (网址)"."""
    with_urls = _LINK_RE.sub(lambda m: f"{m[3]} ({m[2]})" if m[2] != m[3] else m[3], text)
    return visible_text(with_urls, "HTML")


def _buttons(message: SentMessage) -> list[dict | str]:
    """Inline or reply-keyboard buttons, flattened row by row."""
    markup = message.reply_markup or {}
    rows = markup.get("inline_keyboard") or markup.get("keyboard") or []
    return [button for row in rows for button in row]


def _button_labels(message: SentMessage) -> list[str]:
    return [button.get("text", "") if isinstance(button, dict) else str(button) for button in _buttons(message)]


def _save_file(folder: Path, message: SentMessage) -> Path | None:
    name = Path(message.filename or f"file_{message.message_id}").name
    target = folder / name
    counter = 1
    while target.exists():
        target = folder / f"{Path(name).stem}({counter}){Path(name).suffix}"
        counter += 1
    try:
        folder.mkdir(parents=True, exist_ok=True)
        target.write_bytes(message.data or b"")
    except OSError:
        return None
    return target


def human_size(size: int) -> str:
    """1536 -> "1.5 KB"."""
    value = float(size)
    for unit in ("B", "KB", "MB"):
        if value < 1024:
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"
