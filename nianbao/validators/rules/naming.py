"""The names a report gives: the parts of its title, and the agencies its body names (a report
copied from another agency still names that agency in its sentences)."""

from __future__ import annotations

import re

from ..model import Report, Severity
from ..text import compact, squash
from . import Context, Finding, rule
from ._where import clip, places

ERROR, WARNING = Severity.ERROR, Severity.WARNING
STANDARD_TITLE = "政府信息公开工作年度报告"
_TITLE_YEAR = re.compile(r"(20\d{2})\s*年")
_SENTENCE = re.compile(r"[^。；;！!？?\n]+")


def _proper_title(report: Report, context: Context) -> str:
    agency = report.agency or context.expected_agency or "（机关全称）"
    return f"{agency}{report.year or '××××'}年{STANDARD_TITLE}"


# ---------------------------------------------------------------- the title


@rule(
    code="Y111",
    name="title-without-agency",
    severity=WARNING,
    summary="标题写明机关名称（「××乡人民政府2024年政府信息公开工作年度报告」）",
    message="标题「{found}」没有写机关名称。",
    hint="在标题开头写上机关全称：「{expected}」。",
)
def title_without_agency(report: Report, context: Context):
    """年度报告公开后按标题检索和归档，标题只有年份没有机关名称，读者无从知道是哪个机关的报告。"""
    title = report.title or ""
    match = _TITLE_YEAR.search(title)
    named = (title[: match.start()] + title[match.end() :]).split("政府信息公开")[0] if match else ""
    if match and len(named.strip()) < 2:  # 「2019年上海市人民政府办公厅政府信息公开…」 names it after the year
        yield Finding(section="title", found=title, expected=_proper_title(report, context), locator=report.title_locator)


@rule(
    code="Y112",
    name="title-year-twice",
    severity=WARNING,
    summary="标题中「年度」只出现一次（不写成「2024年度政府信息公开工作年度报告」）",
    message="标题「{found}」中「年度」出现了两次。",
    hint="标题写为「{expected}」。",
)
def title_year_twice(report: Report, context: Context):
    """标准标题是「××××年政府信息公开工作年度报告」，把年份写成「××××年度」就重复了「年度」。"""
    if report.title and report.title.count("年度") >= 2:
        yield Finding(section="title", found=report.title, expected=_proper_title(report, context), locator=report.title_locator)


# ---------------------------------------------------------------- another agency named in the body

_GOVERNMENT = re.compile(r"(人民政府|政府|街道办事处|办事处|党委|党政办公室|党政办)$")
_REGION = re.compile(r"^.*?[省市州盟县旗](?!场)(?=..)")  # 市场监督管理局 is not a city
_TOWNSHIP_NAME = re.compile(r"^(.{2,5}?(?:乡|镇|街道|苏木))")
_COUNTY_NAME = re.compile(r"^(.{2,5}?(?:县|旗))(人民政府|政府)?$")
# a township or county named as an actor at the start of a clause: 「，策勒乡政府坚持…」
# (inside a run of characters a name has no clear start: 「不断提升本乡政府…」 names none)
_TOWNSHIPS_IN_TEXT = re.compile(r"(?<![\u4e00-\u9fff])([\u4e00-\u9fff]{2,4}?(?:乡|镇|街道|苏木))(?=人民政府|政府|党委|党政|办事处|便民服务|综合服务)")
_COUNTIES_IN_TEXT = re.compile(r"(?<![\u4e00-\u9fff])([\u4e00-\u9fff]{2,4}?(?:县|旗))(?=人民政府|委员会)")
# characters that begin a sentence rather than a place name (「全年策勒乡政府」 names 策勒乡)
_LEADING_WORDS = set("年月日在由对经据向全本该原各了的是和与及为将从我其此同时度今去上下共前后于")
_NOT_NAMES = {"乡镇", "城乡", "各乡", "全乡", "本乡", "我乡", "该乡", "全镇", "本镇", "我镇", "该镇", "周边乡", "所属乡", "辖区乡"}


