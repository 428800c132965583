"""The county picture as a PNG: agencies by state, and submissions per day against the deadline.

Pure and thread safe: the object-oriented :class:`matplotlib.figure.Figure` API on an Agg canvas
(no pyplot, no global rcParams changes), so it can run in a bot worker thread. The plotted data
travels inside the PNG as JSON in a text chunk (:data:`METADATA_KEY`), and
:func:`read_chart_data` gives it back: tests and callers check the numbers, not the pixels.
"""

from __future__ import annotations

import io
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from itertools import accumulate

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import num2date
from matplotlib.figure import Figure
from matplotlib import font_manager
from matplotlib.font_manager import FontProperties, fontManager
from matplotlib.ticker import Formatter

from ..states import State

__all__ = ["METADATA_KEY", "StatusCounts", "read_chart_data", "status_chart"]

METADATA_KEY = "nianbao-chart"
DPI = 100
SIZE = (10, 4.2)  # inches

# Preferred CJK families, first found wins (Noto on Debian/Ubuntu, then common Windows/macOS ones).
CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Droid Sans Fallback",
    "Noto Serif CJK SC",
)
FALLBACK_FAMILY = "DejaVu Sans"

COLORS = {"passing": "#2e7d32", "with_errors": "#c62828", "unreadable": "#ef6c00", "not_submitted": "#9e9e9e"}

# Chart words in Chinese, and in English when no CJK font is installed (no tofu boxes).
WORDS = {
    "zh": {
        "passing": State.PASSING.label,
        "with_errors": State.ERRORS.label,
        "unreadable": State.UNREADABLE.label,
        "not_submitted": State.NOT_SUBMITTED.label,
        "states": "{year}年度报告报送情况（共{total}个机关）",
        "agencies": "机关数",
        "daily": "每日报送",
        "submissions": "每日收到的报告（份）",
        "cumulative": "累计通过的机关",
        "deadline": "截止 {date}",
        "today": "今天",
        "empty": "暂无报送",
    },
    "en": {
        "passing": "passing",
        "with_errors": "errors",
        "unreadable": "unreadable",
        "not_submitted": "not submitted",
        "states": "{year} reports ({total} agencies)",
        "agencies": "agencies",
        "daily": "Submissions per day",
        "submissions": "submissions per day",
        "cumulative": "agencies passed (cumulative)",
        "deadline": "deadline {date}",
        "today": "today",
        "empty": "no submissions yet",
    },
}


STATES = ("passing", "with_errors", "unreadable", "not_submitted")  # bar order
# the submission states (nianbao.states) -> StatusCounts fields
FROM_STORE = {
    State.PASSING: "passing", State.IMPORTED: "passing", State.ERRORS: "with_errors", State.UNREADABLE: "unreadable",
    State.NOT_SUBMITTED: "not_submitted",
}  # a deactivated agency is not drawn


@dataclass(frozen=True)
class StatusCounts:
    """Agencies of the year by the state of their latest readable draft."""

    passing: int = 0
    with_errors: int = 0
    not_submitted: int = 0
    unreadable: int = 0

    @property
    def total(self) -> int:
        return self.passing + self.with_errors + self.not_submitted + self.unreadable

    def as_dict(self) -> dict[str, int]:
        return {state: getattr(self, state) for state in STATES}

    @classmethod
    def from_states(cls, states: Iterable[str]) -> StatusCounts:
        """Count campaign states (an imported report is done, like a passing draft)."""
        counts = Counter(FROM_STORE[s] for s in states if s in FROM_STORE)
        return cls(**counts)


# ---------------------------------------------------------------- fonts


CJK_FILE_HINTS = ("cjk", "wqy", "wenquanyi", "sourcehan", "droidsansfallback", "simhei", "simsun", "msyh")
_found: list[str] = []  # the CJK family once found (a font is not uninstalled under a running process)


def cjk_family() -> str | None:
    """The first installed CJK font family, or None. Looked up when a chart is drawn, not once
    at import: matplotlib caches its font list when first used, so a font installed afterwards
    (fonts-noto-cjk after the first chart) is looked for among the system's font files and
    added, instead of charts coming out in English for ever."""
    if _found:
        return _found[0]
    family = _known_cjk()
    if family is None:
        for path in font_manager.findSystemFonts():
            if any(hint in Path(path).name.lower() for hint in CJK_FILE_HINTS):
                try:
                    fontManager.addfont(path)
                except (OSError, RuntimeError, ValueError):
                    continue
        family = _known_cjk()
    if family is not None:
        _found.append(family)
    return family


