"""Persistence for nianbao: every SQL statement of the project lives in this package.

Usage::

    from nianbao.storage import Store, SubmissionIn

    store = Store("var/nianbao.db")
    agency_id = store.add_agency("城关镇", "乡镇")
"""

from . import store as _store
from .files import FileStore
from .migrations import latest_version
from .roster import LEVEL_LABELS, LEVELS, ROLES, normalize_level, normalize_role
from .store import *  # noqa: F403  (its __all__ is the public storage API)

__all__ = [
    *_store.__all__,
    "LEVELS",
    "LEVEL_LABELS",
    "ROLES",
    "normalize_level",
    "normalize_role",
    "latest_version",
    "FileStore",
]
