"""The campaign rolled up, in every face: the region's own summary report (which region, whose
report, recorded for next year) and the published copy checked against the reviewed draft (its
state, the differences, the date). Plain text (no HTML): the command line prints it as it is, a
chat face escapes it. Imports nothing, like ``console``."""

from __future__ import annotations

__all__ = [
    "region_report_caption",
    "PUBLISHED_USAGE",
    "FETCH_PROBLEMS", "PUBLICATION_LABELS", "PUBLISHED_CHECK_FAILED", "PUBLISHED_EMPTY", "PUBLISHED_NO_DRAFT",
    "PUBLISHED_TOO_BIG", "PUBLISHED_URL_BAD", "PUBLISHED_URL_PRIVATE", "PUBLISHED_URL_TOO_BIG", "REGION_ROSTER_EMPTY",
    "region_government",
    "published_agency_unknown", "published_date_note", "published_differs", "published_fetch_failed", "published_imported_only",
    "published_matches", "published_not_passing", "published_unreadable", "region_holder_added", "region_kept_imported",
    "region_needed", "region_recorded", "region_report_saved", "region_unknown",
]  # fmt: skip


# ---------------------------------------------------------------- the region's summary report


def _listed(regions: list[str]) -> str:
    return "、".join(regions[:12]) + (f" 等 {len(regions)} 个" if len(regions) > 12 else "")


REGION_ROSTER_EMPTY = "名单中还没有单位：先用 nianbao agencies import 名单.csv 导入名单。"


def region_government(region: str) -> str:
    """The name of a region's government, the author of the region's report: 芮城县 -> 芮城县人民政府."""
    return f"{region}人民政府"


def region_needed(regions: list[str]) -> str:
    return f"名单中有多个地区（{_listed(regions)}），请指定要汇总的地区（命令行：--region 地区名称）。"


def region_unknown(region: str, regions: list[str]) -> str:
    known = f"名单中的地区：{_listed(regions)}" if regions else "名单中的单位都没有填写地区"
    return f"名单中没有地区「{region}」，或该地区还没有单位（{known}）。"


def region_report_saved(path) -> str:
    return f"已生成本地区汇总报告（草稿，黄色底纹的【请补充】处需要人工填写）：{path}"


def region_holder_added(name: str) -> str:
    return f"名单中原来没有「{name}」，已添加（层级：政府）：本地区汇总报告是它的年度报告，记在它名下。"


def region_recorded(name: str, year: int) -> str:
    return f"汇总数据已存档为{name} {year} 年度的报告，下一年度审核时用于跨年度核对（上年结转等）。"


def region_kept_imported(name: str, year: int) -> str:
    return f"{name} {year} 年度已有导入的已公开报告，保留该报告作为跨年度核对的依据，没有用这次的汇总数据覆盖。"


# ---------------------------------------------------------------- the published copy

# the publication state of an agency's report, by ``usecases.published.Publication`` value
PUBLICATION_LABELS = {
    "matches": "已发布（一致）",
    "differs": "发布稿与审核稿不一致",
    "not_published": "未发布",
    "late": "逾期发布",
}
PUBLISHED_NO_DRAFT = "没有审核通过的稿件，无法比对发布稿：请先报送年度报告并通过审核（或由督导员确认其中的错误）。"
PUBLISHED_URL_BAD = "网址应以 http:// 或 https:// 开头。"
PUBLISHED_URL_PRIVATE = "不能读取内网或本机地址的网页：请把发布的网页另存为 .html 或 .mht 文件后上传。"
PUBLISHED_URL_TOO_BIG = "网页太大，没有读完：请把发布的网页另存为文件后上传。"
PUBLISHED_TOO_BIG = "文件太大"
PUBLISHED_EMPTY = "没有收到文件内容"
PUBLISHED_CHECK_FAILED = "文件处理时间过长或结构异常，请另存为 .docx、.pdf 或 .html 后再试"
# why a page could not be fetched (``published_fetch_failed``'s problem)
FETCH_PROBLEMS = {
    "timeout": "等待超时",
    "connect": "连接不上该网站",
    "redirects": "跳转次数太多",
    "other": "网络错误",
}


def published_agency_unknown(name: str) -> str:
    return f"没有找到机关「{name}」。"


def published_not_passing(name: str, label: str) -> str:
    return f"{name}的年度报告目前是「{label}」，还没有审核通过的稿件，无法比对发布稿。"


def published_imported_only(name: str) -> str:
    return f"{name}本年度的报告是导入的已公开报告，没有经过审核的稿件可以比对。"


def published_unreadable(file_name: str, problem: str) -> str:
    return f"无法读取发布稿「{file_name}」：{problem}"


def published_fetch_failed(url: str, problem: str) -> str:
    return f"无法读取网页 {url}：{problem}。也可以把发布的网页另存为 .html 或 .mht 文件后上传。"


def published_date_note(published_on, deadline, on_time: bool | None, given: bool) -> str:
    """「发布日期 2025-01-25（页面上的发布时间），在报送截止日期 2025-01-31 之前。」"""
    if published_on is None:
        return f"没有找到发布日期（可以用 --date 指定）；截止日期为 {deadline.isoformat()}。"
    source = "指定" if given else "页面上的发布时间"
    verdict = {True: "按期发布", False: f"晚于截止日期 {deadline.isoformat()}，逾期发布", None: "是否按期无法判断"}[on_time]
    return f"发布日期 {published_on.isoformat()}（{source}），{verdict}。"


def published_matches(name: str, year: int, submission_file: str | None) -> str:
    draft = f"（{submission_file}）" if submission_file else ""
    return f"✓ {name} {year} 年度的发布稿与审核通过的稿件{draft}一致：标题、各部分标题、三张统计表和成文日期都相同。"


def published_differs(name: str, year: int, count: int, submission_file: str | None) -> str:
    draft = f"（{submission_file}）" if submission_file else ""
    return f"✗ {name} {year} 年度的发布稿与审核通过的稿件{draft}有 {count} 处不一致："


PUBLISHED_USAGE = (
    "用法：<code>/published 网址</code>（督导员：<code>/published 单位名称 网址</code>），例如 "
    "<code>/published https://www.example.gov.cn/2025/nb.html</code>；也可以把发布的网页另存为 .html/.mht、"
    "或把 PDF、Word 文件，以“发布稿”为说明发送。"
)


def region_report_caption(region: str, year: int) -> str:
    return f"{region}{year}年度政府信息公开工作年度报告（初稿）：三张表按统一格式汇总，黄色【请补充】处需要填写。"
