"""Title, agency, level, report year and date of issue, read from the body text.

The agency comes from the title or the signature only: a body sentence never names the agency
(「本报告所列数据……」 cut at a year is not a name)."""

from __future__ import annotations

import datetime as dt
import re

from ..levels import MUNICIPALITIES
from .model import Level, Report
from .text import ORDINAL, squash

_YEAR = re.compile(r"(20\d{2})\s*年")
_CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_DATE_LINE = re.compile(r"^(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日$")
_DATE_ISO = re.compile(r"(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})")
_DATE_SHAPED = re.compile(r"^(\d{4}|[〇○零一二三四五六七八九]{4})[年\-/.]\S{1,3}[月\-/.]\S{1,4}日?$")
_CN_DATE = re.compile(r"^(?P<y>[〇○零一二三四五六七八九]{4})年(?P<m>[一二三四五六七八九十]{1,2})月(?P<d>[一二三四五六七八九十]{1,3})日$")
_PUBLISHED = re.compile(r"(发布时间|发布日期|成文日期|公开日期)[:：]?")
_AGENCY_END = re.compile(r"(人民政府|政府|办事处|服务中心|中心|局|委员会|办公室|委|办|院|所|站|队|厅|署|乡|镇|街道)$")
_TOWNSHIP = re.compile(r"(乡|镇|街道|苏木)(人民政府|政府|办事处|党政|综合|便民|$)")
_DEPARTMENT_END = re.compile(r"(局|委员会|办公室|委|办|院|所|站|队|中心|厅|署|馆|社|会)$")


