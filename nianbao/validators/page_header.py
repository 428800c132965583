"""The page header of a Word draft: some templates print the report's title there instead of
in the body. Read only when the body has no title (issue 10: a missing title is not a body
sentence, and a title in the header is the title)."""

from __future__ import annotations

from lxml import etree

from .readers.docx import _P, _PARSER, paragraph_text
from .readers.package import Package
from .readers.strict import package_is_strict, transitional_package

_HEADER_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"


def header_lines(package: Package | bytes) -> list[str]:
    """The text lines of the document's header parts ([] for anything that is not a readable
    .docx); ``package`` is the one the check opened, or the file's bytes."""
    lines: list[str] = []
    try:
        if not isinstance(package, Package):
            data = transitional_package(package) if package_is_strict(package) else package
            package = Package(data, checked=False)
        for partname, content_type in package.parts:
            if content_type == _HEADER_TYPE:
                blob = package.read(partname)
                if blob:
                    root = etree.fromstring(blob, _PARSER)
                    lines += [text for p in root.iter(_P) if (text := paragraph_text(p).strip())]
    except Exception:  # noqa: BLE001 - the header is a bonus: a broken one is simply not there
        return []
    return lines
