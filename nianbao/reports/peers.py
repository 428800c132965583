"""Peers and trends: where an agency's key figures stand among agencies of the same level this
year (median and quartiles), its own figures over the years on file, and the outliers a reviewer
should look at first. Pure functions over the tables as the storage keeps them."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import Any, Iterable

from ..storage.figures import INDEX, Cells

Tables = dict[str, Any]

# (name shown, table, row, columns summed)
KEY_FIGURES: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("本年新收申请", "依申请公开", "本年新收政府信息公开申请数量", ("总计",)),
    ("上年结转申请", "依申请公开", "上年结转政府信息公开申请数量", ("总计",)),
    ("结转下年度", "依申请公开", "结转下年度继续办理", ("总计",)),
    ("行政复议", "复议诉讼", "行政复议", ("总计",)),
    ("行政复议纠正", "复议诉讼", "行政复议", ("结果纠正",)),
    ("行政诉讼", "复议诉讼", "未经复议直接起诉|复议后起诉", ("总计",)),
    ("行政诉讼纠正", "复议诉讼", "未经复议直接起诉|复议后起诉", ("结果纠正",)),
    ("规章制发", "主动公开", "规章", ("本年制发件数",)),
    ("规范性文件制发", "主动公开", "行政规范性文件", ("本年制发件数",)),
    ("行政许可", "主动公开", "行政许可", ("本年处理决定数量",)),
    ("行政处罚", "主动公开", "行政处罚", ("本年处理决定数量",)),
    ("行政强制", "主动公开", "行政强制", ("本年处理决定数量",)),
)
FIGURE_NAMES = tuple(name for name, *_ in KEY_FIGURES)
_KEY_PLACES = tuple(
    ((table, row, column), INDEX[(table, row, column)])
    for _, table, rows, columns in KEY_FIGURES for row in rows.split("|") for column in columns
)

FAR_IQR = 3.0  # beyond this many interquartile ranges from the quartiles: far from the peers
FAR_MINIMUM = 10  # and at least this large a difference (small counts vary a lot)
LARGE_PEER_MEDIAN = 10  # a zero where the peers' median is at least this
JUMP_FACTOR = 3.0  # this many times (or a third of) last year's figure
JUMP_MINIMUM = 10  # the larger of the two years at least this


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(str(value).strip())
    except ValueError:
        return None


def key_figures_of_cells(cells: Cells) -> dict[str, float | None]:
    """``key_figures`` of a report from the figures kept of it (``storage.figures``): a county's
    peers are compared without opening each report's JSON."""
    return key_figures(_key_tables(cells))


def _key_tables(cells: Cells) -> dict[str, dict[str, dict[str, Any]]]:
    """The key figures' cells of ``cells`` laid out as tables."""
    tables: dict[str, dict[str, dict[str, Any]]] = {}
    for (table, row, column), place in _KEY_PLACES:
        tables.setdefault(table, {}).setdefault(row, {})[column] = cells[place]
    return tables


def key_figures(tables: Tables | None) -> dict[str, float | None]:
    """The key figures of one report's tables (None where a figure cannot be read)."""
    figures: dict[str, float | None] = {}
    for name, table, rows, columns in KEY_FIGURES:
        total: float | None = 0.0
        for row in rows.split("|"):
            cells = ((tables or {}).get(table) or {}).get(row) or {}
            for column in columns:
                value = _number(cells.get(column))
                total = None if value is None or total is None else total + value
        figures[name] = total
    return figures


@dataclass(frozen=True)
class Spread:
    count: int
    q1: float
    median: float
    q3: float

    def position(self, value: float | None) -> str:
        if value is None:
            return "无数据"
        if value < self.q1:
            return "低于四分之一位数"
        if value > self.q3:
            return "高于四分之三位数"
        return "居中"


def spread(values: Iterable[float | None]) -> Spread | None:
    numbers = sorted(v for v in values if v is not None)
    if not numbers:
        return None
    if len(numbers) == 1:
        return Spread(1, numbers[0], numbers[0], numbers[0])
    q1, median, q3 = statistics.quantiles(numbers, n=4, method="inclusive")
    return Spread(len(numbers), q1, median, q3)


def peer_spreads(peer_figures: Iterable[dict[str, float | None]]) -> dict[str, Spread | None]:
    peers = list(peer_figures)
    return {name: spread(p.get(name) for p in peers) for name in FIGURE_NAMES}


@dataclass(frozen=True)
class Outlier:
    agency_id: int
    agency: str
    figure: str
    value: float
    why: str  # Chinese, for the reviewer


def outliers_of(
    agency_id: int, agency: str, figures: dict[str, float | None], spreads: dict[str, Spread | None],
    last_year: dict[str, float | None] | None,
) -> list[Outlier]:
    """What a reviewer should look at first in one agency's figures."""
    found = []
    for name in FIGURE_NAMES:
        value = figures.get(name)
        if value is None:
            continue
        peers = spreads.get(name)
        if peers is not None and peers.count >= 4:
            reach = FAR_IQR * (peers.q3 - peers.q1)
            if value == 0 and peers.median >= LARGE_PEER_MEDIAN:
                found.append(Outlier(agency_id, agency, name, value, f"为 0，而同级单位的中位数是 {peers.median:g}"))
            elif value > peers.q3 + reach and value - peers.median >= FAR_MINIMUM:
                found.append(Outlier(agency_id, agency, name, value, f"远高于同级单位（中位数 {peers.median:g}，四分位 {peers.q1:g}–{peers.q3:g}）"))
            elif value < peers.q1 - reach and peers.median - value >= FAR_MINIMUM:
                found.append(Outlier(agency_id, agency, name, value, f"远低于同级单位（中位数 {peers.median:g}，四分位 {peers.q1:g}–{peers.q3:g}）"))
        before = (last_year or {}).get(name)
        if before is not None and max(value, before) >= JUMP_MINIMUM:
            if (before == 0 and value > 0) or (before > 0 and (value / before >= JUMP_FACTOR or value / before <= 1 / JUMP_FACTOR)):
                found.append(Outlier(agency_id, agency, name, value, f"上年为 {before:g}，变化很大"))
    return found
