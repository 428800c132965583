"""The mapper places every value at its template cell: a hand-written report in which every cell
holds a different number, so a value in the wrong row or column cannot go unnoticed. Written
without the engine (the other fixtures are derived from parsing the samples)."""

from __future__ import annotations

import pytest
from fixtures.docx_builder import LAYOUTS, build_docx, content_to_text

from nianbao.validators.engine import check_bytes
from nianbao.validators.template import SECTIONS, TABLES

HEADINGS = {s.number: f"{s.number}、{s.title}" for s in SECTIONS}


def distinct_values() -> dict[str, dict[str, dict[str, str]]]:
    tables = {}
    for t, spec in enumerate(TABLES):
        tables[spec.key] = {
            row.label: {"label": row.printed, "values": {c: str(1000 * (t + 1) + 10 * r + k) for k, c in enumerate(row.columns)}}
            for r, row in enumerate(spec.rows)
        }
    return tables


def hand_written() -> dict:
    paragraphs = {
        "一": ["（一）主动公开", "本年度通过政府网站主动公开信息12条。"],
        "五": ["（一）存在问题", "政策解读不够深入。", "（二）改进措施", "2025年将加强政策解读。"],
        "六": ["本机关2024年度未收取政府信息公开信息处理费。"],
    }
    return {
        "title": ["测试镇人民政府2024年政府信息公开工作年度报告"],
        "preamble": ["本报告数据统计期限为2024年1月1日至12月31日。"],
        "sections": [
            {"number": s.number, "heading": HEADINGS[s.number], "paragraphs": paragraphs.get(s.number, []), "table_position": 0}
            for s in SECTIONS
        ],
        "tables": distinct_values(),
        "signature": ["测试镇人民政府", "2025年1月20日"],
    }


@pytest.mark.parametrize("options", [{}, {"split_table3": 3, "repeat_header": True, "extra_tables": True, "label_linebreaks": True}])
@pytest.mark.parametrize("fmt", ["docx", *LAYOUTS])
def test_every_value_lands_in_its_own_cell(fmt, options):
    content = hand_written()
    data = build_docx(content, **options) if fmt == "docx" else content_to_text(content, fmt, **options).encode("utf-8")
    result = check_bytes(data, f"hand.{fmt}")
    expected = {key: {row: {c: int(v) for c, v in cells["values"].items()} for row, cells in rows.items()} for key, rows in distinct_values().items()}
    assert result.report.tables_json() == expected
    assert [s.heading_text for s in result.report.sections] == list(HEADINGS.values())
    assert result.report.agency == "测试镇人民政府" and result.report.year == 2024
    # the numbers are arbitrary, so the arithmetic fails; nothing about structure or labels does
    assert not {i.code for i in result.issues} & {"T101", "T102", "T103", "T104", "S101", "S102", "C101", "C102"}
