"""The package written once (``zip_copy``): the members not changed are the draft's, compressed
bytes and all, whatever zip tool made it (data descriptors, zip64 records, UTF-8 names, folders,
a comment); the changed and new ones deflated; zipfile, python-docx and LibreOffice read it."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest

from nianbao.validators.readers.package import Package
from nianbao.validators.zip_copy import write_package


def raw(data: bytes, info: zipfile.ZipInfo) -> bytes:
    at = info.header_offset
    start = at + 30 + int.from_bytes(data[at + 26 : at + 28], "little") + int.from_bytes(data[at + 28 : at + 30], "little")
    return data[start : start + info.compress_size]


def odd_zip() -> bytes:
    """A package as a streaming zip tool writes it: sizes after the data (a data descriptor),
    zip64 records, a UTF-8 name, a folder entry, a stored member and an archive comment."""

    class Unseekable(io.RawIOBase):
        def __init__(self) -> None:
            self.buffer = bytearray()

        def writable(self) -> bool:
            return True

        def write(self, b) -> int:
            self.buffer += b
            return len(b)

    out = Unseekable()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            part.write(b"<w:document/>" * 50)
        archive.writestr(zipfile.ZipInfo("word/media/"), b"")
        archive.writestr("word/图片说明.txt", "说明".encode())
        archive.writestr(zipfile.ZipInfo("word/stored.bin"), bytes(range(256)), compress_type=zipfile.ZIP_STORED)
        archive.comment = b"made by a zip tool"
    return bytes(out.buffer)


def test_an_unchanged_package_keeps_every_member_as_it_was():
    data = odd_zip()
    source = zipfile.ZipFile(io.BytesIO(data))
    assert any(info.flag_bits & 0x08 for info in source.infolist())  # the data descriptors are there
    assert source.getinfo("word/document.xml").extract_version == 45  # and a zip64 record
    written = write_package(Package(data, checked=False), {})
    copy = zipfile.ZipFile(io.BytesIO(written))
    assert copy.testzip() is None and copy.comment == b"made by a zip tool"
    assert [i.filename for i in copy.infolist()] == [i.filename for i in source.infolist()]
    for before, after in zip(source.infolist(), copy.infolist()):
        assert raw(written, after) == raw(data, before)
        assert (after.CRC, after.compress_type, after.date_time, after.external_attr) == (before.CRC, before.compress_type, before.date_time, before.external_attr)
        assert copy.read(after) == source.read(before)
        assert not after.flag_bits & 0x08  # the sizes are in the header now


def test_changed_and_new_members_are_deflated_in_place_and_after():
    data = odd_zip()
    written = write_package(Package(data, checked=False), {"word/document.xml": b"<w:document>new</w:document>", "word/comments.xml": b"<w:comments/>"})
    copy = zipfile.ZipFile(io.BytesIO(written))
    assert copy.testzip() is None
    assert copy.namelist() == [*zipfile.ZipFile(io.BytesIO(data)).namelist(), "word/comments.xml"]
    assert copy.read("word/document.xml") == b"<w:document>new</w:document>"
    assert copy.getinfo("word/comments.xml").compress_type == zipfile.ZIP_DEFLATED
    assert copy.read("word/图片说明.txt") == "说明".encode()


def test_a_written_draft_opens_in_python_docx(sample_docx):
    data = next(iter(sample_docx.values()))
    package = Package(data)
    written = write_package(package, {"word/document.xml": package.read("word/document.xml")})
    assert zipfile.ZipFile(io.BytesIO(written)).testzip() is None
    assert [p.text for p in docx.Document(io.BytesIO(written)).paragraphs] == [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]


def test_a_package_too_large_for_a_plain_zip_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for k in range(0x10000):
            archive.writestr(f"{k}", b"")
    with pytest.raises(ValueError, match="too large"):
        write_package(Package(out.getvalue(), checked=False), {})


def test_a_name_given_twice_is_written_once_as_it_was_read(sample_texts):
    """An odd or hostile zip holding word/document.xml twice: zipfile (and so the check) reads
    the last; the 批注版 holds that one, marked, and no stale copy beside it."""
    import warnings

    from fixtures.roundtrip import two_mistakes_draft

    from nianbao.validators.annotate import check_and_annotate, read_comments

    draft = zipfile.ZipFile(io.BytesIO(two_mistakes_draft(sample_texts)))
    twice = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(twice, "w", zipfile.ZIP_DEFLATED) as target:
        warnings.simplefilter("ignore")  # zipfile warns of the duplicate name
        target.writestr("word/document.xml", b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body/></w:document>')
        for info in draft.infolist():
            target.writestr(info, draft.read(info.filename))
    result, marked = check_and_annotate(twice.getvalue(), "两份正文.docx")
    assert result.error is None and len(result.issues) == 2 and marked is not None
    names = [info.filename for info in zipfile.ZipFile(io.BytesIO(marked)).infolist()]
    assert names.count("word/document.xml") == 1
    assert [c.locator is not None for c in read_comments(marked)] == [True, True]
