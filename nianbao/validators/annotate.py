"""The marked-up draft: the staff member's own .docx with one Word comment (批注) per issue.

Each comment is anchored at its issue's first place (``Issue.all_places()``, else its
``Locator``): a table cell, a row (its first cell), a heading or a sentence's paragraph; an issue
without a location is anchored at the title. The further places of a grouped issue (the 80 blank
cells of one habit) are shaded, in a fill of this program's own, so the clerk finds each of them;
a further place that is a paragraph gets a short comment instead. Only comment markers and that
cell shading are added to the body: no text, paragraph or table changes.

The copy is written on the tree the reader read the draft from (``readers.word_tree``: the check
and its 批注版 parse the file once), where the reader's lists map each locator back to its ``w:p``
or ``w:tc`` (``body_map``); the comments part is added as python-docx adds it and the package
written once, untouched parts copied byte for byte (``comments_part``). python-docx only reads a
copy back (``read_comments``).
"""

from __future__ import annotations

import hashlib
import io
import math
import re
from dataclasses import dataclass

from lxml import etree

from .body_map import BodyMap
from .comments_part import CommentedCopy
from .document import ReadError
from .engine import CheckResult, check_keeping_word
from .model import Issue, Locator, Place, Report
from .own_comments import DEFAULT_AUTHOR, DEFAULT_INITIALS, remove_own_shading, shade
from .readers import sniff
from .readers.docx import _P, _TC, W, read_docx
from .readers.legacy import convert_to_docx
from .readers.strict import package_is_strict, transitional_package
from .readers.word_tree import WordTree
from .render import issue_line

_RANGE_START, _REFERENCE, _ID = f"{W}commentRangeStart", f"{W}commentReference", f"{W}id"
# Runs a comment may be anchored on. Runs of tracked insertions (w:ins) are left out: a comment
# reference placed inside one would vanish when the insertion is rejected.
_NS = {"w": W[1:-1]}
_ANCHOR_RUNS = etree.XPath("./w:r | ./w:hyperlink/w:r | ./w:smartTag/w:r | ./w:fldSimple/w:r | ./w:sdt/w:sdtContent/w:r", namespaces=_NS)
_CELL_PARAGRAPHS = etree.XPath("./w:p | ./w:sdt/w:sdtContent/w:p | ./w:customXml/w:p", namespaces=_NS)
_R, _RPR, _RSTYLE, _VAL = f"{W}r", f"{W}rPr", f"{W}rStyle", f"{W}val"
_RANGE_END = f"{W}commentRangeEnd"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_NUMBER = re.compile(r"^(\d+)\. ")


@dataclass(frozen=True, slots=True)
class AnchoredComment:
    """A comment of a .docx and where its range starts (cell or body paragraph)."""

    comment_id: int
    text: str
    author: str
    locator: Locator | None  # table/grid_row/grid_col of the cell, or paragraph; None if not found
    anchor_text: str  # the text of that cell or paragraph

    @property
    def number(self) -> int | None:
        """The issue number the comment starts with ("3. [错误] …")."""
        match = _NUMBER.match(self.text)
        return int(match.group(1)) if match else None


def comment_text(issue: Issue) -> str:
    """The comment for an issue, worded like the chat reply."""
    return _NOT_XML.sub("", issue_line(issue, indent=""))


def annotate_docx(
    data: bytes, result: CheckResult, author: str = DEFAULT_AUTHOR, initials: str = DEFAULT_INITIALS, *, converted: bool = False
) -> bytes:
    """The .docx ``data`` with one comment per issue of ``result`` (its check of these bytes), at
    its first place; every further place of the issue (80 blank cells of one habit) is shaded, or
    where a cell cannot be (a paragraph, a cell with a fill of its own) gets a short 「（见第N条）」.
    The marks this program added to an earlier 批注版 are removed first (people's own comments
    are kept), so the copy holds exactly the current issues, however often it goes back and forth.
    ``converted``: ``data`` is the .docx LibreOffice made of the .doc/.wps/.rtf/.odt checked."""
    _require_annotatable(data, result, converted)
    return _annotated(_word_of(data), result, author, initials)


