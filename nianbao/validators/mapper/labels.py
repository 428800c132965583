"""Step 2: find each template row by its label (split over cells, cut by a page, or reworded)."""

from __future__ import annotations

import bisect
import difflib
import functools
from dataclasses import dataclass

from ..template import RowSpec, TableSpec
from ..text import has_cjk
from .stream import StreamCell

MAX_LABEL_FRAGMENTS = 6
FUZZY_THRESHOLD = 0.6


@dataclass(slots=True)
class LabelMatch:
    start: int
    end: int  # index of the last fragment
    text: str
    deviation: bool = False


@functools.cache
def _prefixes(keys: frozenset[str]) -> frozenset[str]:
    """Every start of one of ``keys`` (the empty one and each whole key included)."""
    return frozenset(key[:end] for key in keys for end in range(len(key) + 1))


def _match_at(stream: list[StreamCell], i: int, limit: int, keys: frozenset[str]) -> int | None:
    """Index of the last fragment when stream[i:] joined over a few cells spells one of keys."""
    prefixes = _prefixes(keys)
    joined = ""
    for j in range(i, min(i + MAX_LABEL_FRAGMENTS, limit)):
        fragment = stream[j].key
        if j > i and (not fragment or stream[j].is_value):
            return None
        joined = joined + fragment if j > i else fragment
        if joined in keys:
            return j
        if joined not in prefixes:
            return None
    return None


def _in_header_row(stream, i: int, header_keys: frozenset[str]) -> bool:
    """A column-header row repeated at the top of a split table holds "其他" and "总计" too."""
    row_id = stream[i].row_id
    if row_id is None or not header_keys:
        return False
    others = 0
    for step in (-1, 1):
        j = i + step
        while 0 <= j < len(stream) and stream[j].row_id == row_id:
            others += stream[j].key in header_keys
            j += step
    return others >= 2


def find_label(stream, start: int, limit: int, keys: frozenset[str], header_keys: frozenset[str] = frozenset()) -> LabelMatch | None:
    prefixes = _prefixes(keys)
    for i in range(start, limit):
        if stream[i].is_value or stream[i].heading or stream[i].key not in prefixes:
            continue  # (a label, whole, in parts or cut by a page, starts with a start of a key)
        end = _match_at(stream, i, limit, keys)
        if end is not None and _in_header_row(stream, i, header_keys):
            continue
        if end is not None:
            return LabelMatch(i, end, "".join(stream[k].text for k in range(i, end + 1)))
        if _split_by_page(stream, i, limit, keys):
            return LabelMatch(i, i, stream[i].text)
    return None


def _split_by_page(stream, i: int, limit: int, keys: frozenset[str], lookahead: int = 24) -> bool:
    """A label cut by a page break: its rest stands alone a row or two later ("出版" … "物")."""
    head = stream[i].key
    if len(head) < 4 or stream[i].row_id is None:
        return False
    rests = {key[len(head) :] for key in keys if key.startswith(head) and len(key) > len(head)}
    if not rests:
        return False
    for cell in stream[i + 1 : min(limit, i + lookahead)]:
        if not cell.is_value:
            return cell.key in rests
    return False


def _resembles(key: str):
    """A test of whether a text is ``key`` in other words (difflib ratio >= FUZZY_THRESHOLD).
    The matcher keeps ``key`` analysed, and the cheap upper bounds of the ratio are tried first:
    most text in a table (or a page of anything) is nowhere near a label."""
    matcher = difflib.SequenceMatcher(None, "", key)

    def resembles(text: str) -> bool:
        matcher.set_seq1(text)
        return matcher.real_quick_ratio() >= FUZZY_THRESHOLD and matcher.quick_ratio() >= FUZZY_THRESHOLD and matcher.ratio() >= FUZZY_THRESHOLD

    return resembles


class LabelCandidates:
    """The cells of stream[start:limit] that could be one of ``table``'s labels in other words:
    text with Chinese in it, not a heading or a column header, sharing enough characters with
    the table's labels. Worked out once for all the rows of a table."""

    def __init__(self, stream, start: int, limit: int, table: TableSpec):
        shortest = min(row.shortest_key for row in table.rows)
        self.cells: list[tuple[StreamCell, int]] = []  # (cell, how many of its characters labels have)
        for cell in stream[start:limit]:
            if cell.is_value or cell.heading or cell.key in table.header_keys or not has_cjk(cell.key):
                continue
            shared = len(cell.key) - len(cell.key.translate(table.not_label_chars))
            if _may_resemble(cell.key, shared, shortest):
                self.cells.append((cell, shared))
        self.indices = [cell.index for cell, _ in self.cells]

    def between(self, start: int, limit: int):
        return self.cells[bisect.bisect_left(self.indices, start) : bisect.bisect_left(self.indices, limit)]


def _may_resemble(text: str, shared: int, key_length: int) -> bool:
    """Whether a text with ``shared`` characters found in labels can be a part of a label (all
    its characters are) or have a ratio of FUZZY_THRESHOLD with a label of ``key_length``
    characters (which needs FUZZY_THRESHOLD / 2 of both lengths in common)."""
    return shared == len(text) or shared >= FUZZY_THRESHOLD / 2 * (len(text) + key_length)


def find_deviating_label(stream, start: int, limit: int, spec: RowSpec, table: TableSpec, candidates: LabelCandidates | None = None) -> LabelMatch | None:
    """The first text cell between start and limit that is the row's label in other words
    (``candidates``: the table's, from a window holding start:limit)."""
    candidates = candidates or LabelCandidates(stream, start, limit, table)
    tests = None
    for cell, shared in candidates.between(start, limit):
        if cell.key in spec.deviation_keys:
            return LabelMatch(cell.index, cell.index, cell.text, deviation=True)
        if not _may_resemble(cell.key, shared, spec.shortest_key):
            continue
        if tests is None:
            tests = [(key, _resembles(key)) for key in spec.keys]
        if any((len(cell.key) >= 2 and cell.key in key) or resembles(cell.key) for key, resembles in tests):
            return LabelMatch(cell.index, cell.index, cell.text, deviation=True)
    return None


def anchors(stream, keys, limit: int = 20):
    """Every place (up to ``limit``) where one of ``keys`` starts a label."""
    start = 0
    for _ in range(limit):
        anchor = find_label(stream, start, len(stream), keys)
        if anchor is None:
            return
        yield anchor
        start = anchor.start + 1
