"""Finding a row's label takes shortcuts (a set of label starts, a count of the characters a
text shares with the labels before difflib is asked): they must find exactly what the plain
search finds, on labels split, reworded, misspelt, and on text that is no report at all."""

from __future__ import annotations

import difflib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nianbao.validators.document import DocCell
from nianbao.validators.mapper.labels import FUZZY_THRESHOLD, LabelMatch, find_deviating_label, find_label
from nianbao.validators.mapper.stream import _stream_cell
from nianbao.validators.model import Locator
from nianbao.validators.template import TABLES

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PRINTED = [row.printed for table in TABLES for row in table.rows] + [h for table in TABLES for h in table.headers]


def plain_deviating_label(stream, start, limit, spec, table) -> LabelMatch | None:
    """The search as written before its shortcuts: difflib for every text cell and key."""
    for i in range(start, limit):
        cell = stream[i]
        if cell.is_value or cell.heading or cell.key in table.header_keys or not any("\u4e00" <= ch <= "\u9fff" for ch in cell.key):
            continue
        if cell.key in spec.deviation_keys or any(
            difflib.SequenceMatcher(None, cell.key, key).ratio() >= FUZZY_THRESHOLD or (len(cell.key) >= 2 and cell.key in key) for key in spec.keys
        ):
            return LabelMatch(i, i, cell.text, deviation=True)
    return None


def plain_match_at(stream, i, limit, keys):
    joined = ""
    for j in range(i, min(i + 6, limit)):
        fragment = stream[j].key
        if j > i and (not fragment or stream[j].is_value):
            return None
        joined = joined + fragment if j > i else fragment
        if joined in keys:
            return j
        if not any(key.startswith(joined) for key in keys):
            return None
    return None


@st.composite
def label_like(draw) -> str:
    """A label of the template as a clerk might leave it: whole, cut, with characters dropped,
    doubled or swapped for others, or any Chinese text."""
    kind = draw(st.sampled_from(["whole", "cut", "edited", "random", "number"]))
    if kind == "random":
        return draw(st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF), min_size=1, max_size=30))
    if kind == "number":
        return str(draw(st.integers(0, 999)))
    text = draw(st.sampled_from(PRINTED))
    if kind == "cut":
        start = draw(st.integers(0, len(text) - 1))
        return text[start : draw(st.integers(start + 1, len(text)))]
    if kind == "edited":
        for _ in range(draw(st.integers(1, 4))):
            at = draw(st.integers(0, len(text)))
            text = text[:at] + draw(st.sampled_from(["", "的", "及", "政", "公开", "x"])) + text[at + 1 :]
    return text or "空"


def stream_of(texts: list[str], rows: list[int | None]):
    return [_stream_cell(i, DocCell(text, Locator(line=i + 1)), row) for i, (text, row) in enumerate(zip(texts, rows))]


@SETTINGS
@given(st.lists(st.tuples(label_like(), st.sampled_from([None, 1, 2, 3])), min_size=1, max_size=40), st.integers(0, len(TABLES) - 1))
def test_a_reworded_label_is_found_where_difflib_finds_it(cells, table_number):
    table = TABLES[table_number]
    stream = stream_of([text for text, _ in cells], [row for _, row in cells])
    for row in table.rows:
        for start in (0, len(stream) // 2):
            assert find_deviating_label(stream, start, len(stream), row, table) == plain_deviating_label(stream, start, len(stream), row, table)


@SETTINGS
@given(st.lists(st.tuples(label_like(), st.sampled_from([None, 1, 2])), min_size=1, max_size=40), st.integers(0, len(TABLES) - 1))
def test_a_label_in_parts_is_found_where_the_plain_search_finds_it(cells, table_number):
    table = TABLES[table_number]
    stream = stream_of([text for text, _ in cells], [row for _, row in cells])
    for row in table.rows:
        found = find_label(stream, 0, len(stream), row.keys)
        plain = next(
            (i for i in range(len(stream)) if not stream[i].is_value and not stream[i].heading and plain_match_at(stream, i, len(stream), row.keys) is not None),
            None,
        )
        if plain is not None:
            assert found is not None and found.start <= plain  # (a label cut by a page may come first)
        if found is not None and found.start == plain:
            assert found.end == plain_match_at(stream, plain, len(stream), row.keys)


def test_reworded_labels_of_the_template_are_still_found():
    table = TABLES[1]
    row = table.rows[3]
    reworded = row.printed.replace("公开", "公布", 1) if "公开" in row.printed else row.printed[:-1] + "的"
    stream = stream_of(["某镇政府", "一些无关的文字，长一点的句子也在这里", reworded, "3"], [None, None, 1, 1])
    match = find_deviating_label(stream, 0, len(stream), row, table)
    assert match is not None and match.start == 2 and match.deviation
