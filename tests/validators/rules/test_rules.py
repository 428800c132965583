"""Every rule fires on a mutated copy of a sample and stays silent on the correct one, in every
format a draft arrives in: a real .docx built on the official template, and the three text layouts.

The base (the ``clean`` fixture, conftest.py) is sample 002 with its one real mistake (the plan
year in 五) corrected: no issue at all. Each case makes one mistake and asserts the exact issues
that follow, with their locations. The year-to-year rules (Y2xx) compare it with "last year's
report": the same clean report's tables dated 2023, with one mistake made in them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import pytest
from fixtures.docx_builder import LAYOUTS, build_docx, content_to_text
from fixtures.roundtrip import replace_in_document

from nianbao.validators.engine import check_bytes
from nianbao.validators.prior import PriorReport
from nianbao.validators.rules import all_rules

FORMATS = ["docx", *LAYOUTS]
T2, T3, T4 = "主动公开", "依申请公开", "复议诉讼"


def render(content, fmt: str, replace: tuple[str, str] | None = None) -> bytes:
    if fmt == "docx":
        data = build_docx(content)
        return replace_in_document(data, *replace) if replace else data
    text = content_to_text(content, fmt)
    if replace:
        assert replace[0] in text, replace
        text = text.replace(*replace)
    return text.encode("utf-8")


def section(content, number):
    return next(s for s in content["sections"] if s["number"] == number)


def cell(content, table, row, column, value):
    content["tables"][table][row]["values"][column] = value


def t3_row(content, row, **values):
    for column, value in values.items():
        cell(content, T3, row, {"natural": "自然人", "total": "总计"}.get(column, column), str(value))


@dataclass
class Case:
    expected: set  # {(code, table, row, column, section)} — the complete set of issues
    mutate: Callable | None = None
    replace: tuple[str, str] | None = None  # a literal change in the rendered file
    options: dict = field(default_factory=dict)  # check_bytes keyword arguments
    says: str = ""  # a fragment the issue's message must contain
    formats: tuple[str, ...] = tuple(FORMATS)
    last_year: Callable | None = None  # a change to last year's tables; None: no previous report


def last_year_tables(clean) -> dict:
    """The clean report's tables as the storage keeps them (``Report.tables_json()``)."""
    result = check_bytes(render(clean, "tabbed"), "last_year.txt")
    return result.report.tables_json()


def previous_report(clean, change: Callable) -> PriorReport:
    tables = last_year_tables(clean)
    change(tables)
    return PriorReport.from_tables(2023, tables, agency="文水县刘胡兰镇", source="2023年已通过的报送")


def last_year_cell(table, row, column, value) -> Callable:
    return lambda tables: tables[table][row].__setitem__(column, value)


def _applications(content):
    for row in ("本年新收政府信息公开申请数量", "予以公开", "总计"):
        t3_row(content, row, natural=1, total=1)


