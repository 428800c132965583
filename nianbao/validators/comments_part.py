"""Comments written into a .docx on the reader's own tree (``WordTree``), as python-docx writes
them: the comments part (``word/comments.xml``) the main part relates to, or a new one made from
python-docx's template with its relationship and content type; each comment's XML as
``Comments.add_comment`` makes it; the package then written once (``zip_copy``), every part
that did not change copied byte for byte.
"""

from __future__ import annotations

import datetime as dt
import posixpath

from lxml import etree

from .own_comments import COMMENT_SIDE_PARTS, remove_own_comments
from .readers.package import MAIN_TYPES
from .readers.word_body import W
from .readers.word_tree import WordTree
from .zip_copy import write_package

DOCUMENT_TYPE = MAIN_TYPES[0]  # python-docx opens nothing else (not a .docm, not a template)
COMMENTS_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"
COMMENTS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"
RELS_TYPE = "application/vnd.openxmlformats-package.relationships+xml"
_RELS, _TYPES = "{http://schemas.openxmlformats.org/package/2006/relationships}", "{http://schemas.openxmlformats.org/package/2006/content-types}"
_CONTENT_TYPES = "[Content_Types].xml"
# python-docx's templates/default-comments.xml
_EMPTY_COMMENTS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:comments'
    b' xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"'
    b' xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"'
    b' xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    b' xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    b' xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"'
    b' xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
    b' xmlns:a14="http://schemas.microsoft.com/office/drawing/2010/main"'
    b' xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml"'
    b' xmlns:wpc="http://schemas.microsoft.com/office/word/2010/wordprocessingCanvas"/>'
)
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
_COMMENT, _P, _PPR, _PSTYLE, _R, _RPR, _RSTYLE = (f"{W}{n}" for n in ("comment", "p", "pPr", "pStyle", "r", "rPr", "rStyle"))
_T, _TAB, _BR, _ANNOTATION_REF = f"{W}t", f"{W}tab", f"{W}br", f"{W}annotationRef"
_ID, _AUTHOR, _INITIALS, _DATE, _VAL = f"{W}id", f"{W}author", f"{W}initials", f"{W}date", f"{W}val"
_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_LARGEST_ID = 2**31 - 1


def _member(partname: str) -> str:
    return partname.lstrip("/")


def _xml(root) -> bytes:
    return etree.tostring(root, encoding="UTF-8", standalone=True)


