"""Migrations from v10 on (see ``migrations`` for the rules: append, never edit or reorder):
the campaign state's columns, a supervisor's scope, publications, outlier notes, the figures kept for the sum."""

from __future__ import annotations

from sqlite_utils import Database

from .migrations import migrations


@migrations()
def m0010_campaign_state(db: Database) -> None:
    """v10: what an agency's campaign state is read from without opening its reports: where each
    draft came from (``source``: chat, web, cli), why an off-target draft does not count
    (``off_target_reason``: S104 another agency's, Y108 another year's), and whether its tables
    can be summed, as they are and with blanks as 0 (``sum_problem``, ``sum_problem_zeros``: None
    when they can); the same for imported reports; and ``notices``, what a person is to be told
    the next time they open a face (a supervisor's word on their draft)."""
    import json

    from ..validators.identities import summability

    for table in ("submissions", "prior_reports"):
        db.execute(f"ALTER TABLE {table} ADD COLUMN sum_problem TEXT")
        db.execute(f"ALTER TABLE {table} ADD COLUMN sum_problem_zeros TEXT")
    db.execute("ALTER TABLE submissions ADD COLUMN source TEXT")
    db.execute("ALTER TABLE submissions ADD COLUMN off_target_reason TEXT")
    db.execute(
        "UPDATE submissions SET source = CASE WHEN EXISTS (SELECT 1 FROM inbox i WHERE i.submission_id = submissions.id"
        " AND i.kind = 'upload') THEN 'web' ELSE 'chat' END"
    )
    rows = db.execute("SELECT id, report_json, issues_json, off_target FROM submissions WHERE parsed = 1").fetchall()
    for submission_id, report_json, issues_json, off_target in rows:
        tables = (json.loads(report_json) or {}).get("tables") if report_json else None
        codes = {issue.get("code") for issue in json.loads(issues_json or "[]")}
        reason = ("S104" if "S104" in codes else "Y108" if "Y108" in codes else None) if off_target else None
        db.execute(
            "UPDATE submissions SET sum_problem = ?, sum_problem_zeros = ?, off_target_reason = ? WHERE id = ?",
            (*summability(tables), reason, submission_id),
        )
    for agency_id, year, tables_json in db.execute("SELECT agency_id, year, tables_json FROM prior_reports").fetchall():
        db.execute(
            "UPDATE prior_reports SET sum_problem = ?, sum_problem_zeros = ? WHERE agency_id = ? AND year = ?",
            (*summability(json.loads(tables_json)), agency_id, year),
        )
    db.execute(
        """
        CREATE TABLE notices (
            id          INTEGER PRIMARY KEY,
            user_id     INTEGER NOT NULL,
            agency_id   INTEGER REFERENCES agencies(id),
            text        TEXT    NOT NULL,
            created_at  TEXT    NOT NULL,
            seen_at     TEXT
        )
        """
    )
    db.execute("CREATE INDEX notices_unseen ON notices (user_id) WHERE seen_at IS NULL")


@migrations()
def m0011_scope_and_publications(db: Database) -> None:
    """v11: a supervisor's scope (``members.region``, and ``invites.region`` for the supervisor an
    invite makes: the region and everything under it; NULL: all), and ``publications``: what an
    agency published, compared with the draft that was reviewed."""
    db.execute("ALTER TABLE members ADD COLUMN region TEXT")
    db.execute("ALTER TABLE invites ADD COLUMN region TEXT")
    db.execute(
        """
        CREATE TABLE publications (
            id              INTEGER PRIMARY KEY,
            agency_id       INTEGER NOT NULL REFERENCES agencies(id),
            year            INTEGER NOT NULL,
            submission_id   INTEGER REFERENCES submissions(id),
            file_name       TEXT,
            sha256          TEXT,
            url             TEXT,
            published_on    TEXT,
            on_time         INTEGER,
            matches         INTEGER NOT NULL DEFAULT 0,
            differences_json TEXT NOT NULL DEFAULT '[]',
            checked_at      TEXT NOT NULL,
            checked_by      INTEGER
        )
        """
    )
    db.execute("CREATE INDEX publications_agency_year ON publications (agency_id, year, checked_at)")


