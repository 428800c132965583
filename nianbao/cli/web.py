"""The web desk's commands of ``nianbao``: ``web`` (the desk alone) and ``web-login USER_ID``."""

from __future__ import annotations

import sys

from .. import messages as say
from .inputs import existing_database
from ..web import texts


def cmd_web(args) -> int:
    from ..web.server import run_web

    config = existing_database(args, say.web_no_database)
    return 2 if config is None else run_web(config)


def web_login_link(config, user_id: int) -> tuple[str, bool]:
    """A one-time sign-in link (10 minutes) for a member, and whether they have a name;
    LookupError for anyone else."""
    import datetime as dt

    from ..storage import Store
    from ..usecases.people import person_of

    with Store(config.database, busy_timeout_ms=config.busy_timeout_ms) as store:
        person = person_of(store, config, user_id)
        if person.role is None:
            raise LookupError(user_id)
        ttl = dt.timedelta(minutes=config.web.login_link_minutes)
        token = store.create_login_link(user_id, ttl)
    return f"{config.web.base_url}/login/{token}", bool(person.name)


def cmd_web_login(args) -> int:
    config = existing_database(args, say.web_no_database)
    if config is None:
        return 2
    try:
        link, named = web_login_link(config, args.user_id)
    except LookupError:
        print(texts.cannot_log_in(args.user_id), file=sys.stderr)
        return 1
    if not named:
        print(say.web_login_unnamed(args.user_id), file=sys.stderr)
    print(texts.LOGIN_LINK_FOLLOWS, file=sys.stderr)
    print(link)
    return 0


def add_commands(sub) -> None:
    web = sub.add_parser(
        "web",
        help="只运行网页版（不需要 TELEGRAM_BOT_TOKEN；地址见 NIANBAO_WEB_HOST/PORT）",
        description=(
            "只运行网页版报送台，不需要 TELEGRAM_BOT_TOKEN，使用已有的数据库（NIANBAO_DB 或配置文件的 [database] path）。"
            "监听地址：环境变量 NIANBAO_WEB_HOST（默认 127.0.0.1）和 NIANBAO_WEB_PORT（默认 8080）；"
            "NIANBAO_WEB_URL 是别人在浏览器中打开的地址（写进登录链接，例如反向代理后的 HTTPS 地址）。"
            "工作人员第一次用本单位的邀请码登录，填写姓名并得到个人登录码，以后用个人登录码登录；"
            "督导员用督导员邀请码，或先 nianbao members add 用户ID --role supervisor --name 姓名 再用 nianbao web-login 用户ID 的链接。"
        ),
    )
    web.set_defaults(func=cmd_web)
    login = sub.add_parser("web-login", help="为督导员或管理员生成网页一次性登录链接（最后一行是链接）")
    login.add_argument("user_id", type=int, help="Telegram 用户 ID（或已绑定的用户 ID）")
    login.set_defaults(func=cmd_web_login)
