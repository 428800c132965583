"""The typed report every rule sees, and the issues rules produce.

Every value carries its provenance (``Locator``) so that an issue can point at the cell, row,
heading or sentence it is about.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from ..levels import Level

TableKey = Literal["主动公开", "依申请公开", "复议诉讼"]


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def label(self) -> str:
        return {"error": "错误", "warning": "警告", "info": "提示"}[self.value]

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "info": 2}[self.value]


@dataclass(frozen=True, slots=True)
class Locator:
    """Where something came from in the source file (a plain dataclass: readers make hundreds)."""

    source: Literal["docx", "text", "pdf", "html"] = "text"
    line: int | None = None  # 1-based line of a text file
    paragraph: int | None = None  # 0-based index among the document's paragraphs
    table: int | None = None  # 0-based index of the Word/markdown table (or text table block)
    grid_row: int | None = None  # 0-based row on the table grid
    grid_col: int | None = None  # 0-based column on the table grid (merged cells expanded)

    def describe(self) -> str:
        if self.source in ("docx", "html") and self.table is None and self.paragraph is not None:
            return f"第{self.paragraph + 1}段"  # (a text box's line of a paragraph: the paragraph)
        if self.source == "pdf" and self.table is None:
            return f"第{self.line}页" if self.line else ""
        if self.table is not None and self.grid_row is not None and self.source != "text":
            where = f"第{self.table + 1}个表格第{self.grid_row + 1}行"
            return where + (f"第{self.grid_col + 1}列" if self.grid_col is not None else "")
        if self.line is not None:
            return f"第{self.line}行"
        if self.paragraph is not None:
            return f"第{self.paragraph + 1}段"
        return ""


_new, _set = object.__new__, object.__setattr__
_SHARED: dict[tuple, Locator] = {}
_SHARED_MAX = 20_000  # a report has a few thousand places; a hostile table cannot grow it without bound


def shared_locator(source: str, table: int | None = None, grid_row: int | None = None, grid_col: int | None = None, paragraph: int | None = None) -> Locator:
    """``Locator(source=…, table=…, grid_row=…, grid_col=…, paragraph=…)``, one value for each
    place: a reader makes one for every cell of every document, and the same cell of the same
    table comes again in the next document (a Locator is frozen, so it can be shared)."""
    key = (source, table, grid_row, grid_col, paragraph)
    found = _SHARED.get(key)
    if found is None:
        if len(_SHARED) >= _SHARED_MAX:
            _SHARED.clear()
        found = _SHARED[key] = Locator(source=source, paragraph=paragraph, table=table, grid_row=grid_row, grid_col=grid_col)  # type: ignore[arg-type]
    return found


class Cell(BaseModel):
    model_config = ConfigDict(frozen=True)

    row: str
    column: str
    raw: str = ""  # the text as found ("" for blank)
    number: Decimal | None = None  # parsed value, None for blank or non-numeric
    found: bool = True  # False when the row (and so the cell) was not found at all
    locator: Locator | None = None

    @classmethod
    def read(cls, row: str, column: str, raw: str, number: Decimal | None = None, locator: Locator | None = None, found: bool = True, given: frozenset[str] = frozenset()) -> Cell:
        """The cell ``Cell(row=…, column=…, …)`` makes, for values the mapper made of the right
        types already (the template's labels, the text read, ``cell_number``'s value, a
        reader's Locator): not validated a second time. ``given``: the fields the call names."""
        cell = _new(cls)
        _set(cell, "__dict__", {"row": row, "column": column, "raw": raw, "number": number, "found": found, "locator": locator})
        _set(cell, "__pydantic_fields_set__", set(given))
        _set(cell, "__pydantic_extra__", None)
        _set(cell, "__pydantic_private__", None)
        return cell

    @property
    def blank(self) -> bool:
        return self.found and not self.raw.strip()

    def json_value(self) -> int | float | str | None:
        if self.number is not None:
            return int(self.number) if self.number == self.number.to_integral_value() else float(self.number)
        if not self.found or self.blank:
            return None
        return self.raw


class MapNote(BaseModel):
    """Something the mapper noticed while placing values (a deviating label, a missing row …)."""

    kind: Literal[
        "missing_table",
        "missing_row",
        "label_deviation",
        "extra_values",
        "missing_values",
        "old_format",
        "collapsed_other",
        "extra_row",
    ]
    table: TableKey
    row: str | None = None
    found_text: str | None = None
    expected_text: str | None = None
    count: int | None = None
    locator: Locator | None = None


class TableData(BaseModel):
    key: TableKey
    found: bool = False
    locator: Locator | None = None
    rows: dict[str, dict[str, Cell]] = Field(default_factory=dict)

    def cell(self, row: str, column: str) -> Cell:
        return self.rows[row][column]

    def value(self, row: str, column: str) -> Decimal | None:
        cells = self.rows.get(row)
        return cells[column].number if cells and column in cells else None

    def all_cells(self):
        for cells in self.rows.values():
            yield from cells.values()


class Paragraph(BaseModel):
    model_config = ConfigDict(frozen=True)

    text: str
    locator: Locator


class Section(BaseModel):
    number: str  # 一 … 六
    title: str  # the standard title
    heading_found: bool = False
    heading_text: str | None = None  # the heading line as written
    numbering: str | None = None  # the numbering as written ("二、", "2、", "（二）", "")
    locator: Locator | None = None
    paragraphs: list[Paragraph] = Field(default_factory=list)

    @property
    def located(self) -> bool:
        return self.heading_found or bool(self.paragraphs)

    @property
    def text(self) -> str:
        return "\n".join(p.text for p in self.paragraphs)


class Report(BaseModel):
    source_name: str = ""
    input_format: str = ""
    title: str | None = None
    title_locator: Locator | None = None
    agency: str | None = None
    level: Level = "other"
    year: int | None = None
    issue_date: dt.date | None = None
    issue_date_text: str | None = None
    issue_date_locator: Locator | None = None
    sections: list[Section] = Field(default_factory=list)
    paragraphs: list[Paragraph] = Field(default_factory=list)  # all body text outside the tables
    tables: dict[str, TableData] = Field(default_factory=dict)
    notes: list[MapNote] = Field(default_factory=list)
    hidden: list[Paragraph] = Field(default_factory=list)  # hidden text holding numbers, left out when read
    repeated_copies: int = 1  # the whole text pasted this many times (only the first is mapped)
    repetition_locator: Locator | None = None  # where the second copy starts
    _memo: dict = PrivateAttr(default_factory=dict)

    def memo(self, key, compute):
        """Analyses several rules share (the solved tables, the sentences), computed once."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def section(self, number: str) -> Section:
        return next(s for s in self.sections if s.number == number)

    def tables_json(self) -> dict[str, dict[str, dict[str, int | float | str | None]]]:
        return {
            key: {row: {col: cell.json_value() for col, cell in cells.items()} for row, cells in table.rows.items()}
            for key, table in self.tables.items()
        }


class Place(BaseModel):
    """One place an issue is about: a cell, a row, a paragraph. A grouped issue (80 blank cells)
    has one per member; a single issue has one, its own."""

    model_config = ConfigDict(frozen=True)

    table: TableKey | None = None
    row: str | None = None
    column: str | None = None
    expected: str | None = None
    found: str | None = None
    locator: Locator | None = None

    def json_dict(self) -> dict:
        return {
            "table": self.table, "row": self.row, "column": self.column,
            "expected": self.expected, "found": self.found,
            "location": self.locator.describe() if self.locator else None,
        }


class Issue(BaseModel):
    number: int = 0
    code: str
    severity: Severity
    table: TableKey | None = None
    row: str | None = None
    column: str | None = None
    section: str | None = None  # 一 … 六, "title", "period", "signature"
    message: str
    expected: str | None = None
    found: str | None = None
    hint: str = ""
    locator: Locator | None = None
    places: list[Place] = Field(default_factory=list)  # every place, in the report's order

    def all_places(self) -> list[Place]:
        """Every place of the issue: its members when grouped, else the issue's own place."""
        if self.places:
            return self.places
        return [Place(table=self.table, row=self.row, column=self.column, expected=self.expected, found=self.found, locator=self.locator)]

    def json_dict(self) -> dict:
        data = self.model_dump(mode="json", exclude={"locator", "places"})
        data["location"] = self.locator.describe() if self.locator else None
        data["places"] = [place.json_dict() for place in self.all_places()]
        return data
