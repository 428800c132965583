"""Last year's report, as the year-to-year rules see it.

The storage keeps an agency's previous report as the tables dict of ``Report.tables_json()``
(``{table_key: {row_label: {column_label: number | str | None}}}``) and its year; a
``PriorReport`` wraps that, with a name for it that messages can quote ("2023年已通过的报送").
"""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from .model import Report
from .text import cell_number

TableValue = int | float | str | None
Tables = dict[str, dict[str, dict[str, TableValue]]]


class PriorReport(BaseModel):
    model_config = ConfigDict(frozen=True)

    year: int
    agency: str | None = None
    source: str = ""  # how messages name it: "2023年已通过的报送", "导入的2023年报告"
    tables: Tables = Field(default_factory=dict)

    @classmethod
    def from_tables(cls, year: int, tables: Tables, *, agency: str | None = None, source: str | None = None) -> PriorReport:
        """From the stored tables dict (``Report.tables_json()`` of last year's report)."""
        return cls(year=year, agency=agency, source=source or default_source(year), tables=tables)

    @classmethod
    def from_report(cls, report: Report, *, year: int | None = None, source: str | None = None) -> PriorReport:
        """From a mapped report; ``year`` overrides the year read from its title."""
        year = year or report.year
        if year is None:
            raise ValueError("the previous report has no year: pass year=")
        return cls.from_tables(year, report.tables_json(), agency=report.agency, source=source)

    def value(self, table: str, row: str, column: str) -> Decimal | None:
        """A number, or None when the cell is missing, blank or not a number."""
        raw = self.tables.get(table, {}).get(row, {}).get(column)
        if raw is None or isinstance(raw, bool):
            return None
        if isinstance(raw, str):
            return cell_number(raw)
        return Decimal(str(raw))

    def precedes(self, year: int | None) -> bool:
        """Is this the report of the year just before ``year``?"""
        return year is not None and self.year == year - 1


def default_source(year: int) -> str:
    return f"{year}年的报告"
