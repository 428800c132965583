"""Text taken out of a PDF where each table row is one line, its label and its numbers side by side.

Two shapes are common: ``pdftotext -layout`` (and many PDF viewers) keep the columns aligned with
runs of spaces; pdfplumber's ``extract_text()`` separates them by one space. Either way a label
wrapped inside its cell is printed on the lines around its numbers (the numbers stand at the
cell's middle line), and the merged group cells on the left (「（三）不予公开」, the vertical
「本年度办理结果」) are cut into pieces on those lines too. Each numbered line becomes a table row
whose cells are its label's pieces, then its numbers; every other line is body text, the lines of
a paragraph joined again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..document import DocCell, DocParagraph, DocTable
from ..model import Locator
from ..text import parse_number, squash

PAGE_NUMBER = re.compile(r"^\s*[-—–]\s*\d{1,3}\s*[-—–]\s*$")
NEW_ITEM = re.compile(r"^\s*([一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）]|\d+[.、．](?!\d))")
SENTENCE_END = tuple("。；;！!？?：:")
_WORD = re.compile(r"\S+")
_FRAGMENT = re.compile(r"\S+(?: \S+)*")  # words separated by single spaces: one column's text
_ORDINAL_ONLY = re.compile(r"^([一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）]|\d+[.、．])$")
_ZERO_SYMBOLS = frozenset({"—", "——", "/", "／", "-", "－"})
MAX_SINGLE_VALUE_LABEL = 16  # a body line ending in a number is not a one-value table row
MIN_ROW_LINES = 8
COLUMN_TOLERANCE = 4
MAX_LABEL_LINES = 3
MAX_HEADER_WORD = 10
MAX_GROUP_PIECE = 4


@dataclass(slots=True)
class _Line:
    number: int  # 1-based line in the file
    text: str
    labels: list[tuple[int, str]] = field(default_factory=list)  # (column, word) before the numbers
    values: list[tuple[int, str]] = field(default_factory=list)  # (column, number)

    @property
    def is_row(self) -> bool:
        return bool(self.values)

    @property
    def blank(self) -> bool:
        return not self.text.strip()


def _is_number(word: str) -> bool:
    return parse_number(word) is not None and any(ch.isdigit() for ch in word)


def parse_line(number: int, text: str) -> _Line:
    line = _Line(number, text)
    if PAGE_NUMBER.match(text):
        return line
    words = [(m.start(), m.group()) for m in _WORD.finditer(text)]
    k = len(words)
    while k > 0 and (_is_number(words[k - 1][1]) or words[k - 1][1] in _ZERO_SYMBOLS):
        k -= 1
    values = words[k:]
    if not any(_is_number(w) for _, w in values):
        return line
    labels = _merge_ordinals(words[:k])
    label_text = "".join(w for _, w in labels)
    if len(values) == 1 and (len(squash(label_text)) > MAX_SINGLE_VALUE_LABEL or label_text.endswith(SENTENCE_END)):
        return line  # a sentence that ends with a number
    if labels and labels[-1][1].endswith(SENTENCE_END + tuple("，,")):
        return line
    line.labels, line.values = labels, values
    return line


def _merge_ordinals(words: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """「1. 申请人…」 (an OCR'd space after the ordinal) is one label."""
    merged: list[tuple[int, str]] = []
    for column, word in words:
        if merged and _ORDINAL_ONLY.match(merged[-1][1]):
            merged[-1] = (merged[-1][0], merged[-1][1] + word)
        else:
            merged.append((column, word))
    return merged


def count_row_lines(lines: list[str]) -> int:
    """Lines that read as a table row: a label, then two or more numbers (or three numbers alone)."""
    count = 0
    for text in lines:
        end = text.rstrip()
        if not end or not end[-1].isdigit() or " " not in end.strip() or "\t" in text or "|" in text:
            continue  # most lines: a single cell, or text that does not end in a number
        line = parse_line(0, text)
        if line.is_row and (len(line.values) >= 3 or (line.labels and len(line.values) >= 2)):
            count += 1
    return count


def looks_like_rows(lines: list[str]) -> bool:
    return count_row_lines(lines) >= MIN_ROW_LINES


def _fragments(line: _Line, aligned: bool) -> list[tuple[int, str]]:
    if not aligned:
        words = line.text.split()
        return [(0, words[0])] if len(words) == 1 else []  # a line of several words is a header, not a label piece
    return [(m.start(), m.group()) for m in _FRAGMENT.finditer(line.text.replace("\t", " "))]


def _pick(fragments: list[tuple[int, str]], column: int | None, value_column: int, aligned: bool) -> tuple[int, str] | None:
    if not fragments:
        return None
    if not aligned:
        return fragments[0]
    if column is not None:
        near = [f for f in fragments if abs(f[0] - column) <= COLUMN_TOLERANCE]
        return near[-1] if near else None
    left = [f for f in fragments if f[0] < value_column - 1]
    return left[-1] if left else None


class RowReader:
    def __init__(self, lines: list[str]):
        self.aligned = sum(1 for text in lines if re.search(r"\S {2,}\S", text)) >= MIN_ROW_LINES
        self.lines = [parse_line(i + 1, text.replace("\f", "")) for i, text in enumerate(lines)]
        self.used: set[int] = set()  # lines taken as label pieces
        self.width = max((printed_width(line.text) for line in self.lines if not line.is_row and len(self._columns(line)) == 1), default=0)

    def read(self) -> list:
        rows = {i: self._label_pieces(i) for i, line in enumerate(self.lines) if line.is_row}
        blocks: list = []
        pending: list[_Line] = []
        tables = 0
        for i, line in enumerate(self.lines):
            if i in rows:
                blocks += join_wrapped(pending, self.width)
                pending = []
                blocks.append(self._table(tables, line, rows[i]))
                tables += 1
            elif i not in self.used and not line.blank and not PAGE_NUMBER.match(line.text):
                columns = self._columns(line)
                if len(columns) > 1:
                    blocks += join_wrapped(pending, self.width)
                    pending = []
                    blocks += [DocParagraph(text, Locator(source="text", line=line.number)) for text in columns]
                else:
                    pending.append(line)
        blocks += join_wrapped(pending, self.width)
        return blocks

    def _columns(self, line: _Line) -> list[str]:
        """The texts of a line of table headings (「行政复议  行政诉讼」), one per column."""
        if self.aligned:
            return [m.group() for m in _FRAGMENT.finditer(line.text)]
        words = line.text.split()
        if len(words) > 1 and all(len(w) <= MAX_HEADER_WORD for w in words) and not line.text.rstrip().endswith(SENTENCE_END):
            return words
        return [line.text.strip()]

    def _label_pieces(self, index: int) -> list[tuple[int, str]]:
        line = self.lines[index]
        own = line.labels
        value_column = line.values[0][0]
        column = own[-1][0] if own else None
        if own and NEW_ITEM.match(own[-1][1]):
            return own
        above: list[tuple[int, str, int]] = []
        started = False
        for j in self._neighbours(index, -1):
            piece = _pick(_fragments(self.lines[j], self.aligned), column, value_column, self.aligned)
            if piece is None and not self.aligned:
                break  # a header or body line: the label does not go further up
            if piece is None:
                continue
            if own and not above and abs(len(squash(piece[1])) - len(squash(own[-1][1]))) > 2:
                if len(squash(piece[1])) <= MAX_GROUP_PIECE:
                    continue  # a piece of the merged group cell on the left (「他处理」)
                break  # the lines of one wrapped label are about as wide as each other
            above.insert(0, (*piece, j))
            column = piece[0] if column is None and self.aligned else column
            if NEW_ITEM.match(piece[1]):
                started = True
                break
        if not started:
            above = [] if own else above[-1:]  # a label of its own is complete without an item number above
        below: list[tuple[int, str, int]] = []
        if above:
            for j in self._neighbours(index, 1):
                if len(below) >= len(above):
                    break
                piece = _pick(_fragments(self.lines[j], self.aligned), column, value_column, self.aligned)
                if piece is None and not self.aligned:
                    break
                if piece is None:
                    continue
                if NEW_ITEM.match(piece[1]):
                    break
                below.append((*piece, j))
        for _, _, j in above + below:
            self._take(j)
        return [(c, t) for c, t, _ in above] + own + [(c, t) for c, t, _ in below]

    def _neighbours(self, index: int, step: int):
        """Up to MAX_LABEL_LINES text lines next to a row, stopping at another row or a wide gap."""
        seen = blanks = 0
        j = index + step
        while 0 <= j < len(self.lines) and seen < MAX_LABEL_LINES:
            line = self.lines[j]
            if line.is_row:
                return
            if line.blank or PAGE_NUMBER.match(line.text):
                blanks += 1
                if blanks > 3:
                    return
            else:
                seen += 1
                if j not in self.used:
                    yield j
            j += step

    def _take(self, j: int) -> None:
        self.used.add(j)

    def _table(self, index: int, line: _Line, labels: list[tuple[int, str]]) -> DocTable:
        locator = Locator(source="text", line=line.number, table=index)
        cells = [
            DocCell(text, Locator(source="text", line=line.number, table=index, grid_row=0, grid_col=c))
            for c, text in enumerate([t for _, t in labels] + [v for _, v in line.values])
        ]
        return DocTable(index, [cells], locator)


def join_wrapped(lines: list[_Line], width: float) -> list[DocParagraph]:
    """Join the lines a paragraph was broken into by the page ``width``: a line continues the one
    before unless that one is short, ends a sentence, or this one starts a numbered item."""
    if not lines:
        return []
    paragraphs: list[DocParagraph] = []
    current: list[_Line] = []
    for line in lines:
        text = line.text.strip()
        previous = current[-1].text.strip() if current else ""
        if current and (NEW_ITEM.match(text) or printed_width(previous) < 0.75 * width or previous.endswith(SENTENCE_END)):
            paragraphs.append(_paragraph(current))
            current = []
        current.append(line)
    paragraphs.append(_paragraph(current))
    return paragraphs


def _paragraph(lines: list[_Line]) -> DocParagraph:
    return DocParagraph("".join(line.text.strip() for line in lines), Locator(source="text", line=lines[0].number))


def printed_width(text: str) -> float:
    """Printed width: a Chinese character is as wide as two digits or spaces."""
    return sum(0.5 if ch.isascii() else 1.0 for ch in text.strip())


def read_rows(lines: list[str]) -> list:
    return RowReader(lines).read()