def agency_unit(name: str) -> tuple[str, str, str]:
    """(region, unit, kind) of an agency name: 文水县刘胡兰镇人民政府 → (文水县, 刘胡兰镇, township);
    策勒县人民政府 → ("", 策勒县, county); 某县发展和改革局 → (某县, 发展和改革局, department).
    The one place this module normalises agency names (to move into nianbao/names.py)."""
    core = _GOVERNMENT.sub("", re.sub(r"[^\u4e00-\u9fff]", "", name))
    county = _COUNTY_NAME.match(core)
    if county:
        return "", county.group(1), "county"
    region = ""
    while (match := _REGION.match(core)) and len(core) - match.end() >= 2:
        region, core = region + match.group(0), core[match.end() :]
    township = _TOWNSHIP_NAME.match(core)
    if township:
        return region, township.group(1), "township"
    return region, core, "department"


def _trim(name: str) -> str:
    """「全年策勒乡」 → 「策勒乡」: sentence words in front of a name are not part of it."""
    while len(name) > 3 and name[0] in _LEADING_WORDS:
        name = name[1:]
    return name


def _same(a: str, b: str) -> bool:
    return bool(a and b) and (a in b or b in a)


def _is_title_or_signature(text: str) -> bool:
    squashed = squash(text)
    return len(squashed) <= 30 and (bool(_GOVERNMENT.search(squashed)) or "政府信息公开" in squashed)


def _plausible(name: str, kind: str) -> bool:
    """Not a phrase like 「各乡镇」「本乡」 (a department's name carries its county: 泗阳县发展和改革局)."""
    if kind == "department":
        return name[0] not in _LEADING_WORDS
    return name not in _NOT_NAMES and not re.search("[乡镇县]", name[:-1]) and name[-2] not in "本我该全各此"


def other_agencies(report: Report, sender: str) -> dict[str, list]:
    """Agencies of the sender's own kind named in the body that are not the sender (nor the
    report's own agency): name → [(section, where, paragraph, sentence), …] in reading order.
    Superior bodies (a township's county, city, province) are of another kind and never listed."""
    region, unit, kind = agency_unit(sender)
    own = {unit} | ({agency_unit(report.agency)[1]} if report.agency else set())
    if kind == "township":
        pattern = _TOWNSHIPS_IN_TEXT
    elif kind == "county":
        pattern = _COUNTIES_IN_TEXT
    elif region[-1:] in ("县", "旗", "区") and len(unit) >= 3:
        # the same department of another county: 「泗阳县发展和改革局」 in 沭阳县发展和改革局's report
        pattern = re.compile(rf"(?<![\u4e00-\u9fff])([\u4e00-\u9fff]{{2,4}}?[县旗区]{re.escape(unit)})")
        own = {region + unit} | ({squash(report.agency)} if report.agency else set())
    else:
        return {}
    bodies = [(s, w, p, compact(p.text)) for s, w, p in places(report) if p.locator != report.title_locator and not _is_title_or_signature(p.text)]
    names = {
        name
        for _, _, _, text in bodies
        for found in pattern.findall(text)
        if _plausible(name := _trim(found), kind) and not any(_same(name, mine) for mine in own)
    }
    sentences = [(section, where, paragraph, sentence) for section, where, paragraph, text in bodies for sentence in _SENTENCE.findall(text)] if names else []
    mentions: dict[str, list] = {}
    for name in sorted(names, key=len):  # 「目前策勒乡」 is 策勒乡 when 策勒乡 stands alone too
        if any(shorter in name for shorter in mentions):
            continue
        for mention in sentences:
            mentions.setdefault(name, []).extend([mention] * mention[3].count(name))
    return {name: found for name, found in mentions.items() if found}


@rule(
    code="S105",
    name="other-agency-named",
    severity=ERROR,
    summary="正文里没有其他单位的名称（照抄其他单位的报告，只改了标题和落款）",
    message="{where}写到「{found}」：{other}不是本机关（{agency}），全文共 {count} 处提到{other}，可能是照抄了其他单位的报告。",
    hint="把正文中的「{other}」改为本机关名称，并逐一核对照抄来的工作内容和数字是否是本机关的实际情况。",
)
def other_agency_named(report: Report, context: Context):
    """参照其他单位的报告修改时，常常只改了标题和落款，正文里仍是原单位的名称和工作，公开后一眼就能看出是照抄。
    上级机关（如乡镇报告中的县、市）不在此列。"""
    sender = context.expected_agency or report.agency
    if not sender:
        return
    for name, mentions in other_agencies(report, sender).items():
        section, where, paragraph, sentence = mentions[0]
        yield Finding(
            params={"where": where, "other": name, "agency": sender, "count": len(mentions)},
            section=section, found=clip(sentence, 30), locator=paragraph.locator,
        )
