"""`nianbao serve` (the bot for real, with a token) and `nianbao demo` (the local demo)."""

from __future__ import annotations


def cmd_serve(args) -> int:
    from ..bot.app import serve

    return serve(args.config)


def cmd_demo(args) -> int:
    from ..bot.app import demo

    return demo(args.config)


def add_commands(sub) -> None:
    serve = sub.add_parser("serve", help="运行机器人（需要环境变量 TELEGRAM_BOT_TOKEN）")
    serve.set_defaults(func=cmd_serve)

    demo = sub.add_parser("demo", help="本机演示：本地 Bot API 服务器 + 控制台对话（不需要 token）")
    demo.set_defaults(func=cmd_demo)
