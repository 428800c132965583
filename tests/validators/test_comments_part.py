"""The 批注版 written on the reader's own tree (``comments_part``, ``zip_copy``) is the copy
python-docx wrote before (``python_docx_marking``, the oracle): over every sample (as staff split
and pad it) and every Word habit, and over the copies sent back (this program's old comments
removed, a person's own kept, a clean copy), python-docx reads back the same comments at the
same places, the body is the same XML, and every part the marking does not touch is the
draft's own, byte for byte (its compressed data too)."""

from __future__ import annotations

import io
import pickle
import shutil
import subprocess
import zipfile

import docx
import pytest
import word_habits as made
from fixtures.docx_builder import VARIANTS, build_docx, content_from_sample
from fixtures.roundtrip import CELL, HEADING, replace_in_document, two_mistakes_draft
from lxml import etree
from python_docx_marking import marked_with_python_docx
from test_outside_reports import OUTSIDE
from test_word_habits import HABITS, NEEDS_PAGE

from nianbao.validators.annotate import annotate_docx, check_and_annotate, clean_copy, read_comments
from nianbao.validators.engine import check_bytes, check_keeping_word
from nianbao.validators.own_comments import OWN_FILLS
from nianbao.validators.readers.strict import package_is_strict, transitional_package

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_BLANKS = etree.XMLParser(remove_blank_text=True, remove_comments=True)
MARKED_PARTS = {"word/document.xml", "word/comments.xml", "word/_rels/document.xml.rels", "[Content_Types].xml"}


# ---------------------------------------------------------------- the drafts


@pytest.fixture(scope="module")
def pingtan() -> tuple[bytes, bytes]:
    if not (OUTSIDE / "pingtan_2024.docx").exists():
        pytest.skip("../shared/real/outside is not here")
    return (OUTSIDE / "pingtan_2024.docx").read_bytes(), (OUTSIDE / "src" / "pingtan_2024.html").read_bytes()


@pytest.fixture(scope="module")
def sample_002(sample_texts) -> bytes:
    """Sample 002 as it is (its one real mistake left in: a comment to write)."""
    name = next(n for n in sample_texts if n.startswith("002"))
    return build_docx(content_from_sample(sample_texts[name], f"{name}.txt"))


def habit_draft(habit: str, base: str, pingtan, sample_002) -> bytes:
    if base == "sample_002":
        if habit in NEEDS_PAGE:
            pytest.skip("the sample has no published web page to embed")
        return HABITS[habit][0](sample_002, None)
    return HABITS[habit][0](*pingtan)


# ---------------------------------------------------------------- the comparison


def xml_of(data: bytes, member: str) -> bytes:
    """A part as XML says it (ignorable white space and XML comments aside; comment dates out)."""
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read(member), _BLANKS)
    for comment in root.iter(f"{W}comment"):
        comment.attrib.pop(f"{W}date", None)
    return etree.tostring(root, method="c14n")


def raw(data: bytes, info: zipfile.ZipInfo) -> bytes:
    """A member's compressed bytes as they are in the zip."""
    name_length, extra_length = int.from_bytes(data[info.header_offset + 26 : info.header_offset + 28], "little"), int.from_bytes(data[info.header_offset + 28 : info.header_offset + 30], "little")
    start = info.header_offset + 30 + name_length + extra_length
    return data[start : start + info.compress_size]


def content_types(data: bytes) -> dict[str, str]:
    package = docx.Document(io.BytesIO(data)).part.package
    return {str(part.partname): part.content_type for part in package.iter_parts()}


def assert_same_copy(draft: bytes, marked: bytes, oracle: bytes) -> None:
    assert read_comments(marked) == read_comments(oracle)
    assert [c.text for c in docx.Document(io.BytesIO(marked)).comments] == [c.text for c in docx.Document(io.BytesIO(oracle)).comments]
    assert xml_of(marked, "word/document.xml") == xml_of(oracle, "word/document.xml")
    ours, theirs = zipfile.ZipFile(io.BytesIO(marked)), zipfile.ZipFile(io.BytesIO(oracle))
    if "word/comments.xml" in theirs.namelist():
        assert xml_of(marked, "word/comments.xml") == xml_of(oracle, "word/comments.xml")
    assert content_types(marked) == content_types(oracle)
    assert ours.testzip() is None
    if package_is_strict(draft):  # marked up under the ordinary names: that package's parts are kept
        draft = transitional_package(draft)
    source = zipfile.ZipFile(io.BytesIO(draft))
    kept = {info.filename: info for info in source.infolist()}
    for info in ours.infolist():
        if info.filename in kept and info.filename not in MARKED_PARTS and not info.filename.endswith(("commentsExtended.xml", "commentsIds.xml", "commentsExtensible.xml")):
            assert raw(marked, info) == raw(draft, kept[info.filename]), info.filename  # copied, not deflated again
            assert (info.CRC, info.file_size, info.date_time) == (kept[info.filename].CRC, kept[info.filename].file_size, kept[info.filename].date_time)
    assert set(ours.namelist()) >= set(source.namelist())


