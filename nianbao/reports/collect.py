"""Reports collected outside the bot (by e-mail, on a USB stick): a folder of files read by the
engine into summary entries, without any database.

Each readable report is one agency (the name in its title, else the file name); a report of
another year is left out and said so; when one agency sent several files, the newest file counts.
Files that are not reports at all (a .png, an .xlsx) are listed as skipped, never silently.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from ..validators.engine import check_bytes
from ..validators.readers import DRAFT_SUFFIXES
from .summary import AgencyEntry

__all__ = ["REPORT_SUFFIXES", "Collected", "collect_reports"]

REPORT_SUFFIXES = DRAFT_SUFFIXES  # the engine's list: a format it reads is never skipped here
OTHER_YEAR = "不是 {year} 年度的报告"
OLDER_COPY = "同一机关另有较新的文件"


@dataclass(frozen=True)
class Collected:
    entries: list[AgencyEntry]
    year: int | None  # the year summed: the one asked for, else the one most reports have
    skipped: list[tuple[Path, str]]  # files that are not reports, and why (Chinese)


def _files(paths: Iterable[str | Path]) -> tuple[list[Path], list[tuple[Path, str]]]:
    files, skipped = [], []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(path.iterdir()):
                if child.is_dir() or child.name.startswith((".", "~$")):
                    continue
                (files.append(child) if child.suffix.lower() in REPORT_SUFFIXES else skipped.append((child, "不是年报文件格式")))
        elif path.is_file():
            files.append(path)
        else:
            skipped.append((path, "找不到这个文件或文件夹"))
    return files, skipped


def _entry(path: Path) -> tuple[AgencyEntry, int | None]:
    received = dt.datetime.fromtimestamp(path.stat().st_mtime)
    result = check_bytes(path.read_bytes(), path.name)
    if result.error is not None or result.report is None:
        return AgencyEntry(path.stem, "unreadable", file_name=path.name, received_at=received), None
    report = result.report
    entry = AgencyEntry(
        name=report.agency or path.stem,
        state="passing" if result.passed else "errors",
        tables=report.tables_json(),
        level=report.level,
        error_count=result.errors,
        warning_count=result.warnings,
        file_name=path.name,
        received_at=received,
    )
    return entry, report.year


def collect_reports(paths: Iterable[str | Path], year: int | None = None) -> Collected:
    """Read every report file under ``paths`` (folders one level deep) into summary entries."""
    files, skipped = _files(paths)
    read = [_entry(path) for path in files]
    year = year or next((y for y, _ in Counter(y for _, y in read if y).most_common(1)), None)
    entries: list[AgencyEntry] = []
    newest: dict[str, int] = {}  # agency name -> index in entries of its newest file
    for entry, report_year in read:
        if report_year is not None and year is not None and report_year != year:
            entries.append(replace(entry, left_out=OTHER_YEAR.format(year=year)))
            continue
        if entry.state != "unreadable" and entry.name in newest:
            index = newest[entry.name]
            if entries[index].received_at >= entry.received_at:
                entries.append(replace(entry, left_out=OLDER_COPY))
                continue
            entries[index] = replace(entries[index], left_out=OLDER_COPY)
        if entry.state != "unreadable":
            newest[entry.name] = len(entries)
        entries.append(entry)
    return Collected(entries, year, skipped)
