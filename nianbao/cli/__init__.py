"""The `nianbao` command: the same engine as the bot, for a person or a script.

One module per command group, each adding its subcommands to the parser: check.py (check, rules),
records.py (history, summary, template), roster.py (agencies, invite), bot.py (serve, demo)."""

from .main import build_parser, main

__all__ = ["build_parser", "main"]