def marked_both_ways(draft: bytes, name: str = "draft.docx") -> tuple[bytes, bytes]:
    result, marked = check_and_annotate(draft, name)
    assert marked is not None, name
    return marked, marked_with_python_docx(draft, check_bytes(draft, name))


# ---------------------------------------------------------------- every sample, every habit


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_every_sample_is_marked_as_python_docx_marked_it(variant, sample_texts, template_path):
    for name, text in sample_texts.items():
        for template in (template_path, None):
            draft = build_docx(content_from_sample(text, f"{name}.txt"), template=template, **VARIANTS[variant])
            marked, oracle = marked_both_ways(draft, f"{name}.docx")
            assert_same_copy(draft, marked, oracle)


@pytest.mark.parametrize("base", ["pingtan_2024", "sample_002"])
@pytest.mark.parametrize("habit", list(HABITS))
def test_every_word_habit_is_marked_as_python_docx_marked_it(habit, base, pingtan, sample_002):
    draft = habit_draft(habit, base, pingtan, sample_002)
    marked, oracle = marked_both_ways(draft, f"{habit}.docx")
    assert_same_copy(draft, marked, oracle)


@pytest.mark.parametrize("name", ["huaian_gov_2024", "shuyang_fgj_2023", "shanghai_gov_office_2019", "pingtan_2023", "pingtan_2025"])
def test_every_real_report_is_marked_as_python_docx_marked_it(name):
    if not (OUTSIDE / f"{name}.docx").exists():
        pytest.skip("../shared/real/outside is not here")
    draft = (OUTSIDE / f"{name}.docx").read_bytes()
    marked, oracle = marked_both_ways(draft)
    assert_same_copy(draft, marked, oracle)


# ---------------------------------------------------------------- copies sent back


def with_a_persons_comment(data: bytes) -> bytes:
    document = docx.Document(io.BytesIO(data))
    paragraph = next(p for p in document.paragraphs if p.runs and p.text.strip())
    document.add_comment(paragraph.runs[0], text="请办公室主任再核对一下。", author="张三", initials="张")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def with_word_side_parts(data: bytes) -> bytes:
    """The comments as Word keeps them: paragraph ids, commentsExtended and commentsIds entries."""
    source = zipfile.ZipFile(io.BytesIO(data))
    comments = etree.fromstring(source.read("word/comments.xml"))
    w14 = "http://schemas.microsoft.com/office/word/2010/wordml"
    extended, ids = ['<w15:commentsEx xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml">'], ['<w16cid:commentsIds xmlns:w16cid="http://schemas.microsoft.com/office/word/2016/wordml/cid">']
    for k, paragraph in enumerate(comments.iter(f"{W}p")):
        paragraph.set(f"{{{w14}}}paraId", f"{k + 1:08X}")
        extended.append(f'<w15:commentEx w15:paraId="{k + 1:08X}" w15:done="0"/>')
        ids.append(f'<w16cid:commentId w16cid:paraId="{k + 1:08X}" w16cid:durableId="{k + 0x7000:08X}"/>')
    parts = {
        "word/comments.xml": etree.tostring(comments, xml_declaration=True, encoding="UTF-8", standalone=True),
        "word/commentsExtended.xml": ("".join(extended) + "</w15:commentsEx>").encode(),
        "word/commentsIds.xml": ("".join(ids) + "</w16cid:commentsIds>").encode(),
    }
    types = source.read("[Content_Types].xml").decode().replace("</Types>", "".join(
        f'<Override PartName="/word/{name}.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.{name}+xml"/>' for name in ("commentsExtended", "commentsIds")
    ) + "</Types>")
    rels = source.read("word/_rels/document.xml.rels").decode().replace("</Relationships>", "".join(
        f'<Relationship Id="rIdSide{k}" Type="http://schemas.microsoft.com/office/2011/relationships/{kind}" Target="{name}.xml"/>'
        for k, (kind, name) in enumerate((("commentsExtended", "commentsExtended"), ("commentsIds", "commentsIds")))
    ) + "</Relationships>")
    return made.edit(data, lambda body: None, {**parts, "[Content_Types].xml": types.encode(), "word/_rels/document.xml.rels": rels.encode()})


