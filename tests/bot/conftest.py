"""Fixtures: the real bot running on the seeded roster (see harness.py)."""

from __future__ import annotations

import pytest

from bot.harness import STAFF_CHAGAN, STAFF_OTHER, STAFF_XUEZHANG, SUPERVISOR, running_bot, seed
from nianbao.storage import Store


@pytest.fixture
async def env(tmp_path):
    """The bot running with the seeded roster, its staff and supervisor known to the server."""
    store = Store(tmp_path / "nianbao.db")
    seed(store)
    async with running_bot(tmp_path, store) as environment:
        for user in (STAFF_XUEZHANG, STAFF_CHAGAN, STAFF_OTHER, SUPERVISOR):
            environment.api.add_user(user)
        yield environment
    store.close()
