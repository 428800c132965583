"""Roster (名单) CSV parsing and the agency-level / role vocabularies.

Pure functions, no database access: :meth:`nianbao.storage.Store.import_roster_csv`
parses with :func:`parse_roster_csv` and writes the valid rows in one transaction.

CSV format: a header row, then one agency per row.

* required columns ``name`` and ``level``; optional ``region``, ``parent``, ``active``;
* headers may also be written in Chinese (名称/单位名称, 类型/级别/层级,
  地区/区域, 上级/上级单位, 启用/状态);
* encoding UTF-8 (with or without BOM), falling back to GB18030 (what Excel
  on a Chinese Windows writes); comma separated, tab accepted if the header
  has tabs and no commas;
* ``level`` accepts the English values and Chinese aliases (:func:`nianbao.levels.normalize_level`);
* an empty optional cell means "leave unchanged" (for a new agency: NULL,
  active = 1).

Bad rows are reported as Chinese messages carrying their line number and are
skipped; they never abort the import.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass
from pathlib import Path

from ..levels import LEVEL_ALIASES, Level, normalize_level
from ..roles import ROLES, normalize_role

__all__ = [
    "LEVELS",
    "LEVEL_ALIASES",
    "LEVEL_LABELS",
    "ROLES",
    "RosterRow",
    "ParsedRoster",
    "normalize_level",
    "normalize_role",
    "parse_active",
    "decode_roster_bytes",
    "parse_roster_csv",
    "roster_word",
]

LEVELS: tuple[str, ...] = tuple(Level.labels())

#: Chinese display label of each level (for messages).
LEVEL_LABELS: dict[str, str] = Level.labels()


_HEADER_ALIASES: dict[str, str] = {
    "name": "name",
    "名称": "name",
    "单位名称": "name",
    "单位": "name",
    "机关名称": "name",
    "level": "level",
    "类型": "level",
    "级别": "level",
    "层级": "level",
    "单位类型": "level",
    "region": "region",
    "地区": "region",
    "区域": "region",
    "所属地区": "region",
    "parent": "parent",
    "上级": "parent",
    "上级单位": "parent",
    "active": "active",
    "启用": "active",
    "状态": "active",
    "是否启用": "active",
}

_TRUE = {"1", "true", "yes", "y", "t", "on", "是", "启用", "在用", "有效"}
_FALSE = {"0", "false", "no", "n", "f", "off", "否", "停用", "撤销", "无效", "禁用"}



def roster_word(value: str | None) -> str | None:
    """The level as a roster (or a person) wrote it, kept to be shown as written (县直部门 stays
    县直部门, not the label 县级部门); None for an English value (township), shown by its label."""
    word = " ".join(str(value or "").split())
    if not word or word.lower().replace("-", "_").replace(" ", "_") in LEVEL_LABELS:
        return None
    return word[:20]


def parse_active(value: str) -> bool:
    """Parse a yes/no cell (1/0, true/false, 是/否, 启用/停用…); ``ValueError`` if unknown."""
    v = str(value).strip().lower()
    if v in _TRUE:
        return True
    if v in _FALSE:
        return False
    raise ValueError(f"无法识别的启用状态“{value}”，可用：1/0、是/否、启用/停用")


@dataclass(frozen=True, slots=True)
class RosterRow:
    """One valid roster line. ``None`` fields mean "not given / leave unchanged"."""

    line: int
    name: str
    level: str
    region: str | None = None
    parent: str | None = None
    active: bool | None = None
    level_word: str | None = None  # the level as the roster wrote it (None: an English value)


@dataclass(frozen=True, slots=True)
class ParsedRoster:
    rows: list[RosterRow]
    errors: list[str]


def decode_roster_bytes(data: bytes) -> str:
    """Decode as UTF-8 (BOM stripped) or, failing that, GB18030."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def _is_file(candidate: str) -> bool:
    try:
        return Path(candidate).is_file()
    except (OSError, ValueError):  # name too long, NUL byte…
        return False


def _load_text(source: str | os.PathLike[str] | bytes) -> str:
    if isinstance(source, bytes):
        return decode_roster_bytes(source)
    if isinstance(source, os.PathLike):
        return decode_roster_bytes(Path(source).read_bytes())
    # A one-line str naming an existing file (or ending in .csv) is a path;
    # anything else is CSV text.
    if "\n" not in source and (
        _is_file(source) or source.strip().lower().endswith((".csv", ".tsv"))
    ):
        return decode_roster_bytes(Path(source).read_bytes())  # FileNotFoundError if absent
    return source.lstrip("\ufeff")


def parse_roster_csv(source: str | os.PathLike[str] | bytes) -> ParsedRoster:
    """Parse roster CSV from a path, raw bytes (e.g. an uploaded file) or text.

    Never raises for bad content: problems are returned in ``errors``
    (Chinese, with line numbers). A missing required column is a single
    error and yields no rows. A name repeated within the file keeps the
    first occurrence and reports the later ones.
    """
    text = _load_text(source)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if ("\t" in first_line and "," not in first_line) else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[RosterRow] = []
    errors: list[str] = []

    header: list[str] | None = None
    for raw_header in reader:
        if any(cell.strip() for cell in raw_header):
            header = raw_header
            break
    if header is None:
        return ParsedRoster([], ["名单为空：没有表头行"])
    header_line = reader.line_num

    columns: dict[str, int] = {}
    for idx, cell in enumerate(header):
        key = _HEADER_ALIASES.get(cell.strip().lstrip("\ufeff").strip().lower())
        if key is not None and key not in columns:
            columns[key] = idx
    missing = [c for c in ("name", "level") if c not in columns]
    if missing:
        return ParsedRoster(
            [],
            [
                f"第{header_line}行：表头缺少必需的列 {', '.join(missing)}"
                f"（必需 name,level；可选 region,parent,active）"
            ],
        )

    def cell(row: list[str], key: str) -> str:
        idx = columns.get(key)
        if idx is None or idx >= len(row):
            return ""
        return row[idx].strip()

    seen: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        if not any(c.strip() for c in row):
            continue
        name = " ".join(cell(row, "name").split())  # same normalisation as Store.add_agency
        if not name:
            errors.append(f"第{line}行：单位名称为空，已跳过")
            continue
        if name in seen:
            errors.append(f"第{line}行：单位“{name}”与第{seen[name]}行重复，已跳过")
            continue
        level_raw = cell(row, "level")
        if not level_raw:
            errors.append(f"第{line}行（{name}）：缺少单位类型（level），已跳过")
            continue
        try:
            level = normalize_level(level_raw)
        except ValueError as exc:
            errors.append(f"第{line}行（{name}）：{exc}，已跳过")
            continue
        active: bool | None = None
        active_raw = cell(row, "active")
        if active_raw:
            try:
                active = parse_active(active_raw)
            except ValueError as exc:
                errors.append(f"第{line}行（{name}）：{exc}，已跳过")
                continue
        seen[name] = line
        rows.append(
            RosterRow(
                line=line,
                name=name,
                level=level,
                region=cell(row, "region") or None,
                parent=cell(row, "parent") or None,
                active=active,
                level_word=roster_word(level_raw),
            )
        )
    return ParsedRoster(rows, errors)
