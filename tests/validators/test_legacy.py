"""Legacy .doc/.wps/RTF and OpenDocument .odt drafts converted by the real LibreOffice (skipped where it is missing)."""

from __future__ import annotations

import io
import os
import struct
import subprocess
import tempfile
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil
import pytest

from nianbao.validators.engine import check_bytes
from nianbao.validators.readers import legacy, sniff
from nianbao.validators.readers.legacy import OLE_MAGIC, convert_to_docx, find_soffice, ole_kind

SOFFICE = legacy.shutil.which("soffice") or legacy.shutil.which("libreoffice")
needs_soffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
SAMPLES = 2  # each .doc costs a LibreOffice start (~1.5 s)


@pytest.fixture(autouse=True)
def default_soffice(monkeypatch):
    monkeypatch.delenv("NIANBAO_SOFFICE", raising=False)


def soffice_convert(files: list[Path], target: str, outdir: Path) -> None:
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [SOFFICE, "--headless", "--norestore", f"-env:UserInstallation={Path(profile).as_uri()}",
             "--convert-to", target, "--outdir", str(outdir), *map(str, files)],
            check=True, capture_output=True, timeout=180, env={**os.environ, "HOME": profile},
        )  # fmt: skip


@pytest.fixture(scope="module")
def legacy_drafts(sample_docx, tmp_path_factory) -> dict[str, dict[str, bytes]]:
    """name -> {"docx": …, "doc": …, "rtf": …, "odt": …}: the sample .docx saved by LibreOffice as .doc, RTF and .odt."""
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    folder = tmp_path_factory.mktemp("legacy")
    names = sorted(sample_docx)[:SAMPLES]
    sources = [folder / f"{name}.docx" for name in names]
    for name, path in zip(names, sources):
        path.write_bytes(sample_docx[name])
    for target in ("doc", "rtf", "odt"):
        soffice_convert(sources, target, folder)
    return {name: {kind: (folder / f"{name}.{kind}").read_bytes() for kind in ("docx", "doc", "rtf", "odt")} for name in names}


def issue_keys(result) -> list[tuple]:
    return [
        (i.code, i.table, i.row, i.column, i.locator and (i.locator.table, i.locator.grid_row, i.locator.grid_col)) for i in result.issues
    ]


def assert_same_as_docx(converted, original) -> None:
    assert converted.error is None, converted.error
    assert converted.report.tables_json() == original.report.tables_json()  # every cell, merged ones included
    assert issue_keys(converted) == issue_keys(original)


@needs_soffice
def test_doc_reads_like_the_docx_it_came_from(legacy_drafts):
    """Converted two at a time: each conversion has its own LibreOffice profile."""
    names = list(legacy_drafts)
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda name: check_bytes(legacy_drafts[name]["doc"], "报告.doc"), names))
    for name, converted in zip(names, results):
        assert_same_as_docx(converted, check_bytes(legacy_drafts[name]["docx"], f"{name}.docx"))
        assert converted.input_format == "doc" and converted.report.input_format == "doc"


HOSTILE = "../../$(touch pwned);rm -rf x.wps"


@needs_soffice
@pytest.mark.parametrize("kind, file_name, label", [("doc", HOSTILE, "wps"), ("rtf", "报告.doc", "rtf"), ("odt", "报告.zip", "odt")])
def test_wps_and_rtf_read_like_the_docx(legacy_drafts, monkeypatch, tmp_path, kind, file_name, label):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    name, drafts = next(iter(legacy_drafts.items()))
    converted = check_bytes(drafts[kind], file_name)
    assert_same_as_docx(converted, check_bytes(drafts["docx"], f"{name}.docx"))
    assert converted.input_format == label
    assert list(tmp_path.rglob("*")) == []  # the user's name was never used: no pwned, no x; work dir removed


@needs_soffice
def test_sniff_tells_ole_and_rtf(legacy_drafts):
    drafts = next(iter(legacy_drafts.values()))
    assert sniff(drafts["doc"]) == "ole" and ole_kind(drafts["doc"]) == "word"
    assert sniff(drafts["rtf"]) == "rtf" and sniff(b"\xef\xbb\xbf" + drafts["rtf"]) == "rtf"
    assert sniff(drafts["odt"]) == "odt" and sniff(drafts["docx"]) == "docx"


def odf_package(mimetype: bytes, first: bool = True) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if not first:
            archive.writestr("content.xml", "<office:document-content/>")
        archive.writestr("mimetype", mimetype)  # stored, uncompressed, as ODF asks
        archive.writestr("META-INF/manifest.xml", "<manifest:manifest/>")
    return buffer.getvalue()


