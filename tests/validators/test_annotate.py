"""The marked-up draft: one Word comment (批注) per issue, at the place the issue is about.

Every sample is rebuilt as a real .docx (plain, and as staff split and pad it), checked,
annotated and read back: each issue must have exactly one comment, numbered like the issue, at the
cell, row or paragraph its locator names; the body must be unchanged apart from the comment
markers. A hand-made document covers the merge marks the templates do not use (gridBefore, rows
and tables inside content controls, a table inside a layout table).
"""

from __future__ import annotations

import copy
import hashlib
import io
import re
import shutil
import subprocess
import zipfile

import docx
import pytest
from docx.oxml.ns import nsdecls
from docx.oxml.parser import parse_xml
from lxml import etree

from fixtures.docx_builder import VARIANTS, build_docx, content_from_sample, find_samples_dir
from nianbao.validators.annotate import AnchoredComment, annotate_docx, comment_text, read_comments
from nianbao.validators.own_comments import OWN_FILLS
from nianbao.validators.engine import CheckResult, check_bytes, check_text
from nianbao.validators.model import Issue, Locator, Report, Severity
from nianbao.validators.readers.docx import read_docx
from nianbao.validators.template import TABLE_BY_KEY
from nianbao.validators.text import label_key

SAMPLES = sorted(p.stem for p in find_samples_dir().glob("*.txt")) or ["(no samples)"]
CHECKED_VARIANTS = ("plain", "split3_header", "extra_tables", "everything")
_W = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}


# ---------------------------------------------------------------- cached drafts


@pytest.fixture(scope="session")
def drafts(sample_texts, sample_docx, template_path):
    """(sample, variant) -> (docx bytes, CheckResult, annotated bytes), built once per session."""
    cache: dict[tuple[str, str], tuple[bytes, CheckResult, bytes]] = {}

    def get(name: str, variant: str = "plain"):
        if name not in sample_texts:
            pytest.skip(f"sample {name} not available")
        if (name, variant) not in cache:
            if variant == "plain":
                data = sample_docx[name]
            else:
                data = build_docx(content_from_sample(sample_texts[name], f"{name}.txt"), template=template_path, **VARIANTS[variant])
            result = check_bytes(data, f"{name}.docx")
            cache[(name, variant)] = (data, result, annotate_docx(data, result))
        return cache[(name, variant)]

    return get


def by_number(comments: list[AnchoredComment]) -> dict[int, AnchoredComment]:
    comments = [c for c in comments if not c.text.startswith("（见第")]  # a further place's short note
    numbers = [c.number for c in comments]
    assert len(numbers) == len(set(numbers)), f"an issue has several comments: {numbers}"
    return {c.number: c for c in comments}


def expected_locator(issue: Issue, report: Report) -> Locator:
    """Where the comment must start: the issue's first place, or the title for a whole-report issue."""
    first = issue.all_places()[0].locator
    return first if first is not None else issue.locator if issue.locator is not None else report.title_locator


def same_place(found: Locator, expected: Locator) -> bool:
    """A row-level locator (no column) is satisfied by any cell of that row."""
    if expected.table is not None:
        column_ok = expected.grid_col is None or found.grid_col == expected.grid_col
        return (found.table, found.grid_row) == (expected.table, expected.grid_row) and column_ok
    return found.paragraph == expected.paragraph and found.table is None


def row_keys(issue: Issue, report: Report) -> set[str]:
    """The labels the issue's row may carry in the draft (standard, alias, or as written)."""
    row = TABLE_BY_KEY[issue.table].row(issue.row)
    written = {label_key(n.found_text) for n in report.notes if n.table == issue.table and n.row == issue.row and n.found_text}
    return set(row.keys) | set(row.deviation_keys) | written


def padded_cell(issue: Issue, report: Report) -> bool:
    """A value missing from its row is located at the row's label (the mapper's fallback)."""
    return any(n.kind == "missing_values" and n.table == issue.table and n.row == issue.row for n in report.notes)


# ---------------------------------------------------------------- every issue, its comment, its place


