"""The figures of a report as the county's sum reads them, kept when the report is stored (a draft's
in ``submission_figures``, an imported report's in ``prior_reports.figures_json``): every standard
cell's number as the report has it (an int or a float; None for a blank, text or anything else
that is not a number), in the template's order of cells (``CELLS``). Summing 5,000 agencies then
adds numbers, without opening each report's JSON again; whether the tables can be summed as they
are was worked out at the same moment (``sum_problem``).

A report kept under another order of cells (``LAYOUT``: the template changed since) is read from
its tables again, never from figures in the wrong places."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..validators.identities import number
from ..validators.template import TABLES

__all__ = ["CELLS", "INDEX", "LAYOUT", "Figures", "cells_of", "figures_json", "cells_from_json"]

CellKey = tuple[str, str, str]  # (table key, row label, column)
Cells = tuple  # one number (int, float) or None per cell of CELLS

CELLS: tuple[CellKey, ...] = tuple((spec.key, row.label, column) for spec in TABLES for row in spec.rows for column in row.columns)
INDEX: dict[CellKey, int] = {key: place for place, key in enumerate(CELLS)}
LAYOUT = hashlib.sha256(json.dumps(CELLS, ensure_ascii=False).encode()).hexdigest()[:12]


@dataclass(frozen=True, slots=True)
class Figures:
    """One report's standard cells as numbers (``CELLS``' order), and why its tables cannot be
    summed as they are (None when they can): what the county's sum needs of it."""

    cells: Cells
    problem: str | None = None


def cells_of(tables: Mapping[str, Any] | None) -> Cells:
    """Each standard cell of ``tables`` that holds a number (``identities.number``), as it is; None
    for every other."""
    cells = []
    for table, row, column in CELLS:
        try:
            value = tables[table][row][column]  # type: ignore[index]
        except (KeyError, TypeError, IndexError):
            value = None
        cells.append(value if number(value) is not None else None)
    return tuple(cells)


def figures_json(tables: Mapping[str, Any] | None) -> str | None:
    """What is kept of a report's tables for the sum (None: it has none)."""
    if not tables or not isinstance(tables, Mapping):
        return None
    return json.dumps({"layout": LAYOUT, "cells": cells_of(tables)}, ensure_ascii=False, separators=(",", ":"))


def cells_from_json(text: str | None) -> Cells | None:
    """The cells kept by ``figures_json``; None when nothing was kept, or it was kept in another
    order of cells (read the tables instead)."""
    if not text:
        return None
    kept = json.loads(text)
    if kept.get("layout") != LAYOUT or len(kept.get("cells") or ()) != len(CELLS):
        return None
    return tuple(kept["cells"])
