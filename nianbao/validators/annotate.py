"""The marked-up draft: the staff member's own .docx with one Word comment (批注) per issue.

Each comment is anchored where its issue's ``Locator`` points: a table cell, a row (its first
cell), a heading or a sentence's paragraph; an issue without a location is anchored at the title.
Only comment markers are added to the body: no text, paragraph or table changes.

Locators are counted by ``readers.docx``; ``_BodyMap`` walks python-docx's XML the same way so
that a locator maps back to its ``w:p`` or ``w:tc`` element (and an element back to a locator).
"""

from __future__ import annotations

import hashlib
import io
import math
import re
from dataclasses import dataclass

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml import OxmlElement

from .engine import CheckResult, check_bytes
from .model import Issue, Locator, Report
from .readers import sniff
# The reader's own tags and merge-mark helpers, so that both count the grid identically.
from .readers.docx import (
    _GRIDBEFORE,
    _GRIDSPAN,
    _P,
    _SDT,
    _TBL,
    _TC,
    _TR,
    _VAL,
    _VMERGE,
    W,
    _cell_properties,
    _cell_text,
    _grid_before,
    _val,
    paragraph_text,
)
from .own_comments import DEFAULT_AUTHOR, DEFAULT_INITIALS, remove_own_comments
from .render import issue_line

_SDT_CONTENT = f"{W}sdtContent"
_RANGE_START, _REFERENCE, _ID = f"{W}commentRangeStart", f"{W}commentReference", f"{W}id"
# Runs a comment may be anchored on. Runs of tracked insertions (w:ins) are left out: a comment
# reference placed inside one would vanish when the insertion is rejected.
_ANCHOR_RUNS = "./w:r | ./w:hyperlink/w:r | ./w:smartTag/w:r | ./w:fldSimple/w:r | ./w:sdt/w:sdtContent/w:r"
_CELL_PARAGRAPHS = "./w:p | ./w:sdt/w:sdtContent/w:p | ./w:customXml/w:p"
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


def annotate_docx(data: bytes, result: CheckResult, author: str = DEFAULT_AUTHOR, initials: str = DEFAULT_INITIALS) -> bytes:
    """The .docx ``data`` with one comment per issue of ``result`` (its check of these bytes).
    The comments this program added to an earlier 批注版 are removed first (people's own are
    kept), so the copy holds exactly the current issues, however often it goes back and forth."""
    _require_annotatable(data, result)
    document = _open(data)
    remove_own_comments(document)
    body = _BodyMap(document.element.body)
    groups: dict[object, list[int]] = {}  # anchor element (w:tc or w:p) -> comment ids
    for issue in result.issues:
        anchor = _anchor(issue, body, result.report)
        comment = document.comments.add_comment(comment_text(issue), author=author, initials=initials)
        groups.setdefault(anchor, []).append(comment.comment_id)
    for anchor, comment_ids in groups.items():
        _mark(anchor, comment_ids)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def can_annotate(data: bytes, result: CheckResult) -> bool:
    return result.error is None and bool(result.issues) and result.input_format == "docx" and sniff(data) == "docx"


def is_clean_copy(result: CheckResult) -> bool:
    """The marked-up file for ``result`` is a clean copy: a returned 批注版 with no issue left,
    given back without the old comments (rather than a copy carrying the issues)."""
    return result.error is None and not result.issues


def clean_copy(data: bytes, result: CheckResult) -> bytes | None:
    """A returned 批注版 whose issues are all fixed, without this program's old comments; None
    when the draft carries none of them (nothing to clean) or cannot be opened."""
    if not is_clean_copy(result) or result.input_format != "docx" or sniff(data) != "docx":
        return None
    document = _open(data)
    if not remove_own_comments(document):
        return None
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def check_and_annotate(data: bytes, source_name: str = "", **options) -> tuple[CheckResult, bytes | None]:
    """Check a draft and, when it is a .docx with issues, mark it up as well (one call, so a
    worker process does both). A returned 批注版 with no issue left comes back as a clean copy
    (``is_clean_copy(result)`` tells the two apart)."""
    result = check_bytes(data, source_name, **options)
    try:
        if is_clean_copy(result):
            return result, clean_copy(data, result)
        if not can_annotate(data, result):
            return result, None
        return result, annotate_docx(data, result)
    except Exception:  # noqa: BLE001 - python-docx is stricter than our reader (a .docm, a broken
        return result, None  # comments part): the review stands without the marked-up copy