@pytest.mark.parametrize("variant", CHECKED_VARIANTS)
@pytest.mark.parametrize("name", SAMPLES)
def test_every_issue_has_one_comment_at_its_locator(name, variant, drafts):
    _, result, annotated = drafts(name, variant)
    assert result.error is None and result.issues
    comments = by_number(read_comments(annotated))
    assert sorted(comments) == [issue.number for issue in result.issues]
    for issue in result.issues:
        comment = comments[issue.number]
        assert comment.text.startswith(comment_text(issue))
        assert comment.text.startswith(f"{issue.number}. [{issue.severity.label}] {issue.message}")
        assert comment.author == "年报审核助手"
        assert comment.locator is not None
        assert same_place(comment.locator, expected_locator(issue, result.report)), (issue.code, comment.locator, issue.locator)


@pytest.mark.parametrize("variant", CHECKED_VARIANTS)
@pytest.mark.parametrize("name", SAMPLES)
def test_cell_comments_sit_on_the_cell_and_row(name, variant, drafts):
    _, result, annotated = drafts(name, variant)
    comments = by_number(read_comments(annotated))
    tables = {t.index: t for t in read_docx(annotated).tables}
    for issue in result.issues:
        if issue.table is None or issue.row is None or issue.locator is None or issue.locator.table is None:
            continue
        comment = comments[issue.number]
        if issue.column and not padded_cell(issue, result.report):
            assert comment.anchor_text == result.report.tables[issue.table].cell(issue.row, issue.column).raw
        if TABLE_BY_KEY[issue.table].row_labelled:
            row = tables[comment.locator.table].rows[comment.locator.grid_row]
            assert row_keys(issue, result.report) & {label_key(cell.text) for cell in row}, (issue.code, issue.row)


def test_the_samples_have_cell_row_and_paragraph_comments(drafts):
    """The samples' real mistakes reach every kind of anchor (so the tests above test something)."""
    kinds = set()
    for name in SAMPLES:
        _, result, _ = drafts(name)
        for issue in result.issues:
            locator = issue.locator
            kinds.add("none" if locator is None else "paragraph" if locator.table is None else "cell" if issue.column else "row")
    assert kinds >= {"cell", "row", "paragraph", "none"}


# ---------------------------------------------------------------- nothing else changes


def _without_comment_markers(xml: bytes) -> bytes:
    root = etree.fromstring(xml)
    # a further place's shading replaces a plain fill (auto, white), which is no change to the eye
    fills = " or ".join(f'@w:fill="{fill}"' for fill in [*OWN_FILLS.values(), "auto", "FFFFFF", "ffffff"])
    markers = f"//w:commentRangeStart | //w:commentRangeEnd | //w:r[w:commentReference] | //w:r[not(*)] | //w:tcPr/w:shd[{fills}]"
    for element in root.xpath(markers, namespaces=_W):
        element.getparent().remove(element)
    return etree.tostring(root, method="c14n")


@pytest.mark.parametrize("variant", ("plain", "everything"))
@pytest.mark.parametrize("name", SAMPLES)
def test_content_is_unchanged(name, variant, drafts):
    data, result, annotated = drafts(name, variant)
    again = check_bytes(annotated, f"{name}.docx")
    assert [i.model_dump() for i in again.issues] == [i.model_dump() for i in result.issues]
    assert again.report.tables_json() == result.report.tables_json()
    before, after = zipfile.ZipFile(io.BytesIO(data)), zipfile.ZipFile(io.BytesIO(annotated))
    assert _without_comment_markers(after.read("word/document.xml")) == _without_comment_markers(before.read("word/document.xml"))
    assert set(after.namelist()) - set(before.namelist()) == {"word/comments.xml"}
    changed = {n for n in before.namelist() if before.read(n) != after.read(n)}
    assert changed <= {"word/document.xml", "[Content_Types].xml", "word/_rels/document.xml.rels"}


