"""The page header of a Word draft: some templates print the report's title there instead of
in the body. Read only when the body has no title (issue 10: a missing title is not a body
sentence, and a title in the header is the title)."""

from __future__ import annotations

import io

from lxml import etree

from .readers.docx import _P, _PARSER, paragraph_text
from .readers.strict import package_is_strict, transitional_package

_HEADER_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"


def header_lines(data: bytes) -> list[str]:
    """The text lines of the document's header parts ([] for anything that is not a readable .docx)."""
    from docx.opc.pkgreader import PackageReader

    lines: list[str] = []
    try:
        if package_is_strict(data):
            data = transitional_package(data)
        reader = PackageReader.from_file(io.BytesIO(data))
        for _, content_type, _, blob in reader.iter_sparts():
            if content_type == _HEADER_TYPE and blob:
                root = etree.fromstring(blob, _PARSER)
                lines += [text for p in root.iter(_P) if (text := paragraph_text(p).strip())]
    except Exception:  # noqa: BLE001 - the header is a bonus: a broken one is simply not there
        return []
    return lines
