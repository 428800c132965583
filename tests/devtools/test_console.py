"""The terminal chat of the demo, driven by a script against the echo bot."""

from __future__ import annotations

import hashlib

from nianbao.devtools import LocalBotApi, SentMessage
from nianbao.devtools.console import format_reply, html_to_plain, human_size, run_console

ZHANG = 1001  # 张三, staff
LI = 1002  # 李四, supervisor


async def test_console_scripted_session(api: LocalBotApi, echo_bot, tmp_path) -> None:
    upload = tmp_path / "年报.docx"
    upload.write_bytes(b"docx-bytes" * 10)
    script = iter(["/start", "你好", f"/send {upload}", "/send 不存在.docx", "/as 王五",
                   "/as 李四", "/file", "/menu", "/quit", "不会发送"])
    output: list[str] = []
    await run_console(api, {"张三": ZHANG, "李四": LI}, input_fn=lambda _prompt: next(script),
                      output_fn=output.append, download_dir=tmp_path / "下载",
                      reply_timeout=5, quiet=0.3)
    transcript = "\n".join(output)
    assert "机器人：\n  欢迎使用，张三 & 同事" in transcript
    assert "<b>" not in transcript
    assert "收到：你好" in transcript
    assert f"年报.docx 100 {hashlib.sha256(upload.read_bytes()).hexdigest()}" in transcript
    assert "[文件] 年报.docx (100 B)" in transcript
    assert "找不到文件：不存在.docx" in transcript
    assert "没有这个用户：王五" in transcript and "已切换到：李四" in transcript
    assert "[文件] 审核意见.txt (1.3 KB)" in transcript
    assert (tmp_path / "下载" / "审核意见.txt").read_bytes() == "审核意见\n".encode() * 100
    assert "请审批\n  [按钮] 通过" in transcript
    assert transcript.endswith("再见！")
    assert [m.text for m in api.sent_to(LI)] == ["<i>审核意见</i>", "请审批"]
    assert not any("不会发送" in (m.text or "") for m in api.sent_to(LI))


def test_console_formatting_helpers() -> None:
    assert html_to_plain('<b>注意</b>：见<a href="https://x.cn/a?b=1&amp;c=2">附件</a>') == (
        "注意：见附件 (https://x.cn/a?b=1&c=2)"
    )
    assert human_size(512) == "512 B" and human_size(1536) == "1.5 KB"
    assert human_size(3 * 1024 * 1024) == "3.0 MB"


def test_an_edited_message_says_which_one_it_replaces() -> None:
    edit = SentMessage(7, LI, "editMessageText", "<b>已审批</b>", "HTML", 0)
    assert format_reply(edit, recipient="李四") == "机器人 → 李四（修改了第 7 条消息）：\n  已审批"
