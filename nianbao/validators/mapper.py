"""Place a Document's content on the standard template: the Report.

The document is flattened into one stream of cells in reading order (table cells know their
row; paragraphs have none, which is how text copied one cell per line arrives). Each template
row is then found by its label, in template order, and its values are the value cells that follow
the label (in the same row where rows are known). What cannot be placed becomes a MapNote.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from .document import DocParagraph, DocTable, Document
from .metadata import extract_metadata
from .model import Cell, Locator, MapNote, Paragraph, Report, Section, TableData
from .sections import find_headings
from .template import (
    OLD_FORMAT_MARKERS,
    SECTIONS,
    TABLE2,
    TABLE3,
    TABLE4,
    TABLE_BY_KEY,
    T3_OTHER_GROUP,
    T3_OTHER_ITEMS,
    RowSpec,
    TableSpec,
)
from .text import ORDINAL, has_cjk, key_of_squashed, label_key, parse_number, squash, squashed_is_value

MAX_LABEL_FRAGMENTS = 6
FUZZY_THRESHOLD = 0.6


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


def _stream_cell(index: int, text: str, locator: Locator, row_id: int | None, paragraph=None) -> StreamCell:
    plain = text.strip()
    if not plain or (plain.isascii() and plain.isdigit()):  # most cells: skip normalisation
        return StreamCell(index, text, plain, locator, row_id, paragraph, True, blank=not plain)
    squashed = squash(text)
    key = key_of_squashed(squashed)
    is_value = len(squashed) <= 16 and squashed_is_value(squashed)
    return StreamCell(index, text, key, locator, row_id, paragraph, is_value, blank=not squashed)


@dataclass(slots=True)
class LabelMatch:
    start: int
    end: int  # index of the last fragment
    text: str
    deviation: bool = False


def build_stream(document: Document) -> list[StreamCell]:
    stream: list[StreamCell] = []
    row_id = 0
    for block in document.blocks:
        if isinstance(block, DocTable):
            for row in block.rows:
                row_id += 1
                for cell in row:
                    stream.append(_stream_cell(len(stream), cell.text, cell.locator, row_id))
        else:
            stream.append(_stream_cell(len(stream), block.text, block.locator, None, block))
    return stream


# ---------------------------------------------------------------- finding labels


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


# ---------------------------------------------------------------- reading values


def _segment_after(stream, index: int, limit: int) -> list[StreamCell]:
    row_id = stream[index].row_id
    segment = []
    for cell in stream[index + 1 : limit]:
        if row_id is not None and cell.row_id != row_id:
            break
        segment.append(cell)
    return segment


def _values_after(stream, match: LabelMatch, limit: int) -> list[StreamCell]:
    candidates = [match.end]
    if len({stream[k].row_id for k in range(match.start, match.end + 1)}) > 1:
        candidates = list(range(match.start, match.end + 1))  # a label broken across rows (page break)
    best: list[StreamCell] = []
    for index in candidates:
        values = [c for c in _segment_after(stream, index, limit) if c.is_value]
        if sum(not c.blank for c in values) > sum(not c.blank for c in best) or not best:
            best = values
    return best


def fit_values(values: list[StreamCell], count: int) -> tuple[list[StreamCell | None], int]:
    """Drop structural blanks at the ends until count remain; returns (values, surplus)."""
    values = list(values)
    while len(values) > count:
        if values[-1].blank:
            values.pop()
        elif values[0].blank:
            values.pop(0)
        else:
            break
    surplus = max(0, len(values) - count)
    fitted: list[StreamCell | None] = list(values[:count])
    fitted += [None] * (count - len(fitted))
    return fitted, surplus


def _make_cells(spec: RowSpec, values: list[StreamCell | None], fallback: Locator | None) -> dict[str, Cell]:
    cells = {}
    for column, value in zip(spec.columns, values):
        if value is None:
            cells[column] = Cell(row=spec.label, column=column, raw="", locator=fallback)
        else:
            raw = value.text.strip()
            cells[column] = Cell(row=spec.label, column=column, raw=raw, number=parse_number(raw), locator=value.locator)
    return cells


def _missing_cells(spec: RowSpec) -> dict[str, Cell]:
    return {c: Cell(row=spec.label, column=c, found=False) for c in spec.columns}


# ---------------------------------------------------------------- tables


@dataclass(slots=True)
class TableResult:
    data: TableData
    notes: list[MapNote]
    span: tuple[int, int] | None  # stream indices covered by the table


def map_row_table(stream, spec: TableSpec, start: int, limit: int) -> TableResult:
    matches: dict[str, LabelMatch] = {}
    position = start
    for row in spec.rows:
        found = find_label(stream, position, limit, row.keys, spec.header_keys)
        if found:
            matches[row.label] = found
            position = found.end + 1
    _find_deviations(stream, spec, matches, start, limit)
    notes: list[MapNote] = []
    data = TableData(key=spec.key)
    ordered = sorted(matches.values(), key=lambda m: m.start)
    last_index = None
    for row in spec.rows:
        match = matches.get(row.label)
        if match is None:
            data.rows[row.label] = _missing_cells(row)
            continue
        following = [m.start for m in ordered if m.start > match.end]
        values = _values_after(stream, match, min([limit, *following]))
        fitted, surplus = fit_values(values, len(row.columns))
        locator = stream[match.start].locator
        if None in fitted and stream[match.start].row_id is None:
            data.rows[row.label] = _missing_cells(row)  # a short row without known columns: do not guess
        else:
            data.rows[row.label] = _make_cells(row, fitted, locator)
        last_index = max([last_index or 0, match.end, *(v.index for v in fitted if v is not None)])
        if match.deviation:
            notes.append(MapNote(kind="label_deviation", table=spec.key, row=row.label, found_text=match.text.strip(), expected_text=row.printed, locator=locator))
        if surplus:
            notes.append(MapNote(kind="extra_values", table=spec.key, row=row.label, count=surplus, locator=locator))
        if None in fitted:
            notes.append(MapNote(kind="missing_values", table=spec.key, row=row.label, count=fitted.count(None), locator=locator))
    if matches:
        first = min(m.start for m in matches.values())
        data.found = True
        data.locator = stream[first].locator
        span = (first, last_index if last_index is not None else first)
    else:
        span = None
    notes += _missing_row_notes(stream, spec, data, matches, span)
    return TableResult(data, notes, span)


def _find_deviations(stream, spec: TableSpec, matches: dict[str, LabelMatch], start: int, limit: int) -> None:
    for i, row in enumerate(spec.rows):
        if row.label in matches:
            continue
        before = [matches[r.label].end + 1 for r in spec.rows[:i] if r.label in matches]
        after = [matches[r.label].start for r in spec.rows[i + 1 :] if r.label in matches]
        window_start = max(before) if before else start
        window_end = min(after) if after else limit
        found = find_deviating_label(stream, window_start, window_end, row, spec)
        if found:
            matches[row.label] = found


def _missing_row_notes(stream, spec, data: TableData, matches, span) -> list[MapNote]:
    if span is None:
        return []
    missing = [row for row in spec.rows if row.label not in matches]
    if spec is TABLE3 and {r.label for r in missing} >= set(T3_OTHER_ITEMS):
        collapsed = _collapsed_other(stream, span, data)
        if collapsed:
            missing = [r for r in missing if r.label not in T3_OTHER_ITEMS]
            return [collapsed] + [MapNote(kind="missing_row", table=spec.key, row=r.label, expected_text=r.printed) for r in missing]
    return [MapNote(kind="missing_row", table=spec.key, row=r.label, expected_text=r.printed) for r in missing]


def _collapsed_other(stream, span, data: TableData) -> MapNote | None:
    """（六）其他处理 printed as one row: keep its values as the sum of the three sub-items."""
    spec = TABLE3.row(T3_OTHER_ITEMS[-1])
    for i in range(span[0], span[1] + 1):
        if stream[i].key == T3_OTHER_GROUP:
            match = LabelMatch(i, i, stream[i].text)
            fitted, _ = fit_values(_values_after(stream, match, span[1] + 1), len(spec.columns))
            if any(v is not None and not v.blank for v in fitted):
                cells = _make_cells(spec, fitted, stream[i].locator)
                data.rows[spec.label] = cells
                return MapNote(kind="collapsed_other", table=TABLE3.key, row=spec.label, found_text=stream[i].text, locator=stream[i].locator)
    return None


def map_table4(stream, start: int, limit: int) -> TableResult:
    spec = TABLE4
    data = TableData(key=spec.key)
    anchor = find_label(stream, start, limit, frozenset({label_key("行政复议")}))
    count = sum(len(r.columns) for r in spec.rows)
    if anchor is None:
        for row in spec.rows:
            data.rows[row.label] = _missing_cells(row)
        return TableResult(data, [], None)
    values = _table4_values(stream, anchor.start, limit)
    fitted, surplus = fit_values(values, count)
    notes = []
    locator = stream[anchor.start].locator
    if surplus:
        notes.append(MapNote(kind="extra_values", table=spec.key, count=surplus, locator=locator))
    if None in fitted:
        notes.append(MapNote(kind="missing_values", table=spec.key, count=fitted.count(None), locator=locator))
    offset = 0
    for row in spec.rows:
        data.rows[row.label] = _make_cells(row, fitted[offset : offset + len(row.columns)], locator)
        offset += len(row.columns)
    data.found, data.locator = True, locator
    last = max([anchor.end, *(v.index for v in fitted if v is not None)])
    return TableResult(data, notes, (anchor.start, last))


def _table4_values(stream, start: int, limit: int) -> list[StreamCell]:
    rows: dict[int, list[StreamCell]] = {}
    loose: list[StreamCell] = []
    for cell in stream[start:limit]:
        if cell.row_id is None:
            if cell.is_value and not cell.blank:
                loose.append(cell)
            elif not cell.is_value and loose:
                break  # text after the values: the table has ended
            continue
        rows.setdefault(cell.row_id, []).append(cell)
    for cells in rows.values():
        if all(c.is_value for c in cells) and len(cells) >= 5:
            return cells
    return loose


def _old_format_notes(stream, start: int, limit: int) -> list[MapNote]:
    markers = {label_key(m) for m in OLD_FORMAT_MARKERS}
    for cell in stream[start:limit]:
        if cell.key in markers:
            return [MapNote(kind="old_format", table=TABLE2.key, found_text=cell.text, locator=cell.locator)]
    return []


# ---------------------------------------------------------------- the report


TABLE_ANCHORS = {
    TABLE2.key: TABLE2.rows[0].keys,
    TABLE3.key: TABLE3.rows[0].keys,
    TABLE4.key: frozenset({label_key("行政复议")}),
}


def _find_tables_out_of_order(stream, results: dict, section_start: dict) -> None:
    """A table not found where the format puts it, or found there without a single value (a
    subheading in the text that repeats its first label), may come earlier or later (tables
    pasted in the wrong order): look for it from each place its first row label appears, up to
    the next table's first row, and take the first place that gives values."""
    starts = sorted({a.start for keys in TABLE_ANCHORS.values() for a in _anchors(stream, keys)})
    stops = sorted(section_start.get(n, -1) for n in ("五", "六"))
    for key, result in list(results.items()):
        if _has_values(result.data):
            continue
        for anchor in _anchors(stream, TABLE_ANCHORS[key]):
            end = min([s for s in starts + stops if s > anchor.start], default=len(stream))
            spec = TABLE_BY_KEY[key]
            found = map_table4(stream, anchor.start, end) if key == TABLE4.key else map_row_table(stream, spec, anchor.start, end)
            if _has_values(found.data):
                results[key] = found
                break


