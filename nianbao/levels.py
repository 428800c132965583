"""Agency levels: the one vocabulary the engine, the storage and the bot share, one Chinese
label each, and the one parser of what people write for a level (the roster, ``/addagency``,
every ``--level`` of the ``nianbao`` command)."""

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

# What people write for a level -> its value: the values (case-insensitively, ``-``/space as
# ``_``), the labels, and the names used in rosters and in speech.
LEVEL_ALIASES: dict[str, str] = {
    **{value: value for value in LEVELS},
    **{label: value for value, label in LEVELS.items()},
    "乡镇": "township",
    "街道": "township",
    "乡": "township",
    "镇": "township",
    "乡镇街道": "township",
    "乡镇(街道)": "township",
    "街道办事处": "township",
    "省直部门": "provincial_department",
    "县直部门": "county_department",
    "县直单位": "county_department",
    "县级单位": "county_department",
    "区直部门": "county_department",
    "区级部门": "county_department",
    "县（区）直部门": "county_department",
    "县(区)直部门": "county_department",
    "市直部门": "city_department",
    "市直单位": "city_department",
    "政府": "government",
    "人民政府": "government",
    "县政府": "government",
    "区政府": "government",
    "市政府": "government",
    "其他": "other",
    "其它": "other",
}

LEVEL_WORDS = "乡镇、街道、县直部门、县级部门、市直部门、省直部门、政府、其他"  # the usual names, for help and errors


def normalize_level(value: str) -> str:
    """Canonical level for an English value or Chinese name; ``ValueError`` (Chinese) if unknown."""
    raw = str(value).strip()
    key = raw.lower().replace("-", "_").replace(" ", "_")
    if key in LEVEL_ALIASES:
        return LEVEL_ALIASES[key]
    if raw in LEVEL_ALIASES:
        return LEVEL_ALIASES[raw]
    raise ValueError(f"未知的单位类型“{raw}”，可用：{LEVEL_WORDS}（或 {'/'.join(LEVELS)}）")

# Provincial-level regions whose names end in 市 (直辖市): their own offices and departments are
# provincial (上海市人民政府办公厅), their 区/县 are below them like a province's cities and counties.
MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")
