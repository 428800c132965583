"""WeCom people and messages as the integers the store keys them by.

A WeCom UserID (``zhangsan``, 1-64 characters, case-insensitive) becomes a member id in a range of
its own, below every id Telegram gives a chat and every web-only account (small negatives): the
store needs no column of ours, a bound member stays bound across restarts, and no other face
mistakes the id for one of its chats (Telegram and the web desk write to ids above zero only, or
to their own accounts). The same UserID always gives the same id, so a supervisor's id can be
worked out before they ever write (``python -m nianbao.wecom.ids zhangsan``).

A callback's journal id (the draft journal's key, which makes a retried callback a repeat) is in
a range above every Telegram update id: ``MsgId`` for a message, the sender and time for an event.
"""

from __future__ import annotations

import hashlib
import sys

USER_BASE = 3 * 10**15  # member ids -3e15 - h, h < 1e15: no Telegram chat or web account is there
USER_SPAN = 10**15
JOURNAL_BASE = 1 << 62  # journal ids 2^62 + h, h < 2^62: far above Telegram's update ids
JOURNAL_SPAN = 1 << 62


def _digest(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big")


def member_id(user: str) -> int:
    """The member id of a WeCom UserID (the same for any case of it)."""
    return -(USER_BASE + _digest("wecom-user:" + user.strip().lower()) % USER_SPAN)


def is_wecom_member(user_id: int) -> bool:
    return -(USER_BASE + USER_SPAN) < user_id <= -USER_BASE


def journal_id(key: str) -> int:
    """The journal id of a callback: ``msg:<MsgId>``, ``event:<user>:<time>:<what>``, ``paste:<first id>``."""
    return JOURNAL_BASE + _digest("wecom:" + key) % JOURNAL_SPAN


class Directory:
    """Which WeCom UserID a member id is: from every callback seen, the configured supervisors
    and admins, and the members the store has bound (their display name is their UserID, and it
    must give their id back)."""

    def __init__(self) -> None:
        self._users: dict[int, str] = {}

    def add(self, user: str) -> int:
        user_id = member_id(user)
        self._users[user_id] = user
        return user_id

    def learn(self, user_id: int, display_name: str | None) -> None:
        if display_name and member_id(display_name) == user_id:
            self._users.setdefault(user_id, display_name)

    def user(self, user_id: int) -> str | None:
        return self._users.get(user_id)

    def __contains__(self, user_id: int) -> bool:
        return user_id in self._users


def main(argv: list[str]) -> int:
    """Print the member id of each UserID given (for NIANBAO_SUPERVISORS or ``nianbao web-login``)."""
    if not argv:
        print("usage: python -m nianbao.wecom.ids USERID [USERID...]", file=sys.stderr)
        return 2
    for user in argv:
        print(f"{user}\t{member_id(user)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