def test_annotating_an_annotated_draft_replaces_its_own_earlier_comments(drafts):
    """An unchanged 批注版 sent back: one comment per issue again, not twice as many."""
    _, result, annotated = drafts(SAMPLES[-1])
    twice = annotate_docx(annotated, check_bytes(annotated, "again.docx"))
    comments = read_comments(twice)
    assert [c.text for c in comments] == [c.text for c in read_comments(annotated)]
    assert len(comments) == len(result.issues) and len({c.comment_id for c in comments}) == len(comments)


# ---------------------------------------------------------------- blank cells, several issues on one cell


def test_a_blank_cell_gets_its_comment(sample_texts, template_path):
    name = SAMPLES[0]
    if name not in sample_texts:
        pytest.skip(f"sample {name} not available")
    content = content_from_sample(sample_texts[name], f"{name}.txt")
    content["tables"]["依申请公开"]["总计"]["values"]["自然人"] = ""
    content["tables"]["主动公开"]["规章"]["values"]["本年制发件数"] = ""
    data = build_docx(content, template=template_path)
    result = check_bytes(data, f"{name}.docx")
    blanks = [i for i in result.issues if i.column and result.report.tables[i.table].cell(i.row, i.column).blank]
    assert {(i.table, i.row, i.column) for i in blanks} >= {("依申请公开", "总计", "自然人"), ("主动公开", "规章", "本年制发件数")}
    comments = by_number(read_comments(annotate_docx(data, result)))
    for issue in blanks:
        assert comments[issue.number].locator == issue.locator
        assert comments[issue.number].anchor_text == ""


def test_several_issues_on_one_cell_get_several_comments(drafts):
    data, result, _ = drafts("003_2b155fb9c9cacf46")
    cell_issue = next(i for i in result.issues if i.column and i.locator and i.locator.table is not None)
    paragraph_issue = next(i for i in result.issues if i.locator and i.locator.paragraph is not None)
    extra = [
        cell_issue.model_copy(update={"message": "第二条", "hint": ""}),
        paragraph_issue.model_copy(update={"message": "同一段的第二条"}),
        cell_issue.model_copy(update={"message": "第三条"}),
    ]
    crowded = copy.copy(result)
    crowded.issues = [*result.issues, *extra]
    for number, issue in enumerate(crowded.issues, 1):
        crowded.issues[number - 1] = issue.model_copy(update={"number": number})
    comments = read_comments(annotate_docx(data, crowded))
    assert [c.number for c in comments if c.locator == cell_issue.locator] == [cell_issue.number, len(result.issues) + 1, len(result.issues) + 3]
    assert [c.number for c in comments if c.locator == paragraph_issue.locator] == [paragraph_issue.number, len(result.issues) + 2]
    assert by_number(comments)[len(result.issues) + 1].text == f"{len(result.issues) + 1}. [{cell_issue.severity.label}] 第二条"


# ---------------------------------------------------------------- merge marks the templates do not use


def _text_cell(text: str = "", properties: str = "") -> str:
    content = f"<w:r><w:t>{text}</w:t></w:r>" if text else ""
    return f"<w:tc>{f'<w:tcPr>{properties}</w:tcPr>' if properties else ''}<w:p>{content}</w:p></w:tc>"


_RESTART, _CONTINUE, _SPAN2 = '<w:vMerge w:val="restart"/>', "<w:vMerge/>", '<w:gridSpan w:val="2"/>'