@pytest.mark.parametrize("first", [True, False], ids=["mimetype-first", "mimetype-later"])
def test_an_odt_without_libreoffice_is_called_an_odt_not_a_zip(monkeypatch, first):
    monkeypatch.setenv("NIANBAO_SOFFICE", "none")
    data = odf_package(b"application/vnd.oasis.opendocument.text", first)
    assert sniff(data) == "odt"
    result = check_bytes(data, "报告.odt")
    assert result.error.code == "legacy_word"
    assert result.error.message.startswith("这是 OpenDocument 文本（.odt）") and "另存为 .docx" in result.error.message
    assert "压缩包" not in result.error.message


def test_an_odf_spreadsheet_is_not_taken_for_a_text():
    assert sniff(odf_package(b"application/vnd.oasis.opendocument.spreadsheet")) == "docx"  # refused as not Word


def running(process: psutil.Process) -> bool:
    try:
        return process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def alive(pid: int) -> bool:
    try:
        return running(psutil.Process(pid))
    except psutil.NoSuchProcess:
        return False


def leftover_processes(marker: str) -> list[psutil.Process]:
    found = []
    for process in psutil.process_iter(["cmdline"]):
        if any(marker in part for part in process.info["cmdline"] or ()) and running(process):
            found.append(process)
    return found


def assert_times_out(data: bytes, workdir: Path, **options) -> None:
    start = time.monotonic()
    with pytest.raises(legacy.ReadError) as error:
        convert_to_docx(data, ".doc", **options)
    assert error.value.code == "convert_timeout" and "超时" in error.value.message and "另存为" in error.value.message
    assert time.monotonic() - start < 10
    assert leftover_processes(str(workdir)) == []
    assert list(workdir.iterdir()) == []


@needs_soffice
@pytest.mark.parametrize("timeout", [0.01, 0.5])  # killed before and after soffice.bin has started
def test_a_slow_conversion_times_out_and_leaves_no_process(legacy_drafts, monkeypatch, tmp_path, timeout):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    assert_times_out(next(iter(legacy_drafts.values()))["doc"], tmp_path, timeout=timeout)


def test_a_hanging_soffice_is_killed_with_its_children(monkeypatch, tmp_path):
    work, pids = tmp_path / "work", tmp_path / "pids"
    work.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(work))
    fake = tmp_path / "fake-soffice"
    fake.write_text(f"#!/bin/sh\necho $$ >> {pids}\nsleep 300 &\necho $! >> {pids}\nsleep 300\n")
    fake.chmod(0o755)
    monkeypatch.setenv("NIANBAO_SOFFICE", str(fake))
    assert_times_out(word_document_ole(), work, timeout=0.5)
    started = [int(pid) for pid in pids.read_text().split()]
    assert len(started) == 2
    time.sleep(0.1)
    assert not any(alive(pid) for pid in started)


@pytest.mark.parametrize("setting", ["none", "", "/nonexistent/soffice"])
def test_without_libreoffice_the_reply_explains_how_to_save_as_docx(monkeypatch, setting):
    monkeypatch.setenv("NIANBAO_SOFFICE", setting)
    assert find_soffice() is None
    result = check_bytes(word_document_ole(), "报告.doc")
    assert result.error.code == "legacy_word"
    assert "另存为 .docx" in result.error.message and "文件 → 另存为" in result.error.message and "*.docx" in result.error.message


