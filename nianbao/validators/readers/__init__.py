"""Sniff the input format from its bytes (not its name) and hand it to the right reader."""

from __future__ import annotations

from ..document import Document, ReadError
from .docx import read_docx
from .html import is_html, is_mhtml, read_html, read_mhtml
from .legacy import OLE_MAGIC, is_odt, is_rtf, read_legacy
from .pdf import read_pdf
from .text import decode, read_text

MAX_INPUT_BYTES = 20 * 1024 * 1024


def sniff(data: bytes, filename: str = "") -> str:
    if data.startswith(b"PK\x03\x04"):
        return "odt" if is_odt(data) else "docx"
    if data.startswith(OLE_MAGIC):
        return "ole"
    if is_rtf(data):
        return "rtf"
    if data.lstrip()[:5] == b"%PDF-":
        return "pdf"
    if data[:8] in (b"\x89PNG\r\n\x1a\n",) or data[:3] == b"\xff\xd8\xff" or data[:4] in (b"GIF8", b"II*\x00", b"MM\x00*"):
        return "image"
    if is_html(data):
        return "html"
    if is_mhtml(data):
        return "mhtml"
    return "text"


def read_document(data: bytes, filename: str = "", kind: str | None = None) -> Document:
    """``kind``: what ``sniff`` said of ``data`` already (it is not asked twice)."""
    if not data or not data.strip():
        raise ReadError("empty", "文件是空的，没有可审核的内容。")
    if len(data) > MAX_INPUT_BYTES:
        raise ReadError("too_large", f"文件超过 {MAX_INPUT_BYTES // 1024 // 1024} MB，太大了。年度报告的 .docx 通常不到 1 MB。")
    kind = kind or sniff(data, filename)
    if kind == "docx":
        return read_docx(data)
    if kind in ("ole", "rtf", "odt"):
        return read_legacy(data, filename)
    if kind == "pdf":
        return read_pdf(data)
    if kind == "html":
        return read_html(data)
    if kind == "mhtml":
        return read_mhtml(data)
    if kind == "image":
        raise ReadError("image", "图片无法审核。请发送报告的 Word 原稿（.docx），或把报告全文复制粘贴发送。")
    return read_text(decode(data))


__all__ = ["Document", "ReadError", "read_document", "read_text", "sniff"]
