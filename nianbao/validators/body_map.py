"""Locators and the Word elements they name, both ways, for the marked-up copy.

The paragraphs and tables are the reader's own (``WordTree``), or the body is walked by
``readers.word_body.blocks`` exactly as the reader walks it (content controls, custom XML, layout
tables, the table of contents counted), so a locator the reader gave names the same ``w:p`` or
``w:tc`` here, and an element maps back to its locator. A table's grid is worked out only when a
locator names one of its cells.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import Locator, Report
from .readers.docx import _GRIDBEFORE, _GRIDSPAN, _HMERGE, _P, _TC, _TR, _VAL, _VMERGE, _cell_text, _val, paragraph_text
from .readers.word_body import blocks


class BodyMap:
    """Body paragraphs and table cells, counted exactly as ``readers.docx`` counts them: the
    reader's own lists (``WordTree``), or the body walked again."""

    def __init__(self, body, paragraphs: list | None = None, tables: list | None = None) -> None:
        self.element = body
        if paragraphs is None or tables is None:
            paragraphs, tables = [], []
            for kind, child in blocks(body):
                if kind == "tbl":
                    tables.append(child)
                elif kind != "chunk":
                    paragraphs.append(child)
        self.paragraphs: list = paragraphs
        self._tbls = tables
        self._grids: dict[int, TableGrid] = {}
        self._paragraph_index: dict | None = None

    @property
    def tables(self) -> list[TableGrid]:
        return [self._grid(index) for index in range(len(self._tbls))]

    def _grid(self, index: int) -> TableGrid:
        """A table's grid, worked out when a locator first needs it."""
        if index not in self._grids:
            self._grids[index] = TableGrid(self._tbls[index], index)
        return self._grids[index]

    def element_at(self, locator: Locator | None):
        """The w:tc or w:p a locator names, or None when it names nothing in this body."""
        if locator is None or locator.source != "docx":
            return None
        if locator.table is not None:
            table = self._grid(locator.table) if 0 <= locator.table < len(self._tbls) else None
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
        if found is None and self._tbls:
            found = self._grid(0).cell(None, None)
        if found is None:
            found = self.element.makeelement(_P, {})
            self.element.insert(0, found)
        return found

    def locate(self, marker) -> tuple[Locator | None, str]:
        """The locator and text of the data-table cell or body paragraph holding ``marker``."""
        for ancestor in marker.iterancestors():
            if ancestor.tag == _TC:
                for table in self.tables:
                    locator = table.locator_of(ancestor)
                    if locator is not None:
                        return locator, _cell_text(ancestor)
            elif ancestor.tag == _P and ancestor in self._paragraphs_by_element():
                index = self._paragraphs_by_element()[ancestor]
                return Locator(source="docx", paragraph=index), paragraph_text(ancestor).strip()
        return None, ""

    def _paragraphs_by_element(self) -> dict:
        if self._paragraph_index is None:
            self._paragraph_index = {p: i for i, p in enumerate(self.paragraphs)}
        return self._paragraph_index


@dataclass(slots=True)
class _GridCell:
    row: int
    column: int
    span: int
    continues: bool  # the continuation of a vertical merge (no text of its own)
    tc: object
    joins_left: bool = False  # the continuation of a legacy horizontal merge (w:hMerge)


class TableGrid:
    """One data table: which w:tc covers each grid position."""

    def __init__(self, tbl, index: int) -> None:
        self.index = index
        self._owner: dict[tuple[int, int], object] = {}
        self._first_in_row: dict[int, object] = {}
        self._position: dict[object, tuple[int, int]] = {}
        for cell in _cells_in_one_pass(tbl):
            self._place(cell)

    def _place(self, cell: _GridCell) -> None:
        self._position[cell.tc] = (cell.row, cell.column)
        for column in range(cell.column, cell.column + cell.span):
            if cell.joins_left:
                owner = self._owner.get((cell.row, cell.column - 1), cell.tc)
            else:
                owner = self._owner.get((cell.row - 1, column), cell.tc) if cell.continues else cell.tc
            self._owner[(cell.row, column)] = owner
        if not cell.continues and not cell.joins_left:
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
    for element in tbl.iter(_TR, _TC, _GRIDBEFORE, _GRIDSPAN, _VMERGE, _HMERGE):
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
        elif tag == _HMERGE:
            if current is not None:
                current.joins_left = element.get(_VAL, "continue") == "continue"
        elif tag == _GRIDBEFORE:
            column = _val(element, 0)
        else:  # a new row
            row, column, current = row + 1, 0, None
    return cells
