"""A county-level-or-above people's government's own report is due by 31 March (条例 第四十九条):
configured beside the departments' deadline and handed to the engine with every draft."""

from __future__ import annotations

import datetime as dt

from bot.harness import SHANGHAI
from nianbao.config import Config, load_config
from nianbao.drafts.review import ReviewService
from nianbao.validators.engine import check_bytes


def test_government_deadline_defaults_to_31_march_and_can_be_set(tmp_path):
    assert Config().government_deadline(2024) == dt.date(2025, 3, 31)
    path = tmp_path / "nianbao.toml"
    path.write_text("[deadline]\nmonth = 1\nday = 20\ngovernment_month = 3\ngovernment_day = 15\n", encoding="utf-8")
    config = load_config(path, {})
    assert (config.deadline(2024), config.government_deadline(2024)) == (dt.date(2025, 1, 20), dt.date(2025, 3, 15))


def test_every_draft_is_checked_against_the_government_deadline(tmp_path, sample_texts):
    config = Config(report_year=2024, government_deadline_month=3, government_deadline_day=15)
    options = ReviewService(config).check_options(None, dt.datetime(2025, 3, 20, 9, 0, tzinfo=SHANGHAI))
    assert options["government_deadline"] == dt.date(2025, 3, 15)
    text = next(t for name, t in sample_texts.items() if name.startswith("002")).rstrip() + "\n文水县人民政府\n2025年3月20日\n"
    options["level"] = "government"
    late = [i.message for i in check_bytes(text.encode("utf-8"), "政府年报.txt", **options).issues if i.code == "Y106"]
    assert late and "2025年3月15日" in late[0]