CASES: dict[str, Case] = {
    "S101": Case({("S101", None, None, None, "五")}, lambda c: section(c, "五").update(heading=None)),
    "S102": Case({("S102", None, None, None, "二")}, lambda c: section(c, "二").update(heading="2、主动公开政府信息情况"), says="写成了「2、主动公开政府信息情况」"),
    "S106": Case(
        {("S106", None, None, None, "五")},
        lambda c: section(c, "五").update(heading="五、政府信息公开工作存在的主要问题及改进情况"),
        says="统一格式为「五、存在的主要问题及改进情况」",
    ),
    "S103": Case({("S103", None, None, None, "五")}, lambda c: section(c, "五").update(paragraphs=["无。"])),
    "S104": Case({("S104", None, None, None, "title")}, options={"expected_agency": "策勒乡人民政府"}),
    "T101": Case({("T101", T4, None, None, "四")}, lambda c: c["tables"].pop(T4), formats=("tabbed", "one_per_line", "markdown")),
    "T102": Case({("T102", T2, "行政强制", None, "二")}, lambda c: c["tables"][T2].pop("行政强制")),
    "T103": Case({("T103", T2, "行政规范性文件", None, "二")}, lambda c: c["tables"][T2]["行政规范性文件"].update(label="规范性文件"), says="「规范性文件」与统一格式不符，应为「行政规范性文件」"),
    "T104": Case({("T104", T2, "行政许可", None, "二")}, replace=("| 行政许可 | 0 |  |", "| 行政许可 | 0 | 3 |"), formats=("markdown",)),
    "T105": Case({("T105", T2, None, None, "二")}, replace=("本年废止件数", "本年新公开数量")),
    "T106": Case(
        {("T106", T3, "其他", None, "三")},
        lambda c: [c["tables"][T3].pop(r) for r in list(c["tables"][T3]) if r.startswith("申请人")]
        + [c["tables"][T3]["其他"].update(label="（六）其他处理")],
        formats=("docx", "tabbed", "markdown"),
    ),
    "C101": Case({("C101", T2, "行政处罚", "本年处理决定数量", "二")}, lambda c: cell(c, T2, "行政处罚", "本年处理决定数量", ""), says="「行政处罚」「本年处理决定数量」为空"),
    "C102": Case({("C102", T2, "行政处罚", "本年处理决定数量", "二")}, lambda c: cell(c, T2, "行政处罚", "本年处理决定数量", "空")),
    "C107": Case({("C107", T2, None, None, "二")}, lambda c: cell(c, T2, "行政处罚", "本年处理决定数量", "无"), says="1 个单元格填的是「无」，已按 0 核算"),
    "C108": Case({("C108", T2, None, None, "二")}, lambda c: cell(c, T2, "行政许可", "本年处理决定数量", "０"), says="1 个单元格用全角数字填写（如「０」）"),
    "C109": Case(
        {("C109", T2, "行政许可", "本年处理决定数量", "二")},
        lambda c: cell(c, T2, "行政许可", "本年处理决定数量", "0（本年未发生）"),
        says="填的是「0（本年未发生）」：按 0 核算，括号里的说明「本年未发生」不参与计算",
    ),
    "C103": Case({("C103", T2, "行政许可", "本年处理决定数量", "二")}, lambda c: cell(c, T2, "行政许可", "本年处理决定数量", "-2")),
    "C104": Case({("C104", T2, "行政处罚", "本年处理决定数量", "二")}, lambda c: cell(c, T2, "行政处罚", "本年处理决定数量", "1.5")),
    "C106": Case({("C106", T2, "行政许可", "本年处理决定数量", "二")}, lambda c: cell(c, T2, "行政许可", "本年处理决定数量", "十二"), says="填的是「十二」，请改为阿拉伯数字 12"),
    "C105": Case(
        {("C105", T2, "行政事业性收费", "本年收费金额（单位：万元）", "二"), ("L103", T2, "行政事业性收费", "本年收费金额（单位：万元）", "二")},
        lambda c: cell(c, T2, "行政事业性收费", "本年收费金额（单位：万元）", "0.123456"),
    ),
    "A100": Case({("A100", T3, "予以公开", "自然人", "三")}, lambda c: t3_row(c, "予以公开", natural=2), says="填的是 2，与表中其他数字不符，应为 0"),
    "A105": Case(
        {("A105", T3, "总计", None, "三"), ("X104", T3, "本年新收政府信息公开申请数量", "总计", "一")},
        lambda c: (_applications(c), t3_row(c, "总计", natural=0, total=0)),
        says="按各列应为 1、0、0、0、0、0、1",
    ),
    "A106": Case(
        {("A106", T4, "行政复议", "总计", "四"), ("C101", T4, "行政复议", None, "四")},
        lambda c: [cell(c, T4, "行政复议", column, value) for column, value in (("结果维持", "1"), ("结果纠正", ""), ("其他结果", ""), ("总计", ""))],
        says="表四「行政复议」「总计」为空，而结果维持、结果纠正、其他结果、尚未审结中已填的数字之和为 1（另有 2 项空白，按 0 计）",
    ),
    "A101": Case(
        {("A101", T3, "总计", "自然人", "三"), ("A101", T3, "总计", "总计", "三"), ("X104", T3, "本年新收政府信息公开申请数量", "总计", "一")},
        lambda c: t3_row(c, "本年新收政府信息公开申请数量", natural=1, total=1),
    ),
    "A102": Case(
        {("A102", T3, "总计", "自然人", "三"), ("A102", T3, "总计", "总计", "三")},
        lambda c: t3_row(c, "予以公开", natural=1, total=1),
    ),
    "A103": Case(
        {("A103", T3, "上年结转政府信息公开申请数量", "总计", "三"), ("A103", T3, "结转下年度继续办理", "总计", "三")},
        lambda c: (t3_row(c, "上年结转政府信息公开申请数量", total=1), t3_row(c, "结转下年度继续办理", total=1)),
    ),
    "A104": Case({("A104", T4, "行政复议", "总计", "四")}, lambda c: cell(c, T4, "行政复议", "总计", "1")),
    "L101": Case(
        {("L101", T2, "规章", None, "二")},
        lambda c: (cell(c, T2, "规章", "本年制发件数", "2"), cell(c, T2, "规章", "现行有效件数", "2")),
    ),
    "L102": Case(
        {("L102", T2, "规章", "本年制发件数", "二")},
        lambda c: cell(c, T2, "规章", "本年制发件数", "1"),
        options={"level": "city_department"},
    ),
    "L103": Case({("L103", T2, "行政事业性收费", "本年收费金额（单位：万元）", "二")}, lambda c: cell(c, T2, "行政事业性收费", "本年收费金额（单位：万元）", "1.5")),
    "L104": Case({("L104", None, None, None, "一")}, lambda c: section(c, "一")["paragraphs"].append("我镇积极组织推动全省政府信息公开工作。")),
    "X101": Case({("X101", None, None, None, "六")}, lambda c: section(c, "六").update(paragraphs=["无。"])),
    "X102": Case({("X102", None, None, None, "一")}, lambda c: section(c, "一")["paragraphs"].append("本年主动公开信息20条，其中工作动态10条、政策文件6条、通知公告8条。")),
    "X103": Case({("X103", T3, "本年新收政府信息公开申请数量", "总计", "一")}, lambda c: section(c, "一")["paragraphs"].append("全年共收到政府信息公开申请5件。")),
    "X104": Case({("X104", T3, "本年新收政府信息公开申请数量", "总计", "一")}, _applications),
    "X105": Case({("X105", T3, "本年新收政府信息公开申请数量", "总计", "一")}, lambda c: section(c, "一")["paragraphs"].append("本年度，我镇依法办理政府信息公开申请并及时答复。")),
    "X106": Case({("X106", None, None, None, "五")}, lambda c: section(c, "五")["paragraphs"].append("（文字描述）")),
    "X107": Case({("X107", None, None, None, "一")}, lambda c: section(c, "一")["paragraphs"].append("我镇加强了政务公开的的规范化建设。")),
    "X108": Case({("X108", None, None, None, "一")}, lambda c: section(c, "一")["paragraphs"].append("我镇加强管理,提升质量。")),
    "Y101": Case({("Y101", None, None, None, "title")}, lambda c: c.update(title=[]), says="没有找到报告标题"),
    "Y110": Case(
        {("Y110", None, None, None, "title")},
        lambda c: c.update(title=["文水县刘胡兰镇2024年政府信息公开工作告年度报"]),
        says="标题「文水县刘胡兰镇2024年政府信息公开工作告年度报」与标准写法",
    ),
    "X110": Case(
        {("X110", T2, "行政许可", "本年处理决定数量", "二")},
        lambda c: cell(c, T2, "行政许可", "本年处理决定数量", "0HIDDEN"),
        replace=("0HIDDEN</w:t></w:r>", "0</w:t></w:r><w:r><w:rPr><w:vanish/></w:rPr><w:t>3001</w:t></w:r>"),
        formats=("docx",),
        says="有隐藏文字（如「3001」），审核时已略过",
    ),
    "X109": Case({("X109", None, None, None, "title")}, formats=()),  # a whole report twice: tests/validators/test_repeats.py
    "Y111": Case({("Y111", None, None, None, "title")}, lambda c: c.update(title=["2024年政府信息公开工作年度报告"]), says="标题「2024年政府信息公开工作年度报告」没有写机关名称"),
    "Y112": Case({("Y112", None, None, None, "title")}, lambda c: c.update(title=["文水县刘胡兰镇2024年度政府信息公开工作年度报告"]), says="中「年度」出现了两次"),
    "S105": Case({("S105", None, None, None, "一")}, lambda c: section(c, "一")["paragraphs"].append("策勒乡政府坚持以公开为常态。"), says="策勒乡不是本机关"),
    "Y102": Case({("Y102", None, None, None, "period")}, replace=("统计期限为2024年1月1日", "统计期限为2023年1月1日")),
    "Y103": Case({("Y103", None, None, None, "五")}, lambda c: section(c, "五")["paragraphs"].append("2024年，我镇将继续加强培训。"), says="应针对 2025 年"),
    "Y104": Case({("Y104", None, None, None, "signature")}, lambda c: c.update(signature=["刘胡兰镇人民政府"])),
    "Y105": Case({("Y105", None, None, None, "signature")}, lambda c: c.update(signature=["刘胡兰镇人民政府", "2024年12月20日"])),
    "Y106": Case({("Y106", None, None, None, "signature")}, lambda c: c.update(signature=["刘胡兰镇人民政府", "2025年2月15日"])),
    "Y107": Case({("Y107", None, None, None, "一")}, lambda c: section(c, "一")["paragraphs"].append("自20241月起，我镇按月更新公开目录。"), says="第一部分的「20241月」不完整"),
    "Y109": Case({("Y109", None, None, None, "signature")}, lambda c: c.update(signature=["刘胡兰镇人民政府", "2025年1月32日"]), says="「2025年1月32日」不是有效的日期"),
    "Y108": Case({("Y108", None, None, None, "title")}, options={"expected_year": 2025}),
    "H101": Case(
        {("H101", T3, "上年结转政府信息公开申请数量", "自然人", "三"), ("H101", T3, "上年结转政府信息公开申请数量", "总计", "三")},
        last_year=lambda t: t[T3]["结转下年度继续办理"].update(自然人=2, 总计=2),
        says="而2023年已通过的报送中表三「四、结转下年度继续办理」「自然人」为 2",
    ),
    "H102": Case(
        {("H102", T2, "行政规范性文件", "现行有效件数", "二")},
        last_year=last_year_cell(T2, "行政规范性文件", "现行有效件数", 4),
        says="2023年已通过的报送中的现行有效件数为 4，加本年制发 0、减本年废止 0，应为 4",
    ),
    "H103": Case(
        {("H103", T3, "本年新收政府信息公开申请数量", "总计", "三")},
        last_year=last_year_cell(T3, "本年新收政府信息公开申请数量", "总计", 30),
        says="本年为 0，2023年已通过的报送中为 30",
    ),
    "H104": Case(
        {("H104", None, None, None, "一")},
        lambda c: _busy_year(c["tables"]),
        last_year=lambda tables: _busy_year_tables(tables),
        says="与2023年已通过的报送完全相同（其中 6 个不为 0）",
    ),
}


