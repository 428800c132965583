"""The files the bot sends: their names and captions."""

from __future__ import annotations

import datetime as dt

from ..storage import Submission
from .format import escape

__all__ = [
    "CLEAN_COPY_CAPTION", "CLEAN_COPY_FILE", "EXPORT_CAPTION", "EXPORT_FILE", "MARKED_UP_CAPTION",
    "MARKED_UP_FILE", "NO_STORED_DRAFT", "PASTED_TEXT", "STATUS_CHART_CAPTION", "STATUS_CHART_FILE",
    "SUMMARY_ALL_WORDS", "SUMMARY_FILE", "TEMPLATE_CAPTION", "TEMPLATE_FILE", "UNNAMED_FILE",
    "UNNAMED_REPORT", "draft_caption", "summary_caption",
]  # fmt: skip

UNNAMED_FILE = "文件"  # a document sent without a file name
UNNAMED_REPORT = "报告"  # the stem of a returned file when the draft had no usable name
PASTED_TEXT = "粘贴的文本"  # the "file name" of a report pasted into the chat
MARKED_UP_FILE = "{stem}_审核批注.docx"
CLEAN_COPY_FILE = "{stem}_已去掉批注.docx"

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


def summary_caption(include_errors: bool) -> str:
    return "汇总表（三张统计表之和，另有各单位情况表）" + (
        "，含有错误的单位" if include_errors else "；有错误的单位未计入，发送 /summary 全部 可计入"
    )


def draft_caption(agency_name: str, submission: Submission, received: dt.datetime) -> str:
    if not submission.parsed:
        verdict = "无法读取"
    else:
        verdict = f"{submission.error_count} 个错误" if submission.error_count else "已通过"
    return (
        f"{escape(agency_name)} 最新报送的文件（{received:%Y-%m-%d %H:%M}，{verdict}，"
        f"原文件名「{escape(submission.file_name or '')}」）"
    )
