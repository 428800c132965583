"""A .docx package opened once per check: the zip refused early when it is a bomb or not a Word
document, the parts its relationships reach (walked as python-docx's OPC reader walks them, but
without decompressing every part) and the main document part. The reader, the page header and
the marked-up copy share one ``Package``.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from functools import cached_property

from lxml import etree

from ..document import ReadError

MAIN_TYPES = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "application/vnd.ms-word.document.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
)
MAX_UNCOMPRESSED = 64 * 1024 * 1024  # a real report's document.xml is well under 5 MB
MAX_RATIO = 200
CORRUPT = "文件已损坏或不是有效的 Word（.docx）文档，请在 Word/WPS 中重新“另存为 .docx”后再发送。"
BROKEN = "无法打开这个 Word 文档（文件结构损坏）。请在 Word/WPS 中重新保存为 .docx 后再发送。"


def _not_word(names: set[str]) -> str:
    """What a zip package that is not a Word document is, as its sender would call it."""
    if "xl/workbook.xml" in names:
        what = "这是 Excel 表格（.xlsx）"
    elif "ppt/presentation.xml" in names:
        what = "这是 PowerPoint 演示文稿（.pptx）"
    elif any(name.startswith("word/") for name in names):
        what = "这个 Word 文件缺少正文（word/document.xml），可能已损坏"
    else:
        what = "这是一个压缩包（.zip），不是 Word 文档"
    return f"{what}。请发送 Word 格式（.docx）的年度报告本身，不要压缩，也不要只发统计表。"


class Package:
    """The zip of a .docx, opened once. ``checked=False`` skips the zip-bomb checks (for a
    package this program made itself from one that passed them)."""

    def __init__(self, data: bytes, checked: bool = True) -> None:
        self.data = data
        try:
            self.archive = zipfile.ZipFile(io.BytesIO(data))
            self.infos = self.archive.infolist()
        except (zipfile.BadZipFile, ValueError, OSError) as exc:
            raise ReadError("corrupt_docx", CORRUPT) from exc
        self.names = {info.filename for info in self.infos}
        if checked:
            self._refuse_bombs()

    def _refuse_bombs(self) -> None:
        if "word/document.xml" not in self.names:
            raise ReadError("not_docx", _not_word(self.names))
        total = sum(info.file_size for info in self.infos)
        if total > MAX_UNCOMPRESSED or any(
            info.compress_size and info.file_size / info.compress_size > MAX_RATIO and info.file_size > 1_000_000 for info in self.infos
        ):
            raise ReadError("too_large", "文档解压后体积异常（可能是压缩炸弹），已拒绝读取。请发送正常保存的 .docx 文件。")

    def read(self, name: str) -> bytes:
        """A zip member's bytes (``name`` with or without the partname's leading slash)."""
        return self.archive.read(name.lstrip("/"))

    def get(self, name: str) -> bytes | None:
        """A member's bytes, or None when it is missing or cannot be read."""
        try:
            return self.read(name)
        except (KeyError, zipfile.BadZipFile, ValueError, OSError, RuntimeError, NotImplementedError):
            return None

    @cached_property
    def parts(self) -> list[tuple[str, str]]:
        """(partname, content type) of every part the relationships reach, in python-docx's
        order; ``ReadError`` when python-docx could not open the package (a relationship to a
        missing part, a part without content type, broken relationship XML)."""
        try:
            return _walk(self.archive, self.names)
        except Exception as exc:  # what python-docx's OPC reader raises for a broken package
            raise ReadError("corrupt_docx", BROKEN) from exc
    def main_part(self) -> tuple[str, bytes]:
        """The main document part: its name and bytes."""
        for partname, content_type in self.parts:
            if content_type in MAIN_TYPES:
                try:
                    return partname, self.read(partname)
                except Exception as exc:  # a member that cannot be decompressed
                    raise ReadError("corrupt_docx", BROKEN) from exc
        raise ReadError("not_docx", "这个文件不是 Word 文档（没有正文部分）。请发送 .docx 文件。")

    def content_type(self, partname: str) -> str | None:
        return next((kind for name, kind in self.parts if name == partname), None)


_TYPES, _RELS = "{http://schemas.openxmlformats.org/package/2006/content-types}", "{http://schemas.openxmlformats.org/package/2006/relationships}"
_OPC_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)


def _walk(archive: zipfile.ZipFile, names: set[str]) -> list[tuple[str, str]]:
    """python-docx's ``PackageReader`` walk (``_walk_phys_parts``): every relationship from the
    package down, depth first, external targets and parts seen before skipped; a part must be
    in the zip and have a content type (an Override by partname, else a Default by extension,
    both without regard to case). The parts' own bytes are not read."""
    types = _root(archive.read("[Content_Types].xml"), f"{_TYPES}Types")
    overrides = {o.get("PartName").lower(): o.get("ContentType") for o in types.iterchildren(f"{_TYPES}Override")}
    defaults = {d.get("Extension").lower(): d.get("ContentType") for d in types.iterchildren(f"{_TYPES}Default")}
    found: list[tuple[str, str]] = []
    visited: set[str] = set()

    def relationships(source: str) -> list[str]:
        """The internal targets of ``source``'s relationships, as partnames."""
        folder, name = posixpath.split(source)
        try:
            xml = archive.read(posixpath.join(folder, "_rels", f"{name}.rels")[1:])
        except KeyError:
            return []
        rels = _root(xml, f"{_RELS}Relationships")
        return [posixpath.abspath(posixpath.join(folder, rel.get("Target"))) for rel in rels.iterchildren(f"{_RELS}Relationship") if rel.get("TargetMode", "Internal") != "External"]

    def visit(targets: list[str]) -> None:
        for partname in targets:
            if partname in visited:
                continue
            visited.add(partname)
            below = relationships(partname)
            if partname[1:] not in names:
                raise KeyError(f"There is no item named {partname[1:]!r} in the archive")
            extension = posixpath.splitext(partname)[1]
            extension = (extension[1:] if extension.startswith(".") else extension).lower()
            if partname.lower() in overrides:
                found.append((partname, overrides[partname.lower()]))
            elif extension in defaults:
                found.append((partname, defaults[extension]))
            else:
                raise KeyError(f"no content type for partname {partname!r} in [Content_Types].xml")
            visit(below)

    visit(relationships("/"))
    return found


def _root(xml: bytes, tag: str):
    root = etree.fromstring(xml, _OPC_PARSER)
    if root.tag != tag:
        raise ValueError(f"{root.tag} is not {tag}")
    return root