BUSY_YEAR = {("行政许可", "本年处理决定数量"): 12, ("行政处罚", "本年处理决定数量"): 30, ("行政强制", "本年处理决定数量"): 5,
             ("行政规范性文件", "现行有效件数"): 3}
BUSY_REVIEWS = {"结果维持": 1, "总计": 1}


def _busy_year(tables) -> None:
    for (row, column), value in BUSY_YEAR.items():
        tables[T2][row]["values"][column] = str(value)
    tables[T4]["行政复议"]["values"].update({column: str(value) for column, value in BUSY_REVIEWS.items()})


def _busy_year_tables(tables) -> None:
    for (row, column), value in BUSY_YEAR.items():
        tables[T2][row][column] = value
    tables[T4]["行政复议"].update(BUSY_REVIEWS)


def issue_keys(result) -> set:
    return {(i.code, i.table, i.row, i.column, i.section) for i in result.issues}


def run(clean, case: Case, fmt: str):
    import copy

    content = copy.deepcopy(clean)
    if case.mutate:
        case.mutate(content)
    options = dict(case.options)
    if case.last_year:
        options["previous"] = previous_report(clean, case.last_year)
    return check_bytes(render(content, fmt, case.replace), f"mutated.{'docx' if fmt == 'docx' else 'txt'}", **options)