def _annotated(word: WordTree, result: CheckResult, author: str = DEFAULT_AUTHOR, initials: str = DEFAULT_INITIALS) -> bytes:
    """``annotate_docx`` on the tree the check read (it is marked up in place)."""
    copy = CommentedCopy(word)
    copy.remove_own()
    remove_own_shading(*word.marked_parts)
    body = BodyMap(word.body, word.paragraphs, word.tables)
    groups: dict[object, list[int]] = {}  # anchor element (w:tc or w:p) -> comment ids

    def comment(anchor, text: str) -> None:
        groups.setdefault(anchor, []).append(copy.add(text, author, initials))

    for issue in result.issues:
        places = issue.all_places()
        anchor = _anchor(issue, body, result.report, places)
        further = _further_places(places, body, anchor)
        shaded = [e for e in further if e.tag == _TC and shade(e, issue.severity.value)]
        noted = [e for e in further if e not in shaded]
        comment(anchor, comment_text(issue) + _places_note(len(further) + 1, len(shaded), len(noted), issue.number))
        for element in noted:
            comment(element, f"（见第{issue.number}条）")
    for anchor, comment_ids in groups.items():
        _mark(anchor, comment_ids)
    return copy.save()


def _further_places(places: list[Place], body: BodyMap, anchor) -> list:
    """The elements of an issue's places after its first, each once (not the anchor)."""
    seen, found = {anchor}, []
    for place in places[1:]:
        element = body.element_at(place.locator)
        if element is not None and element not in seen:
            seen.add(element)
            found.append(element)
    return found


def _places_note(count: int, shaded: int, noted: int, number: int) -> str:
    if count <= 1:
        return ""
    ways = [f"{shaded} 处单元格已加底纹"] if shaded else []
    ways += [f"{noted} 处有「（见第{number}条）」批注"] if noted else []
    return f"\n本条共 {count} 处，这里是第 1 处；其余{'，'.join(ways)}。"


CONVERTED_FORMATS = ("doc", "wps", "rtf", "odt")  # read through a .docx LibreOffice made


def can_annotate(data: bytes, result: CheckResult) -> bool:
    return result.error is None and bool(result.issues) and result.input_format == "docx" and sniff(data) == "docx"


def is_clean_copy(result: CheckResult) -> bool:
    """The marked-up file for ``result`` is a clean copy: a returned 批注版 with no issue left,
    given back without the old comments (rather than a copy carrying the issues)."""
    return result.error is None and not result.issues


def clean_copy(data: bytes, result: CheckResult, word: WordTree | None = None) -> bytes | None:
    """A returned 批注版 whose issues are all fixed, without this program's old comments; None
    when the draft carries none of them (nothing to clean) or cannot be opened. ``word``: the
    tree the check read ``data`` from (else it is read again)."""
    if not is_clean_copy(result) or result.input_format != "docx" or (word is None and sniff(data) != "docx"):
        return None  # (a tree the check read as .docx: its bytes are one, no need to sniff them again)
    word = word or _word_of(data)
    copy = CommentedCopy(word)
    if not copy.remove_own() + remove_own_shading(*word.marked_parts):
        return None
    return copy.save()


def check_and_annotate(data: bytes, source_name: str = "", **options) -> tuple[CheckResult, bytes | None]:
    """Check a draft and, when it is a .docx with issues, mark it up as well (one call, so a
    worker process does both; the copy is written on the tree the check read). A returned
    批注版 with no issue left comes back as a clean copy (``is_clean_copy(result)`` tells the
    two apart)."""
    result, word = check_keeping_word(data, source_name, **options)
    try:
        if result.error is None and result.issues and result.input_format in CONVERTED_FORMATS:
            # a .doc/.wps/.rtf/.odt was read from LibreOffice's .docx of it: mark that copy up
            if word is None:
                converted = convert_to_docx(data, f".{result.input_format}")
                return result, annotate_docx(converted, result, converted=True)
            return result, _annotated(word, result)
        if is_clean_copy(result):
            return result, clean_copy(data, result, word)
        if word is None or result.error is not None or not result.issues or result.input_format != "docx":  # can_annotate (read as .docx)
            return result, None
        return result, _annotated(word, result)
    except Exception:  # noqa: BLE001 - a package the copy cannot be written into (a .docm, a broken
        return result, None  # comments part): the review stands without the marked-up copy


def read_comments(data: bytes) -> list[AnchoredComment]:
    """The comments of a .docx in the order their ranges start in the body (unanchored last)."""
    document = _python_docx(data)
    body = BodyMap(document.element.body)
    starts = {}
    for position, marker in enumerate(body.element.iter(_RANGE_START, _REFERENCE)):
        starts.setdefault(marker.get(_ID), (position, marker))  # a range start precedes its reference
    comments = []
    for comment in document.comments:
        position, marker = starts.get(str(comment.comment_id), (math.inf, None))
        locator, anchor_text = body.locate(marker) if marker is not None else (None, "")
        comments.append((position, AnchoredComment(comment.comment_id, comment.text, comment.author, locator, anchor_text)))
    comments.sort(key=lambda item: (item[0], item[1].comment_id))
    return [comment for _, comment in comments]