def ole_file(streams: dict[str, bytes]) -> bytes:
    """A minimal valid compound file (version 3, 512-byte sectors): one FAT sector, one directory
    sector, then each stream (padded to 4096 bytes, so no mini stream is needed)."""
    free, end, fat_sector, nostream = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
    fat, body, entries = [fat_sector, end], b"", []
    for name, data in streams.items():
        data = data.ljust(4096, b"\x00")
        first, count = len(fat), -(-len(data) // 512)
        fat += list(range(first + 1, first + count)) + [end]
        body += data.ljust(count * 512, b"\x00")
        entries.append(directory_entry(name, 2, first, len(data), right=len(entries) + 2 if len(entries) + 1 < len(streams) else nostream))
    root = directory_entry("Root Entry", 5, end, 0, child=1)
    directory = b"".join([root, *entries]).ljust(512, b"\x00")
    header = OLE_MAGIC + b"\x00" * 16 + struct.pack("<HHHHH6xIIIIIIIII", 0x3E, 3, 0xFFFE, 9, 6, 0, 1, 1, 0, 4096, end, 0, end, 0)
    header += struct.pack("<I", 0) + struct.pack("<I", free) * 108
    return header + struct.pack(f"<{128}I", *(fat + [free] * (128 - len(fat)))) + directory + body


def directory_entry(name: str, kind: int, start: int, size: int, child: int = 0xFFFFFFFF, right: int = 0xFFFFFFFF) -> bytes:
    encoded = (name + "\0").encode("utf-16-le")
    return encoded.ljust(64, b"\x00") + struct.pack(
        "<HBBIII16sIQQIQ", len(encoded), kind, 1, 0xFFFFFFFF, right, child, b"", 0, 0, 0, start, size
    )


def word_document_ole() -> bytes:
    return ole_file({"WordDocument": b"\xec\xa5" + b"\x00" * 100, "1Table": b"\x00" * 100})


def test_encrypted_docx_gets_the_password_message_without_libreoffice(monkeypatch):
    monkeypatch.setenv("NIANBAO_SOFFICE", "/bin/false")  # would fail loudly if it were run
    encrypted = ole_file({"EncryptionInfo": b"\x04\x00\x04\x00\x40\x00\x00\x00", "EncryptedPackage": b"\x00" * 5000})
    assert ole_kind(encrypted) == "encrypted"
    result = check_bytes(encrypted, "报告.docx")
    assert result.error.code == "encrypted" and "文件设有密码" in result.error.message and "*.docx" in result.error.message


@needs_soffice
def test_password_protected_doc_is_not_sent_to_libreoffice(legacy_drafts, monkeypatch):
    monkeypatch.setenv("NIANBAO_SOFFICE", "/bin/false")
    doc = bytearray(next(iter(legacy_drafts.values()))["doc"])
    fib = next(offset for offset in range(512, len(doc), 512) if doc[offset : offset + 2] == b"\xec\xa5")
    doc[fib + 11] |= 0x01  # fEncrypted (bit 8 of the flags word at 0x0A)
    result = check_bytes(bytes(doc), "报告.doc")
    assert result.error.code == "encrypted" and "文件设有密码" in result.error.message


def test_garbage_ole_files_get_a_clear_error():
    junk = OLE_MAGIC + os.urandom(20_000)
    assert check_bytes(junk, "报告.doc").error.code == "legacy_word"
    assert check_bytes(OLE_MAGIC, "报告.doc").error.code == "legacy_word"


@needs_soffice
def test_a_broken_word_document_fails_to_convert_with_advice(legacy_drafts):
    doc = next(iter(legacy_drafts.values()))["doc"]
    directory = (struct.unpack_from("<I", doc, 48)[0] + 1) * 512  # keep header and directory, scramble the rest
    broken = doc[:1024] + b"\xff" * (directory - 1024) + doc[directory:]
    assert ole_kind(broken) == "word"
    result = check_bytes(broken, "坏.doc")
    assert result.error.code == "convert_failed" and "转换失败" in result.error.message and "另存为" in result.error.message


def test_a_soffice_that_cannot_start_gets_the_save_as_reply(tmp_path):
    script = tmp_path / "not-executable"
    script.write_text("#!/bin/sh\n")
    with pytest.raises(legacy.ReadError) as error:
        convert_to_docx(word_document_ole(), ".doc", soffice=str(script))
    assert error.value.code == "legacy_word" and "另存为 .docx" in error.value.message


def test_soffice_that_makes_nothing_is_a_failed_conversion(monkeypatch, tmp_path):
    fake = tmp_path / "fake-soffice"
    fake.write_text("#!/bin/sh\nexit 0\n")
    fake.chmod(0o755)
    monkeypatch.setenv("NIANBAO_SOFFICE", str(fake))
    assert check_bytes(word_document_ole(), "报告.doc").error.code == "convert_failed"


@needs_soffice
def test_broken_rtf_gets_a_clear_error():
    result = check_bytes(b"{\\rtf1 \\par \x00\x01 garbage", "坏.rtf")
    assert result.error is not None and result.error.code in ("convert_failed", "not_a_report")


def test_at_most_two_conversions_run_at_once(monkeypatch, tmp_path):
    log = tmp_path / "log"
    fake = tmp_path / "fake-soffice"
    fake.write_text(f"#!/bin/sh\necho start >> {log}\nsleep 0.3\necho end >> {log}\n")
    fake.chmod(0o755)
    monkeypatch.setenv("NIANBAO_SOFFICE", str(fake))
    with ThreadPoolExecutor(5) as pool:
        codes = list(pool.map(lambda _: check_bytes(word_document_ole(), "报告.doc").error.code, range(5)))
    assert codes == ["convert_failed"] * 5
    running_now, most = 0, 0
    for line in log.read_text().split():
        running_now += 1 if line == "start" else -1
        most = max(most, running_now)
    assert most == legacy.MAX_PARALLEL == 2


@needs_soffice
def test_a_doc_is_marked_up_on_the_converted_copy_it_was_read_from(legacy_drafts):
    """The 批注版 of a .doc is written on the tree the check read from LibreOffice's .docx of it
    (no second conversion, no second read), with the comments python-docx wrote there before."""
    from python_docx_marking import marked_with_python_docx

    from nianbao.validators.annotate import check_and_annotate, read_comments

    name, drafts = next(iter(legacy_drafts.items()))
    result, marked = check_and_annotate(drafts["doc"], "报告.doc")
    assert result.input_format == "doc" and result.issues and marked is not None
    oracle = marked_with_python_docx(convert_to_docx(drafts["doc"], ".doc"), result)  # the conversion kept, not redone
    assert read_comments(marked) == read_comments(oracle)
    assert sorted(c.number for c in read_comments(marked) if c.number) == [i.number for i in result.issues]
