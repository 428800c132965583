"""Persistence for nianbao: every SQL statement of the project lives in this package.

Usage::

    from nianbao.storage import Store, SubmissionIn

    store = Store("var/nianbao.db")
    agency_id = store.add_agency("城关镇", "乡镇")
"""

from .migrations import latest_version
from .roster import LEVEL_LABELS, LEVELS, ROLES, normalize_level, normalize_role
from .store import (
    INVITE_ALPHABET,
    INVITE_CODE_LENGTH,
    STATES,
    Agency,
    AgencyNameTaken,
    AgencyStatus,
    AmbiguousAgency,
    ImportResult,
    Invite,
    InviteError,
    Member,
    NotFound,
    StorageError,
    Store,
    Submission,
    SubmissionIn,
    normalize_invite_code,
)

__all__ = [
    "Store",
    "Agency",
    "Member",
    "Invite",
    "SubmissionIn",
    "Submission",
    "AgencyStatus",
    "ImportResult",
    "StorageError",
    "NotFound",
    "AgencyNameTaken",
    "AmbiguousAgency",
    "InviteError",
    "LEVELS",
    "LEVEL_LABELS",
    "ROLES",
    "STATES",
    "INVITE_ALPHABET",
    "INVITE_CODE_LENGTH",
    "normalize_level",
    "normalize_role",
    "normalize_invite_code",
    "latest_version",
]