# ---------------------------------------------------------------- input


def _require_annotatable(data: bytes, result: CheckResult, converted: bool = False) -> None:
    if result.error is not None:
        raise ValueError(f"the draft could not be checked ({result.error.code}); there is nothing to annotate")
    kind = sniff(data)  # not input_format: a legacy .doc is read through a converted .docx copy
    if converted and kind == "docx" and result.input_format in CONVERTED_FORMATS and result.report is not None:
        return  # the copy the check read (its bytes are not the sender's)
    if kind != "docx" or result.input_format != "docx" or result.report is None:
        raise ValueError(f"only a Word .docx draft can be annotated, not {kind if kind != 'docx' else result.input_format}")
    if result.sha256 != hashlib.sha256(data).hexdigest():
        raise ValueError("the check result belongs to another file than the one to annotate")


def _python_docx(data: bytes):
    """The .docx opened by python-docx (which reads copies back independently of the writer)."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    if package_is_strict(data):  # Strict Open XML: read under the ordinary names (Word opens both)
        data = transitional_package(data)
    try:
        return docx.Document(io.BytesIO(data))
    except (ValueError, PackageNotFoundError) as exc:  # e.g. a macro-enabled document or a template
        raise ValueError(f"not a Word .docx document (only .docx can carry the comments): {exc}") from exc


def _word_of(data: bytes) -> WordTree:
    """The tree of a .docx as the reader reads it (its locators are the reader's)."""
    try:
        word = read_docx(data).word
    except ReadError as exc:
        raise ValueError(f"not a Word .docx document (only .docx can carry the comments): {exc.code}") from exc
    assert isinstance(word, WordTree)
    return word


# ---------------------------------------------------------------- anchoring


def _anchor(issue: Issue, body: BodyMap, report: Report, places: list[Place] | None = None):
    """The element of the issue's first place, else of its own locator, else of its table's cell."""
    for locator in ((places or issue.all_places())[0].locator, issue.locator, _locator_from_tables(issue, report)):
        found = body.element_at(locator)
        if found is not None:
            return found
    return body.title(report)


def _locator_from_tables(issue: Issue, report: Report) -> Locator | None:
    """An issue without a locator but naming a table, row or cell: the report's own locators."""
    table = report.tables.get(issue.table) if issue.table else None
    if table is None:
        return None
    cells = table.rows.get(issue.row) if issue.row else None
    if cells and issue.column in cells and cells[issue.column].locator:
        return cells[issue.column].locator
    located = [cell.locator for cell in (cells or {}).values() if cell.locator]
    return located[0] if located else table.locator


def _mark(anchor, comment_ids: list[int]) -> None:
    """Comment ranges over the anchor's runs: starts and references both in issue order (as
    python-docx's ``insert_comment_range_start_above`` and ``..._end_and_reference_below``)."""
    first, last = _anchor_runs(anchor)
    for comment_id in comment_ids:
        first.addprevious(first.makeelement(_RANGE_START, {_ID: str(comment_id)}))
    for comment_id in reversed(comment_ids):  # each lands right after the last run
        reference = last.makeelement(_R, {})
        etree.SubElement(etree.SubElement(reference, _RPR), _RSTYLE, {_VAL: "CommentReference"})
        etree.SubElement(reference, _REFERENCE, {_ID: str(comment_id)})
        last.addnext(reference)
        last.addnext(last.makeelement(_RANGE_END, {_ID: str(comment_id)}))


def _anchor_runs(anchor) -> tuple:
    """The first and last run of a paragraph or cell; an empty one gets an empty run (a blank
    cell is a typical mistake and must still carry its comment)."""
    paragraphs = [anchor] if anchor.tag == _P else _CELL_PARAGRAPHS(anchor)
    runs = [r for p in paragraphs for r in _ANCHOR_RUNS(p)]
    if runs:
        return runs[0], runs[-1]
    if not paragraphs:  # a cell without a paragraph (invalid, but tolerated by the reader)
        paragraphs = [etree.SubElement(anchor, _P)]
    run = etree.SubElement(paragraphs[0], _R)
    return run, run
