"""The `nianbao` command: the same engine as the bot, for a person or a script."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from ..validators.engine import CheckResult, check_bytes
from ..validators.render import render_text, result_json, summary_line
from ..validators.rules.catalog import rules_markdown, rules_table_text
from ..validators.template import LEVELS
from ..web.cli import add_web_commands

DRAFT_SUFFIXES = {".docx", ".txt", ".md", ".text", ".doc", ".wps", ".pdf"}


def _expand(paths: list[str]) -> list[Path]:
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files += sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in DRAFT_SUFFIXES)
        else:
            files.append(path)
    return files


def _check_file(path: Path, args) -> CheckResult:
    try:
        data = path.read_bytes()
    except OSError as exc:
        from ..validators.document import ReadError

        result = CheckResult(str(path), "", 0, "missing")
        result.error = ReadError("unreadable_file", f"无法打开文件：{exc.strerror or exc}")
        return result
    return check_bytes(
        data, str(path), level=args.level, deadline=args.deadline, expected_year=args.year, previous=_previous(args)
    )


def _previous(args):
    """``--previous FILE``: last year's report, for the year-to-year rules (read once)."""
    if not getattr(args, "previous", None):
        return None
    if not hasattr(args, "_previous_report"):
        from ..validators.prior import PriorReport

        try:
            result = check_bytes(Path(args.previous).read_bytes(), args.previous)
        except OSError as exc:
            print(f"无法打开上一年度的报告「{args.previous}」：{exc.strerror or exc}", file=sys.stderr)
            raise SystemExit(2) from None
        if result.report is None or result.report.year is None:
            print(f"无法读取上一年度的报告「{args.previous}」（需要能读出年度的年报）。", file=sys.stderr)
            raise SystemExit(2)
        args._previous_report = PriorReport.from_report(result.report, source=f"{result.report.year}年的报告（{Path(args.previous).name}）")
    return args._previous_report


def _previous_year_notice(result: CheckResult, args) -> None:
    previous = getattr(args, "_previous_report", None)
    if previous is not None and result.report is not None and result.report.year and not previous.precedes(result.report.year):
        print(
            f"注意：--previous 给出的是 {previous.year} 年度的报告，而本报告是 {result.report.year} 年度的，未做跨年度核对。",
            file=sys.stderr,
        )


def _annotate(path: Path, result: CheckResult, target: str) -> None:
    from ..validators.annotate import annotate_docx, can_annotate

    data = path.read_bytes()
    if not can_annotate(data, result):
        reason = "没有发现问题" if result.error is None and not result.issues else "只有 .docx 文件可以加批注"
        print(f"未生成批注版（{reason}）。", file=sys.stderr)
        return
    Path(target).write_bytes(annotate_docx(data, result))
    print(f"已生成批注版：{target}（{len(result.issues)} 条批注）", file=sys.stderr)


def cmd_check(args) -> int:
    files = _expand(args.files)
    if not files:
        print("没有找到要审核的文件。", file=sys.stderr)
        return 2
    worst = 0
    single = len(files) == 1
    if args.annotate and not single:
        print("--annotate 只能用于一个文件。", file=sys.stderr)
        return 2
    for path in files:
        result = _check_file(path, args)
        _previous_year_notice(result, args)
        worst = max(worst, result.exit_code())
        if args.annotate:
            _annotate(path, result, args.annotate)
        if args.json:
            if result.error and single:
                print(summary_line(result), file=sys.stderr)
            print(json.dumps(result_json(result), ensure_ascii=False, indent=2 if single and args.pretty else None))
        elif single:
            print(render_text(result, hints=not args.no_hints)) if result.error is None else print(summary_line(result), file=sys.stderr)
        else:
            print(f"{path.name}\t{summary_line(result)}")
    return worst


def cmd_rules(args) -> int:
    if args.markdown:
        sys.stdout.write(rules_markdown())
    else:
        print(rules_table_text())
    return 0


def _store(args):
    from ..storage import Store
    from .config import load_config

    config = load_config(args.config)
    return Store(config.database, busy_timeout_ms=config.busy_timeout_ms)


def cmd_history(args) -> int:
    from ..drafts.history import import_prior_report

    files = _expand(args.paths)
    if not files:
        print("没有找到要导入的文件。", file=sys.stderr)
        return 2
    store = _store(args)
    try:
        results = [import_prior_report(store, path.read_bytes(), path.name, args.year) for path in files]
    finally:
        store.close()
    for item in results:
        if item.problem:
            print(f"✗ {item.file_name}：{item.problem}")
        else:
            print(f"✓ {item.file_name} → {item.agency} {args.year} 年度" + ("（替换了之前导入的）" if item.replaced else ""))
    failed = sum(1 for item in results if item.problem)
    print(f"导入 {len(results) - failed} 份，未导入 {failed} 份。", file=sys.stderr)
    return 1 if failed else 0