def _has_values(table: TableData) -> bool:
    return table.found and any(cell.found and not cell.blank for cell in table.all_cells())


def _anchors(stream, keys, limit: int = 20):
    """Every place (up to ``limit``) where one of ``keys`` starts a label."""
    start = 0
    for _ in range(limit):
        anchor = find_label(stream, start, len(stream), keys)
        if anchor is None:
            return
        yield anchor
        start = anchor.start + 1


def map_document(document: Document, source_name: str = "") -> Report:
    stream = build_stream(document)
    headings = find_headings(stream)
    for heading in headings.values():
        stream[heading.index].heading = True
    section_start = {number: h.index for number, h in headings.items()}
    end = len(stream)

    t2_start = section_start.get("二", 0)
    t3_anchor = find_label(stream, t2_start, end, TABLE3.rows[0].keys)
    t3_start = t3_anchor.start if t3_anchor else section_start.get("三", t2_start)
    t4_anchor = find_label(stream, t3_start, end, frozenset({label_key("行政复议")}))
    t4_start = t4_anchor.start if t4_anchor else section_start.get("四", end)
    t4_end = next((section_start[n] for n in ("五", "六") if section_start.get(n, -1) > t4_start), end)
    t3_end = t4_start if t4_anchor or "四" in section_start else t4_end
    t2_end = t3_start if t3_anchor or "三" in section_start else t3_end

    results = {
        TABLE2.key: map_row_table(stream, TABLE2, t2_start, t2_end),
        TABLE3.key: map_row_table(stream, TABLE3, t3_start, t3_end),
        TABLE4.key: map_table4(stream, t4_start, t4_end),
    }
    if not all(_has_values(r.data) for r in results.values()):
        _find_tables_out_of_order(stream, results, section_start)
    notes = _old_format_notes(stream, t2_start, t2_end)
    for key, result in results.items():
        if not result.data.found:
            notes.append(MapNote(kind="missing_table", table=key))
        notes += result.notes

    in_table = _table_indices(stream, results, section_start.get("二"))
    in_body = [c for c in stream if c.paragraph is not None and c.index not in in_table and c.text]
    body = [Paragraph(text=c.text, locator=c.locator) for c in in_body]
    body_index = [c.index for c in in_body]
    sections = _sections(stream, headings, body, body_index, results)
    report = Report(
        source_name=source_name,
        input_format=document.layout,
        sections=sections,
        paragraphs=body,
        tables={key: r.data for key, r in results.items()},
        notes=notes,
    )
    extract_metadata(report)
    return report


