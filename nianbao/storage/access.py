"""Who may use the bot: members (a Telegram user bound to an agency, or a supervisor/admin) and
the one-time invite codes that bind them."""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
import unicodedata
from datetime import datetime, timedelta

from .audit import audit_row
from .connection import Connection, _check_int, _ts, _utc, writes
from .models import Agency, Invite, InviteError, Member, NotFound, StorageError, _agency, _invite, _member
from .roster import normalize_role

#: Invite-code alphabet: uppercase letters and digits without 0/O/1/I.
INVITE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
INVITE_CODE_LENGTH = 8
INVITE_TTL_DAYS = 14  # how long an invite code stays valid


def normalize_invite_code(code: str) -> str:
    """Canonical form of a typed code: NFKC (full-width → ASCII), no spaces/dashes, upper."""
    text = unicodedata.normalize("NFKC", str(code))
    return "".join(ch for ch in text if ch.isalnum()).upper()


def invite_code_key(code: str) -> str:
    """What the database keeps of a code: its SHA-256 (of the canonical form), never the code,
    so that a copy of the database gives no usable code (a supervisor's acts as a password).
    Codes are random, 40 bits, single use and short-lived; a fast hash is enough."""
    return hashlib.sha256(("nianbao-invite:" + normalize_invite_code(code)).encode()).hexdigest()



