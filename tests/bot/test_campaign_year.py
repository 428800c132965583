"""The report year in December: from the campaign start (default 1 December) the bot reviews the
current year's reports, end to end through the local Bot API server."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.harness import SHANGHAI, STAFF_CHAGAN, SUPERVISOR, Clock, running_bot, sample_text, seed
from nianbao.config import Config, load_config
from nianbao.storage import Store


def draft_of(year: int) -> str:
    """Sample 003 (a 2024 report) moved to ``year``."""
    return sample_text("003").replace("2025", str(year + 1)).replace("2024", str(year))


async def _review(tmp_path, now: dt.datetime, year: int) -> tuple[str, str]:
    store = Store(tmp_path / "nianbao.db")
    seed(store)
    try:
        async with running_bot(tmp_path, store, Clock(now)) as env:
            for user in (STAFF_CHAGAN, SUPERVISOR):
                env.api.add_user(user)
            review = env.text(await env.upload(STAFF_CHAGAN, "叉干镇.txt", draft_of(year).encode()))
            status = env.text(await env.send(SUPERVISOR, "/status", count=2))
            return review, status
    finally:
        store.close()


async def test_a_draft_of_this_year_is_reviewed_from_1_december(tmp_path):
    review, status = await _review(tmp_path, dt.datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI), 2026)
    assert "现在审核的是" not in review
    assert "2026 年度" in review or "2026年度" in review
    assert "2026" in status and "2025年度" not in status and "2025 年度" not in status


async def test_before_the_campaign_starts_last_years_reports_are_reviewed(tmp_path):
    review, _ = await _review(tmp_path, dt.datetime(2026, 11, 30, 23, 0, tzinfo=SHANGHAI), 2026)
    assert "这份报告是 2026 年度的，现在审核的是 2025 年度报告" in review


@pytest.mark.parametrize(
    ("moment", "year"),
    [
        (dt.datetime(2026, 11, 30, 15, 59, tzinfo=dt.timezone.utc), 2025),  # 23:59 in Shanghai
        (dt.datetime(2026, 11, 30, 16, 0, tzinfo=dt.timezone.utc), 2026),  # midnight, 1 December in Shanghai
        (dt.datetime(2027, 1, 31, 12, 0, tzinfo=SHANGHAI), 2026),
        (dt.datetime(2027, 6, 1, 12, 0, tzinfo=SHANGHAI), 2026),
    ],
)
def test_year_under_review_turns_at_the_campaign_start_local_time(moment, year):
    assert Config().year_under_review(moment) == year


def test_campaign_start_is_configurable(tmp_path):
    path = tmp_path / "nianbao.toml"
    path.write_text("[campaign]\nstart_month = 11\nstart_day = 15\n", encoding="utf-8")
    config = load_config(path, {})
    assert config.year_under_review(dt.datetime(2026, 11, 15, 8, 0, tzinfo=SHANGHAI)) == 2026
    assert config.year_under_review(dt.datetime(2026, 11, 14, 8, 0, tzinfo=SHANGHAI)) == 2025
    assert load_config(path, {"NIANBAO_REPORT_YEAR": "2024"}).year_under_review(dt.datetime(2026, 12, 5, tzinfo=SHANGHAI)) == 2024