# row 0: A (vMerge restart) | B (gridSpan 2)       | blank
# row 1: (A continues)      | C                    | D in a hyperlink (gridSpan 2)
# row 2: gridBefore 1       | E / F (two paragraphs) | G | blank
# row 3 (in a content control): H | I | J | K
_MERGED_TABLE = (
    "<w:tbl><w:tblGrid><w:gridCol/><w:gridCol/><w:gridCol/><w:gridCol/></w:tblGrid>"
    f"<w:tr>{_text_cell('A', _RESTART)}{_text_cell('B', _SPAN2)}{_text_cell()}</w:tr>"
    f"<w:tr>{_text_cell('', _CONTINUE)}{_text_cell('C')}"
    '<w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr><w:p><w:hyperlink><w:r><w:t>D</w:t></w:r></w:hyperlink></w:p></w:tc></w:tr>'
    '<w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr>'
    "<w:tc><w:p><w:r><w:t>E</w:t></w:r></w:p><w:p><w:r><w:t>F</w:t></w:r></w:p></w:tc>"
    f"{_text_cell('G')}{_text_cell()}</w:tr>"
    f"<w:sdt><w:sdtContent><w:tr>{_text_cell('H')}{_text_cell('I')}{_text_cell('J')}{_text_cell('K')}</w:tr></w:sdtContent></w:sdt>"
    "</w:tbl>"
)
_NESTED_TABLE = (
    "<w:tbl><w:tblGrid><w:gridCol/><w:gridCol/></w:tblGrid>"
    f"<w:tr>{_text_cell('L', _RESTART)}"
    f"<w:tc><w:tbl><w:tr>{_text_cell('inner')}{_text_cell('inner2')}</w:tr></w:tbl><w:p/></w:tc></w:tr>"
    f"<w:tr>{_text_cell('', _CONTINUE)}{_text_cell('M')}</w:tr>"
    "</w:tbl>"
)


def _tricky_docx() -> bytes:
    document = docx.Document()
    body = document.element.body
    blocks = [
        "<w:p><w:r><w:t>标题</w:t></w:r></w:p>",
        "<w:p/>",
        _MERGED_TABLE,
        "<w:p><w:r><w:t>正文一</w:t></w:r><w:r><w:t>，正文二</w:t></w:r></w:p>",
        f"<w:sdt><w:sdtContent><w:p><w:r><w:t>控件中的段落</w:t></w:r></w:p>{_NESTED_TABLE}</w:sdtContent></w:sdt>",
        "<w:p><w:r><w:t>结尾</w:t></w:r></w:p>",
    ]
    for block in blocks:
        body.insert(len(body) - 1, parse_xml(re.sub(r"^<(w:\w+)", rf"<\1 {nsdecls('w')}", block)))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _result_for(data: bytes, locators: list[Locator | None], report: Report | None = None) -> CheckResult:
    issues = [Issue(number=n, code="T001", severity=Severity.WARNING, message=f"第{n}条", locator=loc) for n, loc in enumerate(locators, 1)]
    return CheckResult("tricky.docx", hashlib.sha256(data).hexdigest(), len(data), "docx", report=report or Report(), issues=issues)


def test_every_read_cell_and_paragraph_maps_back_to_itself():
    data = _tricky_docx()
    blocks = read_docx(data).blocks
    places = [(b.locator, b.text) for b in blocks if hasattr(b, "text")]
    places += [(cell.locator, cell.text) for b in blocks if hasattr(b, "rows") for row in b.rows for cell in row]
    assert {text for _, text in places} >= {"标题", "A", "B", "C", "D", "E\nF", "G", "H", "K", "L", "inner", "M", "控件中的段落", "结尾"}
    comments = by_number(read_comments(annotate_docx(data, _result_for(data, [loc for loc, _ in places]))))
    for number, (locator, text) in enumerate(places, 1):
        assert (comments[number].locator, comments[number].anchor_text) == (locator, text)