def cmd_agencies(args) -> int:
    store = _store(args)
    try:
        if args.agencies_command == "import":
            result = store.import_roster_csv(Path(args.csv))
            print(f"导入完成：新增 {result.added} 个，更新 {result.updated} 个。")
            for error in result.errors:
                print(f"  {error}", file=sys.stderr)
            return 1 if result.errors else 0
        if args.agencies_command == "add":
            agency_id = store.add_agency(args.name, args.level, region=args.region)
            print(f"已添加：{args.name}（编号 {agency_id}）")
            return 0
        if args.agencies_command in ("deactivate", "activate", "rename", "set-level"):
            return _edit_agency(store, args)
        for agency in store.list_agencies(active_only=not args.all):
            state = "" if agency.active else "（已停用）"
            print(f"{agency.id}\t{agency.name}\t{LEVELS.get(agency.level, agency.level)}\t{agency.region or ''}{state}")
        return 0
    finally:
        store.close()


def _lookup_agency(store, name: str, include_inactive: bool = False):
    """The agency of that name, or None after telling the user why not (on stderr)."""
    from ..storage import AmbiguousAgency

    try:
        agency = store.find_agency(name, include_inactive=include_inactive)
    except AmbiguousAgency as exc:
        print("机关名称不唯一，可能是：" + "、".join(a.name for a in exc.candidates), file=sys.stderr)
        return None
    if agency is None:
        print(f"没有找到机关「{name}」。先用 `nianbao agencies import` 或 `nianbao agencies add` 维护名单。", file=sys.stderr)
    return agency


def _edit_agency(store, args) -> int:
    agency = _lookup_agency(store, args.name, include_inactive=True)
    if agency is None:
        return 1
    if args.agencies_command == "rename":
        store.rename_agency(agency.id, args.new_name)
        print(f"已改名：{agency.name} → {args.new_name}")
    elif args.agencies_command == "set-level":
        store.set_agency_level(agency.id, args.level)
        print(f"已修改层级：{agency.name} → {args.level}")
    else:
        active = args.agencies_command == "activate"
        store.set_agency_active(agency.id, active)
        print(f"已{'启用' if active else '停用'}：{agency.name}")
    return 0


def cmd_invite(args) -> int:
    store = _store(args)
    try:
        agency_id = None
        if args.role != "supervisor" or args.agency:
            agency = _lookup_agency(store, args.agency or "")
            if agency is None:
                return 1
            agency_id = agency.id
            print(f"机关：{agency.name}")
        code = store.create_invite(agency_id, role=args.role, ttl_days=args.days)
        print(f"邀请码（{args.days} 天内有效，只能使用一次）：发送 /start {code} 给机器人即可绑定。")
        print(code)
        return 0
    finally:
        store.close()


def cmd_summary(args) -> int:
    from ..reports.summary import summary_text, summary_xlsx
    from .config import load_config
    from .county import county_summary, status_picture

    config = load_config(args.config)
    year = args.year or config.year_under_review(dt.datetime.now(dt.timezone.utc))
    store = _store(args)
    try:
        summary = county_summary(store, config, year, include_errors=args.include_errors)
        if args.chart:
            Path(args.chart).write_bytes(status_picture(store, config, year, dt.datetime.now(config.tz).date()))
            print(f"已生成状态图：{args.chart}", file=sys.stderr)
    finally:
        store.close()
    print(summary_text(summary))
    if args.xlsx:
        Path(args.xlsx).write_bytes(summary_xlsx(summary, year))
        print(f"已生成汇总表：{args.xlsx}", file=sys.stderr)
    return 0


def cmd_template(args) -> int:
    from ..reports.blank import blank_report_docx

    Path(args.out).write_bytes(blank_report_docx(args.year, args.agency))
    print(f"已生成空白年报：{args.out}", file=sys.stderr)
    return 0


def cmd_serve(args) -> int:
    from .app import serve

    return serve(args.config)


def cmd_demo(args) -> int:
    from .app import demo

    return demo(args.config)


