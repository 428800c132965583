"""The values the engine makes in bulk without pydantic's validation (``Cell.read``) or once per
place (``shared_locator``) are the ones the ordinary constructors make."""

from __future__ import annotations

import pickle
from decimal import Decimal

import pytest
from pydantic import ValidationError

from nianbao.validators import model
from nianbao.validators.mapper.values import _BLANK, _MISSING, _READ
from nianbao.validators.model import Cell, Locator, shared_locator

HERE = Locator(source="docx", table=1, grid_row=2, grid_col=3)
SHAPES = [
    (dict(row="总计", column="自然人", raw="", locator=HERE), _BLANK),
    (dict(row="总计", column="自然人", raw="12", number=Decimal(12), locator=HERE), _READ),
    (dict(row="总计", column="自然人", raw="无", number=Decimal(0), locator=None), _READ),
    (dict(row="总计", column="自然人", found=False), _MISSING),
]


@pytest.mark.parametrize("values, given", SHAPES)
def test_a_cell_read_is_the_cell_its_constructor_makes(values, given):
    made, read = Cell(**values), Cell.read(**{"raw": "", **values}, given=given)
    assert read == made and hash(read) == hash(made) and repr(read) == repr(made)
    assert read.model_dump() == made.model_dump() and read.model_fields_set == made.model_fields_set
    assert read.model_dump(exclude_unset=True) == made.model_dump(exclude_unset=True)
    assert pickle.loads(pickle.dumps(read)) == made and read.blank == made.blank
    assert read.model_copy(update={"raw": "1"}) == made.model_copy(update={"raw": "1"})
    with pytest.raises(ValidationError):
        read.raw = "x"  # frozen like any Cell


def test_a_place_has_one_shared_locator():
    first = shared_locator("docx", 0, 3, 4)
    assert first == Locator(source="docx", table=0, grid_row=3, grid_col=4)
    assert shared_locator("docx", 0, 3, 4) is first
    assert shared_locator("docx", paragraph=7) == Locator(source="docx", paragraph=7)
    assert shared_locator("html", 0, 3, 4) != first


def test_the_shared_locators_are_bounded(monkeypatch):
    monkeypatch.setattr(model, "_SHARED_MAX", 10)
    for row in range(25):
        shared_locator("docx", 9, row, 0)
    assert len(model._SHARED) <= 10