def read_comments(data: bytes) -> list[AnchoredComment]:
    """The comments of a .docx in the order their ranges start in the body (unanchored last)."""
    document = _open(data)
    body = _BodyMap(document.element.body)
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


def _require_annotatable(data: bytes, result: CheckResult) -> None:
    if result.error is not None:
        raise ValueError(f"the draft could not be checked ({result.error.code}); there is nothing to annotate")
    kind = sniff(data)  # not input_format: a legacy .doc is read through a converted .docx copy
    if kind != "docx" or result.input_format != "docx" or result.report is None:
        raise ValueError(f"only a Word .docx draft can be annotated, not {kind if kind != 'docx' else result.input_format}")
    if result.sha256 != hashlib.sha256(data).hexdigest():
        raise ValueError("the check result belongs to another file than the one to annotate")


def _open(data: bytes):
    try:
        return docx.Document(io.BytesIO(data))
    except (ValueError, PackageNotFoundError) as exc:  # e.g. a macro-enabled document or a template
        raise ValueError(f"not a Word .docx document (only .docx can carry the comments): {exc}") from exc


# ---------------------------------------------------------------- locators <-> elements


class _BodyMap:
    """Body paragraphs and table cells, counted exactly as ``readers.docx`` counts them."""

    def __init__(self, body) -> None:
        self.element = body
        self.paragraphs: list = []
        self.tables: list[_TableGrid] = []
        self._walk(body)
        self._paragraph_index = {p: i for i, p in enumerate(self.paragraphs)}

    def _walk(self, element) -> None:
        for child in element.iterchildren():
            if child.tag == _P:
                self.paragraphs.append(child)
            elif child.tag == _TBL:
                self.tables.append(_TableGrid(child, len(self.tables)))
            elif child.tag == _SDT:
                content = child.find(_SDT_CONTENT)
                if content is not None:
                    self._walk(content)

    def element_at(self, locator: Locator | None):
        """The w:tc or w:p a locator names, or None when it names nothing in this body."""
        if locator is None or locator.source != "docx":
            return None
        if locator.table is not None:
            table = self.tables[locator.table] if 0 <= locator.table < len(self.tables) else None
            return table.cell(locator.grid_row, locator.grid_col) if table else None
        if locator.paragraph is not None and 0 <= locator.paragraph < len(self.paragraphs):
            return self.paragraphs[locator.paragraph]
        return None

    def title(self, report: Report):
        """The title paragraph, else the first paragraph with text, else any first paragraph or
        cell; a body with neither gets an empty paragraph (nothing is left without a comment)."""
        found = self.element_at(report.title_locator)
        if found is not None:
            return found
        with_text = (p for p in self.paragraphs if paragraph_text(p).strip())
        found = next(with_text, None)
        if found is None and self.paragraphs:
            found = self.paragraphs[0]
        if found is None and self.tables:
            found = self.tables[0].cell(None, None)
        if found is None:
            found = OxmlElement("w:p")
            self.element.insert(0, found)
        return found

    def locate(self, marker) -> tuple[Locator | None, str]:
        """The locator and text of the outermost-table cell or body paragraph holding ``marker``."""
        for ancestor in marker.iterancestors():
            if ancestor.tag == _TC:
                for table in self.tables:
                    locator = table.locator_of(ancestor)
                    if locator is not None:
                        return locator, _cell_text(ancestor)
            elif ancestor.tag == _P and ancestor in self._paragraph_index:
                index = self._paragraph_index[ancestor]
                return Locator(source="docx", paragraph=index), paragraph_text(ancestor).strip()
        return None, ""


@dataclass(slots=True)
class _GridCell:
    row: int
    column: int
    span: int
    continues: bool  # the continuation of a vertical merge (no text of its own)
    tc: object


