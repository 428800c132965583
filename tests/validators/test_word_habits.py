"""Habits of a clerk's Word and WPS, read as a person reads them (issue 19): a clean real report
(../shared/real/outside, and sample 002 built on the official template) changed by exactly one
habit must give every cell of its hand-checked truth, the same tables, title and sections, the same
issues as the clean report, and only the word the habit itself deserves (never an error). Its
marked-up copy carries one comment per issue. ``word_habits`` makes the habits that broke the
reader; ``word_habits_held`` the ones that already held, kept here so that they keep holding."""

from __future__ import annotations

import io
import json
import re
import zipfile

import pytest
import word_habits as made
import word_habits_held as held
from fixtures.docx_builder import build_docx
from test_outside_reports import OUTSIDE, unread_cells

from nianbao.validators.annotate import check_and_annotate, read_comments
from nianbao.validators.engine import check_bytes

REAL = ["pingtan_2024", "huaian_gov_2024", "shuyang_fgj_2023", "shanghai_gov_office_2019"]
# the 2019-format report has no table 2 of 2021 and no 0 in its tables: the habits made there
NOT_IN_2019 = {"value_with_note", "content_controls", "zero_as_dash", "tracked_moves"}
SAMPLE = "sample_002"
NEEDS_PAGE = {"report_as_altchunk", "table3_as_altchunk"}

# habit -> (the change, the codes it adds: what the clerk is told about it)
HABITS = {
    "hidden_numbers": (made.hidden_numbers, {"X110"}),
    "hidden_guidance": (made.hidden_guidance, {"X110"}),
    "table3_in_a_frame": (made.table3_in_a_frame, set()),
    "report_in_a_frame": (made.report_in_a_frame, set()),
    "report_as_altchunk": (made.report_as_altchunk, set()),
    "table3_as_altchunk": (made.table3_as_altchunk, set()),
    "strict_open_xml": (made.strict_open_xml, set()),
    "value_with_note": (made.value_with_note, {"C109"}),
    "title_in_a_text_box": (made.title_in_a_text_box, set()),
    "title_box_anchored_in_text": (made.title_box_anchored_in_text, set()),
    "toc_field": (made.toc_field, set()),
    "toc_wps": (made.toc_wps, set()),
    "zero_as_dash": (made.zero_as_dash, {"C107"}),
    "fullwidth_digits": (made.fullwidth_digits, {"C108"}),
    "custom_xml": (made.custom_xml, set()),
    "tracked_moves": (made.tracked_moves, set()),
    "unfilled_controls": (made.unfilled_controls, set()),
    # what already held
    "tracked_changes": (held.tracked_changes, set()),
    "tracked_row_deletion": (held.tracked_row_deletion, set()),
    "persons_comments": (held.persons_comments, set()),
    "fields": (held.fields, set()),
    "content_controls": (held.content_controls, set()),
    "soft_breaks_and_spaces": (held.soft_breaks_and_spaces, set()),
    "separators_and_units": (held.separators_and_units, set()),
    "legacy_merges": (held.legacy_merges, set()),
    "landscape_section": (held.landscape_section, set()),
    "title_in_page_header": (held.title_in_page_header, set()),
}
# a piece of the changed document.xml that shows the habit is really there
MARKS = {
    "hidden_numbers": b"vanish", "hidden_guidance": b"vanish", "value_with_note": "含自然失效".encode(),
    "title_in_a_text_box": b"Fallback", "title_box_anchored_in_text": b"txbxContent", "toc_field": b"Table of Contents",
    "toc_wps": b"TOC", "zero_as_dash": "—".encode(), "fullwidth_digits": "０".encode(), "custom_xml": b"customXml",
    "tracked_changes": b"delText", "persons_comments": b"commentReference", "fields": b"DOCPROPERTY",
    "content_controls": b"sdtContent", "soft_breaks_and_spaces": b"<w:br", "legacy_merges": b"hMerge",
    "landscape_section": b"landscape", "table3_as_altchunk": b"altChunk", "report_as_altchunk": b"altChunk",
    "table3_in_a_frame": b"<w:tbl", "report_in_a_frame": b"<w:tbl", "separators_and_units": re.compile(r"\d件<".encode()),
    "strict_open_xml": b"purl.oclc.org", "tracked_moves": b"moveFrom", "unfilled_controls": b"showingPlcHdr", "tracked_row_deletion": b"w:id=\"8000\"", "title_in_page_header": b"headerReference",
}


@pytest.fixture(scope="module")
def bases(clean):
    """name -> (clean .docx, its published page or None, its truth or None, its CheckResult)."""
    cache: dict = {}

    def get(name: str):
        if name not in cache:
            if name == SAMPLE:
                data, page, truth = build_docx(clean), None, None
            else:
                if not (OUTSIDE / f"{name}.docx").exists():
                    pytest.skip("../shared/real/outside is not here")
                data = (OUTSIDE / f"{name}.docx").read_bytes()
                page = (OUTSIDE / "src" / f"{name}.html").read_bytes()
                truth = next(r for r in json.loads((OUTSIDE / "manifest.json").read_text(encoding="utf-8")) if r["name"] == name)
            cache[name] = (data, page, truth, check_bytes(data, f"{name}.docx"))
        return cache[name]

    return get


