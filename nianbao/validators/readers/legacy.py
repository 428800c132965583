"""Legacy drafts: Word 97-2003 .doc, WPS .wps (both OLE compound files) and RTF, and
OpenDocument text (.odt, LibreOffice's and 永中 Office's own format), converted to .docx by
LibreOffice and then read by the .docx reader.

The conversion runs ``soffice --headless --convert-to docx`` in a private temporary directory,
with a fresh LibreOffice profile, a minimal environment, a fixed input name (never the user's
file name), a timeout that kills the whole process group, and at most ``MAX_PARALLEL``
conversions at once.

OLE streams are recognised from the compound file's directory entries, found by a scan of the
128-byte slots for the few stream names that matter (``olefile`` is not a dependency): an
encrypted .docx (``EncryptionInfo``/``EncryptedPackage``) or a password-protected .doc is never
sent to LibreOffice.
"""

from __future__ import annotations

import hashlib

import io
import logging
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import zipfile
from pathlib import Path

from ..document import Document, ReadError
from .docx import read_docx

log = logging.getLogger(__name__)

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
RTF_MAGIC = b"{\\rtf"
MAX_OUTPUT_BYTES = 50 * 1024 * 1024
MAX_PARALLEL = 2
QUEUE_WAIT = 120.0  # seconds a conversion may wait for a free slot
ODF_TEXT = (b"application/vnd.oasis.opendocument.text", b"application/vnd.oasis.opendocument.text-template")
SUFFIXES = (".doc", ".wps", ".rtf", ".odt")
_DISABLED = ("", "none", "off", "no", "false", "0")
_SLOTS = threading.BoundedSemaphore(MAX_PARALLEL)

HOW_TO = "在 Word 或 WPS 中打开它，点“文件 → 另存为”，保存类型选“Word 文档(*.docx)”，再发送新的 .docx 文件。"
SAVE_AS = "请" + HOW_TO
UNREADABLE = "这是旧版 Word/WPS 格式（.doc/.wps）或加密的文档，暂时无法直接读取。请“另存为 .docx”（不要设置密码）后再发送：" + HOW_TO
ODT_UNREADABLE = "这是 OpenDocument 文本（.odt），暂时无法直接读取。请“另存为 .docx”后再发送：" + HOW_TO
ENCRYPTED = (
    "文件设有密码（已加密），无法读取。请用密码打开后取消密码（Word：“文件 → 信息 → 保护文档 → 用密码进行加密”，清空密码；WPS：“文件 → 文档加密”），然后"
    + HOW_TO
)


def find_soffice() -> str | None:
    """LibreOffice's ``soffice``: ``NIANBAO_SOFFICE`` (a path or a command name; empty or
    ``none`` turns conversion off), else ``soffice`` or ``libreoffice`` on PATH."""
    configured = os.environ.get("NIANBAO_SOFFICE")
    if configured is not None:
        configured = configured.strip()
        return None if configured.lower() in _DISABLED else shutil.which(configured)
    return shutil.which("soffice") or shutil.which("libreoffice")


# --- what kind of legacy file --------------------------------------------------------------


def _stream_entry(data: bytes, name: str) -> int | None:
    """Offset of the OLE directory entry of stream ``name``: directory sectors are 128-byte
    aligned, an entry starts with its UTF-16LE name, then the name's byte length and type 2."""
    encoded = (name + "\0").encode("utf-16-le")
    at = data.find(encoded, 512)
    while at != -1:
        if at % 128 == 0 and int.from_bytes(data[at + 64 : at + 66], "little") == len(encoded) and data[at + 66] == 2:
            return at
        at = data.find(encoded, at + 1)
    return None


def _doc_is_encrypted(data: bytes, entry: int) -> bool:
    """The FIB at the start of the WordDocument stream: wIdent 0xA5EC and the fEncrypted flag."""
    sector_size = 1 << min(int.from_bytes(data[30:32], "little"), 16)
    start = (int.from_bytes(data[entry + 116 : entry + 120], "little") + 1) * sector_size
    fib = data[start : start + 12]
    return len(fib) == 12 and fib[:2] == b"\xec\xa5" and bool(int.from_bytes(fib[10:12], "little") & 0x0100)


def ole_kind(data: bytes) -> str:
    """``encrypted`` (a password-protected .docx or .doc), ``word`` (a .doc or .wps) or ``unknown``."""
    if _stream_entry(data, "EncryptionInfo") is not None or _stream_entry(data, "EncryptedPackage") is not None:
        return "encrypted"
    entry = _stream_entry(data, "WordDocument")
    if entry is None:
        return "unknown"
    return "encrypted" if _doc_is_encrypted(data, entry) else "word"


def is_rtf(data: bytes) -> bool:
    return data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")[:5] == RTF_MAGIC


def is_odt(data: bytes) -> bool:
    """An OpenDocument text: a zip whose ``mimetype`` entry (first and stored, as ODF asks, or
    anywhere in a sloppier package) names it."""
    if not data.startswith(b"PK\x03\x04"):
        return False
    if data[30:38] == b"mimetype" and data[8:10] == b"\x00\x00":  # first and stored: read in place
        size, extra = int.from_bytes(data[22:26], "little"), int.from_bytes(data[28:30], "little")
        return data[38 + extra : 38 + extra + min(size, 200)].strip() in ODF_TEXT
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            info = archive.getinfo("mimetype")
            return info.file_size < 200 and archive.read(info).strip() in ODF_TEXT
    except (KeyError, zipfile.BadZipFile, ValueError, OSError, RuntimeError, NotImplementedError):
        return False