class _TableGrid:
    """One body table: which w:tc covers each grid position."""

    def __init__(self, tbl, index: int) -> None:
        self.index = index
        cells = _cells_by_cell(tbl) if tbl.find(f".//{_TBL}") is not None else _cells_in_one_pass(tbl)
        self._owner: dict[tuple[int, int], object] = {}
        self._first_in_row: dict[int, object] = {}
        self._position: dict[object, tuple[int, int]] = {}
        for cell in cells:
            self._place(cell)

    def _place(self, cell: _GridCell) -> None:
        self._position[cell.tc] = (cell.row, cell.column)
        for column in range(cell.column, cell.column + cell.span):
            owner = self._owner.get((cell.row - 1, column), cell.tc) if cell.continues else cell.tc
            self._owner[(cell.row, column)] = owner
        if not cell.continues:
            self._first_in_row.setdefault(cell.row, cell.tc)

    def cell(self, grid_row: int | None, grid_col: int | None):
        """The w:tc covering a grid position; a row without column gives its first cell, a table
        without row its very first cell."""
        if grid_row is None:
            return next(iter(self._first_in_row.values()), None)
        if grid_col is not None and (grid_row, grid_col) in self._owner:
            return self._owner[(grid_row, grid_col)]
        return self._first_in_row.get(grid_row)

    def locator_of(self, tc) -> Locator | None:
        position = self._position.get(tc)
        if position is None:
            return None
        return Locator(source="docx", table=self.index, grid_row=position[0], grid_col=position[1])


def _cells_in_one_pass(tbl) -> list[_GridCell]:
    """Mirrors ``readers.docx.read_table``: one pass over rows, cells and merge marks in document
    order (a row or cell inside a content control counts too, as it does there)."""
    cells: list[_GridCell] = []
    current: _GridCell | None = None
    row, column = -1, 0
    for element in tbl.iter(_TR, _TC, _GRIDBEFORE, _GRIDSPAN, _VMERGE):
        tag = element.tag
        if tag == _TC:
            if current is not None:
                column += current.span
            current = _GridCell(row, column, 1, False, element)
            cells.append(current)
        elif tag == _GRIDSPAN:
            if current is not None:
                current.span = _val(element, 1)
        elif tag == _VMERGE:
            if current is not None:
                current.continues = element.get(_VAL, "continue") == "continue"
        elif tag == _GRIDBEFORE:
            column = _val(element, 0)
        else:  # a new row
            row, column, current = row + 1, 0, None
    return cells


def _cells_by_cell(tbl) -> list[_GridCell]:
    """Mirrors ``readers.docx._read_table_by_cell`` (a table holding a nested table)."""
    cells: list[_GridCell] = []
    for row, tr in enumerate(tbl.iterchildren(_TR)):
        column = _grid_before(tr)
        for tc in tr.iterchildren(_TC):
            span, continues = _cell_properties(tc)
            cells.append(_GridCell(row, column, span, continues, tc))
            column += span
    return cells


# ---------------------------------------------------------------- anchoring


def _anchor(issue: Issue, body: _BodyMap, report: Report):
    for locator in (issue.locator, _locator_from_tables(issue, report)):
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
    """Comment ranges over the anchor's runs: starts and references both in issue order."""
    first, last = _anchor_runs(anchor)
    for comment_id in comment_ids:
        first.insert_comment_range_start_above(comment_id)
    for comment_id in reversed(comment_ids):  # each lands right after the last run
        last.insert_comment_range_end_and_reference_below(comment_id)


def _anchor_runs(anchor) -> tuple:
    """The first and last run of a paragraph or cell; an empty one gets an empty run (a blank
    cell is a typical mistake and must still carry its comment)."""
    paragraphs = [anchor] if anchor.tag == _P else anchor.xpath(_CELL_PARAGRAPHS)
    runs = [r for p in paragraphs for r in p.xpath(_ANCHOR_RUNS)]
    if runs:
        return runs[0], runs[-1]
    if not paragraphs:  # a cell without a paragraph (invalid, but tolerated by the reader)
        paragraphs = [OxmlElement("w:p")]
        anchor.append(paragraphs[0])
    run = paragraphs[0].add_r()
    return run, run
