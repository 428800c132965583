"""Schema migrations, using sqlite-utils' built-in :class:`sqlite_utils.migrations.Migrations`.

Applied migrations are recorded by name in the ``_sqlite_migrations`` table
(migration set ``"nianbao"``); the schema version is the number of applied
migrations of this set, mirrored into ``PRAGMA user_version`` so that
``sqlite3 nianbao.db 'pragma user_version'`` shows it too.

:func:`apply_migrations` runs the whole upgrade inside one ``BEGIN IMMEDIATE``
transaction: two processes opening the same file at once cannot both apply
the same migration (the second waits on ``busy_timeout``, then finds nothing
pending), and a failing migration leaves the file as it was. Consequently
every migration here must be transactional (no ``VACUUM``; ``PRAGMA
foreign_keys`` cannot be toggled - sqlite-utils' ``table.transform()`` copes
by deferring foreign-key checks).

Rules for adding a migration: append a new function (never edit or reorder
applied ones), name it ``mNNNN_what``; enumerated values (levels, roles) are
validated in Python, not with CHECK constraints, so adding one needs no
table rebuild.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

__all__ = [
    "MIGRATION_SET",
    "migrations",
    "apply_migrations",
    "schema_version",
    "latest_version",
    "migration_names",
]

MIGRATION_SET = "nianbao"
migrations = Migrations(MIGRATION_SET)


@migrations()
def m0001_initial(db: Database) -> None:
    """v1: agencies, members, invites, submissions."""
    db.execute(
        """
        CREATE TABLE agencies (
            id          INTEGER PRIMARY KEY,
            name        TEXT    NOT NULL UNIQUE,
            level       TEXT    NOT NULL DEFAULT 'other',
            region      TEXT,
            parent      TEXT,
            active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
            created_at  TEXT    NOT NULL
        )
        """
    )
    db.execute(
        """
        CREATE TABLE members (
            user_id       INTEGER PRIMARY KEY,
            agency_id     INTEGER REFERENCES agencies(id),
            role          TEXT    NOT NULL DEFAULT 'staff',
            display_name  TEXT,
            joined_at     TEXT    NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX members_agency_id ON members(agency_id)")
    db.execute(
        """
        CREATE TABLE invites (
            code        TEXT    PRIMARY KEY,
            agency_id   INTEGER REFERENCES agencies(id),
            role        TEXT    NOT NULL DEFAULT 'staff',
            created_at  TEXT    NOT NULL,
            expires_at  TEXT    NOT NULL,
            used_by     INTEGER,
            used_at     TEXT
        )
        """
    )
    db.execute(
        """
        CREATE TABLE submissions (
            id             INTEGER PRIMARY KEY,
            agency_id      INTEGER NOT NULL REFERENCES agencies(id),
            year           INTEGER NOT NULL,
            received_at    TEXT    NOT NULL,
            user_id        INTEGER,
            file_name      TEXT,
            size           INTEGER,
            sha256         TEXT,
            input_format   TEXT    NOT NULL,
            parsed         INTEGER NOT NULL CHECK (parsed IN (0, 1)),
            error_count    INTEGER NOT NULL DEFAULT 0,
            warning_count  INTEGER NOT NULL DEFAULT 0,
            info_count     INTEGER NOT NULL DEFAULT 0,
            issues_json    TEXT    NOT NULL DEFAULT '[]',
            report_json    TEXT,
            update_id      INTEGER
        )
        """
    )
    db.execute(
        "CREATE INDEX submissions_agency_year_received"
        " ON submissions(agency_id, year, received_at)"
    )
    db.execute(
        "CREATE UNIQUE INDEX submissions_update_id"
        " ON submissions(update_id) WHERE update_id IS NOT NULL"
    )


@migrations()
def m0002_reminders_and_message(db: Database) -> None:
    """v2: ``submissions.message`` (free text, e.g. the read error) and ``reminders_sent``."""
    db.execute("ALTER TABLE submissions ADD COLUMN message TEXT")
    db.execute(
        """
        CREATE TABLE reminders_sent (
            key      TEXT    PRIMARY KEY,
            chat_id  INTEGER NOT NULL,
            sent_at  TEXT    NOT NULL
        )
        """
    )


@migrations()
def m0003_inbox_and_prior_reports(db: Database) -> None:
    """v3: ``inbox`` (every draft journalled before it is checked, so a crash loses nothing)
    and ``prior_reports`` (earlier years' reports, imported or accepted, for year-to-year checks)."""
    db.execute(
        """
        CREATE TABLE inbox (
            update_id      INTEGER PRIMARY KEY,
            chat_id        INTEGER NOT NULL,
            user_id        INTEGER NOT NULL,
            kind           TEXT    NOT NULL,
            file_id        TEXT,
            file_name      TEXT,
            sha256         TEXT,
            state          TEXT    NOT NULL DEFAULT 'received',
            submission_id  INTEGER REFERENCES submissions(id),
            attempts       INTEGER NOT NULL DEFAULT 0,
            received_at    TEXT    NOT NULL,
            answered_at    TEXT,
            note           TEXT
        )
        """
    )
    db.execute("CREATE INDEX inbox_state ON inbox(state)")
    db.execute("CREATE INDEX submissions_sha256 ON submissions(sha256)")
    db.execute(
        """
        CREATE TABLE prior_reports (
            id           INTEGER PRIMARY KEY,
            agency_id    INTEGER NOT NULL REFERENCES agencies(id),
            year         INTEGER NOT NULL,
            source       TEXT    NOT NULL,
            file_name    TEXT,
            sha256       TEXT,
            tables_json  TEXT    NOT NULL,
            imported_at  TEXT    NOT NULL,
            UNIQUE (agency_id, year)
        )
        """
    )


@migrations()
def m0004_inbox_parts_sent(db: Database) -> None:
    """v4: ``inbox.parts_sent``: how many messages of a reply went out, so a retried reply
    resumes where it stopped instead of repeating what the user already has."""
    db.execute("ALTER TABLE inbox ADD COLUMN parts_sent INTEGER NOT NULL DEFAULT 0")


@migrations()
def m0005_inbox_reply(db: Database) -> None:
    """v5: ``inbox.reply_json``: the reply decided when the draft was checked (texts and the
    marked-up file's hash), so a delivery retried later sends exactly that, without checking again."""
    db.execute("ALTER TABLE inbox ADD COLUMN reply_json TEXT")


@migrations()
def m0006_submissions_off_target(db: Database) -> None:
    """v6: ``submissions.off_target``: the draft is another agency's or another year's report.
    It is kept (the attempt is recorded) but never becomes the agency's draft of the year."""
    db.execute("ALTER TABLE submissions ADD COLUMN off_target INTEGER NOT NULL DEFAULT 0")


@migrations()
def m0007_web_desk(db: Database) -> None:
    """v7: the web desk. ``web_accounts`` (people who use only the browser: their member id is
    the negative of the account id, so they never collide with a Telegram user id),
    ``web_logins`` (one-time sign-in links, by the hash of their token), ``web_sessions`` (signed
    cookies point here, so signing out ends them), ``web_settings`` (the cookie-signing secret);
    ``acceptances`` (a supervisor's word over an issue: agency, year, rule and place, who, when,
    why; revoked later, never deleted) and ``explanations`` (staff's note on a warning)."""
    db.execute("CREATE TABLE web_accounts (id INTEGER PRIMARY KEY AUTOINCREMENT, created_at TEXT NOT NULL)")
    db.execute(
        """
        CREATE TABLE web_logins (
            token_hash  TEXT    PRIMARY KEY,
            user_id     INTEGER NOT NULL,
            created_at  TEXT    NOT NULL,
            expires_at  TEXT    NOT NULL,
            used_at     TEXT
        )
        """
    )
    db.execute(
        """
        CREATE TABLE web_sessions (
            id_hash     TEXT    PRIMARY KEY,
            user_id     INTEGER NOT NULL,
            created_at  TEXT    NOT NULL,
            expires_at  TEXT    NOT NULL,
            ended_at    TEXT
        )
        """
    )
    db.execute("CREATE INDEX web_sessions_user ON web_sessions(user_id)")
    db.execute("CREATE TABLE web_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    db.execute(
        """
        CREATE TABLE acceptances (
            id             INTEGER PRIMARY KEY,
            agency_id      INTEGER NOT NULL REFERENCES agencies(id),
            year           INTEGER NOT NULL,
            issue_key      TEXT    NOT NULL,
            code           TEXT    NOT NULL,
            message        TEXT,
            submission_id  INTEGER REFERENCES submissions(id),
            reason         TEXT    NOT NULL,
            accepted_by    INTEGER NOT NULL,
            accepted_at    TEXT    NOT NULL,
            revoked_by     INTEGER,
            revoked_at     TEXT,
            revoke_reason  TEXT
        )
        """
    )
    db.execute("CREATE INDEX acceptances_agency_year ON acceptances(agency_id, year)")
    db.execute(
        """
        CREATE TABLE explanations (
            id             INTEGER PRIMARY KEY,
            agency_id      INTEGER NOT NULL REFERENCES agencies(id),
            year           INTEGER NOT NULL,
            issue_key      TEXT    NOT NULL,
            submission_id  INTEGER REFERENCES submissions(id),
            text           TEXT    NOT NULL,
            user_id        INTEGER NOT NULL,
            created_at     TEXT    NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX explanations_agency_year ON explanations(agency_id, year)")


@migrations()
def m0008_invite_codes_hashed(db: Database) -> None:
    """Invite codes are kept as their SHA-256 only (see ``access.invite_code_key``)."""
    from .access import invite_code_key

    for (code,) in db.execute("SELECT code FROM invites").fetchall():
        db.execute("UPDATE invites SET code = ? WHERE code = ?", (invite_code_key(code), code))


@migrations()
def m0009_audit_log(db: Database) -> None:
    """Who did what: binds, removals, invites, promotions, (de)activations, acceptances."""
    db.execute(
        """
        CREATE TABLE audit_log (
            id          INTEGER PRIMARY KEY,
            at          TEXT    NOT NULL,
            actor       INTEGER,
            action      TEXT    NOT NULL,
            subject     INTEGER,
            agency_id   INTEGER REFERENCES agencies(id),
            detail      TEXT    NOT NULL DEFAULT ''
        )
        """
    )


# v10 on (the campaign, scopes, publications): registered in order by importing them here
from . import migrations_campaign  # noqa: E402,F401


def migration_names() -> list[str]:
    """Names of all migrations this code knows, in order."""
    with Database(memory=True, execute_plugins=False) as empty:
        return [m.name for m in migrations.pending(empty)]


def latest_version() -> int:
    """Schema version this code brings a database to."""
    return len(migration_names())


def schema_version(db: Database) -> int:
    """Number of migrations of this set applied to ``db`` (0 for a fresh file)."""
    return len(migrations.applied(db))


def apply_migrations(db: Database, *, stop_before: str | Iterable[str] | None = None) -> int:
    """Apply pending migrations in one ``BEGIN IMMEDIATE`` transaction; return the version.

    A no-op (besides a short write lock) when nothing is pending.
    ``stop_before`` (a migration name) exists for tests that build an old schema.
    """
    conn = db.conn
    if conn.in_transaction:
        raise RuntimeError("apply_migrations() must not run inside an open transaction")
    conn.execute("BEGIN IMMEDIATE")
    try:
        known = set(migration_names())
        unknown = [m.name for m in migrations.applied(db) if m.name not in known]
        if unknown:
            raise RuntimeError(
                f"database schema is newer than this code (unknown migrations: {unknown})"
            )
        if migrations.pending(db):
            migrations.apply(db, stop_before=stop_before)
        version = schema_version(db)
        if conn.execute("PRAGMA user_version").fetchone()[0] != version:
            conn.execute(f"PRAGMA user_version = {int(version)}")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return version
