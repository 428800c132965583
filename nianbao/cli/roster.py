"""`nianbao agencies` (the roster: import, list, add, rename, set-level, (de)activate) and
`nianbao invite` (a one-time invite code)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .. import messages as say
from ..levels import LEVEL_WORDS, LEVELS
from .inputs import existing_database, level_argument, open_store

MAX_INVITE_DAYS = 90


def invite_days(text: str) -> int:
    """``--days``: a whole number of days an invite code stays valid, within reason."""
    try:
        days = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(say.days_not_a_number(text)) from None
    if not 1 <= days <= MAX_INVITE_DAYS:
        raise argparse.ArgumentTypeError(say.days_out_of_range(MAX_INVITE_DAYS))
    return days


def level_as_written(text: str) -> str:
    """``--level``: a level nianbao knows (乡镇, 县直部门…, or township…), kept as written: the
    storage keeps the word to show it (县直部门 stays 县直部门)."""
    level_argument(text)  # refuses an unknown level, in Chinese
    return " ".join(text.split())


def cmd_agencies(args) -> int:
    store = open_store(args)
    try:
        if args.agencies_command == "import":
            result = store.import_roster_csv(Path(args.csv))
            print(say.roster_imported(result.added, result.updated))
            for error in result.errors:
                print(f"  {error}", file=sys.stderr)
            return 1 if result.errors else 0
        if args.agencies_command == "add":
            return _add_agency(store, args)
        if args.agencies_command in ("deactivate", "activate", "rename", "set-level"):
            return _edit_agency(store, args)
        words = store.level_words()
        for agency in store.list_agencies(active_only=not args.all):
            state = "" if agency.active else say.DEACTIVATED_MARK
            level = words.get(agency.id) or LEVELS.get(agency.level, agency.level)
            print(f"{agency.id}\t{agency.name}\t{level}\t{agency.region or ''}{state}")
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
        print(say.cannot_add_agency(args.name, exc), file=sys.stderr)
        return 2
    agency = store.get_agency(agency_id)
    old = before.get(agency.name)
    if old is None:
        print(say.agency_added_to_roster(agency.name, agency_id))
        return 0
    changed = [say.level_changed(store.level_words().get(agency.id) or LEVELS.get(agency.level, agency.level))] * (old.level != agency.level)
    changed += [say.region_changed(agency.region)] * (old.region != agency.region)
    print(say.agency_in_roster(agency.name, agency_id, agency.active, changed))
    return 0


def _lookup_agency(store, name: str, include_inactive: bool = False):
    """The agency of that name, or None after telling the user why not (on stderr)."""
    from ..storage import AmbiguousAgency

    try:
        agency = store.find_agency(name, include_inactive=include_inactive)
    except AmbiguousAgency as exc:
        print(say.agency_name_ambiguous(exc.candidates), file=sys.stderr)
        return None
    if agency is None:
        print(say.agency_not_in_roster(name), file=sys.stderr)
    return agency


def _edit_agency(store, args) -> int:
    agency = _lookup_agency(store, args.name, include_inactive=True)
    if agency is None:
        return 1
    if args.agencies_command == "rename":
        store.rename_agency(agency.id, args.new_name)
        print(say.agency_renamed(agency.name, args.new_name))
    elif args.agencies_command == "set-level":
        store.set_agency_level(agency.id, args.level)
        print(say.agency_level_set(agency.name, store.level_words().get(agency.id) or LEVELS[level_argument(args.level)]))
    else:
        active = args.agencies_command == "activate"
        store.set_agency_active(agency.id, active)
        store.record_event("activate" if active else "deactivate", agency_id=agency.id)
        print(say.agency_switched(agency.name, active))
    return 0


def cmd_invite(args) -> int:
    if args.days is None:  # the storage's default, looked up here: the parser must not import storage
        from ..storage import INVITE_TTL_DAYS

        args.days = INVITE_TTL_DAYS
    if args.all:
        return _bulk_invites(args)
    from ..config import load_config

    faces = _faces(load_config(args.config), args.bot)
    if not faces.any:
        print(say.NO_WAY_IN, file=sys.stderr)
        return 2
    store = open_store(args)
    try:
        agency_id = None
        if args.role != "supervisor" or args.agency:
            agency = _lookup_agency(store, args.agency or "")
            if agency is None:
                return 1
            agency_id = agency.id
            print(say.invite_agency(agency.name))
        if args.replace and agency_id is not None:
            revoked = store.revoke_invites(agency_id, args.role)
            if revoked:
                print(say.earlier_invites_revoked(1, revoked))
        code = store.create_invite(agency_id, role=args.role, ttl_days=args.days, region=args.region or None)
        print(say.invite_issued(code, args.days, faces.ways(code, supervisor=args.role == "supervisor")))
        print(code)
        return 0
    finally:
        store.close()


def _faces(config, bot: str | None, *, username: bool = False):
    """Where a code can be used in this office: the web desk (its sign-in page) when it is on,
    Telegram when a token is configured or ``--bot`` names the bot (``username``: ask Telegram
    for the bot's name, for the t.me links; LookupError when it cannot be had), 企业微信 when
    its settings are complete."""
    from ..ops.invites import Faces
    from ..wecom.settings import load_settings

    web_url = f"{config.web.base_url}/signin" if config.web.enabled else None
    if not bot and config.token and username:
        import asyncio

        from ..bot.reach import probe

        reach = asyncio.run(probe(config))
        if not reach.ok:
            raise LookupError(reach.detail)
        bot = reach.detail
    return Faces(web_url, bot.lstrip("@") if bot else None, chat=bool(config.token), wecom=load_settings(config).configured)


def _local(url: str | None) -> bool:
    from urllib.parse import urlparse

    return bool(url) and (urlparse(url).hostname or "") in ("127.0.0.1", "localhost", "::1", "0.0.0.0")


def _bulk_invites(args) -> int:
    """`nianbao invite --all --out 邀请码.xlsx`: a code for every agency, with how to use it in
    each face of the office; the codes made before are said, or revoked with --replace."""
    from ..config import load_config
    from ..ops.invites import bulk_invites, write_invites

    if not args.out:
        print(say.INVITES_OUT_NEEDED, file=sys.stderr)
        return 2
    config = load_config(args.config)
    try:
        faces = _faces(config, args.bot, username=True)
    except LookupError as problem:
        print(say.no_bot_username(str(problem)), file=sys.stderr)
        return 2
    if not faces.any:
        print(say.NO_WAY_IN, file=sys.stderr)
        return 2
    if existing_database(args, say.invites_no_database) is None:
        return 2
    store = open_store(args)
    try:
        issued = bulk_invites(store, faces, args.days, unbound_only=args.unbound, replace=args.replace)
    finally:
        store.close()
    if not issued.rows:
        print(say.NO_AGENCIES_TO_INVITE, file=sys.stderr)
        return 1
    write_invites(issued.rows, Path(args.out), faces)
    print(say.invites_saved(len(issued.rows), args.days, args.out, issued.rows[0].ways))
    if issued.earlier_codes and issued.revoked:
        print(say.earlier_invites_revoked(issued.earlier_agencies, issued.earlier_codes))
    elif issued.earlier_codes:
        print(say.earlier_invites_kept(issued.earlier_agencies, issued.earlier_codes, issued.earlier_last))
    if _local(faces.web_url):
        print(say.local_web_address(config.web.base_url), file=sys.stderr)
    return 0


def cmd_members(args) -> int:
    store = open_store(args)
    try:
        if args.members_command == "add":
            return _add_member(store, args)
        if args.members_command == "list":
            for member in store.list_members():
                agency = store.get_agency(member.agency_id) if member.agency_id else None
                print(say.member_line(member.user_id, member.role, member.display_name, agency.name if agency else None, member.region))
            return 0
        if not store.remove_member(args.user_id):
            print(say.cli_not_a_member(args.user_id), file=sys.stderr)
            return 1
        print(say.cli_member_removed(args.user_id))
        return 0
    finally:
        store.close()


def _add_member(store, args) -> int:
    """A member as a fact of the database (the desk and the command line agree on it), not only
    of a process's environment: a supervisor (with a region as their scope), an admin, or staff."""
    agency_id = None
    if args.role == "staff":
        agency = _lookup_agency(store, args.agency or "")
        if agency is None:
            return 1
        agency_id = agency.id
    member = store.bind_member(args.user_id, agency_id, role=args.role, display_name=args.name, region=args.region or None)
    store.record_event("promote" if args.role != "staff" else "bind", subject=args.user_id, agency_id=agency_id, detail=args.role)
    print(say.member_added(member.user_id, member.role, member.display_name, member.region))
    return 0


def add_commands(sub) -> None:
    members = sub.add_parser("members", help="管理成员")
    members_sub = members.add_subparsers(dest="members_command", required=True)
    members_sub.add_parser("remove", help="移除一名成员（按 Telegram 用户ID）").add_argument("user_id", type=int, help="Telegram 用户 ID")
    members_sub.add_parser("list", help="列出全部成员")
    adder = members_sub.add_parser("add", help="添加成员：督导员（可限定地区）、管理员或某机关的工作人员")
    adder.add_argument("user_id", type=int, help="用户 ID（Telegram 用户 ID，或网页版账号编号）")
    adder.add_argument("--role", choices=["supervisor", "admin", "staff"], default="supervisor", help="角色（默认 supervisor：督导员）")
    adder.add_argument("--region", help="督导员的范围：该地区及其下级（例如 沭阳县，或 宿迁市）；不写则为全部")
    adder.add_argument("--agency", help="工作人员所属机关（--role staff 时必填）")
    adder.add_argument("--name", help="姓名（显示在记录和网页上）")
    members.set_defaults(func=cmd_members)

    agencies = sub.add_parser("agencies", help="管理机关名单")
    agencies_sub = agencies.add_subparsers(dest="agencies_command", required=True)
    importer = agencies_sub.add_parser("import", help="从 CSV 导入名单（列：name,level[,region,parent,active]）")
    importer.add_argument("csv", help="名单文件（CSV，UTF-8 或 GB18030）")
    lister = agencies_sub.add_parser("list", help="列出机关")
    lister.add_argument("--all", action="store_true", help="包括已停用的机关")
    adder = agencies_sub.add_parser("add", help="添加一个机关")
    adder.add_argument("name", help="机关全称")
    adder.add_argument("--level", required=True, type=level_as_written, metavar="LEVEL", help=f"机关层级：{LEVEL_WORDS}")
    adder.add_argument("--region")
    for command, help_text in (("deactivate", "停用一个机关（不再统计、不再提醒）"), ("activate", "重新启用一个机关")):
        agencies_sub.add_parser(command, help=help_text).add_argument("name")
    rename = agencies_sub.add_parser("rename", help="修改机关名称")
    rename.add_argument("name")
    rename.add_argument("new_name")
    set_level = agencies_sub.add_parser("set-level", help="修改机关层级")
    set_level.add_argument("name")
    set_level.add_argument("level", type=level_as_written, metavar="LEVEL", help=f"机关层级：{LEVEL_WORDS}")
    agencies.set_defaults(func=cmd_agencies)

    invite = sub.add_parser("invite", help="为机关生成一次性邀请码（最后一行是邀请码）")
    invite.add_argument("agency", nargs="?", default="", help="机关名称（督导员邀请可省略）")
    invite.add_argument(
        "--role", choices=["staff", "supervisor"], default="staff",
        help="staff：工作人员，绑定到机关（默认）；supervisor：督导员，可查看全县情况、登录网页版（不需要机关名称）",
    )
    invite.add_argument("--days", type=invite_days, default=None, help=f"有效天数（1 到 {MAX_INVITE_DAYS}）")
    invite.add_argument("--all", action="store_true", help="为名单中每个机关各生成一个邀请码，保存到 --out 文件")
    invite.add_argument(
        "--out", metavar="邀请码.xlsx",
        help="与 --all 一起：保存为 .xlsx 或 .csv（每个机关的使用方法：网页版地址和登录步骤；有 Telegram 时含 t.me 链接；有企业微信时含“绑定 邀请码”）",
    )
    invite.add_argument("--bot", metavar="用户名", help="Telegram 机器人的用户名（生成 t.me 链接；设置了 TELEGRAM_BOT_TOKEN 时默认向 Telegram 查询）")
    invite.add_argument("--replace", action="store_true", help="作废这些机关以前生成、尚未使用的邀请码，只留这次生成的")
    invite.add_argument("--unbound", action="store_true", help="与 --all 一起：只为还没有人绑定的机关生成")
    invite.add_argument("--region", help="与 --role supervisor 一起：督导员只能查看该地区及其下级（例如 沭阳县）")
    invite.set_defaults(func=cmd_invite)