def test_copies_sent_back_are_marked_as_python_docx_marked_them(sample_texts, template_path, pingtan):
    for name, text in sample_texts.items():
        draft = build_docx(content_from_sample(text, f"{name}.txt"), template=template_path)
        first, _ = marked_both_ways(draft)
        for returned in (first, with_a_persons_comment(first), with_word_side_parts(with_a_persons_comment(first))):
            marked, oracle = marked_both_ways(returned)
            assert_same_copy(returned, marked, oracle)
            assert len(read_comments(marked)) == len(read_comments(first)) + (returned is not first)


def test_the_side_entries_of_old_comments_go_with_them(sample_texts, template_path):
    name, text = next(iter(sample_texts.items()))
    first, _ = marked_both_ways(build_docx(content_from_sample(text, f"{name}.txt"), template=template_path))
    returned = with_word_side_parts(with_a_persons_comment(first))
    marked, oracle = marked_both_ways(returned)
    for part in ("word/commentsExtended.xml", "word/commentsIds.xml"):
        assert xml_of(marked, part) == xml_of(oracle, part)
    for part in ("word/commentsIds.xml", "word/commentsExtended.xml"):
        entries = etree.fromstring(zipfile.ZipFile(io.BytesIO(marked)).read(part))
        assert len(entries) == 1  # the person's comment's entry only (its done="0" is not an id)


def test_a_clean_copy_is_the_draft_less_the_old_marks(sample_texts):
    _, marked = check_and_annotate(two_mistakes_draft(sample_texts), "初稿.docx")
    fixed = replace_in_document(replace_in_document(with_a_persons_comment(marked), *HEADING), *CELL)
    result, clean = check_and_annotate(fixed, "定稿.docx")
    assert result.issues == [] and clean is not None
    assert clean == clean_copy(fixed, result)  # the tree the check read, or the file read again
    assert [c.author for c in read_comments(clean)] == ["张三"]
    assert xml_of(clean, "word/document.xml") == xml_of(marked_with_python_docx(fixed, result), "word/document.xml")  # no issue: only removal
    xml = zipfile.ZipFile(io.BytesIO(clean)).read("word/document.xml").decode()
    assert not any(fill in xml for fill in OWN_FILLS.values()) and xml.count("commentReference") == 1


# ---------------------------------------------------------------- what the reader set aside, what stays out


def test_the_text_box_fallbacks_the_reader_set_aside_are_written_back(pingtan, sample_002):
    draft = made.zero_as_dash(HABITS["title_in_a_text_box"][0](*pingtan), b"")
    _, marked = check_and_annotate(draft, "box.docx")
    before, after = (zipfile.ZipFile(io.BytesIO(d)).read("word/document.xml") for d in (draft, marked))
    assert before.count(b"mc:Fallback") == after.count(b"mc:Fallback") > 0


def test_a_macro_enabled_document_gets_no_marked_up_copy(sample_docx):
    """python-docx opens no .docm, so there was never a 批注版 of one: still none."""
    data = next(iter(sample_docx.values()))
    types = zipfile.ZipFile(io.BytesIO(data)).read("[Content_Types].xml")
    main = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    assert main in types
    macro = made.edit(data, lambda body: None, {"[Content_Types].xml": types.replace(main, b"application/vnd.ms-word.document.macroEnabled.main+xml")})
    result, marked = check_and_annotate(macro, "macro.docm")
    assert result.issues and marked is None
    with pytest.raises(ValueError, match="not a Word .docx"):
        annotate_docx(macro, result)