def _table_indices(stream, results: dict[str, TableResult], heading_two: int | None) -> set[int]:
    """Stream positions that belong to the tables: their cells, and the short lines (headers
    broken out of a table, page-split label fragments) between the first and the last table."""
    spans = [r.span for r in results.values() if r.span]
    if not spans:
        return set()
    lo, hi = min(s[0] for s in spans), max(s[1] for s in spans)
    if heading_two is not None and heading_two < lo:
        lo = heading_two + 1
    return {i for i in range(lo, hi + 1) if stream[i].row_id is not None or len(stream[i].key) <= 40}


def _sections(stream, headings, body: list[Paragraph], body_index: list[int], results) -> list[Section]:
    boundaries = {number: h.index for number, h in headings.items()}
    for number, key in (("二", TABLE2.key), ("三", TABLE3.key), ("四", TABLE4.key)):
        span = results[key].span
        if number not in boundaries and span:
            boundaries[number] = span[0] - 1  # the table itself locates the section
    if "一" not in boundaries:
        start = _overview_start(stream, body_index, min(boundaries.values(), default=len(stream)))
        if start is not None:
            boundaries["一"] = start - 1
    numbers = [s.number for s in SECTIONS]
    sections = []
    for spec in SECTIONS:
        heading = headings.get(spec.number)
        start = boundaries.get(spec.number)
        paragraphs: list[Paragraph] = []
        if start is not None:
            later = [boundaries[n] for n in numbers[numbers.index(spec.number) + 1 :] if n in boundaries]
            stop = min([b for b in later if b > start], default=len(stream))
            paragraphs = [p for p, i in zip(body, body_index) if start < i < stop]
        sections.append(
            Section(
                number=spec.number,
                title=spec.title,
                heading_found=heading is not None,
                heading_text=heading.text if heading else None,
                numbering=heading.numbering if heading else None,
                locator=heading.locator if heading else (paragraphs[0].locator if paragraphs else None),
                paragraphs=paragraphs,
            )
        )
    return sections


def _overview_start(stream, body_index: list[int], limit: int) -> int | None:
    """Section 一 without its heading: it starts at its first sub-heading （一）… if there is one."""
    candidates = [i for i in body_index if i < limit]
    for i in candidates:
        if ORDINAL.match(squash(stream[i].text)) and len(stream[i].key) < 40:
            return i
    return None