# --- conversion ----------------------------------------------------------------------------


def _command(soffice: str, workdir: Path, source: Path) -> list[str]:
    return [
        soffice, "--headless", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
        f"-env:UserInstallation={(workdir / 'profile').as_uri()}",
        "--convert-to", "docx", "--outdir", str(workdir / "out"), str(source),
    ]  # fmt: skip


def _environment(workdir: Path) -> dict[str, str]:
    return {
        "HOME": str(workdir),
        "TMPDIR": str(workdir),
        "PATH": os.environ.get("PATH") or "/usr/local/bin:/usr/bin:/bin",
        "LANG": "C.UTF-8",
    }


def _kill_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _run(command: list[str], workdir: Path, timeout: float) -> None:
    with open(workdir / "soffice.log", "wb") as output:
        try:
            process = subprocess.Popen(
                command, cwd=workdir, env=_environment(workdir), stdin=subprocess.DEVNULL,
                stdout=output, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        except OSError as exc:
            log.warning("cannot start %s: %s", command[0], exc)
            raise ReadError("legacy_word", UNREADABLE) from exc
        try:
            code = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(process)
            process.wait()
            raise ReadError("convert_timeout", f"旧版文档转换超时（超过 {timeout:g} 秒），文件可能过大或已损坏。" + SAVE_AS) from None
        finally:
            _kill_group(process)  # helpers soffice may have left behind in its session
    if code != 0:
        log.warning("soffice exited with %s: %s", code, (workdir / "soffice.log").read_bytes()[-500:])


def _converted(workdir: Path) -> bytes:
    result = workdir / "out" / "draft.docx"
    if not result.is_file() or result.stat().st_size == 0:
        log.warning("soffice produced no .docx: %s", (workdir / "soffice.log").read_bytes()[-500:])
        raise ReadError("convert_failed", "旧版文档转换失败，文件可能已损坏或不是 Word/WPS 文档。" + SAVE_AS)
    if result.stat().st_size > MAX_OUTPUT_BYTES:
        raise ReadError("too_large", "旧版文档转换后体积过大，已拒绝读取。" + SAVE_AS)
    return result.read_bytes()


_LAST: dict[tuple[str, str], bytes] = {}  # the last conversion of this process: the 批注版 reuses it


def convert_to_docx(data: bytes, suffix: str, *, timeout: float = 60, soffice: str | None = None) -> bytes:
    """The .docx LibreOffice makes of ``data`` (a .doc, .wps, .rtf or .odt, per ``suffix``). The
    last one is kept, so that marking up the draft just read costs no second conversion.

    Raises ``ReadError`` when LibreOffice is missing or turned off, times out or fails."""
    key = (hashlib.sha256(data).hexdigest(), suffix.lower())
    if key in _LAST:
        return _LAST[key]
    converted = _convert(data, suffix, timeout, soffice)
    _LAST.clear()
    _LAST[key] = converted
    return converted


def _convert(data: bytes, suffix: str, timeout: float, soffice: str | None) -> bytes:
    soffice = soffice or find_soffice()
    if not soffice:
        raise ReadError("legacy_word", ODT_UNREADABLE if suffix.lower() == ".odt" else UNREADABLE)
    suffix = suffix.lower() if suffix.lower() in SUFFIXES else ".doc"
    if not _SLOTS.acquire(timeout=QUEUE_WAIT):
        raise ReadError("convert_busy", "转换旧版文档的任务太多，请稍后再发送。" + SAVE_AS)
    try:
        with tempfile.TemporaryDirectory(prefix="nianbao-legacy-") as name:
            workdir = Path(name)
            source = workdir / f"draft{suffix}"
            source.write_bytes(data)
            _run(_command(soffice, workdir, source), workdir, timeout)
            return _converted(workdir)
    finally:
        _SLOTS.release()


# --- reading -------------------------------------------------------------------------------


def _label(data: bytes, filename: str) -> str:
    """The input format reported for a converted draft: ``rtf``, ``odt``, ``wps`` or ``doc``."""
    if is_rtf(data):
        return "rtf"
    if is_odt(data):
        return "odt"
    return "wps" if filename.lower().endswith(".wps") else "doc"


def read_legacy(data: bytes, filename: str = "", *, timeout: float = 60) -> Document:
    """A .doc, .wps, RTF or .odt draft read through a LibreOffice conversion; the user's file
    name only picks the reported format (``doc``/``wps``) and never reaches the disk."""
    if data.startswith(OLE_MAGIC):
        kind = ole_kind(data)
        if kind == "encrypted":
            raise ReadError("encrypted", ENCRYPTED)
        if kind == "unknown":
            raise ReadError("legacy_word", UNREADABLE)
    label = _label(data, filename)
    document = read_docx(convert_to_docx(data, f".{label}", timeout=timeout))
    return Document(source="docx", layout=label, blocks=document.blocks, word=document.word)


__all__ = ["convert_to_docx", "find_soffice", "is_odt", "is_rtf", "ole_kind", "read_legacy"]
