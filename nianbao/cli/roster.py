"""`nianbao agencies` (the roster: import, list, add, rename, set-level, (de)activate) and
`nianbao invite` (a one-time invite code)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..validators.template import LEVELS
from .inputs import open_store

MAX_INVITE_DAYS = 90


def invite_days(text: str) -> int:
    """``--days``: a whole number of days an invite code stays valid, within reason."""
    try:
        days = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"有效天数应是整数，而不是“{text[:20]}”") from None
    if not 1 <= days <= MAX_INVITE_DAYS:
        raise argparse.ArgumentTypeError(f"有效天数应在 1 到 {MAX_INVITE_DAYS} 之间")
    return days


def cmd_agencies(args) -> int:
    store = open_store(args)
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
    store = open_store(args)
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


def add_commands(sub) -> None:
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
    invite.add_argument("--days", type=invite_days, default=14, help=f"有效天数（1 到 {MAX_INVITE_DAYS}）")
    invite.set_defaults(func=cmd_invite)
