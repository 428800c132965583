"""Hostile and odd files: each ends in a clear Chinese ReadError (or a report), quickly."""

from __future__ import annotations

import io
import time
import zipfile

import docx

from nianbao.validators.engine import check_bytes


def package(document_xml: bytes, compression=zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        archive.writestr("[Content_Types].xml", (
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
            "</Types>"
        ))
        archive.writestr("_rels/.rels", (
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="r1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
            "</Relationships>"
        ))
        archive.writestr("word/document.xml", document_xml)
    return out.getvalue()


W = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


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
    assert result.errors == 7


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
