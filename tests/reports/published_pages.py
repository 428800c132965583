"""A report as an agency's website publishes it: a web page in the national format (title,
preamble, the six headings, the three tables on their printed grid with merged cells, the
signature), with the site's own lines around it (「发布时间：」, a <meta name="PubDate">).

Imported by the tests as ``reports.published_pages`` (tests/ is on sys.path)."""

from __future__ import annotations

import copy
import html

from nianbao.reports.layout import table_grid
from nianbao.reports.region_report import cell_text
from nianbao.validators.template import SECTIONS, TABLES

TEXTS = {
    "一": "本年度主动公开政府信息，依法办理政府信息公开申请。",
    "五": "存在的主要问题是公开内容不够全面。2025年将加强培训，改进工作。",
    "六": "本机关2024年未收取政府信息公开信息处理费。",
}


def table_html(key: str, tables: dict) -> str:
    grid = table_grid(key)
    rows = []
    for r in range(grid.n_rows):
        cells = []
        for cell in sorted((c for c in grid.cells if c.row == r), key=lambda c: c.col):
            text = cell.text if cell.key is None else cell_text(((tables.get(key) or {}).get(cell.key[0]) or {}).get(cell.key[1]))
            span = (f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else "") + (f' colspan="{cell.colspan}"' if cell.colspan > 1 else "")
            cells.append(f"<td{span}>{html.escape(text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return '<table border="1">' + "".join(rows) + "</table>"


def page(
    agency: str,
    tables: dict,
    *,
    year: int = 2024,
    date: str = "2025年1月20日",
    headings: dict[str, str] | None = None,
    published: str | None = None,
    title: str | None = None,
) -> bytes:
    """The report as a saved web page; ``published`` (2025-01-25) is the site's publication date."""
    parts = [
        f"<p>{title or f'{agency}{year}年政府信息公开工作年度报告'}</p>",
        f"<p>本报告是{agency}根据《中华人民共和国政府信息公开条例》和《中华人民共和国政府信息公开工作年度报告格式》"
        f"（国办公开办函〔2021〕30号）要求编制的。本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。</p>",
    ]
    by_section = {spec.section: spec for spec in TABLES}
    for section in SECTIONS:
        parts.append(f"<p>{(headings or {}).get(section.number, f'{section.number}、{section.title}')}</p>")
        if section.number in TEXTS:
            parts.append(f"<p>{TEXTS[section.number]}</p>")
        if section.number in by_section:
            parts.append(table_html(by_section[section.number].key, tables))
    parts += [f"<p>{agency}</p>", f"<p>{date}</p>"]
    meta = f'<meta name="PubDate" content="{published} 09:30">' if published else ""
    chrome = f'<div class="info">来源：本站　发布时间：{published}</div>' if published else ""
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8">{meta}<title>{agency}</title></head>'
        f"<body>{chrome}{''.join(parts)}</body></html>"
    ).encode("utf-8")


def changed(tables: dict, key: str, row: str, column: str, value) -> dict:
    """The tables with one cell changed (a figure mistyped when the page was made)."""
    copied = copy.deepcopy(tables)
    copied[key][row][column] = value
    return copied


def mht(page_bytes: bytes) -> bytes:
    """The page saved as one file (.mht), quoted-printable as a browser writes it."""
    import quopri

    body = quopri.encodestring(page_bytes).decode("ascii")
    return (
        "From: <Saved by Blink>\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/related; type="text/html"; boundary="----MultipartBoundary--x"\r\n\r\n'
        "------MultipartBoundary--x\r\nContent-Type: text/html; charset=utf-8\r\n"
        "Content-Transfer-Encoding: quoted-printable\r\nContent-Location: http://www.example.gov.cn/nb.html\r\n\r\n"
        f"{body}\r\n------MultipartBoundary--x--\r\n"
    ).encode("ascii")
