"""Agency levels: the one vocabulary the engine, the storage and the bot share."""

LEVELS: dict[str, str] = {
    "township": "乡镇（街道）",
    "county_department": "县级部门",
    "city_department": "市级部门",
    "government": "县级以上人民政府",
    "provincial_department": "省级部门",
    "other": "其他机关",
}