def test_merged_positions_rows_and_empty_paragraphs():
    data = _tricky_docx()
    cell = lambda row, col: Locator(source="docx", table=0, grid_row=row, grid_col=col)  # noqa: E731
    cases = [
        (cell(1, 0), cell(0, 0), "A"),  # a vertical merge's continuation: the cell above
        (cell(0, 2), cell(0, 1), "B"),  # inside a horizontal merge: the cell it starts in
        (cell(1, 3), cell(1, 2), "D"),
        (Locator(source="docx", table=0, grid_row=1), cell(1, 1), "C"),  # a row: its first own cell
        (cell(2, 3), cell(2, 3), ""),  # a blank cell
        # a table holding a table is a frame: its cells' paragraphs are body paragraphs, the inner table is table 1
        (Locator(source="docx", paragraph=4), Locator(source="docx", paragraph=4), "L"),
        (Locator(source="docx", table=1, grid_row=0, grid_col=1), Locator(source="docx", table=1, grid_row=0, grid_col=1), "inner2"),
        (Locator(source="docx", paragraph=1), Locator(source="docx", paragraph=1), ""),  # an empty paragraph
        (None, Locator(source="docx", paragraph=0), "标题"),  # no location: the title
        (cell(99, 0), Locator(source="docx", paragraph=0), "标题"),  # a stale locator is not lost
    ]
    comments = by_number(read_comments(annotate_docx(data, _result_for(data, [given for given, _, _ in cases]))))
    for number, (_, locator, text) in enumerate(cases, 1):
        assert (comments[number].locator, comments[number].anchor_text) == (locator, text), number
    assert read_docx(annotate_docx(data, _result_for(data, [c[0] for c in cases]))).blocks == read_docx(data).blocks


def test_an_issue_without_locator_uses_its_cell_in_the_report(drafts):
    data, result, _ = drafts("003_2b155fb9c9cacf46")
    issue = next(i for i in result.issues if i.column and i.locator and i.locator.table is not None)
    unlocated = copy.copy(result)
    unlocated.issues = [issue.model_copy(update={"locator": None})]
    (comment,) = read_comments(annotate_docx(data, unlocated))
    assert comment.locator == issue.locator


# ---------------------------------------------------------------- what cannot be annotated


def test_only_checked_docx_drafts_can_be_annotated(drafts):
    data, result, _ = drafts(SAMPLES[0])
    text = check_text("2024年政府信息公开工作年度报告\n一、总体情况\n本年度……")
    with pytest.raises(ValueError, match="docx"):
        annotate_docx(b"2024", text)
    failed = check_bytes(b"not a report", "x.docx")
    assert failed.error is not None
    with pytest.raises(ValueError, match="could not be checked"):
        annotate_docx(b"not a report", failed)
    with pytest.raises(ValueError, match="another file"):
        annotate_docx(data + b"\0", result)
    legacy = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512)  # a .doc is checked through a converted .docx
    with pytest.raises(ValueError, match="only a Word .docx"):
        annotate_docx(legacy, _result_for(legacy, [None]))


def test_comment_text_is_the_chat_wording():
    issue = Issue(number=3, code="C101", severity=Severity.ERROR, message="表三「总计」为空。", hint="请填写。")
    assert comment_text(issue) == "3. [错误] 表三「总计」为空。\n修改建议：请填写。"
    assert comment_text(issue.model_copy(update={"hint": ""})) == "3. [错误] 表三「总计」为空。"


# ---------------------------------------------------------------- LibreOffice opens it


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_exports_the_comments(drafts, tmp_path):
    from pdfminer.pdftypes import resolve1
    from pdfminer.utils import decode_text
    import pdfplumber

    _, result, annotated = drafts("003_2b155fb9c9cacf46", "everything")
    source = tmp_path / "annotated.docx"
    source.write_bytes(annotated)
    export = 'pdf:writer_pdf_Export:{"ExportNotes":{"type":"boolean","value":"true"}}'
    subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to", export, "--outdir", str(tmp_path), str(source)],
        check=True, capture_output=True, timeout=180,
    )
    pdf_path = tmp_path / "annotated.pdf"
    assert pdf_path.stat().st_size > 0
    notes = []
    with pdfplumber.open(pdf_path) as pdf:
        assert "年度报告" in (pdf.pages[0].extract_text() or "") + (pdf.pages[1].extract_text() or "")
        for page in pdf.pages:
            for annotation in resolve1(page.page_obj.attrs.get("Annots")) or []:
                contents = resolve1(annotation).get("Contents")
                if contents:
                    notes.append("".join(decode_text(contents).split()))
    assert sorted(notes) == sorted("".join(c.text.split()) for c in read_comments(annotated))
    assert len(notes) == len(result.issues) and all(any(n.startswith("".join(comment_text(i).split())) for n in notes) for i in result.issues)