def test_the_check_result_carries_no_tree(sample_docx):
    """Results cross process boundaries: the tree stays with the check, not on its result."""
    data = next(iter(sample_docx.values()))
    result, word = check_keeping_word(data, "draft.docx")
    assert word is not None and word.paragraphs and word.tables
    assert not any(value is word for value in vars(result).values())
    again = pickle.loads(pickle.dumps(result))
    assert again.issues == result.issues and len(pickle.dumps(result)) < 100_000


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_opens_a_real_reports_copy_with_its_text_boxes(pingtan, tmp_path):
    """A real report with a text box (its fallback written back), a person's comment and an old
    批注版's marks: LibreOffice exports it to PDF with every comment."""
    from pdfminer.pdftypes import resolve1
    import pdfplumber

    draft = with_a_persons_comment(check_and_annotate(HABITS["title_in_a_text_box"][0](*pingtan), "box.docx")[1])
    result, marked = check_and_annotate(draft, "box.docx")
    source = tmp_path / "marked.docx"
    source.write_bytes(marked)
    export = 'pdf:writer_pdf_Export:{"ExportNotes":{"type":"boolean","value":"true"}}'
    subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to", export, "--outdir", str(tmp_path), str(source)],
        check=True, capture_output=True, timeout=180,
    )
    with pdfplumber.open(tmp_path / "marked.pdf") as pdf:
        notes = [a for page in pdf.pages for a in (resolve1(page.page_obj.attrs.get("Annots")) or []) if resolve1(a).get("Contents")]
        assert "年度报告" in "".join(page.extract_text() or "" for page in pdf.pages[:2])
    assert len(notes) == len(read_comments(marked)) == len(result.issues) + 1


def _with_old_marks_in_a_text_box(marked: bytes) -> bytes:
    """A 批注版 as Word saves it back when a comment sits in a text box: the comment's markers
    in the box's DrawingML and again in its VML fallback (mc:Fallback)."""
    source = zipfile.ZipFile(io.BytesIO(marked))
    xml = source.read("word/document.xml").decode()
    first = xml.split('commentReference w:id="', 1)[1].split('"', 1)[0]
    marks = f'<w:commentRangeStart w:id="{first}"/><w:r><w:t>框</w:t></w:r><w:commentRangeEnd w:id="{first}"/><w:r><w:commentReference w:id="{first}"/></w:r>'
    box = (
        '<w:r><mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
        f'<mc:Choice Requires="wps"><w:t>框</w:t></mc:Choice><mc:Fallback><w:pict><w:txbxContent><w:p>{marks}</w:p></w:txbxContent></w:pict></mc:Fallback>'
        "</mc:AlternateContent></w:r>"
    )
    xml = xml.replace("</w:p>", box + "</w:p>", 1)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, xml.encode() if info.filename == "word/document.xml" else source.read(info.filename))
    return out.getvalue()


def test_old_marks_in_a_text_boxs_fallback_go_too(sample_texts):
    _, marked = check_and_annotate(two_mistakes_draft(sample_texts), "初稿.docx")
    returned = _with_old_marks_in_a_text_box(marked)
    _, again = check_and_annotate(returned, "二稿.docx")
    xml = zipfile.ZipFile(io.BytesIO(again)).read("word/document.xml").decode()
    fallback = xml.split("<mc:Fallback>", 1)[1].split("</mc:Fallback>", 1)[0]
    assert "框" in fallback and "comment" not in fallback  # the box kept, the old markers gone
    references = [part.split('"', 1)[0] for part in xml.split('commentReference w:id="')[1:]]
    assert len(references) == len(set(references)) == len(read_comments(again))  # no id used twice
    fixed = replace_in_document(replace_in_document(returned, *HEADING), *CELL)
    result, clean = check_and_annotate(fixed, "定稿.docx")
    assert result.issues == [] and "comment" not in zipfile.ZipFile(io.BytesIO(clean)).read("word/document.xml").decode()


def test_a_persons_reply_to_an_old_comment_stays_as_a_comment_of_its_own(sample_texts, template_path):
    name, text = next(iter(sample_texts.items()))
    first, _ = marked_both_ways(build_docx(content_from_sample(text, f"{name}.txt"), template=template_path))
    returned = with_word_side_parts(with_a_persons_comment(first))
    source = zipfile.ZipFile(io.BytesIO(returned))
    extended = source.read("word/commentsExtended.xml").decode()
    last = extended.rsplit("<w15:commentEx ", 1)
    replied = last[0] + '<w15:commentEx w15:paraIdParent="00000001" ' + last[1]  # the person answers the first old comment
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, replied.encode() if info.filename == "word/commentsExtended.xml" else source.read(info.filename))
    _, marked = check_and_annotate(out.getvalue(), "二稿.docx")
    [entry] = etree.fromstring(zipfile.ZipFile(io.BytesIO(marked)).read("word/commentsExtended.xml"))
    assert [etree.QName(name).localname for name in entry.attrib] == ["paraId", "done"]  # no parent that is gone
    assert "张三" in [c.author for c in read_comments(marked)]