@migrations()
def m0012_outlier_notes(db: Database) -> None:
    """v12: a supervisor's word on an outlier of an agency's figures (confirmed as a real change,
    or dismissed as nothing to look at), with a note; kept, never deleted (a later word on the
    same figure is the one that counts)."""
    db.execute(
        """
        CREATE TABLE outlier_notes (
            id          INTEGER PRIMARY KEY,
            agency_id   INTEGER NOT NULL REFERENCES agencies(id),
            year        INTEGER NOT NULL,
            figure      TEXT    NOT NULL,
            verdict     TEXT    NOT NULL,
            note        TEXT    NOT NULL,
            user_id     INTEGER NOT NULL,
            created_at  TEXT    NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX outlier_notes_agency_year ON outlier_notes (agency_id, year)")


@migrations()
def m0013_campaign_indexes(db: Database) -> None:
    """v13: the campaign read without the drafts' JSON (the later columns sit after it in a row, so
    reading them from the table walks its overflow pages); a draft's journal entry by its submission."""
    db.execute(
        "CREATE INDEX submissions_standing ON submissions(year, agency_id, off_target, parsed, received_at, id,"
        " error_count, warning_count, info_count, user_id, file_name, size, sha256, input_format, update_id,"
        " message, off_target_reason, source, sum_problem, sum_problem_zeros)"
    )
    db.execute("CREATE INDEX inbox_submission ON inbox(submission_id) WHERE submission_id IS NOT NULL")


@migrations()
def m0014_people_and_roster_words(db: Database) -> None:
    """v14: people who come back to the web desk, and the roster's own words. ``personal_codes``:
    a person's long-lived sign-in code for the web desk (one a person, by its SHA-256 only; a new
    one replaces the old), who made it and when; ``agencies.level_word``: the level as the roster
    wrote it (县直部门), shown instead of the level's label where the roster gave one."""
    db.execute(
        """
        CREATE TABLE personal_codes (
            user_id     INTEGER PRIMARY KEY,
            code_hash   TEXT    NOT NULL UNIQUE,
            created_at  TEXT    NOT NULL,
            created_by  INTEGER
        )
        """
    )
    db.execute("ALTER TABLE agencies ADD COLUMN level_word TEXT")


@migrations()
def m0015_figures_for_the_sum(db: Database) -> None:
    """v15: each report's figures as the county's sum reads them (``storage.figures``: every
    standard cell's number, in the template's order), kept beside it so that summing thousands of
    agencies no longer opens each report's JSON: a draft's in ``submission_figures`` (a small row
    of its own: read for every agency, never through the drafts' large rows), an imported
    report's in ``prior_reports.figures_json``. A draft's figures go when its report does (the
    trigger: a purged draft is summed as it now reads, without tables)."""
    import json

    from .figures import figures_json

    db.execute(
        """
        CREATE TABLE submission_figures (
            submission_id   INTEGER PRIMARY KEY REFERENCES submissions(id) ON DELETE CASCADE,
            figures_json    TEXT    NOT NULL
        )
        """
    )
    db.execute(
        "CREATE TRIGGER submission_figures_go_with_the_report AFTER UPDATE OF report_json ON submissions"
        " WHEN NEW.report_json IS NULL BEGIN DELETE FROM submission_figures WHERE submission_id = NEW.id; END"
    )
    db.execute("ALTER TABLE prior_reports ADD COLUMN figures_json TEXT")
    for submission_id, report_json in db.execute("SELECT id, report_json FROM submissions WHERE report_json IS NOT NULL").fetchall():
        kept = figures_json((json.loads(report_json) or {}).get("tables"))
        if kept is not None:
            db.execute("INSERT INTO submission_figures (submission_id, figures_json) VALUES (?, ?)", (submission_id, kept))
    for agency_id, year, tables_json in db.execute("SELECT agency_id, year, tables_json FROM prior_reports").fetchall():
        db.execute(
            "UPDATE prior_reports SET figures_json = ? WHERE agency_id = ? AND year = ?",
            (figures_json(json.loads(tables_json)), agency_id, year),
        )
