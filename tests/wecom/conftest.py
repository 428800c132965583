"""Fixtures: the WeCom face running on the seeded roster (see harness.py)."""

from __future__ import annotations

import pytest

from nianbao.storage import Store
from wecom.harness import running_wecom, seed


@pytest.fixture
async def env(tmp_path):
    store = Store(tmp_path / "nianbao.db")
    seed(store)
    async with running_wecom(tmp_path, store) as environment:
        yield environment
    store.close()
