"""Place a Document's content on the standard template: the Report, in four steps.

1. ``stream``: the document flattened into one stream of cells in reading order;
2. ``labels``: each template row found by its label, in template order;
3. ``values``: its values, the value cells that follow the label (in the same row where rows
   are known), fitted to its columns;
4. ``tables``: the three tables placed, with a MapNote for what cannot be placed.
Then the body text outside the tables is divided into the six sections (here).
"""

from __future__ import annotations

from ..document import Document
from ..metadata import extract_metadata
from ..model import MapNote, Paragraph, Report, Section
from ..sections import find_headings
from ..template import SECTIONS, TABLE2, TABLE3, TABLE4
from ..text import ORDINAL, squash
from .labels import find_label
from .stream import build_stream
from .values import missing_cells
from .tables import TableResult, find_tables_out_of_order, has_values, map_row_table, map_table4, old_format_notes, without_old_table_notes

__all__ = ["map_document"]


def map_document(document: Document, source_name: str = "") -> Report:
    stream = build_stream(document)
    headings = find_headings(stream)
    for heading in headings.values():
        stream[heading.index].heading = True
    section_start = {number: h.index for number, h in headings.items()}
    end = len(stream)

    t2_start = section_start.get("二", 0)
    t3_anchor = find_label(stream, t2_start, end, TABLE3.anchor_keys)
    t3_start = t3_anchor.start if t3_anchor else section_start.get("三", t2_start)
    t4_anchor = find_label(stream, t3_start, end, TABLE4.anchor_keys)
    t4_start = t4_anchor.start if t4_anchor else section_start.get("四", end)
    t4_end = next((section_start[n] for n in ("五", "六") if section_start.get(n, -1) > t4_start), end)
    t3_end = t4_start if t4_anchor or "四" in section_start else t4_end
    t2_end = t3_start if t3_anchor or "三" in section_start else t3_end

    results = {
        TABLE2.key: map_row_table(stream, TABLE2, t2_start, t2_end),
        TABLE3.key: map_row_table(stream, TABLE3, t3_start, t3_end),
        TABLE4.key: map_table4(stream, t4_start, t4_end),
    }
    if not all(has_values(r.data) for r in results.values()):
        find_tables_out_of_order(stream, results, section_start)
    notes = old_format_notes(stream, t2_start, t2_end)
    for key, result in results.items():
        if not result.data.found:
            notes.append(MapNote(kind="missing_table", table=key))
        notes += result.notes
    if any(n.kind == "old_format" for n in notes):
        notes = without_old_table_notes(notes)
        old_table = results[TABLE2.key].data  # its columns are not the 2021 columns: no cell is read as one
        old_table.rows = {row.label: missing_cells(row) for row in TABLE2.rows}

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
        hidden=[Paragraph(text=h.text, locator=h.locator) for h in document.hidden],
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
