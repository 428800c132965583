"""The agency's level guessed from its name: a 直辖市 (北京、天津、上海、重庆) is provincial, so its own
offices and departments are provincial and its 区/县 are below it; 市场监督管理局 names no city."""

from __future__ import annotations

from pathlib import Path

import pytest

from nianbao.validators.engine import check_bytes
from nianbao.validators.metadata import guess_level

OUTSIDE = Path(__file__).resolve().parents[2].parent / "shared" / "real" / "outside"


@pytest.mark.parametrize("name", ["shanghai_gov_office_2019.docx", "shanghai_gov_office_2019.txt"])
def test_the_shanghai_government_office_is_provincial(name):
    if not (OUTSIDE / name).exists():
        pytest.skip("../shared/real/outside is not here")
    result = check_bytes((OUTSIDE / name).read_bytes(), name)
    assert result.report.agency == "上海市人民政府办公厅"
    assert result.report.level == "provincial_department"


@pytest.mark.parametrize(
    ("agency", "level"),
    [
        ("上海市人民政府办公厅", "provincial_department"),
        ("北京市发展和改革委员会", "provincial_department"),
        ("天津市市场监督管理局", "provincial_department"),
        ("江苏省市场监督管理局", "provincial_department"),
        ("重庆市万州区教育委员会", "county_department"),
        ("上海市浦东新区发展和改革委员会", "county_department"),
        ("北京市朝阳区人民政府", "government"),
        ("淮安市市场监督管理局", "city_department"),
        ("淮安市发展和改革委员会", "city_department"),
        ("沭阳县发展和改革局", "county_department"),
    ],
)
def test_levels_guessed_from_names(agency, level):
    assert guess_level(agency) == level