def _known_cjk() -> str | None:
    installed = {font.name for font in fontManager.ttflist}
    return next((family for family in CJK_FAMILIES if family in installed), None)


def _font(size: float = 10, bold: bool = False) -> FontProperties:
    family = cjk_family()
    families = [family, FALLBACK_FAMILY] if family else [FALLBACK_FAMILY]
    return FontProperties(family=families, size=size, weight="bold" if bold else "normal")


def _words() -> dict[str, str]:
    return WORDS["zh" if cjk_family() else "en"]


# ---------------------------------------------------------------- data


def _per_day(pairs: Iterable[tuple[date, int]]) -> list[tuple[date, int]]:
    """(day, count) pairs summed per day, in day order."""
    total: Counter[date] = Counter()
    for day, count in pairs:
        total[day.date() if isinstance(day, datetime) else day] += int(count)
    return sorted(total.items())


def _cumulative(pairs: list[tuple[date, int]]) -> list[tuple[date, int]]:
    return list(zip((d for d, _ in pairs), accumulate(n for _, n in pairs)))


def _iso(pairs: list[tuple[date, int]]) -> list[list]:
    return [[d.isoformat(), n] for d, n in pairs]


def _chart_data(counts, daily, passed, year, deadline, today) -> dict:
    return {
        "version": 1,
        "year": year,
        "deadline": deadline.isoformat(),
        "today": today.isoformat() if today else None,
        "counts": {**counts.as_dict(), "total": counts.total},
        "daily": _iso(daily),
        "passed": _iso(passed),
        "passed_cumulative": _iso(_cumulative(passed)),
    }


# ---------------------------------------------------------------- panels


def _status_panel(ax, counts: StatusCounts, year: int, words: dict[str, str]) -> None:
    labels = [words[s] for s in STATES]
    values = [getattr(counts, s) for s in STATES]
    bars = ax.bar(range(len(values)), values, color=[COLORS[s] for s in STATES], width=0.6)
    ax.bar_label(bars, labels=[str(v) for v in values], padding=2, fontproperties=_font(11, bold=True))
    ax.set_xticks(range(len(values)), labels, fontproperties=_font(10))
    ax.set_ylim(0, max(values + [1]) * 1.2)
    ax.set_ylabel(words["agencies"], fontproperties=_font(10))
    ax.set_title(words["states"].format(year=year, total=counts.total), fontproperties=_font(11, bold=True))
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.spines[["top", "right"]].set_visible(False)


def _day_range(daily, passed, deadline: date, today: date | None) -> tuple[date, date]:
    days = [d for d, _ in daily + passed] + [deadline] + ([today] if today else [])
    start = min(days + [deadline - timedelta(days=30)])
    return start - timedelta(days=1), max(days) + timedelta(days=2)


class DayFormatter(Formatter):
    """「01-20」 per tick, with the year on the first tick and on the first tick of a new year
    (a campaign from December to February spans two years; 「01-01」 alone does not say which)."""

    def __call__(self, x, pos=None) -> str:
        return num2date(x).strftime("%Y-%m-%d")

    def format_ticks(self, values) -> list[str]:
        labels, year = [], None
        for value in values:
            day = num2date(value)
            labels.append(day.strftime("%m-%d") if day.year == year else day.strftime("%Y-%m-%d"))
            year = day.year
        return labels


def _cumulative_axis(ax, steps, total: int | None, words: dict[str, str]):
    """The agencies passed on their own (right) axis, scaled to the line itself: beside a day
    with 27 drafts a line climbing to 3 would otherwise lie flat on the floor. Its last value is
    written at its end, out of the number of agencies."""
    twin = ax.twinx()
    twin.step([d for d, _ in steps], [n for _, n in steps], where="post", color=COLORS["passing"], lw=2.2, zorder=3, label=words["cumulative"])
    last = steps[-1][1]
    twin.set_ylim(0, max(last, 1) * 1.3)
    text = f"{last}/{total}" if total else str(last)
    twin.annotate(text, (steps[-1][0], last), xytext=(4, 4), textcoords="offset points", color=COLORS["passing"], fontproperties=_font(9, bold=True))
    twin.set_ylabel(words["cumulative"], color=COLORS["passing"], fontproperties=_font(9))
    twin.tick_params(axis="y", colors=COLORS["passing"], labelsize=8)
    twin.yaxis.get_major_locator().set_params(integer=True)
    twin.spines[["top", "left"]].set_visible(False)
    twin.spines["right"].set_color(COLORS["passing"])
    return twin


