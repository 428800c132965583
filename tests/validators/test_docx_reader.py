"""The .docx reader against the text reader: the same report, however staff put it into Word.

Every sample is rebuilt as a real Word file from the official WPS template (merged cells as in
the template) in each variant real drafts have; the engine must read the same tables, the same
sections and raise the same issues as from the text. ``content_to_text`` must give the same
tables in each of the three text layouts.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile

import docx
import pytest
from docx.oxml.ns import qn
from lxml import etree

from fixtures.docx_builder import (
    LAYOUTS,
    VARIANTS,
    build_docx,
    content_from_sample,
    content_to_text,
    find_samples_dir,
)
from nianbao.validators.engine import CheckResult, check_bytes
from nianbao.validators.template import TABLE3, TOTAL_CELLS

SAMPLES = sorted(p.stem for p in find_samples_dir().glob("*.txt"))
if not SAMPLES:  # keep collection working (and the tests visibly skipped) without the samples
    SAMPLES = ["(no samples)"]



# ---------------------------------------------------------------- cached builds


@pytest.fixture(scope="session")
def contents(sample_texts):
    return {name: content_from_sample(text, f"{name}.txt") for name, text in sample_texts.items()}


@pytest.fixture(scope="session")
def text_results(sample_texts) -> dict[str, CheckResult]:
    return {name: check_bytes(text.encode("utf-8"), f"{name}.txt") for name, text in sample_texts.items()}


@pytest.fixture(scope="session")
def docx_variant(contents, template_path):
    """(sample, variant) -> (docx bytes, CheckResult), built and checked once per session."""
    cache: dict[tuple[str, str], tuple[bytes, CheckResult]] = {}

    def get(name: str, variant: str) -> tuple[bytes, CheckResult]:
        if name not in contents:
            pytest.skip(f"sample {name} not available")
        key = (name, variant)
        if key not in cache:
            data = build_docx(contents[name], template=template_path, **VARIANTS[variant])
            cache[key] = (data, check_bytes(data, f"{name}.docx"))
        return cache[key]

    return get


def issue_keys(result: CheckResult) -> list[tuple]:
    return sorted(
        (i.code, i.table or "", i.row or "", i.column or "", i.section or "") for i in result.issues
    )


def section_keys(result: CheckResult) -> list[tuple]:
    return [(s.number, s.heading_found, s.numbering, s.located) for s in result.report.sections]


# ---------------------------------------------------------------- the .docx reads like the text

sample_variant = pytest.mark.parametrize("variant", list(VARIANTS))
each_sample = pytest.mark.parametrize("name", SAMPLES)


@each_sample
@sample_variant
def test_docx_tables_match_text(name, variant, docx_variant, text_results):
    _, result = docx_variant(name, variant)
    assert result.error is None
    assert result.input_format == "docx"
    report = result.report
    assert sum(c.found for t in report.tables.values() for c in t.all_cells()) == TOTAL_CELLS == 200
    assert report.tables_json() == text_results[name].report.tables_json()


@each_sample
@sample_variant
def test_docx_sections_match_text(name, variant, docx_variant, text_results):
    _, result = docx_variant(name, variant)
    assert all(s.located for s in result.report.sections)
    assert section_keys(result) == section_keys(text_results[name])
    assert [s.heading_text for s in result.report.sections] == [s.heading_text for s in text_results[name].report.sections]


@each_sample
@sample_variant
def test_docx_body_text_matches_text(name, variant, docx_variant, text_results):
    _, result = docx_variant(name, variant)
    expected = text_results[name].report
    assert [p.text for p in result.report.paragraphs] == [p.text for p in expected.paragraphs]
    assert [[p.text for p in s.paragraphs] for s in result.report.sections] == [[p.text for p in s.paragraphs] for s in expected.sections]
    assert (result.report.title, result.report.agency, result.report.issue_date) == (expected.title, expected.agency, expected.issue_date)


@each_sample
@sample_variant
def test_docx_issues_match_text(name, variant, docx_variant, text_results):
    _, result = docx_variant(name, variant)
    keys = issue_keys(result)
    if VARIANTS[variant].get("fullwidth_digits"):  # 「１２」 is read as 12, asked to be written 12 (C108): one warning per table
        wide = sorted({("C108", t.key) for t in result.report.tables.values() for c in t.all_cells() if re.search("[０-９]", c.raw)})
        assert wide and sorted(k[:2] for k in keys if k[0] == "C108") == wide
        keys = [k for k in keys if k[0] != "C108"]
    assert keys == issue_keys(text_results[name])


# ---------------------------------------------------------------- real Word files


def _text(element) -> str:
    return "".join(t.text or "" for t in element.iter(qn("w:t")))


def _document_xml(data: bytes) -> bytes:
    return zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml")


def _assert_grid_consistent(tbl) -> None:
    """Every row covers the grid exactly; no vertical merge continues from nothing."""
    width = len(tbl.findall(f"{qn('w:tblGrid')}/{qn('w:gridCol')}"))
    previous: dict[int, bool] = {}
    for r, tr in enumerate(tbl.iterchildren(qn("w:tr"))):
        column, current = 0, {}
        for tc in tr.iterchildren(qn("w:tc")):
            span_el = tc.find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}")
            span = int(span_el.get(qn("w:val"))) if span_el is not None else 1
            vmerge = tc.find(f"{qn('w:tcPr')}/{qn('w:vMerge')}")
            if vmerge is not None and vmerge.get(qn("w:val"), "continue") == "continue":
                assert previous.get(column), f"row {r} col {column}: vMerge continues from nothing"
            current[column] = vmerge is not None
            assert tc.findall(qn("w:p")), f"row {r} col {column}: a cell must hold a paragraph"
            column += span
        assert column == width, f"row {r} covers {column} of {width} grid columns"
        previous = current


@each_sample
@sample_variant
def test_docx_is_a_real_word_file(name, variant, docx_variant):
    data, _ = docx_variant(name, variant)
    document = docx.Document(io.BytesIO(data))
    pieces = VARIANTS[variant].get("split_table3", 1)
    extra = 2 if VARIANTS[variant].get("extra_tables") else 0
    assert len(document.tables) == 3 + (pieces - 1) + extra
    xml = _document_xml(data)
    assert b"<w:gridSpan " in xml and b"<w:vMerge " in xml
    body = etree.fromstring(xml).find(qn("w:body"))  # plain lxml: much faster than python-docx proxies
    for tbl in body.iterchildren(qn("w:tbl")):
        _assert_grid_consistent(tbl)
    ids = re.findall(rb'w14:paraId="([0-9A-F]+)"', xml)  # unique even with copied rows and pieces
    assert ids and len(ids) == len(set(ids))
    if variant == "everything":  # (slow) python-docx resolves the merged grid itself
        for table in document.tables:
            for row in table.rows:
                assert len(row.cells) == len(table.columns)


def test_docx_preserves_the_samples_mistakes(sample_docx):
    def texts(name: str) -> tuple[list[str], list[str]]:
        document = docx.Document(io.BytesIO(sample_docx[name]))
        cells = [_text(tc) for tc in document.element.body.iter(qn("w:tc"))]
        return [p.text for p in document.paragraphs], cells

    paragraphs, _ = texts("000_1b3b40f28db11931")
    assert "2、 主动公开政府信息情况" in paragraphs and "3、 收到和处理政府信息公开申请情况" in paragraphs
    paragraphs, _ = texts("001_06779a1a565539f6")
    assert not any(p.endswith("总体情况") for p in paragraphs)  # 001 has no heading 一
    _, cells = texts("004_bc1ee5809545282b")
    assert "规范性文件" in cells and "行政规范性文件" not in cells
    blank_xml = _document_xml(sample_docx["003_2b155fb9c9cacf46"]).decode()
    assert "<w:t xml:space=\"preserve\">\u3000</w:t>" in blank_xml  # a blank cell as WPS leaves it


def test_extra_and_split_tables_are_separate(docx_variant):
    data, _ = docx_variant(SAMPLES[0], "everything")
    document = docx.Document(io.BytesIO(data))
    first, last = document.tables[0], document.tables[-1]
    assert first.cell(0, 0).text == "索引号" and last.cell(0, 0).text == "联系单位"
    body = list(document.element.body.iterchildren())
    t3_pieces = [i for i, el in enumerate(body) if el.tag == qn("w:tbl") and "申请人情况" in _text(el)]
    assert len(t3_pieces) == 3  # repeat_header: each piece starts with the header rows
    for a, b in zip(t3_pieces, t3_pieces[1:]):
        between = body[a + 1 : b]
        assert between and all(el.tag == qn("w:p") for el in between)
        assert any(br.get(qn("w:type")) == "page" for el in between for br in el.iter(qn("w:br")))


@pytest.mark.skipif(not (shutil.which("soffice") or shutil.which("libreoffice")), reason="LibreOffice (soffice) is not installed")
def test_libreoffice_converts_to_pdf(docx_variant, tmp_path):
    data, _ = docx_variant(SAMPLES[0], "everything")
    source = tmp_path / "report.docx"
    source.write_bytes(data)
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    pdf = tmp_path / "report.pdf"
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF")


# ---------------------------------------------------------------- the dict model and its text layouts


def test_content_model(contents):
    c = contents["000_1b3b40f28db11931"]
    assert set(c) == {"title", "preamble", "sections", "tables", "signature"}
    assert c["title"] == ["2024年政府信息公开工作", "年 度 报 告"]
    assert [s["number"] for s in c["sections"]] == list("一二三四五六")
    assert c["sections"][1]["heading"] == "2、 主动公开政府信息情况"
    assert c["signature"] == ["学张乡人民政府", "2025年1月22日"]
    assert len(c["tables"]["依申请公开"]) == len(TABLE3.rows)
    assert c["tables"]["依申请公开"]["总计"]["values"]["总计"] == "0"
    assert contents["001_06779a1a565539f6"]["sections"][0]["heading"] is None
    assert contents["004_bc1ee5809545282b"]["tables"]["主动公开"]["行政规范性文件"]["label"] == "规范性文件"
    assert contents["003_2b155fb9c9cacf46"]["tables"]["依申请公开"]["总计"]["values"]["自然人"] == ""


@each_sample
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("variant", ["plain", "everything"])
def test_content_to_text_round_trips(name, layout, variant, contents, text_results):
    if name not in contents:
        pytest.skip(f"sample {name} not available")
    text = content_to_text(contents[name], layout, **VARIANTS[variant])
    result = check_bytes(text.encode("utf-8"), f"{name}.{layout}.txt")
    assert result.error is None
    assert result.input_format == layout
    assert result.report.tables_json() == text_results[name].report.tables_json()
    assert section_keys(result) == section_keys(text_results[name])


# ---------------------------------------------------------------- one mistake at a time


def _mutated(contents, name, mutate, **options):
    data = build_docx(contents[name], mutate=mutate, **options)
    text = content_to_text(contents[name], "tabbed", mutate=mutate, **options)
    return check_bytes(data, "m.docx"), check_bytes(text.encode("utf-8"), "m.txt")


def test_mutate_changes_one_cell(contents, text_results):
    name = "000_1b3b40f28db11931"
    c = contents[name]

    def mutate(content):
        content["tables"]["依申请公开"]["总计"]["values"]["自然人"] = "7"

    from_docx, from_text = _mutated(contents, name, mutate)
    assert from_docx.report.tables["依申请公开"].value("总计", "自然人") == 7
    assert c["tables"]["依申请公开"]["总计"]["values"]["自然人"] == "0"  # the shared content is untouched
    assert issue_keys(from_docx) == issue_keys(from_text)
    assert set(issue_keys(from_docx)) - set(issue_keys(text_results[name]))  # the mistake is found


def test_mutate_drops_a_merged_row(contents):
    name = "000_1b3b40f28db11931"

    def mutate(content):  # the row that starts the vertical merge of （三）不予公开
        del content["tables"]["依申请公开"]["属于国家秘密"]

    from_docx, from_text = _mutated(contents, name, mutate, split_table3=2)
    for tbl in docx.Document(io.BytesIO(build_docx(contents[name], mutate=mutate))).element.body.findall(qn("w:tbl")):
        _assert_grid_consistent(tbl)
    assert ("T102", "依申请公开", "属于国家秘密", "", "三") in issue_keys(from_docx)
    assert not from_docx.report.tables["依申请公开"].rows["属于国家秘密"]["自然人"].found
    assert sum(c.found for t in from_docx.report.tables.values() for c in t.all_cells()) == TOTAL_CELLS - 7
    assert issue_keys(from_docx) == issue_keys(from_text)


def test_mutate_renames_a_label_and_renumbers_a_heading(contents):
    name = "002_d783aba02661c840"

    def mutate(content):
        content["tables"]["主动公开"]["行政事业性收费"]["label"] = "行政性收费"
        content["sections"][4]["heading"] = "5、存在的主要问题及改进情况"
        content["sections"][0]["paragraphs"].pop(0)

    from_docx, from_text = _mutated(contents, name, mutate)
    keys = issue_keys(from_docx)
    assert ("T103", "主动公开", "行政事业性收费", "", "二") in keys
    assert ("S102", "", "", "", "五") in keys
    assert from_docx.report.section("五").numbering == "5、"
    assert keys == issue_keys(from_text)


# ---------------------------------------------------------------- pieces and missing rows


def _build(content, layout: str, **options) -> bytes:
    if layout == "docx":
        return build_docx(content, **options)
    return content_to_text(content, layout, **options).encode("utf-8")


@pytest.mark.parametrize("row", ["其他", "总计"])
@pytest.mark.parametrize(
    "layout", ["docx", "tabbed", "markdown", "one_per_line"]
)
def test_piece_with_repeated_header_starting_at_other_or_total(row, layout, contents, text_results):
    name = "002_d783aba02661c840"
    if name not in contents:
        pytest.skip(f"sample {name} not available")
    result = check_bytes(_build(contents[name], layout, split_before=(row,), repeat_header=True), f"{name}.{layout}")
    assert result.report.tables_json() == text_results[name].report.tables_json()
    assert issue_keys(result) == issue_keys(text_results[name])


@pytest.mark.parametrize("layout", ["docx", *LAYOUTS])
def test_missing_first_row_of_table3_is_reported_missing(layout, contents):
    name = "002_d783aba02661c840"
    if name not in contents:
        pytest.skip(f"sample {name} not available")

    def mutate(content):
        del content["tables"]["依申请公开"]["本年新收政府信息公开申请数量"]

    result = check_bytes(_build(contents[name], layout, mutate=mutate), f"{name}.{layout}")
    keys = issue_keys(result)
    assert ("T102", "依申请公开", "本年新收政府信息公开申请数量", "", "三") in keys
    assert not [k for k in keys if k[0] == "T103"]
