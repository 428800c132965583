"""Step 1: flatten the document into one stream of cells in reading order.

Table cells know their row; paragraphs have none, which is how text copied one cell per line
arrives. Each cell is normalised once (``text.squashed_text``, shared with the repetition check;
its comparable key, whether it holds a value).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..document import DocCell, DocParagraph, DocTable, Document
from ..model import Locator
from ..text import key_of_squashed, squashed_is_value, squashed_text


@dataclass(slots=True)
class StreamCell:
    index: int
    text: str
    key: str
    locator: Locator
    row_id: int | None  # same id = same table row; None for a paragraph
    paragraph: DocParagraph | None = None
    is_value: bool = False
    heading: bool = False  # a section heading (never a row label)
    blank: bool = False
    squashed: str = ""  # the text squashed (text.squash)


def _stream_cell(index: int, item: DocParagraph | DocCell, row_id: int | None, paragraph=None) -> StreamCell:
    text = item.text
    plain = text.strip()
    if not plain or (plain.isascii() and plain.isdigit()):  # most cells: skip normalisation
        return StreamCell(index, text, plain, item.locator, row_id, paragraph, True, blank=not plain, squashed=plain)
    squashed = squashed_text(item)
    key = key_of_squashed(squashed)
    is_value = (len(squashed) <= 16 or squashed.endswith(")")) and squashed_is_value(squashed)  # 「33（含…）」
    return StreamCell(index, text, key, item.locator, row_id, paragraph, is_value, blank=not squashed, squashed=squashed)


def build_stream(document: Document) -> list[StreamCell]:
    stream: list[StreamCell] = []
    row_id = 0
    for block in document.blocks:
        if isinstance(block, DocTable):
            for row in block.rows:
                row_id += 1
                for cell in row:
                    stream.append(_stream_cell(len(stream), cell, row_id))
        else:
            stream.append(_stream_cell(len(stream), block, None, block))
    return stream
