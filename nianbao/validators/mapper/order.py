"""Values placed by their order when labels and numbers are not side by side.

Plain ``pdftotext`` (no ``-layout``) prints a table one cell per line but in the order of the
PDF's text blocks: a row's numbers stay together and in table order, while wrapped labels and
the merged group cells drift elsewhere (「（一）予以公开」 after 「1.本机关不掌握…」). When the
number of values between a table's first label and its end is exactly the table's cell count,
they are its cells in template order. Table 4's header words split its fifteen values into runs
that come out of order; the order of those runs in which every group adds up and the groups'
总计 cells stay in the order they were read (the 总计 column closes each group's block) is taken.
"""

from __future__ import annotations

from decimal import Decimal
from itertools import permutations

from ..model import TableData
from ..template import TABLE4, TableSpec
from ..text import parse_number
from .stream import StreamCell
from .values import make_cells

MAX_RUNS = 7  # 5040 orders at most


def values_in_order(stream, spec: TableSpec, start: int, limit: int) -> list[StreamCell] | None:
    """The table's values when they are exactly its cells, in a stream without rows."""
    cells = stream[start:limit]
    if any(c.row_id is not None for c in cells):
        return None
    values = [c for c in cells if c.is_value and not c.blank]
    return values if len(values) == spec.cell_count else None


def place_in_order(spec: TableSpec, values: list[StreamCell]) -> TableData:
    data = TableData(key=spec.key, found=True, locator=values[0].locator)
    offset = 0
    for row in spec.rows:
        row_values = values[offset : offset + len(row.columns)]
        data.rows[row.label] = make_cells(row, row_values, row_values[0].locator)
        offset += len(row.columns)
    return data


def runs(values: list[StreamCell]) -> list[list[StreamCell]]:
    """Values at consecutive stream positions form a run."""
    result: list[list[StreamCell]] = []
    for cell in values:
        if result and cell.index == result[-1][-1].index + 1:
            result[-1].append(cell)
        else:
            result.append([cell])
    return result


def _groups_add_up(numbers: list[Decimal | None]) -> bool:
    width = len(TABLE4.rows[0].columns)
    for offset in range(0, len(numbers), width):
        group = numbers[offset : offset + width]
        if any(n is None for n in group) or sum(group[:-1]) != group[-1]:
            return False
    return True


def table4_order(values: list[StreamCell]) -> list[StreamCell]:
    """Table 4's values in the first order of their runs in which every group's 总计 adds up, when
    the order as read does not; otherwise as read (its sums are then reported)."""
    if len(values) != TABLE4.cell_count or _groups_add_up([_number(v) for v in values]):
        return values
    pieces = runs(values)
    if not 1 < len(pieces) <= MAX_RUNS:
        return values
    width = len(TABLE4.rows[0].columns)
    fallback = None
    for order in permutations(pieces):
        candidate = [cell for piece in order for cell in piece]
        if not _groups_add_up([_number(c) for c in candidate]):
            continue
        totals = [candidate[offset + width - 1].index for offset in range(0, len(candidate), width)]
        if totals == sorted(totals):
            return candidate  # each group's 总计 column read in the groups' left-to-right order
        fallback = fallback or candidate
    return fallback or values


def _number(cell: StreamCell) -> Decimal | None:
    return parse_number(cell.text)
