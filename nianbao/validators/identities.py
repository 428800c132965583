"""The tables' identities (勾稽关系) for summing: complete one agency's tables from them, and
check that a summed table still satisfies them.

Summing cell by cell is only sound when every summed table satisfies the identities: one
agency's blank （七）总计 row summed as "missing" leaves the county's 新收 at 9 and its 总计 at 0.
So before an agency is summed, its blank cells are derived from the identities (the engine's own
:func:`~nianbao.validators.rules.arithmetic.derive`); an agency whose tables still have blank
cells, or break an identity, is left out and named. The summed tables are checked once more
(:func:`identity_breaks`) so a broken sum can never reach a supervisor unannounced.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import math

from .rules.arithmetic import derive
from .template import TABLES, TableSpec

__all__ = ["INCOMPLETE", "INCONSISTENT", "Completion", "complete_tables", "identity_breaks", "number", "summability", "zero_filled"]

INCOMPLETE = "统计表不完整（空白单元格无法按勾稽关系推出）"
INCONSISTENT = "统计表勾稽关系不成立"

Coordinate = tuple[str, str]
CellKey = tuple[str, str, str]


@dataclass(frozen=True)
class Completion:
    values: dict[CellKey, Decimal]  # every cell of an equation: given or derived
    derived: tuple[CellKey, ...]  # cells that were blank and are derived from the identities
    problem: str | None = None  # INCOMPLETE / INCONSISTENT, None when the tables can be summed


def _equation_cells(spec: TableSpec) -> set[Coordinate]:
    return {(row, column) for equation in spec.equations for _, row, column in equation.terms}


def _residual(spec: TableSpec, values: Mapping[Coordinate, Decimal]):
    """Per equation: its residual, or None when a term has no value."""
    for equation in spec.equations:
        terms = [(k, values.get((r, c))) for k, r, c in equation.terms]
        yield equation, None if any(v is None for _, v in terms) else sum((k * v for k, v in terms), Decimal(0))


def complete_tables(tables: Mapping[str, Mapping[str, Mapping[str, Any]]] | None, number) -> Completion:
    """The cells of the identities of one agency's tables, blanks derived where the identities
    give them. ``number`` turns a stored cell value into a Decimal or None."""
    values: dict[CellKey, Decimal] = {}
    derived: list[CellKey] = []
    problem = None
    for spec in TABLES:
        cells = _equation_cells(spec)
        if not cells:
            continue
        rows = (tables or {}).get(spec.key) or {}
        known = {(r, c): v for r, c in cells if (v := number((rows.get(r) or {}).get(c))) is not None}
        found = derive(spec.equations, known, cells - set(known))
        found = {k: v for k, v in found.items() if v >= 0}  # a negative count is not a derivation
        known.update(found)
        derived += [(spec.key, r, c) for r, c in sorted(found)]
        values.update({(spec.key, r, c): v for (r, c), v in known.items()})
        if len(known) < len(cells):
            problem = problem or INCOMPLETE
        elif any(residual != 0 for _, residual in _residual(spec, known)):
            problem = INCONSISTENT
    return Completion(values, tuple(derived), problem)


def identity_breaks(tables: Mapping[str, Mapping[str, Mapping[str, Any]]], number) -> list[str]:
    """The identities a summed table breaks, named as a reviewer says them (「表三 「自然人」列」).
    A table without any number (nothing summed) breaks nothing; a blank cell among numbers does."""
    broken = []
    for spec in TABLES:
        rows = tables.get(spec.key) or {}
        values = {(r, c): v for r, c in _equation_cells(spec) if (v := number((rows.get(r) or {}).get(c))) is not None}
        if not values:
            continue
        for equation, residual in _residual(spec, values):
            if residual != 0:
                name = f"{spec.number} {equation.name}"
                if name not in broken:
                    broken.append(name)
    return broken


def number(value: Any) -> Decimal | None:
    """A stored cell value as a number, or None (blank, None, text, bool, NaN/inf are missing)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    result = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    return result if result.is_finite() else None


def zero_filled(tables: Mapping[str, Mapping[str, Mapping[str, Any]]] | None) -> tuple[dict, tuple[tuple[str, str, str], ...]]:
    """The tables with every blank standard cell as 0 (what a supervisor accepted, "按0汇总"), and
    the cells so filled."""
    filled: dict = {key: {row: dict(cells or {}) for row, cells in (rows or {}).items()} for key, rows in (tables or {}).items()}
    zeroed = []
    for spec in TABLES:
        rows = filled.setdefault(spec.key, {})
        for row in spec.rows:
            cells = rows.setdefault(row.label, {})
            for column in row.columns:
                if number(cells.get(column)) is None:
                    cells[column] = 0
                    zeroed.append((spec.key, row.label, column))
    return filled, tuple(zeroed)


def summability(tables: Mapping[str, Mapping[str, Mapping[str, Any]]] | None) -> tuple[str | None, str | None]:
    """Whether one agency's tables can be summed: (the problem as they are, the problem with their
    blank cells taken as 0); None where they can. Worked out once, when a report is stored, so
    that every window tells the same "counted in the sum or not" without reading the tables."""
    tables = _shaped(tables)
    if not tables:
        return INCOMPLETE, INCOMPLETE
    as_is = complete_tables(tables, number).problem
    return as_is, as_is and complete_tables(zero_filled(tables)[0], number).problem


def _shaped(tables: Any) -> dict:
    """The part of stored tables shaped as tables (name -> row -> column -> value): what another
    shape (an old or foreign JSON report, stored as it came) holds cannot be summed, and must
    not stop the report from being stored, nor a database's upgrade."""
    if not isinstance(tables, Mapping):
        return {}
    return {
        key: {row: cells for row, cells in rows.items() if isinstance(cells, Mapping)}
        for key, rows in tables.items()
        if isinstance(rows, Mapping)
    }
