from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from nianbao.storage import Store


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "nianbao.db"


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    s = Store(db_path)
    yield s
    s.close()
