"""Word's "Strict Open XML 文档" (ISO/IEC 29500 Strict): the same parts as an ordinary .docx under
other namespace names. The package is rewritten to the ordinary (transitional) names once, so
the reader, the page header and the marked-up copy read it like any .docx."""

from __future__ import annotations

import io
import zipfile

_STRICT = b"http://purl.oclc.org/ooxml/"
# strict prefix -> transitional prefix (longest first: a prefix of another is replaced after it)
_NAMES = (
    (b"http://purl.oclc.org/ooxml/officeDocument/relationships", b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"),
    (b"http://purl.oclc.org/ooxml/officeDocument/extendedProperties", b"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"),
    (b"http://purl.oclc.org/ooxml/officeDocument/customProperties", b"http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"),
    (b"http://purl.oclc.org/ooxml/officeDocument/docPropsVTypes", b"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"),
    (b"http://purl.oclc.org/ooxml/officeDocument/sharedTypes", b"http://schemas.openxmlformats.org/officeDocument/2006/sharedTypes"),
    (b"http://purl.oclc.org/ooxml/officeDocument/math", b"http://schemas.openxmlformats.org/officeDocument/2006/math"),
    (b"http://purl.oclc.org/ooxml/wordprocessingml/main", b"http://schemas.openxmlformats.org/wordprocessingml/2006/main"),
    (b"http://purl.oclc.org/ooxml/drawingml/wordprocessingDrawing", b"http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"),
    (b"http://purl.oclc.org/ooxml/drawingml/main", b"http://schemas.openxmlformats.org/drawingml/2006/main"),
    (b"http://purl.oclc.org/ooxml/drawingml/picture", b"http://schemas.openxmlformats.org/drawingml/2006/picture"),
    (b"http://purl.oclc.org/ooxml/drawingml/chart", b"http://schemas.openxmlformats.org/drawingml/2006/chart"),
    (b"http://purl.oclc.org/ooxml/drawingml/diagram", b"http://schemas.openxmlformats.org/drawingml/2006/diagram"),
    (b"http://purl.oclc.org/ooxml/schemaLibrary/main", b"http://schemas.openxmlformats.org/schemaLibrary/2006/main"),
    (b"http://purl.oclc.org/ooxml/officeDocument/bibliography", b"http://schemas.openxmlformats.org/officeDocument/2006/bibliography"),
    (b"http://purl.oclc.org/ooxml/officeDocument/customXml", b"http://schemas.openxmlformats.org/officeDocument/2006/customXml"),
)


def is_strict(document_xml: bytes) -> bool:
    """The main part is written in Strict's names (its root element's namespace)."""
    head = document_xml[:4096]
    return _STRICT + b"wordprocessingml/main" in head


def transitional(text: bytes) -> bytes:
    for strict, ordinary in _NAMES:
        text = text.replace(strict, ordinary)
    return text


def transitional_package(data: bytes) -> bytes:
    """The package with every XML part (relationships and content types included) in the
    transitional names; other parts (images, fonts) copied as they are."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename.endswith((".xml", ".rels")) and _STRICT in content:
                content = transitional(content)
            target.writestr(info, content)
    return out.getvalue()


def package_is_strict(data: bytes) -> bool:
    """A .docx saved as Strict Open XML (cheap: only the main part's opening is looked at)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            with archive.open("word/document.xml") as part:
                return is_strict(part.read(4096))
    except (KeyError, zipfile.BadZipFile, OSError, ValueError):
        return False
