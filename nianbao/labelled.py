"""A vocabulary as an enum: each member a stored value (a ``str``, so it compares equal to what the
database and JSON hold) with one Chinese label."""

from __future__ import annotations

import enum


class Labelled(str, enum.Enum):
    label: str

    def __new__(cls, value: str, label: str):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    def __str__(self) -> str:
        return self.value

    @classmethod
    def labels(cls) -> dict[str, str]:
        """value -> label, in declaration order."""
        return {member.value: member.label for member in cls}
