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
    return check_bytes(data, str(path), level=args.level, deadline=args.deadline, expected_year=args.year)


def cmd_check(args) -> int:
    files = _expand(args.files)
    if not files:
        print("没有找到要审核的文件。", file=sys.stderr)
        return 2
    worst = 0
    single = len(files) == 1
    for path in files:
        result = _check_file(path, args)
        worst = max(worst, result.exit_code())
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
    return Store(config.database)


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


def cmd_serve(args) -> int:
    from .app import serve

    return serve(args.config, demo=args.demo)


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
    check.set_defaults(func=cmd_check)

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

    serve = sub.add_parser("serve", help="运行机器人（没有 TELEGRAM_BOT_TOKEN 时在本机演示）")
    serve.add_argument("--demo", action="store_true", help="强制使用本地演示模式（本地 Bot API 服务器 + 控制台对话）")
    serve.set_defaults(func=cmd_serve)
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