def _cn_number(text: str) -> int:
    if all(ch in _CN_DIGITS for ch in text) and "十" not in text:
        return int("".join(str(_CN_DIGITS[ch]) for ch in text))
    tens, _, units = text.partition("十")
    return (_CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (_CN_DIGITS.get(units, 0) if units else 0)


def parse_date(text: str) -> dt.date | None:
    value = squash(text)
    for pattern, convert in ((_DATE_LINE, int), (_CN_DATE, _cn_number), (re.compile(f"^{_DATE_ISO.pattern}$"), int)):
        match = pattern.match(value)
        if match:
            try:
                return dt.date(convert(match["y"]), convert(match["m"]), convert(match["d"]))
            except ValueError:
                return None
    return None


def guess_level(agency: str | None) -> Level:
    if not agency:
        return "other"
    if _TOWNSHIP.search(agency):
        return "township"
    if agency.endswith(("人民政府", "政府")):
        return "government"
    if _DEPARTMENT_END.search(agency):
        below_province = _below_province(agency)
        if below_province != agency and not _LOWER_REGION.search(below_province):
            return "provincial_department"
        if re.search(r"(县|旗)|[^市]区", below_province) or below_province.startswith(("区", "县")):
            return "county_department"
        if _CITY.search(below_province) or "州" in below_province:
            return "city_department"
    return "other"


_LOWER_REGION = re.compile(r"(市(?!场)|州|盟|县|区|旗)")  # 市场监督管理局 names no city
_CITY = re.compile(r"市(?!场)")


def _below_province(agency: str) -> str:
    """The name after its province (江苏省, 广西壮族自治区, or a 直辖市 such as 上海市)."""
    for municipality in MUNICIPALITIES:
        if agency.startswith(municipality):
            return agency[len(municipality) :]
    return re.sub(r"^.*?(省|自治区)", "", agency)


def _ends_title(text: str) -> bool:
    """The title's last line: "…年度报告", or a garbled one ("…工作告年度报") still recognisable."""
    return "报告" in text or bool(re.search(r"政府信息公开.*(年度|报)", text))


_NOT_A_TITLE = re.compile(r"[，。；：,;:！？]|^(本报告|本年度|根据|按照|依据|现(将|公布|予|就)|经)")


def _title_like(text: str) -> bool:
    """A line that can be the title: no sentence, no numbered heading, and the words of a title
    (not a body sentence that happens to say 报告, such as 「本报告所列数据统计时限为…」)."""
    if _NOT_A_TITLE.search(text) or ORDINAL.match(text):
        return False
    return "政府信息公开" in text or bool(re.search(r"(年度?|工作)报告?$|年报$", text))


# the label of a document-information table's row glued to the title it names (a PDF prints the
# row 「名称 | 桑墟镇人民政府2024年…报告」 as one line), before it or, for the next row's label, after it
_LABEL_BEFORE = re.compile(r"^(名称|标题|题名|文件名称|信息名称|文章标题)(?=[^:：])")
_LABEL_AFTER = re.compile(r"(?<=报告)(索引号|发布机构|发文机关|发布日期|公开日期|成文日期|生成日期|文号|主题分类|分类|来源|关键词).*$")


def _without_labels(text: str) -> str:
    return _LABEL_AFTER.sub("", _LABEL_BEFORE.sub("", text))


def _title(report: Report) -> None:
    """The first short line near the top that ends a title, joined with the line before it when
    the title is broken in two (" 2024年政府信息公开工作" / "年 度 报 告", or the agency's name on
    a line of its own) and with the line after it when a PDF wrapped its last characters ("…年度报" / "告")."""
    head = report.paragraphs[:15]
    for i, paragraph in enumerate(head):
        text = _without_labels(squash(paragraph.text))
        if len(text) > 60 or _PUBLISHED.search(text) or not _ends_title(text) or not _title_like(text):
            continue
        first = paragraph
        if i > 0:
            before = squash(head[i - 1].text)
            agency_line = bool(_AGENCY_END.search(before)) and bool(re.match(r"20\d{2}", text))
            joins = "政府信息公开" in before or _YEAR.search(before) or agency_line
            if len(before) <= 40 and not _ends_title(before) and not _NOT_A_TITLE.search(before) and joins:
                text, first = before + text, head[i - 1]
        if not text.endswith("报告") and i + 1 < len(head):
            after = squash(head[i + 1].text)
            if 0 < len(after) <= 4 and (text + after).endswith("报告"):
                text += after
        report.title, report.title_locator = text, first.locator
        return


def _year(report: Report) -> None:
    if report.title:
        match = _YEAR.search(report.title)
        if match:
            report.year = int(match.group(1))
            return
    for paragraph in report.paragraphs[:10]:
        if "统计" in paragraph.text:
            match = _YEAR.search(paragraph.text)
            if match:
                report.year = int(match.group(1))
                return


def _issue_date(report: Report) -> None:
    for paragraph in reversed(report.paragraphs[-8:]):
        date = parse_date(paragraph.text)
        if date or _DATE_SHAPED.match(squash(paragraph.text)):  # an impossible date is still the date line
            report.issue_date, report.issue_date_text, report.issue_date_locator = date, paragraph.text.strip(), paragraph.locator
            return
    for paragraph in report.paragraphs[:6]:
        if _PUBLISHED.search(paragraph.text):
            match = _DATE_ISO.search(paragraph.text) or re.search(r"(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日", squash(paragraph.text))
            if match:
                try:
                    report.issue_date = dt.date(int(match["y"]), int(match["m"]), int(match["d"]))
                except ValueError:
                    continue
                report.issue_date_text, report.issue_date_locator = match.group(0), paragraph.locator
                return


def _agency(report: Report) -> None:
    if report.title:
        match = re.match(r"^(.*?)20\d{2}年", report.title)
        prefix = match.group(1).strip() if match else ""
        if len(prefix) >= 2:
            report.agency = prefix
            return
        after = re.match(r"^20\d{2}年度?(.+?)政府信息公开", report.title)  # 「2019年上海市人民政府办公厅政府信息公开…」
        if after and len(after.group(1)) >= 2 and _AGENCY_END.search(after.group(1)):
            report.agency = after.group(1)
            return
    for paragraph in reversed(report.paragraphs[-6:]):
        text = squash(paragraph.text)
        if 2 <= len(text) <= 30 and _AGENCY_END.search(text) and not parse_date(text):
            report.agency = text
            return


def title_from_header(report: Report, lines: list[str]) -> None:
    """A report without a title in its body whose page header prints one: that is its title
    (located nowhere in the body), and the year and agency follow from it."""
    if report.title:
        return
    for line in lines:
        text = squash(line)
        if len(text) <= 60 and _ends_title(text) and _title_like(text):
            report.title, report.title_locator = text, None
            _year(report)
            report.agency = None
            _agency(report)
            report.level = guess_level(report.agency)
            return


def extract_metadata(report: Report) -> None:
    _title(report)
    _year(report)
    _issue_date(report)
    _agency(report)
    report.level = guess_level(report.agency)