class CommentedCopy:
    """The comments of a draft's 批注版, added to and removed from its reader's tree."""

    def __init__(self, word: WordTree) -> None:
        self.word = word
        package = word.package
        main_type = package.content_type(word.partname)
        if main_type != DOCUMENT_TYPE:  # e.g. a macro-enabled document or a template
            raise ValueError(f"not a Word .docx document (only .docx can carry the comments): its main part is {main_type}")
        self.base = posixpath.dirname(word.partname)
        self.rels_name = posixpath.join(self.base, "_rels", posixpath.basename(word.partname) + ".rels").lstrip("/")
        rels = package.get(self.rels_name)
        self.rels = etree.fromstring(rels, _PARSER) if rels is not None else None
        self.changed: set[str] = set()  # members whose trees below are to be written
        self.trees: dict[str, object] = {}
        self.comments = self._related_comments()
        self.date = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        self._used: list[int] | None = None

    # ------------------------------------------------------------ the comments part

    def _related_comments(self):
        """The tree of the comments part the main part relates to, or None (python-docx's rules:
        one relationship of that type at most, to a part of the comments type)."""
        related = [rel for rel in self._relationships() if rel.get("Type") == COMMENTS_REL]
        if not related:
            return None
        if len(related) > 1:
            raise ValueError("the document relates to several comments parts")
        if related[0].get("TargetMode") == "External":
            raise ValueError("the comments part is outside the package")
        partname = posixpath.abspath(posixpath.join(self.base, related[0].get("Target") or ""))
        if self.word.package.content_type(partname) != COMMENTS_TYPE:
            raise ValueError(f"the comments part {partname} is not of the comments type")
        self.comments_name = _member(partname)
        return self._tree(self.comments_name)

    def _relationships(self) -> list:
        return list(self.rels.iterchildren(f"{_RELS}Relationship")) if self.rels is not None else []

    def _tree(self, member: str):
        if member not in self.trees:
            self.trees[member] = etree.fromstring(self.word.package.read(member), _PARSER)
        return self.trees[member]

    def remove_own(self) -> int:
        """This program's earlier comments removed (their markers in the body, their entries
        in Word's side parts); how many."""
        if self.comments is None:
            return 0
        side = [(_member(name), None) for name, _ in self.word.package.parts if posixpath.basename(name) in COMMENT_SIDE_PARTS]
        side = [(name, self._tree(name)) for name, _ in sorted(side, key=lambda part: not part[0].endswith("commentsIds.xml"))]
        body, *fallbacks = self.word.marked_parts
        removed = remove_own_comments(self.comments, body, side, tuple(fallbacks))
        if removed:
            self.changed |= {self.comments_name, *(name for name, _ in side)}
        return removed

    def add(self, text: str, author: str, initials: str | None) -> int:
        """A comment of ``text`` (lines become paragraphs) at the end of the comments part; its id."""
        if self.comments is None:
            self._new_comments_part()
        comment_id = self._next_id()
        comment = etree.SubElement(self.comments, _COMMENT, {_ID: str(comment_id), _AUTHOR: author})
        if initials is not None:
            comment.set(_INITIALS, initials)
        comment.set(_DATE, self.date)
        paragraph = _comment_paragraph(comment)
        reference = etree.SubElement(paragraph, _R)
        etree.SubElement(etree.SubElement(reference, _RPR), _RSTYLE, {_VAL: "CommentReference"})
        etree.SubElement(reference, _ANNOTATION_REF)
        if text:
            first, *more = text.split("\n")
            _add_run(paragraph, first)
            for line in more:
                paragraph = _comment_paragraph(comment)
                if line:
                    _add_run(paragraph, line)
        self.changed.add(self.comments_name)
        return comment_id

    def _next_id(self) -> int:
        """python-docx's next comment id: one above the largest, else the first one unused."""
        if self._used is None:
            self._used = [int(value) for value in (c.get(_ID) for c in self.comments.iterchildren(_COMMENT)) if value is not None]
        next_id = max(self._used, default=-1) + 1
        if next_id > _LARGEST_ID:
            ordered = sorted(self._used)
            next_id = next((expected for expected, actual in enumerate(ordered) if expected != actual), len(ordered))
        self._used.append(next_id)
        return next_id

    def _new_comments_part(self) -> None:
        """``/word/comments.xml`` as python-docx makes it: its template, a relationship from the
        main part (the first rId free) and an Override content type."""
        taken = {name for name, _ in self.word.package.parts}
        partname = next(name for n in range(1000) if (name := f"/word/comments{n or ''}.xml") not in taken)
        self.comments_name = _member(partname)
        self.comments = self.trees[self.comments_name] = etree.fromstring(_EMPTY_COMMENTS, _PARSER)
        if self.rels is None:
            self.rels = etree.Element(f"{_RELS}Relationships", nsmap={None: _RELS[1:-1]})
        ids = {rel.get("Id") for rel in self._relationships()}
        rel_id = next(f"rId{n}" for n in range(1, len(ids) + 2) if f"rId{n}" not in ids)
        target = partname[1:] if self.base == "/" else posixpath.relpath(partname, self.base)
        etree.SubElement(self.rels, f"{_RELS}Relationship", {"Id": rel_id, "Type": COMMENTS_REL, "Target": target})
        types = self._tree(_CONTENT_TYPES)
        for override in types.iterchildren(f"{_TYPES}Override"):
            if (override.get("PartName") or "").lower() == partname.lower():
                override.set("ContentType", COMMENTS_TYPE)
                break
        else:
            etree.SubElement(types, f"{_TYPES}Override", {"PartName": partname, "ContentType": COMMENTS_TYPE})
        if not any((d.get("Extension") or "").lower() == "rels" for d in types.iterchildren(f"{_TYPES}Default")):
            etree.SubElement(types, f"{_TYPES}Default", {"Extension": "rels", "ContentType": RELS_TYPE})
        self.changed |= {self.comments_name, self.rels_name, _CONTENT_TYPES}

    # ------------------------------------------------------------ the package

    def save(self) -> bytes:
        """The package with the marked-up body and the changed parts, written once."""
        self.word.restore()
        changed = {_member(self.word.partname): _xml(self.word.root)}
        for member in self.changed:
            changed[member] = _xml(self.rels if member == self.rels_name else self.trees[member])
        return write_package(self.word.package, changed)


def _comment_paragraph(comment):
    paragraph = etree.SubElement(comment, _P)
    etree.SubElement(etree.SubElement(paragraph, _PPR), _PSTYLE, {_VAL: "CommentText"})
    return paragraph


def _add_run(paragraph, text: str) -> None:
    """A run of ``text`` as python-docx writes it: a tab is a w:tab, a line break a w:br."""
    run = etree.SubElement(paragraph, _R)
    if "\t" not in text and "\r" not in text:  # the common case: one w:t
        if text:
            t = etree.SubElement(run, _T)
            t.text = text
            if len(text.strip()) < len(text):
                t.set(_SPACE, "preserve")
        return
    pending: list[str] = []

    def flush() -> None:
        if pending:
            piece = "".join(pending)
            t = etree.SubElement(run, _T)
            t.text = piece
            if len(piece.strip()) < len(piece):
                t.set(_SPACE, "preserve")
            pending.clear()

    for char in text:
        if char == "\t":
            flush()
            etree.SubElement(run, _TAB)
        elif char in "\r\n":
            flush()
            etree.SubElement(run, _BR)
        else:
            pending.append(char)
    flush()