@pytest.mark.parametrize("fmt", FORMATS)
def test_correct_report_has_no_issue(clean, fmt):
    result = check_bytes(render(clean, fmt), f"clean.{fmt}", expected_year=2024, expected_agency="刘胡兰镇人民政府")
    assert result.error is None
    assert [(i.code, i.message) for i in result.issues] == []


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_fires_on_its_mistake_only(clean, code, fmt):
    case = CASES[code]
    if fmt not in case.formats:
        pytest.skip(f"{fmt} cannot express this mistake")
    result = run(clean, case, fmt)
    assert result.error is None
    assert issue_keys(result) == case.expected
    fired = next(i for i in result.issues if i.code == code)
    assert fired.message and fired.hint and case.says in fired.message
    assert "{" not in fired.message and "{" not in fired.hint  # every template placeholder filled


def test_every_rule_has_a_case():
    assert {r.code for r in all_rules()} == set(CASES)


def test_single_wrong_cell_is_reported_once_with_its_value(clean):
    result = run(clean, CASES["A100"], "docx")
    [issue] = result.issues
    assert issue.found == "2" and issue.expected == "0"
    assert "表三「（一）予以公开」「自然人」" in issue.message
    assert issue.locator.table is not None and issue.locator.grid_row is not None


SILENT: dict[str, Callable] = {
    "a sentence about reviews, not applications": lambda c: section(c, "四")["paragraphs"].append("本年度未发生因政府信息公开申请引起的行政复议、行政诉讼。"),
    "no fee-reduction applications": lambda c: section(c, "六")["paragraphs"].append("全年没有收到信息处理费减免申请。"),
    "a review in the table, no litigation in the text": lambda c: (
        cell(c, T4, "行政复议", "结果维持", "1"),
        cell(c, T4, "行政复议", "总计", "1"),
        section(c, "四")["paragraphs"].append("本年度因政府信息公开被申请行政复议1件，无行政诉讼。"),
    ),
    "last year's work reported in 五": lambda c: section(c, "五")["paragraphs"].append("2024年，我镇针对上年报告中提出的问题进行了整改，将政务公开纳入年度考核。"),
    "a plan for the next year": lambda c: section(c, "五")["paragraphs"].append("2025年，我镇将继续加强培训。"),
    "parts that are only examples": lambda c: section(c, "一")["paragraphs"].append("全年公开信息30条，其中工作动态10条、政策文件6条。"),
}


@pytest.mark.parametrize("fmt", ["docx", "tabbed"])
@pytest.mark.parametrize("what", sorted(SILENT))
def test_correct_variations_stay_silent(clean, what, fmt):
    result = run(clean, Case(set(), SILENT[what]), fmt)
    assert [(i.code, i.message) for i in result.issues] == []


def test_a_table_left_entirely_blank_is_one_issue_not_one_per_row():
    from nianbao.reports.blank import blank_report_docx

    result = check_bytes(blank_report_docx(2024, "学张乡人民政府"), "空白.docx")
    blanks = [i for i in result.issues if i.code == "C101"]
    assert [(i.table, i.row, i.column) for i in blanks] == [(T2, None, None), (T3, None, None), (T4, None, None)]
    assert "表三「收到和处理政府信息公开申请情况」全部 175 个单元格为空" in blanks[1].message


def test_the_blank_templates_instructions_left_in_are_template_residue():
    from nianbao.reports.blank import blank_report_docx

    result = check_bytes(blank_report_docx(2024, "学张乡人民政府"), "空白.docx")
    residue = {i.section: i.found for i in result.issues if i.code == "X106"}
    assert {"一", "二", "三", "五", "六"} <= set(residue)
    assert residue["二"].startswith("（填写下表。")
