"""`nianbao agencies` (the roster: import, list, add, rename, set-level, (de)activate) and
`nianbao invite` (a one-time invite code)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..levels import LEVELS
from ..storage import INVITE_TTL_DAYS
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
            return _add_agency(store, args)
        if args.agencies_command in ("deactivate", "activate", "rename", "set-level"):
            return _edit_agency(store, args)
        for agency in store.list_agencies(active_only=not args.all):
            state = "" if agency.active else "（已停用）"
            print(f"{agency.id}\t{agency.name}\t{LEVELS.get(agency.level, agency.level)}\t{agency.region or ''}{state}")
        return 0
    finally:
        store.close()


def _add_agency(store, args) -> int:
    """Add an agency; an existing name is said to be there (and its level/region updated when
    they differ), never "added" a second time."""
    before = {a.name: a for a in store.list_agencies(active_only=False)}
    try:
        agency_id = store.add_agency(args.name, args.level, region=args.region)
    except ValueError as exc:
        print(f"无法添加「{args.name}」：{exc}", file=sys.stderr)
        return 2
    agency = store.get_agency(agency_id)
    old = before.get(agency.name)
    if old is None:
        print(f"已添加：{agency.name}（编号 {agency_id}）")
        return 0
    changed = [f"层级改为 {LEVELS.get(agency.level, agency.level)}"] * (old.level != agency.level)
    changed += [f"地区改为 {agency.region}"] * (old.region != agency.region)
    state = "" if agency.active else "（已停用，启用：nianbao agencies activate）"
    print(f"「{agency.name}」已在名单中（编号 {agency_id}）{state}，没有重复添加" + (f"；{'，'.join(changed)}" if changed else "") + "。")
    return 0


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
        store.record_event("activate" if active else "deactivate", agency_id=agency.id)
        print(f"已{'启用' if active else '停用'}：{agency.name}" + ("" if active else "（其成员已不能再使用机器人）"))
    return 0


def cmd_invite(args) -> int:
    if args.all:
        return _bulk_invites(args)
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


def _bulk_invites(args) -> int:
    """`nianbao invite --all --out 邀请码.xlsx`: a code and a t.me link for every agency."""
    import asyncio

    from ..ops.invites import bulk_invites, write_invites
    from ..bot.config import load_config
    from ..bot.reach import probe

    if not args.out:
        print("请用 --out 邀请码.xlsx（或 .csv）指定保存邀请码的文件。", file=sys.stderr)
        return 2
    config = load_config(args.config)
    username = args.bot
    if not username:
        reach = asyncio.run(probe(config))
        if not reach.ok:
            print(f"无法从 Telegram 得到机器人的用户名（{reach.detail}）：请用 --bot 机器人用户名 指定。", file=sys.stderr)
            return 2
        username = reach.detail
    if not Path(config.database).exists():
        print(f"找不到数据库「{config.database}」：先用 nianbao agencies import 名单.csv 导入名单。", file=sys.stderr)
        return 2
    store = open_store(args)
    try:
        rows = bulk_invites(store, username, args.days, unbound_only=args.unbound)
    finally:
        store.close()
    if not rows:
        print("名单中没有需要邀请码的机关。", file=sys.stderr)
        return 1
    write_invites(rows, Path(args.out))
    print(f"已为 {len(rows)} 个机关生成邀请码（{args.days} 天内有效，每个只能使用一次）：{args.out}")
    return 0


def cmd_members(args) -> int:
    store = open_store(args)
    try:
        if not store.remove_member(args.user_id):
            print(f"用户 {args.user_id} 不是成员。", file=sys.stderr)
            return 1
        print(f"已移除用户 {args.user_id}：其不能再使用机器人，需要新的邀请码才能重新绑定。")
        return 0
    finally:
        store.close()


def add_commands(sub) -> None:
    members = sub.add_parser("members", help="管理成员")
    members_sub = members.add_subparsers(dest="members_command", required=True)
    members_sub.add_parser("remove", help="移除一名成员（按 Telegram 用户ID）").add_argument("user_id", type=int)
    members.set_defaults(func=cmd_members)

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
    invite.add_argument("--days", type=invite_days, default=INVITE_TTL_DAYS, help=f"有效天数（1 到 {MAX_INVITE_DAYS}）")
    invite.add_argument("--all", action="store_true", help="为名单中每个机关各生成一个邀请码，保存到 --out 文件")
    invite.add_argument("--out", metavar="邀请码.xlsx", help="与 --all 一起：保存为 .xlsx 或 .csv（含 t.me 绑定链接）")
    invite.add_argument("--bot", metavar="用户名", help="机器人的用户名（生成 t.me 链接；默认向 Telegram 查询）")
    invite.add_argument("--unbound", action="store_true", help="与 --all 一起：只为还没有人绑定的机关生成")
    invite.set_defaults(func=cmd_invite)
