"""Every place of a grouped issue (issue 19): the JSON lists them all, and the 批注版 marks them all
— one comment at the first place, every further cell shaded (a paragraph gets a short comment) —
so a clerk finds all 80 blank cells in Word; a returned copy loses the old marks."""

from __future__ import annotations

import io
import zipfile

import pytest
import word_habits as made
from test_outside_reports import OUTSIDE

from nianbao.validators.annotate import annotate_docx, check_and_annotate, read_comments
from nianbao.validators.body_map import BodyMap
from nianbao.validators.engine import check_bytes
from nianbao.validators.own_comments import OWN_FILLS
from nianbao.validators.render import result_json

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def report(name: str) -> bytes:
    path = OUTSIDE / f"{name}.docx"
    if not path.exists():
        pytest.skip("../shared/real/outside is not here")
    return path.read_bytes()


def fill(tc) -> str | None:
    shd = tc.find(f"{W}tcPr/{W}shd")
    return shd.get(f"{W}fill") if shd is not None else None


def own_fills(data: bytes) -> int:
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    return sum(xml.count(f'w:fill="{f}"') for f in OWN_FILLS.values())


@pytest.fixture(scope="module")
def shanghai():
    data = report("shanghai_gov_office_2019")
    result = check_bytes(data, "shanghai.docx")
    return data, result, annotate_docx(data, result)


def test_a_grouped_issue_lists_every_member_in_the_json(shanghai):
    _, result, _ = shanghai
    blanks = next(i for i in result.issues if i.code == "C101" and "80 个单元格空白" in i.message)
    issue = next(i for i in result_json(result)["issues"] if i["number"] == blanks.number)
    assert len(issue["places"]) == 80
    assert all(set(p) == {"table", "row", "column", "expected", "found", "location"} for p in issue["places"])
    assert all(p["table"] == "依申请公开" and p["row"] and p["column"] and p["found"] == "空白" for p in issue["places"])
    cells = {(p["row"], p["column"]) for p in issue["places"]}
    assert len(cells) == 80 and all(result.report.tables["依申请公开"].cell(r, c).blank for r, c in cells)
    assert issue["places"][0]["location"].startswith("第") and issue["location"]  # where to look, and the issue's own place stays
    single = next(i for i in result_json(result)["issues"] if len(i["places"]) == 1)
    assert {k: single["places"][0][k] for k in ("table", "row", "column", "expected", "found")} == {k: single[k] for k in ("table", "row", "column", "expected", "found")}


def test_the_marked_up_copy_shades_every_further_place(shanghai):
    _, result, marked = shanghai
    import docx

    body = BodyMap(docx.Document(io.BytesIO(marked)).element.body)
    comments = {c.number: c for c in read_comments(marked) if c.number}
    for issue in result.issues:
        places = [p for p in issue.all_places() if p.locator is not None]
        if len(places) < 2:
            continue
        comment = comments[issue.number]
        assert comment.locator == places[0].locator  # the comment at the first place
        assert f"本条共 {len({id(body.element_at(p.locator)) for p in places})} 处" in comment.text
        first = body.element_at(places[0].locator)
        for place in places[1:]:
            element = body.element_at(place.locator)
            assert element is first or fill(element) in OWN_FILLS.values(), (issue.code, place)
    assert own_fills(marked) >= 79


def test_a_returned_copy_loses_the_old_marks(shanghai):
    data, _, marked = shanghai
    again = annotate_docx(marked, check_bytes(marked, "again.docx"))
    assert own_fills(again) == own_fills(marked)  # marked afresh, not twice
    fixed = made.edit(marked, lambda body: [made.set_text(tc, "0") for tc in body.iter(f"{W}tc") if fill(tc) in OWN_FILLS.values()])
    result, remarked = check_and_annotate(fixed, "fixed.docx")
    assert not any(i.code == "C101" and "80 个单元格" in i.message for i in result.issues)
    assert remarked is not None and own_fills(remarked) < own_fills(marked)


def test_a_clean_copy_has_no_shading_left():
    data = report("pingtan_2024")
    dashes = made.zero_as_dash(data, b"")
    _, marked = check_and_annotate(dashes, "dashes.docx")
    assert own_fills(marked) > 0
    zeroed = made.edit(marked, lambda body: [made.set_text(tc, "0") for tc in body.iter(f"{W}tc") if made.text_of(tc).strip() in ("—", "－", "——", "/", "无")])
    result, again = check_and_annotate(zeroed, "zeroed.docx")
    assert not any(i.code == "C107" for i in result.issues)
    assert again is not None and own_fills(again) == 0


def test_a_further_place_in_the_text_gets_a_short_comment():
    data = report("pingtan_2024")
    result, marked = check_and_annotate(made.hidden_guidance(data, b""), "guidance.docx")
    [hidden] = [i for i in result.issues if i.code == "X110"]
    notes = [c for c in read_comments(marked) if c.text == f"（见第{hidden.number}条）"]
    assert len(notes) == len(hidden.all_places()) - 1 == 5
    assert {c.locator for c in notes} == {p.locator for p in hidden.all_places()[1:]}
    again = annotate_docx(marked, check_bytes(marked, "again.docx"))
    assert len([c for c in read_comments(again) if c.text.startswith("（见第")]) == 5  # not doubled
