"""The parser and the entry point of the `nianbao` command (pyproject's ``nianbao.cli:main``)."""

from __future__ import annotations

import argparse
import sys

from .. import messages as say
from . import bot, check, ops, records, roster, web


def _speak_chinese() -> None:
    """argparse's own words (usage:, options:, its errors) in Chinese: argparse looks its gettext
    functions up in its module when it uses them, so replacing them there is enough."""
    if getattr(argparse._, "nianbao", False):
        return

    def translate(message: str) -> str:
        return say.ARGPARSE_WORDS.get(message, message)

    def translate_plural(singular: str, plural: str, n: int) -> str:
        return translate(singular if n == 1 else plural)

    translate.nianbao = True
    argparse._, argparse.ngettext = translate, translate_plural


def build_parser() -> argparse.ArgumentParser:
    _speak_chinese()  # before any parser: ArgumentParser() names its groups and --help when made
    parser = argparse.ArgumentParser(prog="nianbao", description="年报审核助手：政府信息公开工作年度报告审核")
    parser.add_argument("--config", help="配置文件（TOML）路径，默认读取环境变量 NIANBAO_CONFIG")
    sub = parser.add_subparsers(dest="command", required=True, metavar="命令")
    for group in (check, records, roster, bot, ops, web):
        group.add_commands(sub)
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
