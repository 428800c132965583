"""The terminal chat of ``nianbao demo --wecom``: a person plays a WeCom user of the county's app
(/as NAME), types messages, sends files (/send PATH), pastes a report (/paste PATH), clicks a
menu button (/menu, /click KEY); after each, what the app sent everyone is printed, files saved."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Awaitable, Callable

from .server import Sent, WecomEmulator

HELP = """\
控制台命令：
  直接输入文字        以当前用户身份给应用发消息（如 /help、/status、绑定 邀请码）
  /send 文件路径      发送文件（.docx、.txt 或 PDF）
  /paste 文件路径     把文本文件的内容当作粘贴的文字发送
  /menu               显示应用菜单；/click 键  点击菜单按钮（如 /click cmd:status）
  /as 姓名            切换用户（不带姓名则列出全部用户）
  /?                  显示本帮助；/quit 退出"""
PASTE_PART_BYTES = 2000  # a long paste arrives in several messages


def _plain(text: str) -> str:
    return re.sub(r'<a href="([^"]+)">(.*?)</a>', r"\2（\1）", text, flags=re.S)


class Console:
    def __init__(self, wecom: WecomEmulator, users: dict[str, str], settled: Callable[[], bool],
                 download_dir: Path, output: Callable[[str], object] = print) -> None:
        self.wecom, self.users, self.settled, self.output = wecom, users, settled, output
        self.current = next(iter(users))
        self.download_dir = download_dir
        self.marks = {user: wecom.message_count(user) for user in users.values()}

    async def run(self, read_line: Callable[[str], Awaitable[str]]) -> None:
        while True:
            try:
                line = (await read_line(f"{self.current}> ")).strip()
            except (EOFError, StopIteration):
                return
            if line in ("/quit", "/exit"):
                return
            if line:
                said = await self.handle(line)
                if said:
                    self.output(said)
                await self.show_replies()

    async def handle(self, line: str) -> str:
        command, _, argument = line.partition(" ")
        user = self.users[self.current]
        if command == "/?":
            return HELP
        if command == "/as":
            if argument.strip() in self.users:
                self.current = argument.strip()
                return f"当前用户：{self.current}"
            return "用户：" + "、".join(self.users)
        if command == "/menu":
            menu = self.wecom.menu or {"button": []}
            return "\n".join(f"[{b['name']}] " + "  ".join(f"{s['name']}={s['key']}" for s in b["sub_button"]) for b in menu["button"])
        if command == "/click":
            await self.wecom.user_clicks(user, argument.strip())
            return ""
        if command in ("/send", "/paste"):
            path = Path(argument.strip()).expanduser()
            if not path.is_file():
                return f"找不到文件：{path}"
            if command == "/send":
                await self.wecom.user_sends_file(user, path.name, path.read_bytes())
            else:
                for part in _parts(path.read_text(encoding="utf-8")):
                    await self.wecom.user_sends_text(user, part)
            return ""
        await self.wecom.user_sends_text(user, line)
        return ""

    async def show_replies(self, timeout: float = 120) -> None:
        """Wait until the app has nothing left to do, then print what everyone got."""
        for _ in range(int(timeout / 0.05)):
            await asyncio.sleep(0.05)
            if self.settled():
                break
        names = {user: name for name, user in self.users.items()}
        for user, seen in self.marks.items():
            for message in self.wecom.sent_to(user)[seen:]:
                self.output(self.format(names.get(user, user), message))
            self.marks[user] = self.wecom.message_count(user)

    def format(self, name: str, message: Sent) -> str:
        if message.text is not None:
            return f"── 应用 → {name}\n" + "\n".join(f"  {line}" for line in _plain(message.text).splitlines())
        self.download_dir.mkdir(parents=True, exist_ok=True)
        path = self.download_dir / Path(message.filename or "file").name
        path.write_bytes(message.data or b"")
        kind = "图片" if message.msgtype == "image" else "文件"
        return f"── 应用 → {name}：{kind}「{message.filename}」（{len(message.data or b'')} 字节，已保存到 {path}）"


def _parts(text: str) -> list[str]:
    parts, current = [], ""
    for line in text.split("\n"):
        if current and len((current + line).encode("utf-8")) > PASTE_PART_BYTES:
            parts.append(current.strip())
            current = ""
        current += line + "\n"
    return [*parts, current.strip()] if current.strip() else parts
