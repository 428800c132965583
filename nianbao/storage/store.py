"""SQLite persistence for nianbao: ``Store``, a thin facade over the areas of the database.

Every SQL statement of the project lives in this package, one module per area: connections and
transactions (``connection``), what comes back (``models``), agencies and the roster
(``agencies``), members and invites (``access``), submissions, the draft journal (``journal``),
earlier years (``history``), the county picture (``statistics``) and reminders. ``Store`` joins
them, so callers keep one object and its method names. The storage knows nothing about Telegram
or the report checker: issues and parsed reports arrive as JSON-able Python objects and are
stored as JSON text.

Timestamps are stored as ISO-8601 UTC text with microseconds
(``2025-01-05T08:00:00.000000+00:00``), fixed width so that text order is
time order, and returned as timezone-aware :class:`datetime` objects. Every
method that stamps a time takes ``now`` (default: current UTC time); a naive
``now`` is taken to be UTC.
"""

from __future__ import annotations

from ..states import STATES
from .access import INVITE_ALPHABET, INVITE_CODE_LENGTH, INVITE_TTL_DAYS, Access, normalize_invite_code
from .acceptances import Acceptances
from .agencies import Agencies
from .campaign import AgencyState, Campaign, SetAside
from .audit import Audit, AuditEvent
from .connection import BUSY_TIMEOUT_MS, Connection
from .desk import DeskReads
from .history import History
from .journal import Journal
from .notices import Notice, Notices
from .publications import Publication, Publications
from .outliers import OutlierNote, OutlierNotes
from .models import (
    Agency,
    AgencyNameTaken,
    AmbiguousAgency,
    ImportResult,
    InboxEntry,
    Invite,
    InviteError,
    Member,
    NotFound,
    StoredReport,
    StorageError,
    Submission,
    SubmissionIn,
)
from .reminders import Reminders
from .retention import Retention
from .statistics import Statistics
from .submissions import Submissions
from .web_access import WebAccess

__all__ = [
    "STATES",
    "BUSY_TIMEOUT_MS",
    "INVITE_ALPHABET",
    "INVITE_CODE_LENGTH",
    "INVITE_TTL_DAYS",
    "Agency",
    "AgencyState",
    "SetAside",
    "Notice",
    "OutlierNote",
    "Publication",
    "Member",
    "Invite",
    "SubmissionIn",
    "Submission",
    "ImportResult",
    "InboxEntry",
    "StoredReport",
    "StorageError",
    "NotFound",
    "AgencyNameTaken",
    "AmbiguousAgency",
    "InviteError",
    "Store",
    "normalize_invite_code",
]


class Store(
    Campaign, Agencies, Access, Audit, Acceptances, Retention, Submissions, Journal, History, Statistics, Reminders, WebAccess, DeskReads, Notices, OutlierNotes,
    Publications, Connection,
):
    """The database: one SQLite file (see ``Connection`` for connections, locks and transactions),
    with every area's methods."""
