"""The per-agency sheet's rows written as XML at once (``reports.xlsx_rows``) are, byte for byte,
what openpyxl writes for the same styled cells: numbers, text (escapes, spaces, formulas kept as
text, error codes, every script), nothing; and characters a sheet cannot hold are refused alike."""

from __future__ import annotations

import io
import re
import zipfile

import openpyxl
import pytest
from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, NamedStyle
from openpyxl.utils.exceptions import IllegalCharacterError

from nianbao.reports.xlsx_rows import rows_xml, splice_rows

VALUES = [
    [1, 0, -3, 12345678901234567, 2.5, 0.1 + 0.2, 1e17, 22817.3016, float("nan"), float("inf"), None],
    ["学张乡人民政府", "a&b<c>\"d'", " 前后有空格 ", "　全角空格", "tab\tx", "line\nbreak", "cr\rx", "=HYPERLINK(\"x\")", "=", "#N/A", "😀"],
    ["x" * 40_000, "", "-1", "+1", "@x", "#DIV/0!", "#n/a", None, 7, "—", "本年收费金额（单位：万元）"],
]


def _styles(wb: Workbook) -> list[NamedStyle]:
    made = [NamedStyle(name=f"样式{n}", alignment=Alignment(horizontal=side)) for n, side in enumerate(("left", "center"))]
    for style in made:
        wb.add_named_style(style)
    return made


def _rows(xml: bytes, first: int, last: int) -> bytes:
    """The ``<row>`` elements ``first`` to ``last`` of a sheet's XML."""
    start = xml.index(f'<row r="{first}"'.encode())
    end = xml.index(b"</row>", xml.index(f'<row r="{last}"'.encode())) + len(b"</row>")
    return xml[start:end]


def test_rows_are_written_as_openpyxl_writes_the_same_cells():
    wb = Workbook()
    ws = wb.active
    styles = _styles(wb)
    ids = []
    for values in VALUES:
        cells = [Cell(ws, value=value, style_array=styles[c % 2].as_tuple()) for c, value in enumerate(values)]
        for cell in cells:
            if cell.data_type == "f":
                cell.data_type = "s"  # a sender's text stays text
        ws.append(cells)
        ids.append([cell.style_id for cell in cells])
    out = io.BytesIO()
    wb.save(out)
    written = zipfile.ZipFile(io.BytesIO(out.getvalue())).read("xl/worksheets/sheet1.xml")
    assert rows_xml(1, zip(VALUES, ids)) == _rows(written, 1, len(VALUES))


@pytest.mark.parametrize(("text", "error"), [("名称\x01", IllegalCharacterError), ("名称\x1f", IllegalCharacterError), ("名称\ufffe", ValueError)])
def test_what_a_sheet_cannot_hold_is_refused_as_openpyxl_refuses_it(text, error):
    with pytest.raises(error):
        rows_xml(1, [([text], [0])])
    wb = Workbook()
    with pytest.raises(error):
        wb.active.append([text])
        wb.save(io.BytesIO())


def test_only_numbers_text_and_nothing_are_written():
    with pytest.raises(TypeError):
        rows_xml(1, [([True], [0])])


def test_rows_go_into_their_sheet_above_the_row_that_follows_them():
    wb = Workbook()
    wb.active.title = "甲"
    ws = wb.create_sheet("乙")
    ws.cell(1, 1, "表头")
    ws.cell(4, 1, "合计")
    out = io.BytesIO()
    wb.save(out)
    data = splice_rows(out.getvalue(), ws.path, 4, rows_xml(2, [(["第一", 1], [0, 0]), (["第二", 2.5], [0, 0])]))
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert [[c.value for c in row] for row in book["乙"].iter_rows()] == [["表头", None], ["第一", 1], ["第二", 2.5], ["合计", None]]
    assert book.sheetnames == ["甲", "乙"]
    with zipfile.ZipFile(io.BytesIO(data)) as made, zipfile.ZipFile(io.BytesIO(out.getvalue())) as saved:
        assert [i.filename for i in made.infolist()] == [i.filename for i in saved.infolist()]
        assert all(made.read(i.filename) == saved.read(i.filename) for i in saved.infolist() if i.filename != ws.path.lstrip("/"))
    assert splice_rows(out.getvalue(), ws.path, 4, b"") == out.getvalue()
    assert re.search(rb'<row r="2">.*<row r="3">.*<row r="4">', zipfile.ZipFile(io.BytesIO(data)).read(ws.path.lstrip("/")))
