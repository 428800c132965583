"""The county's records: `nianbao history import` (last year's published reports), `nianbao summary`
(the summed tables, workbook and status chart), `nianbao status` (every agency's state) and
`nianbao template` (a blank report)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from .. import messages as say
from .check import _date
from .inputs import existing_database, expand_paths, open_store, os_problem, skipped_as_stray


def cmd_history(args) -> int:
    from ..drafts.history import import_prior_report

    in_folders: set[Path] = set()
    files = expand_paths(args.paths, in_folders)
    if not files:
        print(say.NO_FILES_TO_IMPORT, file=sys.stderr)
        return 2
    store = open_store(args)
    try:
        results = [(path, import_prior_report(store, path.read_bytes(), path.name, args.year)) for path in files]
    finally:
        store.close()
    results = [item for path, item in results if not skipped_as_stray(path, item.error_code, in_folders)]
    for item in results:
        if item.problem:
            print(say.history_failed(item.file_name, item.problem))
        else:
            print(say.history_imported(item.file_name, item.agency, args.year, item.replaced))
    failed = sum(1 for item in results if item.problem)
    print(say.history_counts(len(results) - failed, failed), file=sys.stderr)
    return 1 if failed else 0


def cmd_summary(args) -> int:
    from ..reports.summary import summary_text, summary_xlsx
    from ..usecases.campaign import county_summary, status_picture

    if args.paths:
        return _folder_summary(args)
    config = existing_database(args, say.summary_no_database)
    if config is None:
        return 2
    year = args.year or config.year_under_review(dt.datetime.now(dt.timezone.utc))
    today = dt.datetime.now(config.tz).date()
    store = open_store(args)
    try:
        if args.docx or args.region:
            region = _region_summary(store, config, year, today, args)
            if region is None:
                return 2
            summary, within = region.summary, region.within
        else:
            summary, within = county_summary(store, config, year, today, include_errors=args.include_errors), None
        if args.chart:
            Path(args.chart).write_bytes(status_picture(store, config, year, today, within))
            print(say.chart_saved(args.chart), file=sys.stderr)
    finally:
        store.close()
    print(summary_text(summary))
    if args.xlsx:
        Path(args.xlsx).write_bytes(summary_xlsx(summary, year))
        print(say.summary_saved(args.xlsx), file=sys.stderr)
    return 0


def _region_summary(store, config, year, today, args):
    """``--region`` / ``--docx``: the region's sums (and its report, written and recorded)."""
    from ..usecases.region import RegionError, build_region_report, region_summary

    try:
        if not args.docx:
            return region_summary(store, config, year, today, args.region, include_errors=args.include_errors)
        region = build_region_report(store, config, year, today, args.region, include_errors=args.include_errors)
    except RegionError as exc:
        print(exc, file=sys.stderr)
        return None
    Path(args.docx).write_bytes(region.document)
    print(say.region_report_saved(args.docx), file=sys.stderr)
    if region.added:
        print(say.region_holder_added(region.holder.name), file=sys.stderr)
    if region.recorded:
        print(say.region_recorded(region.holder.name, year), file=sys.stderr)
    elif region.holder is not None:
        print(say.region_kept_imported(region.holder.name, year), file=sys.stderr)
    return region


def cmd_published(args) -> int:
    """`nianbao published FILE|URL --agency NAME`: the published copy against the reviewed draft;
    exit 0 when it matches, 1 when it differs, 2 when it cannot be read or there is no reviewed draft."""
    import asyncio
    import json

    from ..storage import AmbiguousAgency
    from ..usecases.published import FetchError, fetch_published, published_copy

    config = existing_database(args, say.summary_no_database)
    if config is None:
        return 2
    year = args.year or config.year_under_review(dt.datetime.now(dt.timezone.utc))
    url = args.source if args.source.lower().startswith(("http://", "https://")) else None
    try:
        if url:  # run by the office on its own server: its own network may be where the site is
            data, file_name = asyncio.run(fetch_published(url, max_bytes=int(config.max_file_mb * 1024 * 1024), allow_private=True))
        else:
            data, file_name = Path(args.source).read_bytes(), Path(args.source).name
    except FetchError as exc:
        print(exc, file=sys.stderr)
        return 2
    except OSError as exc:
        print(say.cannot_open_file(args.source, os_problem(exc)), file=sys.stderr)
        return 2
    store = open_store(args)
    try:
        try:
            agency = store.find_agency(args.agency, include_inactive=True)
        except AmbiguousAgency as exc:
            print(say.agency_name_ambiguous(exc.candidates), file=sys.stderr)
            return 2
        if agency is None:
            print(say.published_agency_unknown(args.agency), file=sys.stderr)
            return 2
        outcome = published_copy(store, config, agency, year, data, file_name, url=url, published_on=args.date)
    finally:
        store.close()
    if args.json:
        print(json.dumps({"agency": agency.name, "year": year, **outcome.json()}, ensure_ascii=False))
    else:
        print(outcome.text, file=sys.stdout if outcome.compared else sys.stderr)
    return outcome.exit_code


