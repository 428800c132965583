"""Sign-in for the web desk: browser-only accounts, one-time login links, personal sign-in codes
(a person's way back after signing out), sessions, and the secret that signs the cookies. Tokens
and codes are kept only as their SHA-256, so a copy of the database does not let anyone sign in."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from .access import INVITE_ALPHABET, normalize_invite_code
from .audit import audit_row
from .connection import Connection, _ts, _utc, writes
from .models import InviteError, StorageError, _dt

__all__ = ["LoginLinkError", "PersonalCode", "WebAccess", "WebSession", "PERSONAL_CODE_LENGTH", "personal_code_shape"]

LinkFailure = Literal["unknown", "used", "expired"]


class LoginLinkError(StorageError):
    """A one-time link that cannot sign anyone in (``reason``: unknown, used or expired)."""

    def __init__(self, reason: LinkFailure) -> None:
        super().__init__(f"login link {reason}")
        self.reason = reason


@dataclass(frozen=True, slots=True)
class WebSession:
    user_id: int
    created_at: datetime
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class PersonalCode:
    """When a person's current personal code was made, and by whom (themselves or a colleague)."""

    user_id: int
    created_at: datetime
    created_by: int | None


# 12 characters of the invite alphabet (60 bits), typed as ABCD-EFGH-JKLM: never expires, one
# per person (a new one replaces it), so it is longer than an 8-character invite code; wrong
# guesses are throttled with the invite codes'.
PERSONAL_CODE_LENGTH = 12


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _personal_key(code: str) -> str:
    return hashlib.sha256(("nianbao-personal:" + normalize_invite_code(code)).encode()).hexdigest()


def personal_code_shape(code: str) -> bool:
    """Whether a typed code has the length of a personal code (dashes, spaces and case aside)."""
    return len(normalize_invite_code(code)) == PERSONAL_CODE_LENGTH


