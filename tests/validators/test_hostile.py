"""Hostile and odd files: each ends in a clear Chinese ReadError (or a report), quickly."""

from __future__ import annotations

import io
import subprocess
import sys
import time
import zipfile

import docx
import pytest
from lxml import etree

from fixtures.docx_builder import build_docx, content_from_sample
from fixtures.hostile import MB, W, entity_bomb, package, zip_bomb
from nianbao.validators.engine import check_bytes



def test_zip_bomb_is_refused_before_it_is_read():
    bomb = package(b"<w:document " + W + b"><w:body>" + b" " * 70_000_000 + b"</w:body></w:document>")
    assert len(bomb) < 1_000_000
    start = time.perf_counter()
    result = check_bytes(bomb, "bomb.docx")
    assert result.error.code == "too_large" and "压缩炸弹" in result.error.message
    assert time.perf_counter() - start < 2


def test_entity_bomb_is_not_expanded():
    laughs = b'<!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">' + b"".join(
        b'<!ENTITY %c "&%c;&%c;&%c;&%c;&%c;&%c;&%c;&%c;&%c;&%c;">' % ((98 + i,) + (97 + i,) * 10) for i in range(8)
    ) + b"]>"
    xml = b'<?xml version="1.0"?>' + laughs + b"<w:document " + W + b"><w:body><w:p><w:r><w:t>&i;</w:t></w:r></w:p></w:body></w:document>"
    start = time.perf_counter()
    result = check_bytes(package(xml), "laughs.docx")
    assert time.perf_counter() - start < 2
    assert result.error is not None or all(len(p.text) < 1000 for p in result.report.paragraphs)


def test_encrypted_or_legacy_word_file_gets_advice():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600
    result = check_bytes(ole, "加密.docx")
    assert result.error.code == "legacy_word" and "另存为 .docx" in result.error.message and "密码" in result.error.message


def test_empty_and_not_a_document():
    assert check_bytes(b"", "空.docx").error.code == "empty"
    assert check_bytes(b"   \n  ", "空.txt").error.code == "empty"
    assert check_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "照片.png").error.code == "image"
    assert check_bytes(b"PK\x03\x04 not a zip", "坏.docx").error.code == "corrupt_docx"


def test_docx_without_tables_is_reported_not_crashed():
    document = docx.Document()
    document.add_paragraph("测试镇人民政府2024年政府信息公开工作年度报告")
    document.add_paragraph("一、总体情况")
    out = io.BytesIO()
    document.save(out)
    result = check_bytes(out.getvalue(), "无表格.docx")
    codes = {i.code for i in result.issues}
    assert {"T101", "S101"} <= codes
    assert sum(1 for i in result.issues if i.code == "T101") == 3


def test_gb18030_text_is_decoded(sample_texts):
    text = next(t for name, t in sample_texts.items() if name.startswith("003"))
    result = check_bytes(text.encode("gb18030"), "003-gbk.txt")
    assert result.report.agency == "大安市叉干镇综合服务中心"
    assert result.errors == 6  # and the missing date is a warning (Y104)


def test_a_table_with_five_thousand_rows_is_read_quickly():
    document = docx.Document()
    document.add_paragraph("测试镇人民政府2024年政府信息公开工作年度报告")
    table = document.add_table(rows=5000, cols=3)
    for row in table.rows[:3]:
        row.cells[0].text = "行"
    out = io.BytesIO()
    document.save(out)
    start = time.perf_counter()
    result = check_bytes(out.getvalue(), "大表格.docx")
    assert result.report is not None and time.perf_counter() - start < 10


# ---------------------------------------------------------------- bombs, with memory measured


def test_the_zip_bomb_is_real():
    bomb = zip_bomb(1024 * MB)
    assert len(bomb) < 2 * MB
    with zipfile.ZipFile(io.BytesIO(bomb)) as archive:
        info = archive.getinfo("word/document.xml")
        assert info.file_size >= 1024 * MB and info.file_size / info.compress_size > 1000
        with archive.open(info) as part:
            first = part.read(4 * MB)  # the stream inflates as promised (the whole would take seconds)
    assert first.startswith(b"<w:document ") and first.endswith(b" " * MB)