def _daily_panel(ax, daily, passed, deadline: date, today: date | None, words: dict[str, str], total: int | None = None) -> dict:
    """The per-day panel; returns what it shows (tick labels, axis ranges) for the chart's data."""
    start, end = _day_range(daily, passed, deadline, today)
    if daily:
        ax.bar([d for d, _ in daily], [n for _, n in daily], color="#1565c0", width=0.8, label=words["submissions"])
    else:
        ax.text(
            0.5, 0.5, words["empty"], transform=ax.transAxes, ha="center", va="center", color="#757575", fontproperties=_font(12)
        )
    cumulative = _cumulative(passed)
    twin = None
    if cumulative:
        steps = [(start, 0), *cumulative] + ([(today, cumulative[-1][1])] if today and today > cumulative[-1][0] else [])
        twin = _cumulative_axis(ax, steps, total, words)
    ax.axvline(
        deadline,
        color="#c62828",
        ls="--",
        lw=1.5,
        label=words["deadline"].format(date=f"{deadline.year}/{deadline.month}/{deadline.day}"),
    )
    if today:
        ax.axvline(today, color="#424242", ls=":", lw=1, label=words["today"])
    ax.set_xlim(start, end)
    ax.set_ylim(0, max([n for _, n in daily] + [1]) * 1.2)
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.set_ylabel(words["submissions"], color="#1565c0", fontproperties=_font(9))
    ax.set_title(words["daily"], fontproperties=_font(11, bold=True))
    ax.tick_params(axis="x", labelrotation=30, labelsize=8)
    ax.xaxis.set_major_formatter(DayFormatter())
    handles, labels = ax.get_legend_handles_labels()
    if twin is not None:
        more = twin.get_legend_handles_labels()
        handles, labels = handles + more[0], labels + more[1]
    ax.legend(handles, labels, loc="upper left", prop=_font(8), frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    ticks = [t for t in ax.xaxis.get_major_locator()() if ax.get_xlim()[0] <= t <= ax.get_xlim()[1]]
    return {
        "x_labels": ax.xaxis.get_major_formatter().format_ticks(ticks),
        "submissions_ylim": list(ax.get_ylim()),
        "cumulative_ylim": list(twin.get_ylim()) if twin is not None else None,
    }


# ---------------------------------------------------------------- the chart


def status_chart(
    counts: StatusCounts,
    daily: Sequence[tuple[date, int]] = (),
    *,
    year: int,
    deadline: date | None = None,
    today: date | None = None,
    passed: Sequence[tuple[date, int]] = (),
) -> bytes:
    """The two-panel PNG: (a) agencies by state with counts, (b) per day the submissions received
    (bars, left axis) and the agencies that passed (cumulative step line on its own right axis, up to
    the number of agencies; ``passed`` gives per day how many
    agencies passed for the first time), a dashed line at the deadline (default 31 January of
    ``year`` + 1) and a dotted one at ``today``. Days may repeat in the inputs; they are summed."""
    deadline = deadline or date(year + 1, 1, 31)
    daily, passed = _per_day(daily), _per_day(passed)
    words = _words()
    figure = Figure(figsize=SIZE, dpi=DPI)
    figure.subplots_adjust(left=0.06, right=0.94, bottom=0.16, top=0.92, wspace=0.22)
    FigureCanvasAgg(figure)
    left, right = figure.subplots(1, 2, width_ratios=(1, 1.6))
    _status_panel(left, counts, year, words)
    shown = _daily_panel(right, daily, passed, deadline, today, words, counts.total)
    data = {**_chart_data(counts, daily, passed, year, deadline, today), "shown": shown}
    out = io.BytesIO()
    metadata = {METADATA_KEY: json.dumps(data, ensure_ascii=True, separators=(",", ":")), "Title": f"{year} status"}
    figure.savefig(out, format="png", dpi=DPI, metadata=metadata)
    return out.getvalue()


def read_chart_data(png: bytes) -> dict:
    """The data a chart of :func:`status_chart` plotted (dates as :class:`datetime.date`,
    per-day series as lists of ``(date, int)``). Raises ``ValueError`` for another PNG."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        text = getattr(image, "text", {}).get(METADATA_KEY)
    if text is None:
        raise ValueError("not a status chart: no embedded data")
    data = json.loads(text)
    for key in ("deadline", "today"):
        data[key] = date.fromisoformat(data[key]) if data[key] else None
    for key in ("daily", "passed", "passed_cumulative"):
        data[key] = [(date.fromisoformat(d), n) for d, n in data[key]]
    return data
