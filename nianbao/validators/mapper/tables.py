"""Step 4: place the three tables: every row of a labelled table, or table 4's fifteen values,
with a MapNote for what cannot be placed as the template has it."""

from __future__ import annotations

from dataclasses import dataclass

from ..model import MapNote, TableData
from ..template import OLD_FORMAT_MARKERS, TABLE2, TABLE3, TABLE4, TABLE_BY_KEY, TABLES, T3_OTHER_GROUP, T3_OTHER_ITEMS, TableSpec
from ..text import label_key
from .order import place_in_order, table4_order, values_in_order
from .labels import LabelCandidates, LabelMatch, anchors, find_deviating_label, find_label
from .stream import StreamCell
from .values import fit_dropped_blanks, fit_values, make_cells, missing_cells, values_after


MAX_HEADER_WORD = 12  # table 4's header words (未经复议直接起诉) can stand between its values


@dataclass(slots=True)
class TableResult:
    data: TableData
    notes: list[MapNote]
    span: tuple[int, int] | None  # stream indices covered by the table


def _group_labels(stream, spec: TableSpec, start: int, limit: int) -> list[int]:
    """Where the table's group labels stand (「（六）其他处理」, 「（三）不予公开」): a row's values end
    there, even where rows are not known (a text copied one cell per line) and the group is
    printed as a row of its own (（六）其他处理 as one row: its numbers are not the row above's)."""
    keys = _GROUP_KEYS.get(spec.key)
    if keys is None:
        keys = _GROUP_KEYS[spec.key] = frozenset(label_key(r.group) for r in spec.rows if r.group)
    return [i for i in range(start, limit) if not stream[i].is_value and stream[i].key in keys]


_GROUP_KEYS: dict[str, frozenset[str]] = {}


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
    ordered = sorted([m.start for m in matches.values()] + _group_labels(stream, spec, start, limit))
    last_index = None
    for row in spec.rows:
        match = matches.get(row.label)
        if match is None:
            data.rows[row.label] = missing_cells(row)
            continue
        following = [i for i in ordered if i > match.end]
        values = values_after(stream, match, min([limit, *following]))
        fitted, surplus = fit_values(values, len(row.columns))
        dropped = fit_dropped_blanks(values, row) if _gaps(fitted) else None
        fitted = dropped or fitted
        gaps = _gaps(fitted)
        locator = stream[match.start].locator
        if gaps and not dropped and stream[match.start].row_id is None:
            data.rows[row.label] = missing_cells(row)  # a short row without known columns: do not guess
        else:
            data.rows[row.label] = make_cells(row, fitted, locator)
        last_index = max([last_index or 0, match.end, *(v.index for v in fitted if v is not None)])
        if match.deviation:
            notes.append(MapNote(kind="label_deviation", table=spec.key, row=row.label, found_text=match.text.strip(), expected_text=row.printed, locator=locator))
        if surplus:
            notes.append(MapNote(kind="extra_values", table=spec.key, row=row.label, count=surplus, locator=locator))
        if gaps and not dropped:
            notes.append(MapNote(kind="missing_values", table=spec.key, row=row.label, count=gaps, locator=locator))
    if matches:
        first = min(m.start for m in matches.values())
        data.found = True
        data.locator = stream[first].locator
        span = (first, last_index if last_index is not None else first)
    else:
        span = None
    notes += _missing_row_notes(stream, spec, data, matches, span)
    if span and any(n.kind in ("missing_row", "extra_values", "missing_values") for n in notes):
        in_order = values_in_order(stream, spec, span[0], limit)
        if in_order:
            return TableResult(place_in_order(spec, in_order), [], (span[0], in_order[-1].index))
    return TableResult(data, notes, span)


def _gaps(fitted: list) -> int:
    """The values a row lacks (``fitted.count(None)``, without comparing each StreamCell to None)."""
    return sum(value is None for value in fitted)


def _find_deviations(stream, spec: TableSpec, matches: dict[str, LabelMatch], start: int, limit: int) -> None:
    candidates = None
    for i, row in enumerate(spec.rows):
        if row.label in matches:
            continue
        before = [matches[r.label].end + 1 for r in spec.rows[:i] if r.label in matches]
        after = [matches[r.label].start for r in spec.rows[i + 1 :] if r.label in matches]
        window_start = max(before) if before else start
        window_end = min(after) if after else limit
        candidates = candidates or LabelCandidates(stream, start, limit, spec)
        found = find_deviating_label(stream, window_start, window_end, row, spec, candidates)
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
            # its values end where the next label (（七）总计) starts
            end = next((j for j in range(i + 1, span[1] + 1) if not stream[j].is_value), span[1] + 1)
            fitted, _ = fit_values(values_after(stream, match, end), len(spec.columns))
            if any(v is not None for v in fitted):
                cells = make_cells(spec, fitted, stream[i].locator)
                data.rows[spec.label] = cells
                return MapNote(kind="collapsed_other", table=TABLE3.key, row=spec.label, found_text=stream[i].text, locator=stream[i].locator)
    return None