# Run in a fresh interpreter: warm up on a small ordinary .docx (imports, caches), then measure
# the peak resident size before and after checking the bomb. The address space is capped so that
# a regression fails with MemoryError instead of eating the machine's memory.
MEASURE = """
import io, resource, sys
import docx
from nianbao.validators.engine import check_bytes

def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

def address_space():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmSize:"))

ordinary = docx.Document()
ordinary.add_paragraph("测试镇人民政府2024年政府信息公开工作年度报告")
out = io.BytesIO()
ordinary.save(out)
check_bytes(out.getvalue(), "warm-up.docx")
data = open(sys.argv[1], "rb").read()
limit = address_space() + 768 * 1024 * 1024
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
before = peak_mb()
result = check_bytes(data, "bomb.docx")
after = peak_mb()
print(result.error.code if result.error else "report", before, after)
"""


@pytest.mark.parametrize("bomb", ["zip", "entities"])
def test_bombs_are_refused_with_bounded_memory(bomb, tmp_path):
    path = tmp_path / "bomb.docx"
    path.write_bytes(zip_bomb(1024 * MB) if bomb == "zip" else entity_bomb())
    start = time.perf_counter()
    run = subprocess.run([sys.executable, "-c", MEASURE, str(path)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    code, before, after = run.stdout.split()
    assert code == {"zip": "too_large", "entities": "corrupt_docx"}[bomb]
    assert float(after) - float(before) < 50, f"peak memory grew from {before} MB to {after} MB"
    assert time.perf_counter() - start < 30


# ---------------------------------------------------------------- tables in the wrong order


NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def tables_swapped(data: bytes) -> bytes:
    """The same .docx with table 4 moved to where table 2 was and table 2 to where table 4 was
    (so the order in the body is 4, 3, 2); every other part and paragraph is unchanged."""

    def swap(body) -> None:
        table2, _, table4 = body.findall(f"{NS}tbl")
        where2, where4 = etree.Element("mark"), etree.Element("mark")
        table2.addprevious(where2)
        table4.addprevious(where4)
        where2.addprevious(table4)  # moves the element
        where4.addprevious(table2)
        body.remove(where2)
        body.remove(where4)

    return with_body(data, swap)


def table4_moved_to_the_end_under_a_heading_that_names_it(data: bytes) -> bytes:
    """Table 4 pasted after the last paragraph, while section 四 keeps a subheading "行政复议"
    (the table's own first label) where the table was."""

    def move(body) -> None:
        table4 = body.findall(f"{NS}tbl")[2]
        heading = etree.fromstring(f'<w:p xmlns:w="{NS[1:-1]}"><w:r><w:t>行政复议</w:t></w:r></w:p>')
        table4.addprevious(heading)
        body.find(f"{NS}sectPr").addprevious(table4)

    return with_body(data, move)


def with_body(data: bytes, change) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    root = etree.fromstring(source.read("word/document.xml"))
    change(root.find(f"{NS}body"))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            part = source.read(info.filename)
            if info.filename == "word/document.xml":
                part = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            target.writestr(info, part)
    return out.getvalue()


def test_tables_in_the_wrong_order_still_land_in_the_right_tables(sample_texts):
    text = next(t for name, t in sample_texts.items() if name.startswith("003"))
    data = build_docx(content_from_sample(text, "003.txt"))
    original = check_bytes(data, "正常顺序.docx")
    swapped = check_bytes(tables_swapped(data), "顺序颠倒.docx")
    assert swapped.error is None
    assert "T101" not in {i.code for i in swapped.issues}  # no table is reported missing
    assert swapped.report.tables_json() == original.report.tables_json()


def test_a_table_pasted_at_the_end_is_found_past_a_heading_that_names_it(sample_texts):
    text = next(t for name, t in sample_texts.items() if name.startswith("003"))
    data = build_docx(content_from_sample(text, "003.txt"))
    moved = check_bytes(table4_moved_to_the_end_under_a_heading_that_names_it(data), "表四在最后.docx")
    assert "T101" not in {i.code for i in moved.issues}
    assert moved.report.tables_json() == check_bytes(data, "正常.docx").report.tables_json()
