"""The county's sum from the figures kept when each report was stored (``AgencyEntry.figures``) is
the sum from the reports' tables, to the last cell, line and mark of the workbook: blanks derived
from the identities, blanks a supervisor accepted as 0, text and other values that are not
numbers, amounts with decimals, broken identities, tables missing rows or left empty."""

from __future__ import annotations

import copy
import io
import json
from dataclasses import replace

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nianbao.reports.summary import AgencyEntry, summarize, summary_xlsx
from nianbao.storage.figures import CELLS, Figures, cells_from_json, figures_json
from nianbao.validators.identities import summability
from reports.region_rosters import tables

STATES = ("passing", "passing", "imported", "errors", "not_submitted", "inactive")
ODD_VALUES = (None, "三", "", True, 0.1, 1.5, 22817.301619, 7, 0, float("nan"))


@st.composite
def reports(draw) -> dict:
    """Tables as drafts have them: consistent ones with some cells blank, text, floats or other
    numbers (an identity broken), or a row or a whole table missing; now and then none at all."""
    if draw(st.integers(0, 12)) == 0:
        return draw(st.sampled_from(({}, {"其他表": {"x": {"y": 9}}})))
    made = copy.deepcopy(draw(tables()))
    for table, row, column in draw(st.lists(st.sampled_from(CELLS), max_size=5, unique=True)):
        made[table][row][column] = draw(st.sampled_from(ODD_VALUES))
    if draw(st.integers(0, 8)) == 0:
        table = draw(st.sampled_from(sorted(made)))
        row = draw(st.sampled_from(sorted(made[table])))
        del made[table][row]
    return made


@st.composite
def counties(draw) -> list[AgencyEntry]:
    entries = []
    for number in range(draw(st.integers(1, 7))):
        state = draw(st.sampled_from(STATES))
        entries.append(AgencyEntry(
            f"第{number + 1}单位", state, draw(reports()), level="township", error_count=int(state == "errors"),
            file_name=f"第{number + 1}单位.docx", blanks_as_zero=state == "passing" and draw(st.integers(0, 4)) == 0,
        ))  # fmt: skip
    return entries


def _kept(entry: AgencyEntry) -> AgencyEntry:
    """The entry as the store hands it to the sum: its figures as kept (the JSON they are kept
    in), with the verdict worked out when it was stored, and no tables."""
    stored = json.loads(json.dumps(entry.tables))
    cells = cells_from_json(figures_json(stored))
    figures = None if cells is None else Figures(cells, summability(stored)[0])
    return replace(entry, tables=None, figures=figures)


def _lines(summary) -> list[tuple]:
    return [
        (line.entry.name, line.included, line.reason, line.missing, line.derived, dict(line.values), line.zeroed)
        for line in summary.lines
    ]


def _sheets(data: bytes) -> list:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return [
        (ws.title, [(c.coordinate, c.value, c.data_type, c.style) for row in ws.iter_rows() for c in row])
        for ws in book.worksheets
    ]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(counties(), st.booleans())
def test_the_sum_of_the_kept_figures_is_the_sum_of_the_tables(entries, include_errors):
    by_tables = summarize(entries, include_errors, year=2024)
    by_figures = summarize([_kept(entry) for entry in entries], include_errors, year=2024)
    assert by_figures.tables == by_tables.tables
    assert json.dumps(by_figures.tables) == json.dumps(by_tables.tables)  # ints stay ints, floats floats
    assert by_figures.contributors == by_tables.contributors
    assert by_figures.breaks == by_tables.breaks
    assert _lines(by_figures) == _lines(by_tables)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(counties(), st.booleans())
def test_the_workbook_of_the_kept_figures_is_the_workbook_of_the_tables(entries, include_errors):
    by_tables = summary_xlsx(summarize(entries, include_errors, year=2024), 2024)
    by_figures = summary_xlsx(summarize([_kept(entry) for entry in entries], include_errors, year=2024), 2024)
    assert _sheets(by_figures) == _sheets(by_tables)
