"""The 批注版 round trip the bot invites (issue 13, item 3): the marked-up copy is edited in an
office program and sent back. Each new 批注版 holds exactly the current issues — this program's
earlier comments removed, people's own comments kept — and once nothing is left the draft comes
back clean, without the old comments. The office program is the real LibreOffice where it is
installed (a save by Word/WPS keeps comments the same way), else the edit is made in the XML."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from fixtures.roundtrip import CELL, HEADING, replace_in_document, two_mistakes_draft

from nianbao.validators.annotate import DEFAULT_AUTHOR, check_and_annotate, is_clean_copy, read_comments

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
EDITORS = ["xml", pytest.param("libreoffice", marks=pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed"))]


@pytest.fixture(scope="module")
def first_draft(sample_texts) -> bytes:
    return two_mistakes_draft(sample_texts)


def edit(data: bytes, change: tuple[str, str] | None, editor: str, tmp_path: Path) -> bytes:
    """The clerk's edit of the 批注版: a change to the text, saved by the office program."""
    if change:
        data = replace_in_document(data, *change)
    if editor == "libreoffice":
        source, out = tmp_path / "in" / "批注版.docx", tmp_path / "out"
        source.parent.mkdir(exist_ok=True)
        source.write_bytes(data)
        subprocess.run(
            [SOFFICE, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(out), str(source)],
            check=True, capture_output=True, timeout=120,
        )
        data = (out / "批注版.docx").read_bytes()
    return data


def with_a_persons_comment(data: bytes) -> bytes:
    document = docx.Document(io.BytesIO(data))
    paragraph = next(p for p in document.paragraphs if p.runs and "统计期限" in p.text)
    document.add_comment(paragraph.runs[0], text="请办公室主任再核对一下。", author="张三", initials="张")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def ours(data: bytes) -> list[str]:
    return [c.text.split("\n")[0] for c in read_comments(data) if c.author == DEFAULT_AUTHOR]


def theirs(data: bytes) -> list[str]:
    return [c.text for c in read_comments(data) if c.author != DEFAULT_AUTHOR]


def issue_lines(result) -> list[str]:
    return [f"{i.number}. [{i.severity.label}] {i.message}" for i in result.issues]


@pytest.mark.parametrize("editor", EDITORS)
def test_each_returned_copy_holds_exactly_the_current_issues(first_draft, editor, tmp_path):
    result, marked = check_and_annotate(first_draft, "初稿.docx")
    assert len(result.issues) == 2 and ours(marked) == issue_lines(result)
    returned = edit(with_a_persons_comment(marked), HEADING, editor, tmp_path)  # the heading fixed
    result, marked = check_and_annotate(returned, "修改稿.docx")
    [issue] = result.issues
    assert issue.code == "C107"  # 「无」 is read as 0: a warning that the form asks for 0
    assert ours(marked) == ["1. [警告] 表二「主动公开政府信息情况」有 1 个单元格填的是「无」，已按 0 核算；统一格式要求没有发生的事项填 0。"]
    [comment] = [c for c in read_comments(marked) if c.author == DEFAULT_AUTHOR]
    assert comment.locator == issue.locator  # at the cell
    assert theirs(marked) == ["请办公室主任再核对一下。"]  # people's own comments stay


@pytest.mark.parametrize("editor", EDITORS)
def test_an_unchanged_resend_does_not_double_the_comments(first_draft, editor, tmp_path):
    result, marked = check_and_annotate(first_draft, "初稿.docx")
    again, remarked = check_and_annotate(edit(marked, None, editor, tmp_path), "再发一次.docx")
    assert ours(remarked) == ours(marked) == issue_lines(again)


@pytest.mark.parametrize("editor", EDITORS)
def test_a_returned_copy_with_nothing_left_comes_back_clean(first_draft, editor, tmp_path):
    _, marked = check_and_annotate(first_draft, "初稿.docx")
    returned = edit(replace_in_document(with_a_persons_comment(marked), *HEADING), CELL, editor, tmp_path)
    result, clean = check_and_annotate(returned, "定稿.docx")
    assert result.issues == [] and is_clean_copy(result) and clean is not None
    assert ours(clean) == [] and theirs(clean) == ["请办公室主任再核对一下。"]
    body = zipfile.ZipFile(io.BytesIO(clean)).read("word/document.xml").decode()
    assert body.count("commentReference") == 1  # only the person's comment is still anchored


def test_a_draft_that_passes_and_never_had_our_comments_gets_no_file(first_draft):
    clean_draft = replace_in_document(replace_in_document(first_draft, *HEADING), *CELL)
    result, marked = check_and_annotate(clean_draft, "定稿.docx")
    assert result.issues == [] and marked is None