def map_table4(stream, start: int, limit: int) -> TableResult:
    spec = TABLE4
    data = TableData(key=spec.key)
    anchor = find_label(stream, start, limit, spec.anchor_keys)
    count = sum(len(r.columns) for r in spec.rows)
    if anchor is None:
        for row in spec.rows:
            data.rows[row.label] = missing_cells(row)
        return TableResult(data, [], None)
    values = table4_order(_table4_values(stream, anchor.start, limit))
    fitted, surplus = fit_values(values, count)
    notes = []
    locator = stream[anchor.start].locator
    if surplus:
        notes.append(MapNote(kind="extra_values", table=spec.key, count=surplus, locator=locator))
    if _gaps(fitted):
        notes.append(MapNote(kind="missing_values", table=spec.key, count=_gaps(fitted), locator=locator))
    offset = 0
    for row in spec.rows:
        data.rows[row.label] = make_cells(row, fitted[offset : offset + len(row.columns)], locator)
        offset += len(row.columns)
    data.found, data.locator = True, locator
    last = max([anchor.end, *(v.index for v in fitted if v is not None)])
    return TableResult(data, notes, (anchor.start, last))


def _table4_values(stream, start: int, limit: int) -> list[StreamCell]:
    rows: dict[int, list[StreamCell]] = {}
    loose: list[StreamCell] = []
    for cell in stream[start:limit]:
        if cell.row_id is None:
            if cell.is_value and (loose or not cell.blank):
                loose.append(cell)  # an empty paragraph among the values is an empty cell
            elif not cell.is_value and loose and (cell.heading or len(cell.key) > MAX_HEADER_WORD):
                break  # text after the values: the table has ended (a header word does not end it)
            continue
        rows.setdefault(cell.row_id, []).append(cell)
    value_rows = [cells for cells in rows.values() if all(c.is_value for c in cells) and len(cells) >= 5]
    if len(value_rows) > 1 and sum(map(len, value_rows)) == TABLE4.cell_count and all(len(r) < TABLE4.cell_count for r in value_rows):
        return [cell for cells in value_rows for cell in cells]  # one small table per group (OCR)
    if value_rows:
        return value_rows[0]
    return loose


def without_old_table_notes(notes: list[MapNote]) -> list[MapNote]:
    """Table 2 in the 2019 format has other rows and columns: it is reported as the old format
    (or is right for a 2019/2020 report), not row by row against the 2021 rows."""
    if not any(n.kind == "old_format" for n in notes):
        return notes
    return [n for n in notes if n.table != TABLE2.key or n.kind in ("old_format", "missing_table")]


def old_format_notes(stream, start: int, limit: int) -> list[MapNote]:
    markers = {label_key(m) for m in OLD_FORMAT_MARKERS}
    for cell in stream[start:limit]:
        if cell.key in markers:
            return [MapNote(kind="old_format", table=TABLE2.key, found_text=cell.text, locator=cell.locator)]
    return []


def find_tables_out_of_order(stream, results: dict, section_start: dict) -> None:
    """A table not found where the format puts it, or found there without a single value (a
    subheading in the text that repeats its first label), may come earlier or later (tables
    pasted in the wrong order): look for it from each place its first row label appears, up to
    the next table's first row, and take the first place that gives values."""
    starts = sorted({a.start for spec in TABLES for a in anchors(stream, spec.anchor_keys)})
    stops = sorted(section_start.get(n, -1) for n in ("五", "六"))
    for key, result in list(results.items()):
        if has_values(result.data):
            continue
        for anchor in anchors(stream, TABLE_BY_KEY[key].anchor_keys):
            end = min([s for s in starts + stops if s > anchor.start], default=len(stream))
            spec = TABLE_BY_KEY[key]
            found = map_table4(stream, anchor.start, end) if key == TABLE4.key else map_row_table(stream, spec, anchor.start, end)
            if has_values(found.data):
                results[key] = found
                break


def has_values(table: TableData) -> bool:
    return table.found and any(cell.found and not cell.blank for cell in table.all_cells())
