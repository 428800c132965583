"""What an agency of its level can report: 规章, fees, province-wide work."""

from __future__ import annotations

import re

from ..model import Report, Severity
from ..template import LEVELS, TABLE2
from ..text import compact
from . import Context, Finding, rule
from ._where import at_cell, fmt, row_name

ERROR, WARNING = Severity.ERROR, Severity.WARNING
CANNOT_MAKE_RULES = {"township", "county_department", "government"}
DEPARTMENTS = {"city_department", "provincial_department"}


def _rules_cells(report: Report):
    table = report.tables[TABLE2.key]
    if not table.found:
        return
    for cell in table.rows["规章"].values():
        if cell.number is not None and cell.number > 0:
            yield cell


def _filled(cells) -> str:
    """「规章」本年制发件数为 5、现行有效件数为 5"""
    return row_name(TABLE2.key, "规章") + "、".join(f"{c.column}为 {fmt(c.number)}" for c in cells)


def _county_government(report: Report) -> bool:
    return report.level == "government" and bool(re.search(r"(县|旗|区)人民政府$", report.agency or "")) and "市人民政府" not in (report.agency or "")[-6:]


def _rules_fix(report: Report, cells) -> str:
    """Move the numbers to the 规范性文件 row, unless that row already has its own: then adding
    is the fix (moving would overwrite them)."""
    own = [c for c in report.tables[TABLE2.key].rows["行政规范性文件"].values() if c.number is not None and c.number > 0]
    if not own:
        return "把这个数字移到「行政规范性文件」一行，「规章」各列填 0。"
    listed = "、".join(f"{c.column} {fmt(c.number)}" for c in own)
    return f"「行政规范性文件」一行已经填了数字（{listed}）：核实「规章」中的件数是否也是行政规范性文件，是的话把它们加到「行政规范性文件」一行对应的列中，「规章」各列填 0。"


@rule(
    code="L101",
    name="rules-at-township-or-county",
    severity=ERROR,
    summary="乡镇（街道）和县级机关不填报规章（只有国务院部门和省、设区的市人民政府能制定规章）",
    message="{where}：{level}不能制定规章（只有国务院部门和省、设区的市、自治州人民政府可以），通常应填入「行政规范性文件」。",
    hint="{fix}",
)
def rules_at_low_level(report: Report, context: Context):
    """《立法法》规定只有国务院部门和省、设区的市、自治州人民政府可以制定规章；乡镇、县级政府及其部门制发的是行政规范性文件。"""
    if report.level not in ("township", "county_department") and not _county_government(report):
        return
    level = "县级政府" if report.level == "government" else LEVELS[report.level]
    cells = list(_rules_cells(report))
    if cells:
        yield Finding(
            params={"where": _filled(cells), "level": level, "fix": _rules_fix(report, cells)},
            table=TABLE2.key, row="规章", column=cells[0].column if len(cells) == 1 else None, section="二",
            expected="0", found="、".join(fmt(c.number) for c in cells), locator=cells[0].locator,
        )


@rule(
    code="L102",
    name="rules-at-department",
    severity=WARNING,
    summary="省、市级部门填报规章时提醒核实（部门通常只是起草，规章由政府制定）",
    message="{where}：{level}一般不以本部门名义制定规章，请核实是否把起草或执行的政府规章算了进来。",
    hint="只统计以本机关名义制发的规章；由本级政府制定的规章不计入本部门。",
)
def rules_at_department(report: Report, context: Context):
    """省、市部门常把本部门起草、政府发布的规章算作本部门制发，需要核实。"""
    if report.level not in DEPARTMENTS:
        return
    cells = list(_rules_cells(report))
    if cells:
        yield Finding(
            params={"where": _filled(cells), "level": LEVELS[report.level]},
            table=TABLE2.key, row="规章", column=cells[0].column if len(cells) == 1 else None, section="二",
            found="、".join(fmt(c.number) for c in cells), locator=cells[0].locator,
        )


@rule(
    code="L103",
    name="fee-at-township",
    severity=WARNING,
    summary="乡镇（街道）填报行政事业性收费时提醒核实",
    message="{where}为 {found} 万元：乡镇（街道）一般没有行政事业性收费项目，请核实。",
    hint="核实是否确有以本机关名义收取的行政事业性收费；代收代缴或经营性收费不计入。",
)
def fee_at_township(report: Report, context: Context):
    """乡镇（街道）通常没有法定的行政事业性收费项目。"""
    if report.level != "township" or not report.tables[TABLE2.key].found:
        return
    for cell in report.tables[TABLE2.key].rows["行政事业性收费"].values():
        if cell.number is not None and cell.number > 0:
            yield at_cell(TABLE2, cell, found=fmt(cell.number))


_OWN_WORK = re.compile(r"(组织|推动|推进|指导|统筹|部署|牵头|负责)[^，。；]{0,12}(全省|全市|全国)")


@rule(
    code="L104",
    name="scope-beyond-level",
    severity=WARNING,
    summary="乡镇（街道）的报告没有照抄上级机关的表述（如「组织推动全省政府信息公开工作」）",
    message="第{section}部分写到「{found}」：这是上级机关的职责表述，{agency}作为乡镇（街道）不承担这项工作，可能是照抄了上级的报告。",
    hint="改写为本机关实际开展的工作，删除「全省」「全市」等超出本级职责的表述。",
)
def scope_beyond_level(report: Report, context: Context):
    """乡镇（街道）照抄省、市政府报告，会出现「组织推动全省政府信息公开工作」这类不属于本级的表述。"""
    if report.level != "township":
        return
    for section in report.sections:
        for paragraph in section.paragraphs:
            text = compact(paragraph.text)
            match = _OWN_WORK.search(text)
            if match:
                yield Finding(
                    params={"section": section.number, "agency": report.agency or "本机关"},
                    section=section.number, found=match.group(0), locator=paragraph.locator,
                )
                return
