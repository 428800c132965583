"""The rows of a long sheet written as the sheet's XML at once: cell for cell what openpyxl writes for
the same cells (``openpyxl.cell._writer``: the same types, escapes, formula and error-code rules,
the same refusal of characters a sheet cannot hold), without an object per cell. The per-agency
sheet of a county of 5,000 agencies is 100,000 cells, each of which openpyxl would make, hash
its style, keep (200,000 objects the garbage collector walks again and again while the workbook
is made) and write through lxml.

``rows_xml`` gives the ``<row>`` elements; ``splice_rows`` puts them into the sheet of a workbook
openpyxl saved, before the row that follows them (the sheet keeps everything else openpyxl wrote:
its title, header and totals rows, widths, panes, filter, print setup)."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import IllegalCharacterError

__all__ = ["rows_xml", "splice_rows"]

MAX_TEXT = 32_767  # a cell holds at most this many characters (openpyxl cuts the rest)
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")  # lxml refuses these
ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})


def _number(value: int | float) -> str:
    """``openpyxl.compat.safe_string`` of a number: 16 significant digits; NaN and infinity empty."""
    text = "%.16g" % value
    return "" if text in ("nan", "inf", "-inf") else text


def _text(value: str) -> str:
    text = value[:MAX_TEXT]
    if ILLEGAL_CHARACTERS_RE.search(text):
        raise IllegalCharacterError(f"{text} cannot be used in worksheets.")
    if NOT_XML.search(text):
        raise ValueError("All strings must be XML compatible: Unicode or ASCII, no NULL bytes or control characters")
    return text


def _cell(ref: str, style: int, value: Any) -> str:
    """One ``<c>`` as openpyxl writes a styled cell holding ``value``; text that looks like a
    formula stays text (a sender's name is never a live formula)."""
    kind = type(value)
    if value is None:
        return f'<c r="{ref}" s="{style}" t="n"></c>'
    if kind is int or kind is float:
        return f'<c r="{ref}" s="{style}" t="n"><v>{_number(value)}</v></c>'
    if kind is not str:
        raise TypeError(f"a sheet row holds numbers, text or nothing, not {kind.__name__}")
    text = _text(value)
    if not text:
        return f'<c r="{ref}" s="{style}" t="inlineStr"></c>'
    if text in ERROR_CODES:
        return f'<c r="{ref}" s="{style}" t="e"><v>{text.translate(ESCAPES)}</v></c>'
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f'<c r="{ref}" s="{style}" t="inlineStr"><is><t{space}>{text.translate(ESCAPES)}</t></is></c>'


def rows_xml(first_row: int, rows: Iterable[tuple[Sequence[Any], Sequence[int]]]) -> bytes:
    """``<row>`` elements from ``first_row`` on: each row's values from column A, each value with
    the style id of its column (``Cell.style_id`` of a cell with that style)."""
    letters: list[str] = []
    parts: list[str] = []
    for number, (values, styles) in enumerate(rows, start=first_row):
        while len(letters) < len(values):
            letters.append(get_column_letter(len(letters) + 1))
        cells = "".join(_cell(f"{letter}{number}", style, value) for letter, style, value in zip(letters, styles, values))
        parts.append(f'<row r="{number}">{cells}</row>')
    return "".join(parts).encode("ascii", "xmlcharrefreplace")  # non-ASCII as character references, as lxml writes them


def splice_rows(xlsx: bytes, sheet_path: str, before_row: int, rows: bytes) -> bytes:
    """The workbook ``xlsx`` with ``rows`` put into its sheet ``sheet_path`` (``Worksheet.path``)
    just before row ``before_row``, every other part as it was."""
    if not rows:
        return xlsx
    name, marker = sheet_path.lstrip("/"), f'<row r="{before_row}"'.encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == name:
                at = data.index(marker)  # the sheet has that row (its totals): the rows go just above it
                data = data[:at] + rows + data[at:]
            target.writestr(item, data)
    return out.getvalue()