class Access(Connection):
    # ----------------------------------------------------------------- members

    @writes
    def bind_member(
        self,
        user_id: int,
        agency_id: int | None,
        role: str = "staff",
        display_name: str | None = None,
        now: datetime | None = None,
        region: str | None = None,
    ) -> Member:
        """Create or rebind a member. ``joined_at`` changes only when the agency changes;
        a None ``display_name`` keeps the stored one. Staff need an agency. ``region``: a
        supervisor's scope (None keeps the stored one; staff have none)."""
        with self._tx() as conn:
            return self._bind(conn, user_id, agency_id, role, display_name, _ts(now), region)

    def _bind(
        self,
        conn: sqlite3.Connection,
        user_id: int,
        agency_id: int | None,
        role: str,
        display_name: str | None,
        joined_at: str,
        region: str | None = None,
    ) -> Member:
        _check_int("user_id", user_id)
        role = normalize_role(role)
        if agency_id is None and role == "staff":
            raise ValueError("staff members must belong to an agency")
        if agency_id is not None and not self._fetch(
            conn, "SELECT 1 AS x FROM agencies WHERE id = ?", (agency_id,)
        ):
            raise NotFound(f"agency {agency_id} not found")
        conn.execute(
            """
            INSERT INTO members (user_id, agency_id, role, display_name, joined_at, region)
            VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (user_id) DO UPDATE SET
                role = excluded.role,
                display_name = COALESCE(excluded.display_name, members.display_name),
                region = CASE WHEN excluded.role = 'staff' THEN NULL ELSE COALESCE(excluded.region, members.region) END,
                joined_at = CASE WHEN members.agency_id IS excluded.agency_id
                                 THEN members.joined_at ELSE excluded.joined_at END,
                agency_id = excluded.agency_id
            """,
            (user_id, agency_id, role, display_name, joined_at, None if role == "staff" else region),
        )
        return _member(self._fetch(conn, "SELECT * FROM members WHERE user_id = ?", (user_id,))[0])

    def get_member(self, user_id: int) -> Member | None:
        row = self._one("SELECT * FROM members WHERE user_id = ?", (user_id,))
        return _member(row) if row else None

    def member_names(self, user_ids) -> dict[int, str]:
        """The names of these people that are known (members with a name), in one read."""
        wanted = sorted({int(u) for u in user_ids if u is not None})
        if not wanted:
            return {}
        marks = ", ".join("?" * len(wanted))
        rows = self._rows(
            f"SELECT user_id, display_name FROM members WHERE user_id IN ({marks}) AND display_name IS NOT NULL", wanted
        )
        return {row["user_id"]: row["display_name"] for row in rows}

    @writes
    def name_member(self, user_id: int, name: str, *, actor: int | None = None, now: datetime | None = None) -> Member:
        """Give a member their name (as they wrote it on the web desk); audited. NotFound for
        someone who is not a member."""
        name = " ".join(str(name).split())
        if not name:
            raise ValueError("a name cannot be empty")
        with self._tx() as conn:
            rows = self._fetch(conn, "SELECT * FROM members WHERE user_id = ?", (user_id,))
            if not rows:
                raise NotFound(f"member {user_id} not found")
            conn.execute("UPDATE members SET display_name = ? WHERE user_id = ?", (name, user_id))
            audit_row(
                conn, "name", at=_ts(now), actor=user_id if actor is None else actor, subject=user_id,
                agency_id=rows[0]["agency_id"], detail=name,
            )
            return _member(self._fetch(conn, "SELECT * FROM members WHERE user_id = ?", (user_id,))[0])

    def member_agency(self, user_id: int) -> Agency | None:
        """The agency a staff member is bound to (None for supervisors and strangers)."""
        row = self._one(
            "SELECT a.* FROM members m JOIN agencies a ON a.id = m.agency_id"
            " WHERE m.user_id = ? AND m.role = 'staff'",
            (user_id,),
        )
        return _agency(row) if row else None

    @writes
    def set_role(self, user_id: int, role: str) -> Member:
        """Raises NotFound, or ValueError for an unknown role / staff without agency."""
        role = normalize_role(role)
        with self._tx() as conn:
            rows = self._fetch(conn, "SELECT * FROM members WHERE user_id = ?", (user_id,))
            if not rows:
                raise NotFound(f"member {user_id} not found")
            if role == "staff" and rows[0]["agency_id"] is None:
                raise ValueError("staff members must belong to an agency")
            conn.execute("UPDATE members SET role = ? WHERE user_id = ?", (role, user_id))
            return _member(self._fetch(conn, "SELECT * FROM members WHERE user_id = ?", (user_id,))[0])

    def list_members(self, agency_id: int | None = None, role: str | None = None) -> list[Member]:
        """Members, optionally filtered by agency and/or role, oldest first."""
        where, params = [], []
        if agency_id is not None:
            where.append("agency_id = ?")
            params.append(agency_id)
        if role is not None:
            where.append("role = ?")
            params.append(normalize_role(role))
        sql = "SELECT * FROM members"
        if where:
            sql += " WHERE " + " AND ".join(where)
        return [_member(r) for r in self._rows(sql + " ORDER BY joined_at, user_id", params)]

    @writes
    def remove_member(self, user_id: int, *, actor: int | None = None, now: datetime | None = None) -> bool:
        """Unbind a user; True if they were a member. Recorded in the audit log."""
        with self._tx() as conn:
            found = self._fetch(conn, "SELECT agency_id FROM members WHERE user_id = ?", (user_id,))
            removed = conn.execute("DELETE FROM members WHERE user_id = ?", (user_id,)).rowcount > 0
            if removed:
                audit_row(conn, "remove", at=_ts(now), actor=actor, subject=user_id, agency_id=found[0]["agency_id"])
            return removed

    # ----------------------------------------------------------------- invites

    @writes
    def create_invite(
        self,
        agency_id: int | None,
        role: str = "staff",
        ttl_days: float = INVITE_TTL_DAYS,
        now: datetime | None = None,
        actor: int | None = None,
        region: str | None = None,
    ) -> str:
        """New single-use code (8 chars of :data:`INVITE_ALPHABET`) valid ``ttl_days``.

        ``agency_id`` may be None for supervisor/admin invites. Raises
        NotFound for an unknown agency, ValueError for a bad role/ttl.
        """
        role = normalize_role(role)
        if agency_id is None and role == "staff":
            raise ValueError("a staff invite needs an agency")
        if not ttl_days > 0:
            raise ValueError("ttl_days must be positive")
        created = _utc(now)
        expires = created + timedelta(days=ttl_days)
        with self._tx() as conn:
            if agency_id is not None and not self._fetch(
                conn, "SELECT 1 AS x FROM agencies WHERE id = ?", (agency_id,)
            ):
                raise NotFound(f"agency {agency_id} not found")
            for _ in range(20):
                code = "".join(secrets.choice(INVITE_ALPHABET) for _ in range(INVITE_CODE_LENGTH))
                cur = conn.execute(
                    "INSERT INTO invites (code, agency_id, role, created_at, expires_at, region)"
                    " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (code) DO NOTHING",
                    (invite_code_key(code), agency_id, role, _ts(created), _ts(expires), region),
                )
                if cur.rowcount == 1:
                    audit_row(conn, "invite", at=_ts(created), actor=actor, agency_id=agency_id, detail=role)
                    return code
        raise StorageError("could not generate a unique invite code")  # pragma: no cover

    def live_invites(self, role: str = "staff", now: datetime | None = None) -> dict[int, list[datetime]]:
        """The unused, unexpired codes of each agency (for ``role``): when each expires."""
        rows = self._rows(
            "SELECT agency_id, expires_at FROM invites WHERE role = ? AND used_by IS NULL AND expires_at > ?"
            " AND agency_id IS NOT NULL ORDER BY expires_at",
            (normalize_role(role), _ts(now)),
        )
        live: dict[int, list[datetime]] = {}
        for row in rows:
            live.setdefault(row["agency_id"], []).append(datetime.fromisoformat(row["expires_at"]))
        return live

    @writes
    def revoke_invites(
        self, agency_id: int, role: str = "staff", *, actor: int | None = None, now: datetime | None = None
    ) -> int:
        """The agency's earlier unused codes (for ``role``) no longer work: marked expired now (a
        person typing one is told it has expired). How many; audited when any."""
        moment = _ts(now)
        with self._tx() as conn:
            revoked = conn.execute(
                "UPDATE invites SET expires_at = ? WHERE agency_id = ? AND role = ? AND used_by IS NULL AND expires_at > ?",
                (moment, agency_id, normalize_role(role), moment),
            ).rowcount
            if revoked:
                audit_row(conn, "revoke_invite", at=moment, actor=actor, agency_id=agency_id, detail=str(revoked))
            return revoked

    def get_invite(self, code: str) -> Invite | None:
        """Look an invite up (code normalised like redeem_invite)."""
        row = self._one("SELECT * FROM invites WHERE code = ?", (invite_code_key(code),))
        return _invite(row) if row else None

    @writes
    def redeem_invite(
        self,
        code: str,
        user_id: int,
        display_name: str | None = None,
        now: datetime | None = None,
    ) -> Member:
        """Use an invite: binds the user to its agency and role, in one transaction.

        The code is case-insensitive (also tolerates spaces, dashes and
        full-width characters). Raises :class:`InviteError` with ``reason``
        "unknown", "used" (even by the same user) or "expired" (at or after
        ``expires_at``).
        """
        norm = normalize_invite_code(code)
        moment = _utc(now)
        with self._tx() as conn:
            key = invite_code_key(norm)
            rows = self._fetch(conn, "SELECT * FROM invites WHERE code = ?", (key,))
            if not rows:
                raise InviteError("unknown", norm)
            invite = _invite(rows[0])
            if invite.used_by is not None:
                raise InviteError("used", norm, used_by=invite.used_by)
            if moment >= invite.expires_at:
                raise InviteError("expired", norm)
            conn.execute(
                "UPDATE invites SET used_by = ?, used_at = ? WHERE code = ? AND used_by IS NULL",
                (user_id, _ts(moment), key),
            )
            audit_row(conn, "bind", at=_ts(moment), actor=user_id, subject=user_id, agency_id=invite.agency_id, detail=invite.role)
            return self._bind(conn, user_id, invite.agency_id, invite.role, display_name, _ts(moment), invite.region)
