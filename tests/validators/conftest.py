"""The base every rule and section test mutates: sample 002 with its one real mistake corrected."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def clean(sample_texts):
    """Sample 002 with the plan year in 五 corrected: a 2024 report without any issue."""
    from fixtures.docx_builder import content_from_sample

    name = next(n for n in sample_texts if n.startswith("002"))
    content = content_from_sample(sample_texts[name], f"{name}.txt")
    plan = next(s for s in content["sections"] if s["number"] == "五")
    plan["paragraphs"] = [p.replace("2024年，我镇将继续", "2025年，我镇将继续") for p in plan["paragraphs"]]
    return content
