"""A report saved from its web page (网页另存为 .html/.htm) is read like a .docx: paragraphs, and
tables on their grid with rowspan/colspan as merged cells. The published pages of
../shared/real/outside/src are read cell by cell in test_outside_reports.py; here the same page is
wrapped in what a browser saves around it (site chrome, scripts, menus, a layout table, GBK)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_outside_reports import _manifest, unread_cells

from nianbao.validators.engine import check_bytes
from nianbao.validators.readers import sniff

SRC = Path(__file__).resolve().parents[2].parent / "shared" / "real" / "outside" / "src"

CHROME = """<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml"><head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312" />
<title>平潭综合实验区人民政府门户网站</title>
<style>.nav li {{ float: left; }}</style>
<script type="text/javascript">var _hmt = _hmt || []; document.write("一、总体情况 12345");</script>
</head><body>
<div class="top"><a href="/">首页</a> | <a href="/zwgk">政务公开</a> | <a href="/hdjl">互动交流</a></div>
<ul class="nav"><li><a href="/a">政府信息公开指南</a></li><li><a href="/b">政府信息公开年报</a></li></ul>
<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk">政务公开</a> &gt; <a href="/nb">年度报告</a></div>
<table width="1000" border="0"><tr>
<td width="200"><ul><li><a href="/x">机构概况</a></li><li><a href="/y">政策文件</a></li></ul></td>
<td width="800">{body}</td>
</tr></table>
<div id="share" style="display:none">分享到：微信 微博</div>
<footer><p>主办单位：平潭综合实验区管委会办公室</p><p>闽ICP备12345678号</p></footer>
<script>document.write('<p>统计期限 2099</p>');</script>
</body></html>
"""


def _saved_page(name: str) -> bytes:
    page = (SRC / f"{name}.html").read_text(encoding="utf-8")
    body = re.search(r"<body>(.*)</body>", page, re.DOTALL).group(1)
    return CHROME.format(body=body).encode("gb18030")


@pytest.fixture(scope="module")
def pingtan():
    report = next((r for r in _manifest() if r["name"] == "pingtan_2024"), None)
    if report is None or not (SRC / "pingtan_2024.html").exists():
        pytest.skip("../shared/real/outside is not here")
    return report


def test_a_saved_web_page_is_read_without_its_site_chrome(pingtan):
    data = _saved_page("pingtan_2024")
    assert sniff(data, "年报.htm") == "html"
    result = check_bytes(data, "年报.htm")
    assert result.error is None and result.input_format == "html"
    assert unread_cells(pingtan, result) == []
    assert result.report.agency == "平潭综合实验区"
    first = result.report.paragraphs[0].text
    assert first == "平潭综合实验区2024年度政府信息公开工作年度报告"  # no menu, breadcrumb or <title> before it
    assert "统计期限 2099" not in "".join(p.text for p in result.report.paragraphs)  # scripts are not text
    assert [i.code for i in result.issues if i.severity.value == "error"] == []
    page = (SRC / "pingtan_2024.html").read_bytes()
    plain = check_bytes(page, "pingtan_2024.html")
    assert [(i.code, i.message) for i in result.issues] == [(i.code, i.message) for i in plain.issues]


def test_html_is_known_by_its_content_not_its_name(pingtan):
    data = (SRC / "pingtan_2024.html").read_bytes()
    assert sniff(data, "粘贴的文本.txt") == "html"
    assert sniff("<html><body><p>一、总体情况</p></body></html>".encode(), "") == "html"
    assert sniff("一、总体情况\n<p>不是网页</p>".encode(), "a.html") == "text"


def test_merged_cells_are_placed_on_the_grid():
    from nianbao.validators.readers.html import read_html

    page = b"""<html><body><table>
    <tr><td rowspan="2">A</td><td colspan="2">B</td><td>C</td></tr>
    <tr><td>d</td><td>e<br>f</td><td>g</td></tr>
    <tr><td>h</td><td colspan="3"></td></tr>
    </table></body></html>"""
    [table] = read_html(page).tables
    grid = [[(c.text, c.locator.grid_col) for c in row] for row in table.rows]
    assert grid == [[("A", 0), ("B", 1), ("C", 3)], [("d", 1), ("e\nf", 2), ("g", 3)], [("h", 0), ("", 1)]]


def _mhtml(page: bytes) -> bytes:
    """The page as Chrome saves it as one file (网页，单个文件 .mht): MIME, quoted-printable."""
    from email.charset import QP, Charset
    from email.mime.multipart import MIMEMultipart
    from email.mime.text import MIMEText

    message = MIMEMultipart("related")
    message["Subject"] = "平潭综合实验区2024年度政府信息公开工作年度报告"
    charset = Charset("utf-8")
    charset.body_encoding = QP
    message.attach(MIMEText(page.decode("gb18030"), "html", charset))
    image = MIMEText("not really a picture", "plain")
    image.replace_header("Content-Type", "image/png")
    message.attach(image)
    return b"From: <Saved by Blink>\n" + message.as_bytes()


def test_a_page_saved_as_one_file_mht_is_read_like_the_page(pingtan):
    data = _mhtml(_saved_page("pingtan_2024"))
    assert sniff(data, "年报.mht") == "mhtml"
    result = check_bytes(data, "年报.mht")
    assert result.error is None
    assert unread_cells(pingtan, result) == []
    plain = check_bytes((SRC / "pingtan_2024.html").read_bytes(), "pingtan_2024.html")
    assert [(i.code, i.message) for i in result.issues] == [(i.code, i.message) for i in plain.issues]


def test_a_docx_saved_as_a_web_page_reads_like_the_docx(sample_docx, tmp_path):
    """Word/WPS/LibreOffice 「另存为网页」: LibreOffice's HTML export of a sample .docx (its own
    styles, &nbsp; in blank cells, tables in the export's markup) gives the same tables and issues."""
    from test_legacy import SOFFICE, soffice_convert

    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    name = sorted(sample_docx)[0]
    source = tmp_path / f"{name}.docx"
    source.write_bytes(sample_docx[name])
    soffice_convert([source], "html", tmp_path)
    page = check_bytes((tmp_path / f"{name}.html").read_bytes(), "另存为网页.htm")
    original = check_bytes(sample_docx[name], f"{name}.docx")
    assert page.error is None and page.input_format == "html"
    assert page.report.tables_json() == original.report.tables_json()
    assert [(i.code, i.message) for i in page.issues] == [(i.code, i.message) for i in original.issues]