def issue_keys(result) -> set[tuple]:
    return {(i.code, i.table or "", i.row or "", i.column or "", i.section or "") for i in result.issues}


def document_xml(data: bytes) -> bytes:
    return zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml")


@pytest.mark.parametrize("habit", list(HABITS))
@pytest.mark.parametrize("base", [*REAL, SAMPLE])
def test_a_habit_is_read_as_a_person_reads_it(base, habit, bases):
    data, page, truth, clean = bases(base)
    if page is None and habit in NEEDS_PAGE:
        pytest.skip("the sample has no published web page to embed")
    if base == "shanghai_gov_office_2019" and habit in NOT_IN_2019:
        pytest.skip("made on table 2 of 2021 or on cells holding 0, which this report does not have")
    change, told = HABITS[habit]
    changed = change(data, page)
    mark = MARKS[habit]
    assert (mark.search(document_xml(changed)) if isinstance(mark, re.Pattern) else mark in document_xml(changed))
    assert document_xml(changed) != document_xml(data)
    result = check_bytes(changed, f"{habit}.docx")
    assert result.error is None, result.error.message
    if truth is not None:
        assert unread_cells(truth, result) == []  # every cell of the hand-checked truth
    assert result.report.tables_json() == clean.report.tables_json()
    report, expected = result.report, clean.report
    assert (report.title, report.agency, report.year, report.issue_date) == (expected.title, expected.agency, expected.year, expected.issue_date)
    assert [(s.number, s.heading_found, s.numbering) for s in report.sections] == [(s.number, s.heading_found, s.numbering) for s in expected.sections]
    added, lost = issue_keys(result) - issue_keys(clean), issue_keys(clean) - issue_keys(result)
    assert lost == set() and {key[0] for key in added} == told, sorted(added)
    assert all(i.severity.value != "error" for i in result.issues if i.code in told)


@pytest.mark.parametrize("habit", ["hidden_numbers", "report_in_a_frame", "report_as_altchunk", "strict_open_xml", "toc_field", "zero_as_dash", "custom_xml"])
def test_the_marked_up_copy_of_a_habit_has_one_comment_per_issue(habit, bases):
    data, page, _, _ = bases("pingtan_2024")
    changed = HABITS[habit][0](data, page)
    result, marked = check_and_annotate(changed, f"{habit}.docx")
    assert result.issues and marked is not None
    numbers = sorted(c.number for c in read_comments(marked) if c.number is not None)
    assert numbers == [i.number for i in result.issues]


def test_body_text_around_the_habits_is_the_clean_reports(bases):
    """The habits that wrap or hide: the body paragraphs read are the clean report's."""
    data, page, _, clean = bases("pingtan_2024")
    texts = [p.text for p in clean.report.paragraphs]
    for habit in ("hidden_guidance", "report_in_a_frame", "custom_xml", "toc_field", "toc_wps", "title_in_a_text_box", "title_box_anchored_in_text", "tracked_moves"):
        result = check_bytes(HABITS[habit][0](data, page), f"{habit}.docx")
        assert [p.text for p in result.report.paragraphs] == texts, habit


def test_hidden_numbers_are_said_once_per_table_with_every_cell(bases):
    data, page, _, clean = bases("pingtan_2024")
    result = check_bytes(made.hidden_numbers(data, page), "hidden.docx")
    hidden = [i for i in result.issues if i.code == "X110"]
    assert [i.severity.value for i in hidden] == ["info"] * 3
    cells = sum(1 for t in clean.report.tables.values() for c in t.all_cells() if c.raw.strip().isdigit())
    assert sum(len(i.all_places()) for i in hidden) == cells
    assert all(p.found == "3001" and p.row and p.column for i in hidden for p in i.all_places())


def test_a_table_of_contents_left_open_hides_nothing_after_it(bases):
    """A TOC field whose end was lost (a broken file): its entries are still left out, the report
    after them is read."""
    data, page, _, clean = bases("pingtan_2024")
    toc = made.toc_wps(data, page)

    def drop_end(body):
        begins = [f for f in body.iter(made.w("fldChar")) if f.get(made.w("fldCharType")) == "begin"]
        ends = [f for f in body.iter(made.w("fldChar")) if f.get(made.w("fldCharType")) == "end"]
        last = ends[len(begins) - 1]  # the TOC's own end, after the entries' PAGEREF fields
        last.getparent().getparent().remove(last.getparent())
        assert len([f for f in body.iter(made.w("fldChar")) if f.get(made.w("fldCharType")) == "end"]) == len(begins) - 1

    result = check_bytes(made.edit(toc, drop_end), "open_toc.docx")
    assert [p.text for p in result.report.paragraphs] == [p.text for p in clean.report.paragraphs]
    assert issue_keys(result) == issue_keys(clean)
