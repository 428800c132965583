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

# Provincial-level regions whose names end in 市 (直辖市): their own offices and departments are
# provincial (上海市人民政府办公厅), their 区/县 are below them like a province's cities and counties.
MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")
