"""Agencies and the roster: add, import a roster CSV, find by name, rename, (de)activate."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from os import PathLike
from typing import Any, Literal

from ..names import clean_name, distinctive
from .connection import Connection, _ts, writes
from .models import Agency, AgencyNameTaken, AmbiguousAgency, ImportResult, NotFound, _agency
from .roster import normalize_level, parse_roster_csv, roster_word


def _clean_name(name: str) -> str:
    cleaned = clean_name(name)
    if not cleaned:
        raise ValueError("单位名称不能为空")
    return cleaned



class Agencies(Connection):
    @writes
    def add_agency(
        self,
        name: str,
        level: str | None = None,
        region: str | None = None,
        parent: str | None = None,
        *,
        now: datetime | None = None,
    ) -> int:
        """Create an agency, or return the id of the one with this name.

        For an existing agency, ``level``/``region``/``parent`` are updated
        when given (not None). A new agency without level gets "other".
        ``level`` accepts Chinese aliases (乡镇, 县直部门…), kept as written (``level_words``).
        """
        name = _clean_name(name)
        lvl = normalize_level(level) if level is not None else None
        with self._tx() as conn:
            return self._upsert_agency(conn, name, lvl, region, parent, None, _ts(now), roster_word(level))[0]

    def _upsert_agency(
        self,
        conn: sqlite3.Connection,
        name: str,
        level: str | None,
        region: str | None,
        parent: str | None,
        active: bool | None,
        created_at: str,
        level_word: str | None = None,
    ) -> tuple[int, Literal["added", "updated", "unchanged"]]:
        """``level_word``: the level as written, kept whenever a level is given."""
        rows = self._fetch(
            conn, "SELECT id, level, level_word, region, parent, active FROM agencies WHERE name = ?", (name,)
        )
        if not rows:
            cur = conn.execute(
                "INSERT INTO agencies (name, level, level_word, region, parent, active, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (name, level or "other", level_word if level else None, region, parent,
                 1 if active in (None, True) else 0, created_at),
            )
            return int(cur.lastrowid), "added"  # type: ignore[arg-type]
        old = rows[0]
        changes: dict[str, Any] = {}
        if level is not None and level != old["level"]:
            changes["level"] = level
        if level is not None and level_word != old["level_word"]:
            changes["level_word"] = level_word
        if region is not None and region != old["region"]:
            changes["region"] = region
        if parent is not None and parent != old["parent"]:
            changes["parent"] = parent
        if active is not None and int(active) != old["active"]:
            changes["active"] = int(active)
        if not changes:
            return old["id"], "unchanged"
        assignments = ", ".join(f"{col} = ?" for col in changes)  # column names are ours
        conn.execute(
            f"UPDATE agencies SET {assignments} WHERE id = ?", (*changes.values(), old["id"])
        )
        return old["id"], "updated"

    @writes
    def import_roster_csv(
        self, source: str | PathLike[str] | bytes, *, now: datetime | None = None
    ) -> ImportResult:
        """Import a roster CSV (path, raw bytes or text); see :mod:`nianbao.storage.roster`.

        Agencies are matched by name: new ones are added, existing ones get
        the non-empty cells of their row. Valid rows are written in one
        transaction; bad rows are skipped and reported in ``errors``.
        """
        parsed = parse_roster_csv(source)
        added = updated = unchanged = 0
        created_at = _ts(now)
        with self._tx() as conn:
            for row in parsed.rows:
                _, outcome = self._upsert_agency(
                    conn, row.name, row.level, row.region, row.parent, row.active, created_at, row.level_word
                )
                if outcome == "added":
                    added += 1
                elif outcome == "updated":
                    updated += 1
                else:
                    unchanged += 1
        return ImportResult(added=added, updated=updated, errors=list(parsed.errors), unchanged=unchanged)

    def list_agencies(self, active_only: bool = True) -> list[Agency]:
        """Agencies in creation order (= roster order)."""
        sql = "SELECT * FROM agencies"
        if active_only:
            sql += " WHERE active = 1"
        return [_agency(r) for r in self._rows(sql + " ORDER BY id")]

    def agency_places(self) -> list[tuple[str, str | None]]:
        """Every agency's (name, region), deactivated ones too: all that says where regions sit
        (``usecases.scope.Regions``), without making the whole roster's rows."""
        return self._tuples("SELECT name, region FROM agencies ORDER BY id")[1]

    def level_words(self, agency_id: int | None = None) -> dict[int, str]:
        """The level of each agency as its roster wrote it (县直部门), where it was written in
        words of its own; the others are shown by their level's label. ``agency_id``: that
        agency's alone (one agency's page reads one row, not the roster)."""
        only, params = (" AND id = ?", (agency_id,)) if agency_id is not None else ("", ())
        rows = self._rows(f"SELECT id, level_word FROM agencies WHERE level_word IS NOT NULL{only}", params)
        return {row["id"]: row["level_word"] for row in rows}

    def get_agency(self, agency_id: int) -> Agency | None:
        row = self._one("SELECT * FROM agencies WHERE id = ?", (agency_id,))
        return _agency(row) if row else None

    def find_agency(self, name: str, *, include_inactive: bool = False) -> Agency | None:
        """Exact name, else the unique agency whose name contains ``name`` (when ``name`` is more
        than a generic word such as 人民政府).

        Raises :class:`AmbiguousAgency` (with ``candidates``) when several
        names contain it; None when nothing matches or ``name`` is blank.
        Inactive agencies are ignored unless ``include_inactive``.
        """
        query = clean_name(name)
        if not query:
            return None
        active = "" if include_inactive else " AND active = 1"
        exact = self._one(f"SELECT * FROM agencies WHERE name = ?{active}", (query,))
        if exact:
            return _agency(exact)
        if not distinctive(query):  # 「人民政府」 is part of every government's name, not one of them
            return None
        rows = self._rows(f"SELECT * FROM agencies WHERE instr(lower(name), lower(?)) > 0{active} ORDER BY id", (query,))
        if not rows:
            return None
        if len(rows) > 1:
            raise AmbiguousAgency(query, [_agency(r) for r in rows])
        return _agency(rows[0])

    def _update_agency(self, agency_id: int, column: str, value: Any) -> Agency:
        with self._tx() as conn:
            try:
                cur = conn.execute(f"UPDATE agencies SET {column} = ? WHERE id = ?", (value, agency_id))
            except sqlite3.IntegrityError as exc:
                if column == "name":
                    raise AgencyNameTaken(value) from exc
                raise
            if cur.rowcount == 0:
                raise NotFound(f"agency {agency_id} not found")
            return _agency(self._fetch(conn, "SELECT * FROM agencies WHERE id = ?", (agency_id,))[0])

    @writes
    def set_agency_active(self, agency_id: int, active: bool) -> Agency:
        """(De)activate; inactive agencies are 已停用 in the campaign and drop out of find_agency. Raises NotFound."""
        return self._update_agency(agency_id, "active", 1 if active else 0)

    @writes
    def rename_agency(self, agency_id: int, new_name: str) -> Agency:
        """Raises NotFound, or AgencyNameTaken if another agency has the name."""
        return self._update_agency(agency_id, "name", _clean_name(new_name))

    @writes
    def set_agency_level(self, agency_id: int, level: str) -> Agency:
        """``level`` accepts Chinese aliases (kept as written). Raises NotFound / ValueError."""
        value = normalize_level(level)
        with self._tx():
            self._update_agency(agency_id, "level_word", roster_word(level))
            return self._update_agency(agency_id, "level", value)
