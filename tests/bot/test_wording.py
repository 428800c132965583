"""What a clerk reads, end to end through the local Bot API server (issue 13, item 11)."""

from __future__ import annotations

import io
import zipfile

import openpyxl

from bot.harness import STAFF_XUEZHANG


def _xlsx() -> bytes:
    wb = openpyxl.Workbook()
    wb.active.append(["本年新收政府信息公开申请数量", 3])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("年报.txt", "学张乡人民政府2024年政府信息公开工作年度报告")
    return out.getvalue()


async def test_an_excel_table_is_called_an_excel_table(env):
    text = env.text(await env.upload(STAFF_XUEZHANG, "统计表.xlsx", _xlsx()))
    assert "这是 Excel 表格（.xlsx）" in text and "请发送 Word 格式（.docx）的年度报告" in text
    assert "压缩包" not in text and "word/document.xml" not in text


async def test_a_zip_is_called_a_zip(env):
    text = env.text(await env.upload(STAFF_XUEZHANG, "年报.zip", _zip()))
    assert "这是一个压缩包（.zip），不是 Word 文档" in text and "不要压缩" in text
    assert "word/document.xml" not in text