def _date(text: str) -> dt.date:
    try:
        return dt.datetime.strptime(text.replace("/", "-"), "%Y-%m-%d").date()
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期「{text}」的格式应为 YYYY-MM-DD，例如 2025-01-31") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="nianbao", description="年报审核助手：政府信息公开工作年度报告审核")
    parser.add_argument("--config", help="配置文件（TOML）路径，默认读取环境变量 NIANBAO_CONFIG")
    sub = parser.add_subparsers(dest="command", required=True)

    check = sub.add_parser("check", help="审核一份或多份报告（.docx 或文本），也可以是文件夹")
    check.add_argument("files", nargs="+", help="报告文件或文件夹")
    check.add_argument("--json", action="store_true", help="输出 JSON（多个文件时每行一个 JSON 对象）")
    check.add_argument("--pretty", action="store_true", help="单个文件的 JSON 缩进输出")
    check.add_argument("--level", choices=sorted(LEVELS), help="机关层级（默认根据机关名称判断）")
    check.add_argument("--deadline", type=_date, help="报送截止日期 YYYY-MM-DD（默认次年 1 月 31 日）")
    check.add_argument("--year", type=int, help="正在审核的报告年度（报告年度不同时报错）")
    check.add_argument("--no-hints", action="store_true", help="不显示修改建议")
    check.add_argument("--annotate", metavar="OUT.docx", help="另存一份批注版：每条意见作为 Word 批注加在对应单元格、行或段落旁")
    check.add_argument("--previous", metavar="FILE", help="上一年度的报告，用于跨年度核对（上年结转、现行有效件数等）")
    check.set_defaults(func=cmd_check)

    history = sub.add_parser("history", help="导入往年已公开的报告（跨年度核对用）")
    history_sub = history.add_subparsers(dest="history_command", required=True)
    history_import = history_sub.add_parser("import", help="导入一个文件夹（或若干文件）中的往年报告")
    history_import.add_argument("paths", nargs="+", help="报告文件或文件夹（.docx、.doc、.pdf、文本）")
    history_import.add_argument("--year", type=int, required=True, help="这些报告的年度，例如 2023")
    history.set_defaults(func=cmd_history)

    rules = sub.add_parser("rules", help="列出全部审核规则")
    rules.add_argument("--markdown", action="store_true", help="输出规则目录（docs/rules.md）")
    rules.set_defaults(func=cmd_rules)

    agencies = sub.add_parser("agencies", help="管理机关名单")
    agencies_sub = agencies.add_subparsers(dest="agencies_command", required=True)
    importer = agencies_sub.add_parser("import", help="从 CSV 导入名单（列：name,level[,region,parent,active]）")
    importer.add_argument("csv")
    lister = agencies_sub.add_parser("list", help="列出机关")
    lister.add_argument("--all", action="store_true", help="包括已停用的机关")
    adder = agencies_sub.add_parser("add", help="添加一个机关")
    adder.add_argument("name")
    adder.add_argument("--level", required=True)
    adder.add_argument("--region")
    for command, help_text in (("deactivate", "停用一个机关（不再统计、不再提醒）"), ("activate", "重新启用一个机关")):
        agencies_sub.add_parser(command, help=help_text).add_argument("name")
    rename = agencies_sub.add_parser("rename", help="修改机关名称")
    rename.add_argument("name")
    rename.add_argument("new_name")
    set_level = agencies_sub.add_parser("set-level", help="修改机关层级")
    set_level.add_argument("name")
    set_level.add_argument("level")
    agencies.set_defaults(func=cmd_agencies)

    invite = sub.add_parser("invite", help="为机关生成一次性邀请码（最后一行是邀请码）")
    invite.add_argument("agency", nargs="?", default="", help="机关名称（督导员邀请可省略）")
    invite.add_argument("--role", choices=["staff", "supervisor"], default="staff")
    invite.add_argument("--days", type=int, default=14, help="有效天数")
    invite.set_defaults(func=cmd_invite)

    summary = sub.add_parser("summary", help="全县（地区）三张统计表汇总，可导出 Excel")
    summary.add_argument("--year", type=int, help="报告年度（默认上一年）")
    summary.add_argument("--xlsx", metavar="OUT.xlsx", help="导出汇总表和各单位情况表")
    summary.add_argument("--chart", metavar="OUT.png", help="另存报送状态图")
    summary.add_argument("--include-errors", action="store_true", help="有错误的单位也计入汇总")
    summary.set_defaults(func=cmd_summary)

    template = sub.add_parser("template", help="生成标准格式的空白年报（.docx）")
    template.add_argument("--out", required=True, metavar="OUT.docx")
    template.add_argument("--year", type=int, help="报告年度")
    template.add_argument("--agency", help="机关名称")
    template.set_defaults(func=cmd_template)

    serve = sub.add_parser("serve", help="运行机器人（需要环境变量 TELEGRAM_BOT_TOKEN）")
    serve.set_defaults(func=cmd_serve)

    demo = sub.add_parser("demo", help="本机演示：本地 Bot API 服务器 + 控制台对话（不需要 token）")
    demo.set_defaults(func=cmd_demo)
    add_web_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8")
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except BrokenPipeError:  # `nianbao check --json dir | head`: the reader has had enough
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
