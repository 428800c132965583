"""Step 3: read a row's values: the value cells after its label, fitted to its columns."""

from __future__ import annotations

from ..model import Cell, Locator
from ..template import APPLICANT_COLUMNS, RowSpec
from ..text import cell_number, parse_number
from .labels import LabelMatch
from .stream import StreamCell


def _segment_after(stream, index: int, limit: int) -> list[StreamCell]:
    row_id = stream[index].row_id
    segment = []
    stop = min(limit, len(stream)) if limit >= 0 else max(len(stream) + limit, 0)  # stream[index + 1 : limit]
    for k in range(index + 1, stop):  # (not a copy of that slice: a row ends long before the limit)
        cell = stream[k]
        if row_id is not None and cell.row_id != row_id:
            break
        segment.append(cell)
    return segment


def values_after(stream, match: LabelMatch, limit: int) -> list[StreamCell]:
    candidates = [match.end]
    if len({stream[k].row_id for k in range(match.start, match.end + 1)}) > 1:
        candidates = list(range(match.start, match.end + 1))  # a label broken across rows (page break)
    best: list[StreamCell] = []
    for index in candidates:
        values = [c for c in _segment_after(stream, index, limit) if c.is_value]
        if sum(not c.blank for c in values) > sum(not c.blank for c in best) or not best:
            best = values
    return best


def fit_values(values: list[StreamCell], count: int) -> tuple[list[StreamCell | None], int]:
    """Drop structural blanks at the ends until count remain; returns (values, surplus)."""
    values = list(values)
    while len(values) > count:
        if values[-1].blank:
            values.pop()
        elif values[0].blank:
            values.pop(0)
        else:
            break
    surplus = max(0, len(values) - count)
    fitted: list[StreamCell | None] = list(values[:count])
    fitted += [None] * (count - len(fitted))
    return fitted, surplus


def fit_dropped_blanks(values: list[StreamCell], spec: RowSpec) -> list[StreamCell | None] | None:
    """A row of table 3 whose blank cells a text export dropped, when the numbers left fit its
    columns one way only: a single part equal to the total is 自然人 (the other applicants blank).
    The blanks stay blank (and are reported as blanks)."""
    filled = [v for v in values if not v.blank]
    if spec.columns != APPLICANT_COLUMNS or len(filled) != 2 or len(values) >= len(spec.columns):
        return None
    part, total = (parse_number(v.text) for v in filled)
    if part is None or part != total:
        return None
    return [filled[0], *([None] * (len(spec.columns) - 2)), filled[1]]


_BLANK = frozenset({"row", "column", "raw", "locator"})
_READ = frozenset({"row", "column", "raw", "number", "locator"})
_MISSING = frozenset({"row", "column", "found"})


def make_cells(spec: RowSpec, values: list[StreamCell | None], fallback: Locator | None) -> dict[str, Cell]:
    cells = {}
    for column, value in zip(spec.columns, values):
        if value is None:
            cells[column] = Cell.read(spec.label, column, "", locator=fallback, given=_BLANK)
        else:
            raw = value.text.strip()
            cells[column] = Cell.read(spec.label, column, raw, cell_number(raw), value.locator, given=_READ)
    return cells


def missing_cells(spec: RowSpec) -> dict[str, Cell]:
    return {c: Cell.read(spec.label, c, "", found=False, given=_MISSING) for c in spec.columns}
