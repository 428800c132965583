"""Who a person is to nianbao: the roles a member holds (one Chinese label each), and the ranks
that say what a role may use, for chat commands and web pages alike."""

from __future__ import annotations

import enum

from .labelled import Labelled


class Role(Labelled):
    STAFF = "staff", "工作人员"
    SUPERVISOR = "supervisor", "督导员"
    ADMIN = "admin", "管理员"


ROLES: tuple[str, ...] = tuple(Role.labels())
SUPERVISING: tuple[Role, ...] = (Role.SUPERVISOR, Role.ADMIN)


def normalize_role(value: str) -> str:
    """Canonical role (staff / supervisor / admin, or its Chinese label); ``ValueError`` if unknown."""
    text = str(value).strip()
    for role in Role:
        if text.lower() == role.value or text == role.label:
            return role.value
    raise ValueError(f"未知的角色“{value}”，可用：{'/'.join(ROLES)}")


class Rank(enum.IntEnum):
    """What a person may use; each rank may use what the ones below it may."""

    ANYONE = 0
    MEMBER = 1  # bound: staff of an agency, a supervisor or an admin
    SUPERVISOR = 2
    ADMIN = 3

    @classmethod
    def of(cls, role: str | None) -> "Rank":
        """A person's rank from their role, the enum or its stored value (None: not a member)."""
        ranks = {Role.STAFF.value: cls.MEMBER, Role.SUPERVISOR.value: cls.SUPERVISOR, Role.ADMIN.value: cls.ADMIN}
        return ranks.get(str(role) if role else "", cls.ANYONE)

    @property
    def label(self) -> str:
        return RANK_LABELS[self]


RANK_LABELS = {Rank.ANYONE: "所有人", Rank.MEMBER: "已绑定的用户", Rank.SUPERVISOR: "督导员", Rank.ADMIN: "管理员"}
