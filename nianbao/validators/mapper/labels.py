"""Step 2: find each template row by its label (split over cells, cut by a page, or reworded)."""

from __future__ import annotations

import difflib
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


def _match_at(stream: list[StreamCell], i: int, limit: int, keys: frozenset[str]) -> int | None:
    """Index of the last fragment when stream[i:] joined over a few cells spells one of keys."""
    joined = ""
    for j in range(i, min(i + MAX_LABEL_FRAGMENTS, limit)):
        fragment = stream[j].key
        if j > i and (not fragment or stream[j].is_value):
            return None
        joined = joined + fragment if j > i else fragment
        if joined in keys:
            return j
        if not any(key.startswith(joined) for key in keys):
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
    for i in range(start, limit):
        if stream[i].is_value or stream[i].heading:
            continue
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


def _similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b).ratio()


def find_deviating_label(stream, start: int, limit: int, spec: RowSpec, table: TableSpec) -> LabelMatch | None:
    """The first text cell between start and limit that is the row's label in other words."""
    for i in range(start, limit):
        cell = stream[i]
        if cell.is_value or cell.heading or cell.key in table.header_keys or not has_cjk(cell.key):
            continue
        if cell.key in spec.deviation_keys or any(
            _similarity(cell.key, key) >= FUZZY_THRESHOLD or (len(cell.key) >= 2 and cell.key in key) for key in spec.keys
        ):
            return LabelMatch(i, i, cell.text, deviation=True)
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