class WebAccess(Connection):
    """Web sign-in records (an area of the store)."""

    @writes
    def web_secret(self) -> str:
        """The cookie-signing secret: made once, then the same for every process on this database."""
        with self._tx() as conn:
            conn.execute(
                "INSERT INTO web_settings (key, value) VALUES ('secret', ?) ON CONFLICT (key) DO NOTHING",
                (secrets.token_urlsafe(32),),
            )
            return conn.execute("SELECT value FROM web_settings WHERE key = 'secret'").fetchone()[0]

    @writes
    def new_web_account(self, now: datetime | None = None) -> int:
        """A person who signs in with a browser only: returns their member id (negative, so it
        never meets a Telegram user id; invites bind it like any member)."""
        with self._tx() as conn:
            cursor = conn.execute("INSERT INTO web_accounts (created_at) VALUES (?)", (_ts(now),))
            return -int(cursor.lastrowid)

    @writes
    def redeem_for_new_account(self, code: str, display_name: str | None = None, now: datetime | None = None) -> int:
        """Sign a browser-only person in with an invite code: a new account bound by the invite,
        in one transaction. An unknown, used or expired code raises ``InviteError`` (as
        ``redeem_invite``) and leaves no account behind. An unknown code is told apart by a
        read, without taking the write lock (a guesser's codes are mostly unknown)."""
        if self.get_invite(code) is None:
            raise InviteError("unknown", normalize_invite_code(code))
        with self._tx() as conn:
            cursor = conn.execute("INSERT INTO web_accounts (created_at) VALUES (?)", (_ts(now),))
            user_id = -int(cursor.lastrowid)
            self.redeem_invite(code, user_id, display_name=display_name, now=now)  # a savepoint inside
            return user_id

    @writes
    def issue_personal_code(self, user_id: int, *, by: int | None = None, now: datetime | None = None) -> str:
        """A new personal sign-in code for ``user_id`` (the old one, if any, stops working), as
        it is shown once: ABCD-EFGH-JKLM. ``by``: who made it (None: the person themselves at
        their first sign-in, or the command line). Audited."""
        code = "".join(secrets.choice(INVITE_ALPHABET) for _ in range(PERSONAL_CODE_LENGTH))
        moment = _ts(now)
        with self._tx() as conn:
            conn.execute(
                "INSERT INTO personal_codes (user_id, code_hash, created_at, created_by) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (user_id) DO UPDATE SET code_hash = excluded.code_hash,"
                " created_at = excluded.created_at, created_by = excluded.created_by",
                (user_id, _personal_key(code), moment, by),
            )
            agency = conn.execute("SELECT agency_id FROM members WHERE user_id = ?", (user_id,)).fetchone()
            audit_row(
                conn, "login_code", at=moment, actor=user_id if by is None else by, subject=user_id,
                agency_id=agency[0] if agency else None,
            )
        return "-".join(code[i : i + 4] for i in range(0, PERSONAL_CODE_LENGTH, 4))

    def personal_code_user(self, code: str) -> int | None:
        """Whose personal code this is (None: nobody's, or replaced since)."""
        if not personal_code_shape(code):
            return None
        row = self._one("SELECT user_id FROM personal_codes WHERE code_hash = ?", (_personal_key(code),))
        return int(row["user_id"]) if row else None

    def personal_codes(self, user_ids) -> dict[int, PersonalCode]:
        """The current personal code of each of these people who has one (when, by whom)."""
        wanted = sorted({int(u) for u in user_ids})
        if not wanted:
            return {}
        marks = ", ".join("?" * len(wanted))
        rows = self._rows(f"SELECT * FROM personal_codes WHERE user_id IN ({marks})", wanted)
        return {r["user_id"]: PersonalCode(r["user_id"], _dt(r["created_at"]), r["created_by"]) for r in rows}

    def last_sign_ins(self, user_ids) -> dict[int, datetime]:
        """When each of these people last signed in to the web desk (those who ever did)."""
        wanted = sorted({int(u) for u in user_ids})
        if not wanted:
            return {}
        marks = ", ".join("?" * len(wanted))
        rows = self._rows(
            f"SELECT user_id, MAX(created_at) AS at FROM web_sessions WHERE user_id IN ({marks}) GROUP BY user_id", wanted
        )
        return {r["user_id"]: _dt(r["at"]) for r in rows}

    @writes
    def create_login_link(self, user_id: int, ttl: timedelta, now: datetime | None = None) -> str:
        """A one-time token for ``user_id``, valid ``ttl``; only its hash is stored."""
        token = secrets.token_urlsafe(24)
        created = _utc(now)
        with self._tx() as conn:
            conn.execute(
                "INSERT INTO web_logins (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
                (_hash(token), user_id, _ts(created), _ts(created + ttl)),
            )
        return token

    def check_login_link(self, token: str, now: datetime | None = None) -> int:
        """The user a link is for, without using it up; LoginLinkError when it cannot be used."""
        row = self._one("SELECT * FROM web_logins WHERE token_hash = ?", (_hash(token),))
        return self._usable(row, _utc(now))

    @writes
    def use_login_link(self, token: str, now: datetime | None = None) -> int:
        """Use a link up (once, atomically); the user it signs in."""
        moment = _utc(now)
        with self._tx() as conn:
            found = self._fetch(conn, "SELECT * FROM web_logins WHERE token_hash = ?", (_hash(token),))
            user_id = self._usable(found[0] if found else None, moment)
            conn.execute("UPDATE web_logins SET used_at = ? WHERE token_hash = ?", (_ts(moment), _hash(token)))
            return user_id

    @staticmethod
    def _usable(row: dict | None, moment: datetime) -> int:
        if row is None:
            raise LoginLinkError("unknown")
        if row["used_at"] is not None:
            raise LoginLinkError("used")
        if moment >= _dt(row["expires_at"]):
            raise LoginLinkError("expired")
        return int(row["user_id"])

    @writes
    def start_web_session(self, user_id: int, expires_at: datetime, now: datetime | None = None) -> str:
        """A new session; returns its id (for the signed cookie; only its hash is stored)."""
        session_id = secrets.token_urlsafe(24)
        with self._tx() as conn:
            conn.execute(
                "INSERT INTO web_sessions (id_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
                (_hash(session_id), user_id, _ts(now), _ts(expires_at)),
            )
        return session_id

    def web_session(self, session_id: str, now: datetime | None = None) -> WebSession | None:
        """The live session with this id (None when unknown, ended or expired)."""
        row = self._one(
            "SELECT user_id, created_at, expires_at FROM web_sessions WHERE id_hash = ? AND ended_at IS NULL",
            (_hash(session_id),),
        )
        if row is None or _utc(now) >= _dt(row["expires_at"]):
            return None
        return WebSession(int(row["user_id"]), _dt(row["created_at"]), _dt(row["expires_at"]))

    @writes
    def end_web_session(self, session_id: str, now: datetime | None = None) -> None:
        with self._tx() as conn:
            conn.execute(
                "UPDATE web_sessions SET ended_at = ? WHERE id_hash = ? AND ended_at IS NULL",
                (_ts(now), _hash(session_id)),
            )
