"""Agency levels: the one vocabulary the engine, the storage and the bot share, one Chinese
label each."""

from __future__ import annotations

import enum


class Level(str, enum.Enum):
    """A ``str`` enum: it compares equal to its value, as stored and as the engine passes it."""

    def __new__(cls, value: str, label: str) -> "Level":
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    def __str__(self) -> str:
        return self.value

    TOWNSHIP = "township", "乡镇（街道）"
    COUNTY_DEPARTMENT = "county_department", "县级部门"
    CITY_DEPARTMENT = "city_department", "市级部门"
    GOVERNMENT = "government", "县级以上人民政府"
    PROVINCIAL_DEPARTMENT = "provincial_department", "省级部门"
    OTHER = "other", "其他机关"


LEVELS: dict[str, str] = {level.value: level.label for level in Level}  # value -> label, roster order