def cmd_status(args) -> int:
    """`nianbao status`: every agency's state for a year, the same as the web desk and chat say."""
    import json

    from ..usecases.campaign import county_rows, state_json
    from ..usecases.published import publication_states

    config = existing_database(args, say.summary_no_database)
    if config is None:
        return 2
    now = dt.datetime.now(dt.timezone.utc)
    year = args.year or config.year_under_review(now)
    store = open_store(args)
    try:
        within = None
        if args.region:
            from ..usecases.people import covered_by

            within = covered_by(store, args.region)
        states = county_rows(store, config, year, now.astimezone(config.tz).date(), within)
        published = publication_states(store, config, year, now.astimezone(config.tz).date(), states)
    finally:
        store.close()
    for state in states:
        publication = published[state.agency.id]
        if args.json:
            print(json.dumps({**state_json(state), "publication": _publication_json(publication)}, ensure_ascii=False))
        else:
            print(say.status_line(state, config.tz) + "\t" + publication.label)
    if not args.json:
        print(say.status_counts(year, states), file=sys.stderr)
    return 0


def _publication_json(publication) -> dict:
    """An agency's publication state in ``nianbao status --json``."""
    return {
        "state": publication.state.value, "label": publication.label,
        "published_on": publication.published_on.isoformat() if publication.published_on else None,
        "on_time": publication.on_time, "differences": publication.differences, "stale": publication.stale,
    }  # fmt: skip


def _folder_summary(args) -> int:
    """`nianbao summary FOLDER`: the reports in a folder, read by the engine, no database."""
    from ..reports.collect import collect_reports
    from ..reports.summary import summarize, summary_text, summary_xlsx

    if args.chart:
        print(say.CHART_NEEDS_DATABASE, file=sys.stderr)
    collected = collect_reports(args.paths, args.year)
    for path, reason in collected.skipped:
        print(say.skipped(path, reason), file=sys.stderr)
    if not collected.entries:
        print(say.NO_REPORTS_TO_SUM, file=sys.stderr)
        return 2
    summary = summarize(collected.entries, include_errors=args.include_errors, year=collected.year)
    print(summary_text(summary))
    if args.xlsx:
        Path(args.xlsx).write_bytes(summary_xlsx(summary, collected.year))
        print(say.summary_saved(args.xlsx), file=sys.stderr)
    return 0


def cmd_template(args) -> int:
    from ..reports.blank import blank_report_docx

    Path(args.out).write_bytes(blank_report_docx(args.year, args.agency))
    print(say.template_saved(args.out), file=sys.stderr)
    return 0


def add_commands(sub) -> None:
    history = sub.add_parser("history", help="导入往年已公开的报告（跨年度核对用）")
    history_sub = history.add_subparsers(dest="history_command", required=True)
    history_import = history_sub.add_parser("import", help="导入一个文件夹（或若干文件）中的往年报告")
    history_import.add_argument("paths", nargs="+", help="报告文件或文件夹（.docx、.doc、.pdf、文本）")
    history_import.add_argument("--year", type=int, required=True, help="这些报告的年度，例如 2023")
    history.set_defaults(func=cmd_history)

    summary = sub.add_parser("summary", help="全县（地区）三张统计表汇总，可导出 Excel（机器人收到的和导入的报告，或一个文件夹里的报告）")
    summary.add_argument("paths", nargs="*", metavar="文件夹", help="汇总这些文件夹（或文件）里的报告，不用数据库")
    summary.add_argument("--year", type=int, help="报告年度（默认：正在审核的年度；汇总文件夹时默认多数报告的年度）")
    summary.add_argument("--xlsx", metavar="OUT.xlsx", help="导出汇总表和各单位情况表")
    summary.add_argument("--chart", metavar="OUT.png", help="另存报送状态图")
    summary.add_argument("--include-errors", action="store_true", help="有错误的单位也计入汇总")
    summary.add_argument("--docx", metavar="OUT.docx", help="生成本地区汇总报告（标准格式的 Word 草稿），并存档供下一年度跨年度核对")
    summary.add_argument("--region", metavar="地区", help="只汇总这个地区（及其下级地区）的单位，如 芮城县")
    summary.set_defaults(func=cmd_summary)

    status = sub.add_parser("status", help="各单位的报送状态（与网页版、机器人显示的相同），可输出 JSON")
    status.add_argument("--year", type=int, help="报告年度（默认：正在审核的年度）")
    status.add_argument("--json", action="store_true", help="每个单位一行 JSON（JSON Lines）")
    status.add_argument("--region", help="只列出该地区及其下级的单位（例如 沭阳县）")
    status.set_defaults(func=cmd_status)

    published = sub.add_parser("published", help="比对发布稿与审核通过的稿件（表格、标题、成文日期），记录发布日期和是否按期")
    published.add_argument("source", metavar="FILE|URL", help="发布稿：另存的网页（.html/.mht）、PDF、.docx，或网页地址")
    published.add_argument("--agency", required=True, help="机关名称")
    published.add_argument("--year", type=int, help="报告年度（默认：正在审核的年度）")
    published.add_argument("--date", type=_date, metavar="YYYY-MM-DD", help="发布日期（默认：从网页上找）")
    published.add_argument("--json", action="store_true", help="输出一个 JSON 对象")
    published.set_defaults(func=cmd_published)

    template = sub.add_parser("template", help="生成标准格式的空白年报（.docx）")
    template.add_argument("--out", required=True, metavar="OUT.docx", help="保存空白年报的文件（.docx）")
    template.add_argument("--year", type=int, help="报告年度")
    template.add_argument("--agency", help="机关名称")
    template.set_defaults(func=cmd_template)
