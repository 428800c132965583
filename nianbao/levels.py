"""Agency levels: the one vocabulary the engine, the storage and the bot share, one Chinese
label each."""

from __future__ import annotations

from .labelled import Labelled


class Level(Labelled):
    TOWNSHIP = "township", "乡镇（街道）"
    COUNTY_DEPARTMENT = "county_department", "县级部门"
    CITY_DEPARTMENT = "city_department", "市级部门"
    GOVERNMENT = "government", "县级以上人民政府"
    PROVINCIAL_DEPARTMENT = "provincial_department", "省级部门"
    OTHER = "other", "其他机关"


LEVELS: dict[str, str] = Level.labels()  # value -> label, in the roster's order
