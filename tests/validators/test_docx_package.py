"""The package opened once per check (``readers.package``): the parts it finds and the main
document part are python-docx's (its OPC reader's walk, without decompressing every part), and a
package python-docx could not open is refused as before."""

from __future__ import annotations

import io
import zipfile

import pytest
import word_habits as made
from docx.opc.pkgreader import PackageReader
from test_outside_reports import OUTSIDE

from nianbao.validators.document import ReadError
from nianbao.validators.engine import check_bytes
from nianbao.validators.readers.package import Package


def drafts(sample_docx) -> dict[str, bytes]:
    found = dict(sample_docx)
    found.update({path.stem: path.read_bytes() for path in sorted(OUTSIDE.glob("*.docx"))})
    return found


def test_the_parts_and_the_main_part_are_python_docxs(sample_docx):
    for name, data in drafts(sample_docx).items():
        reader = PackageReader.from_file(io.BytesIO(data))
        expected = [(str(partname), content_type) for partname, content_type, _, _ in reader.iter_sparts()]
        package = Package(data)
        assert package.parts == expected, name
        main = next((str(p), blob) for p, content_type, _, blob in reader.iter_sparts() if content_type.endswith("document.main+xml"))
        assert package.main_part() == main, name


def with_member(data: bytes, name: str, content: bytes | None) -> bytes:
    """The package with one member replaced, added (content) or left out (None)."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != name:
                target.writestr(info, source.read(info.filename))
        if content is not None:
            target.writestr(name, content)
    return out.getvalue()


def test_a_package_python_docx_cannot_open_is_refused_as_before(sample_docx):
    data = next(iter(sample_docx.values()))
    rels = zipfile.ZipFile(io.BytesIO(data)).read("word/_rels/document.xml.rels")
    broken = {
        "a relationship to a part that is not there": with_member(data, "word/_rels/document.xml.rels", rels.replace(b"styles.xml", b"gone.xml")),
        "no content types": with_member(data, "[Content_Types].xml", None),
        "relationships that are not XML": with_member(data, "word/_rels/document.xml.rels", b"<Relationships"),
    }
    for why, package in broken.items():
        with pytest.raises(Exception):
            PackageReader.from_file(io.BytesIO(package))
        assert check_bytes(package, "broken.docx").error.code == "corrupt_docx", why
    types = zipfile.ZipFile(io.BytesIO(data)).read("[Content_Types].xml")
    no_main = with_member(data, "[Content_Types].xml", types.replace(b"wordprocessingml.document.main+xml", b"wordprocessingml.other+xml"))
    with pytest.raises(ReadError, match="not_docx"):
        Package(no_main).main_part()


def test_a_bomb_is_refused_before_any_part_is_read():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<w:document/>")
        archive.writestr("word/media/big.bin", bytes(2_000_000))
    with pytest.raises(ReadError, match="too_large"):
        Package(out.getvalue())
    assert Package(out.getvalue(), checked=False).get("word/document.xml") == b"<w:document/>"


def test_a_strict_draft_is_read_from_its_transitional_package(sample_docx):
    data = next(iter(sample_docx.values()))
    strict = made.strict_open_xml(data, b"")
    result = check_bytes(strict, "strict.docx")
    assert result.error is None and result.report.tables_json() == check_bytes(data, "plain.docx").report.tables_json()
