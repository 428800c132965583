"""The status chart: a real PNG whose embedded data gives back exactly what was plotted."""

from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from PIL import Image

from nianbao.reports.chart import (
    METADATA_KEY,
    StatusCounts,
    read_chart_data,
    status_chart,
)

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
DAILY = [(date(2025, 1, 3), 2), (date(2025, 1, 5), 4), (date(2025, 1, 20), 9), (date(2025, 2, 3), 1)]
PASSED = [(date(2025, 1, 5), 3), (date(2025, 1, 20), 6)]


def _open(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    image.load()
    return image


def test_chart_is_a_real_png_of_sensible_size():
    png = status_chart(StatusCounts(12, 5, 7, 1), DAILY, year=2024, today=date(2025, 1, 22), passed=PASSED)
    assert png.startswith(PNG_MAGIC)
    image = _open(png)
    assert image.format == "PNG"
    width, height = image.size
    assert 600 <= width <= 1600 and 300 <= height <= 900
    assert METADATA_KEY in image.text
    assert len(png) < 300_000


def test_counts_and_days_read_back_exactly():
    counts = StatusCounts(passing=12, with_errors=5, not_submitted=7, unreadable=1)
    data = read_chart_data(status_chart(counts, DAILY, year=2024, today=date(2025, 1, 22), passed=PASSED))
    assert data["counts"] == {"passing": 12, "with_errors": 5, "not_submitted": 7, "unreadable": 1, "total": 25}
    assert data["daily"] == DAILY
    assert data["passed"] == PASSED
    assert data["passed_cumulative"] == [(date(2025, 1, 5), 3), (date(2025, 1, 20), 9)]
    assert data["year"] == 2024
    assert data["deadline"] == date(2025, 1, 31)  # default: 31 January of the next year
    assert data["today"] == date(2025, 1, 22)


def test_days_are_summed_and_sorted():
    daily = [(date(2025, 1, 9), 1), (date(2025, 1, 2), 5), (date(2025, 1, 9), 2)]
    data = read_chart_data(status_chart(StatusCounts(passing=1), daily, year=2024))
    assert data["daily"] == [(date(2025, 1, 2), 5), (date(2025, 1, 9), 3)]


def test_custom_deadline():
    data = read_chart_data(status_chart(StatusCounts(), year=2024, deadline=date(2025, 1, 15)))
    assert data["deadline"] == date(2025, 1, 15)


def test_no_agencies_and_no_submissions():
    png = status_chart(StatusCounts(), year=2024)
    assert _open(png).size[0] > 0
    data = read_chart_data(png)
    assert data["counts"] == {"passing": 0, "with_errors": 0, "not_submitted": 0, "unreadable": 0, "total": 0}
    assert data["daily"] == [] and data["passed"] == [] and data["passed_cumulative"] == []
    assert data["today"] is None


def test_only_not_submitted_agencies():
    data = read_chart_data(status_chart(StatusCounts(not_submitted=40), [], year=2024, today=date(2025, 1, 2)))
    assert data["counts"]["not_submitted"] == 40 and data["counts"]["total"] == 40


def test_counts_from_store_states():
    states = ["passing", "errors", "errors", "not_submitted", "unreadable", "passing", "passing"]
    assert StatusCounts.from_states(states) == StatusCounts(passing=3, with_errors=2, not_submitted=1, unreadable=1)
    assert StatusCounts.from_states([]).total == 0


def test_another_png_is_refused():
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, format="PNG")
    with pytest.raises(ValueError):
        read_chart_data(out.getvalue())


def test_charts_in_parallel_threads_keep_their_own_data():
    def make(n: int) -> dict:
        return read_chart_data(status_chart(StatusCounts(passing=n, with_errors=n + 1), [(date(2025, 1, 1 + n), n)], year=2024))

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(make, range(1, 5)))
    for n, data in enumerate(results, start=1):
        assert data["counts"]["passing"] == n and data["counts"]["with_errors"] == n + 1
        assert data["daily"] == [(date(2025, 1, 1 + n), n)]


# ---------------------------------------------------------------- what the reader sees

BUSY_DAY = [(date(2024, 12, 20), 2), (date(2025, 1, 10), 27), (date(2025, 1, 12), 5)]
FEW_PASSED = [(date(2025, 1, 10), 2), (date(2025, 1, 12), 1)]


def _green_top(png: bytes) -> float:
    """How high (0 bottom .. 1 top of the image) the highest 累计通过-green pixel is between 01-12
    and today (right of the legend, in the upper left of the per-day panel)."""
    image = _open(png).convert("RGB")
    width, height = image.size
    pixels = image.load()
    rows = [
        y
        for y in range(height)
        for x in range(int(width * 0.72), int(width * 0.79))
        if all(abs(a - b) < 30 for a, b in zip(pixels[x, y], (0x2E, 0x7D, 0x32)))
    ]
    assert rows, "no green line in the per-day panel"
    return 1 - min(rows) / height


def test_cumulative_passed_line_is_visible_beside_a_busy_day():
    png = status_chart(StatusCounts(3, 20, 5, 0), BUSY_DAY, year=2024, today=date(2025, 1, 20), passed=FEW_PASSED)
    assert _green_top(png) > 0.5  # 3 agencies passed: on a shared axis with 27 it stayed near the floor
    shown = read_chart_data(png)["shown"]
    assert shown["cumulative_ylim"][1] < 5 <= shown["submissions_ylim"][1]


def test_a_chart_over_two_years_names_the_year():
    png = status_chart(StatusCounts(3, 20, 5, 0), BUSY_DAY, year=2024, today=date(2025, 1, 20), passed=FEW_PASSED)
    labels = read_chart_data(png)["shown"]["x_labels"]
    assert labels[0].startswith("2024-12-")
    assert "2025-01-01" in labels or any(label.startswith("2025-") for label in labels[1:])
    assert all(label.count("-") in (1, 2) for label in labels)
    assert not any(label == "01-01" for label in labels)  # a new year's first day never without its year


def test_a_cjk_font_installed_after_matplotlib_cached_its_list_is_found_at_draw_time(tmp_path):
    """A fresh matplotlib cache built without the CJK font (as when fonts-noto-cjk is installed
    after the first chart): the chart still finds it and speaks Chinese."""
    import shutil
    import subprocess
    import sys

    if not shutil.which("fc-list") or "CJK" not in subprocess.run(["fc-list"], capture_output=True, text=True).stdout:
        pytest.skip("no CJK font on this machine (apt-get install fonts-noto-cjk)")
    script = (
        "from matplotlib.font_manager import fontManager\n"
        "fontManager.ttflist = [f for f in fontManager.ttflist if 'CJK' not in f.name]  # the cache before the font\n"
        "from nianbao.reports import chart\n"
        "print(chart.cjk_family(), chart._words()['today'], sep='|')\n"
    )
    env = {"MPLCONFIGDIR": str(tmp_path / "mpl"), "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    family, today = out.stdout.strip().splitlines()[-1].split("|")
    assert "CJK" in family and today == "今天"
