"""Last year's reports imported from a folder (``nianbao history import``): each is matched to the
roster by the name it gives itself, and a report of another agency is never filed under one that
only shares a generic word with it (人民政府, 政府)."""

from __future__ import annotations

from pathlib import Path

import pytest

from nianbao.drafts.history import import_prior_report
from nianbao.storage import Store

OUTSIDE = Path(__file__).resolve().parents[2].parent / "shared" / "real" / "outside"


@pytest.fixture
def township_roster(tmp_path):
    store = Store(tmp_path / "nianbao.db")
    store.add_agency("学张乡人民政府", "township")
    store.add_agency("刘胡兰镇人民政府", "township")
    yield store
    store.close()


@pytest.mark.parametrize("name, year", [("huaian_gov_2024.docx", 2024), ("shuyang_gov_2025.txt", 2025)])
def test_a_city_or_county_report_is_not_filed_under_a_township(township_roster, name, year):
    path = OUTSIDE / name
    if not path.exists():
        pytest.skip(f"{path} is not there")
    imported = import_prior_report(township_roster, path.read_bytes(), name, year)
    assert imported.agency is None
    assert "名单中找不到这个单位" in imported.problem
    assert all(township_roster.prior_report(a.id, year) is None for a in township_roster.list_agencies())


def test_a_generic_word_finds_no_agency(township_roster):
    assert township_roster.find_agency("人民政府") is None
    assert township_roster.find_agency("政府") is None
    assert township_roster.find_agency("学张乡").name == "学张乡人民政府"
