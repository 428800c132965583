"""The three standard tables as printed grids: which text goes in which (merged) cell.

Built from :mod:`nianbao.validators.template` only, so the blank Word template and the county
summary workbook lay the tables out the same way as the official format (国办公开办函〔2021〕30号):

- 表二: per article-20 group a full-width group row, a "信息内容" header row with the group's
  columns, then its data rows (a single-column group's value cell spans the three value columns).
- 表三: three header rows (the balance note over three label columns, 申请人情况 / 自然人,
  法人或其他组织 and its five parts, 总计), then 25 data rows whose labels nest under
  "三、本年度办理结果" and its sub-groups （三）…（六） with vertically merged group cells.
- 表四: 行政复议 / 行政诉讼 (未经复议直接起诉, 复议后起诉) over five outcome columns each, and one
  unlabelled data row.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from itertools import groupby

from ..validators.template import (
    APPLICANT_COLUMNS,
    APPLICANT_PARTS,
    REVIEW_OUTCOMES,
    T3_TOTAL,
    T4_GROUPS,
    TABLE2,
    TABLE3,
    TABLE4,
    TABLES,
    RowSpec,
    TableSpec,
)

__all__ = ["GridCell", "TableGrid", "table_grid", "table_grids"]

INFO_CONTENT = "信息内容"  # table 2's label-column header
T3_NOTE, T3_APPLICANTS, T3_LEGAL = TABLE3.headers[:3]  # the balance note, 申请人情况, 法人或其他组织
T3_RESULTS = TABLE3.row(T3_TOTAL).group  # 三、本年度办理结果
T4_LITIGATION = "行政诉讼"
assert T4_LITIGATION in TABLE4.headers and T3_RESULTS in TABLE3.headers


@dataclass(frozen=True)
class GridCell:
    row: int  # 0-based, top-left of a merged cell
    col: int
    text: str = ""
    kind: str = "header"  # "header" | "label" | "value"
    rowspan: int = 1
    colspan: int = 1
    key: tuple[str, str] | None = None  # (row label, column) of a value cell


@dataclass(frozen=True)
class TableGrid:
    spec: TableSpec
    n_rows: int
    n_cols: int
    cells: tuple[GridCell, ...]
    widths: tuple[float, ...]  # relative column widths
    header_rows: int = 0  # rows at the top that are pure headers (repeated across pages)

    def value_cells(self) -> dict[tuple[str, str], GridCell]:
        return {c.key: c for c in self.cells if c.key is not None}

    def merged(self) -> list[GridCell]:
        return [c for c in self.cells if c.rowspan > 1 or c.colspan > 1]


# ---------------------------------------------------------------- table 2


def _table2() -> TableGrid:
    cells: list[GridCell] = []
    r = 0
    for group, rows in groupby(TABLE2.rows, key=lambda row: row.group):
        rows = list(rows)
        columns = rows[0].columns
        span = 3 // len(columns)
        cells.append(GridCell(r, 0, group or "", colspan=4))
        cells.append(GridCell(r + 1, 0, INFO_CONTENT))
        cells += [GridCell(r + 1, 1 + i * span, c, colspan=span) for i, c in enumerate(columns)]
        r += 2
        for row in rows:
            cells.append(GridCell(r, 0, row.printed, "label"))
            cells += [GridCell(r, 1 + i * span, "", "value", colspan=span, key=(row.label, c)) for i, c in enumerate(columns)]
            r += 1
    return TableGrid(TABLE2, r, 4, tuple(cells), (1.0, 1.0, 1.0, 1.0))


# ---------------------------------------------------------------- table 3


def _t3_path(row: RowSpec) -> tuple[str, ...]:
    """The label groups a table-3 row nests under: (), (三、本年度办理结果,) or (…, （三）不予公开)."""
    if row.group is None:
        return ()
    if row.group == T3_RESULTS:
        return (T3_RESULTS,)
    return (T3_RESULTS, row.group)


def _t3_labels(first_row: int) -> list[GridCell]:
    """Label cells of the 25 data rows (3 label columns, group cells merged down)."""
    cells: list[GridCell] = []
    paths = [_t3_path(row) for row in TABLE3.rows]
    for depth in (0, 1):  # vertically merged group cells at label columns 0 and 1
        r = first_row
        for key, run in groupby(paths, key=lambda p: p[: depth + 1] if len(p) > depth else None):
            n = len(list(run))
            if key is not None:
                cells.append(GridCell(r, depth, key[depth], "label", rowspan=n))
            r += n
    for i, (row, path) in enumerate(zip(TABLE3.rows, paths)):
        cells.append(GridCell(first_row + i, len(path), row.printed, "label", colspan=3 - len(path)))
    return cells


def _table3() -> TableGrid:
    n_parts = len(APPLICANT_PARTS) - 1  # the five 法人或其他组织 columns
    cells = [
        GridCell(0, 0, T3_NOTE, rowspan=3, colspan=3),
        GridCell(0, 3, T3_APPLICANTS, colspan=len(APPLICANT_COLUMNS)),
        GridCell(1, 3, APPLICANT_COLUMNS[0], rowspan=2),
        GridCell(1, 4, T3_LEGAL, colspan=n_parts),
        GridCell(1, 4 + n_parts, APPLICANT_COLUMNS[-1], rowspan=2),
    ]
    cells += [GridCell(2, 4 + i, c) for i, c in enumerate(APPLICANT_PARTS[1:])]
    cells += _t3_labels(3)
    for i, row in enumerate(TABLE3.rows):
        cells += [GridCell(3 + i, 3 + j, "", "value", key=(row.label, c)) for j, c in enumerate(row.columns)]
    widths = (0.8, 1.0, 3.4) + (0.75,) * len(APPLICANT_COLUMNS)
    return TableGrid(TABLE3, 3 + len(TABLE3.rows), 3 + len(APPLICANT_COLUMNS), tuple(cells), widths, header_rows=3)


# ---------------------------------------------------------------- table 4


def _table4() -> TableGrid:
    n = len(REVIEW_OUTCOMES)
    review, *suits = T4_GROUPS
    cells = [GridCell(0, 0, review, colspan=n), GridCell(0, n, T4_LITIGATION, colspan=n * len(suits))]
    cells += [GridCell(1, j, c, rowspan=2) for j, c in enumerate(REVIEW_OUTCOMES)]
    for g, group in enumerate(suits, start=1):
        cells.append(GridCell(1, g * n, group, colspan=n))
        cells += [GridCell(2, g * n + j, c) for j, c in enumerate(REVIEW_OUTCOMES)]
    for g, row in enumerate(TABLE4.rows):
        cells += [GridCell(3, g * n + j, "", "value", key=(row.label, c)) for j, c in enumerate(row.columns)]
    return TableGrid(TABLE4, 4, n * len(T4_GROUPS), tuple(cells), (1.0,) * (n * len(T4_GROUPS)), header_rows=3)


_BUILDERS = {TABLE2.key: _table2, TABLE3.key: _table3, TABLE4.key: _table4}


@cache
def table_grid(key: str) -> TableGrid:
    """The printed grid of one standard table (主动公开 / 依申请公开 / 复议诉讼)."""
    return _BUILDERS[key]()


def table_grids() -> tuple[TableGrid, ...]:
    return tuple(table_grid(spec.key) for spec in TABLES)
