"""Everything the bot says, in simplified Chinese, as Telegram HTML (escaped), split to fit; and
the lines its operator reads in a terminal. One module per area; every name is here too, so that
code writes ``from nianbao import messages as say`` and ``say.NAME`` without knowing where NAME lives:

- ``console``: the terminal and the log: the ``nianbao`` command's own lines, ``serve`` without a
  token, reaching Telegram, importing past reports;
- ``ops``: what the county's IT person reads at the server: invite codes as the configured faces
  take them, earlier codes, ``web-login``'s hints, the doctor's verdict (imports nothing either);
- ``rollup``: the region's summary report and the published copy checked against the reviewed one
  (plain text for every face; imports nothing either);
- ``format``: splitting to Telegram's limit, an issue as a line, times and durations;
- ``drafts``: a draft's review, the rule catalogue, the pipeline's replies, a report pasted in parts;
- ``access``: welcome, binding, roles, help, invites, the guards, people and members, the audit log;
- ``status``: an agency's record, the county's status, overdue agencies, reminders, agency and year arguments;
- ``words``: a supervisor's acceptance of an issue and staff's explanation of one;
- ``files``: the names and captions of the files the bot sends.

A name is looked up on first use, in that order, importing only the modules tried: ``console``
imports nothing, so the ``nianbao`` command does not load the engine (``format`` does) to print a line.
``tests/test_messages.py`` keeps user-facing Chinese out of the code and every module's names here.
"""

from __future__ import annotations

import importlib

MODULES = ("console", "ops", "rollup", "format", "drafts", "access", "status", "words", "files")


def __getattr__(name: str):
    if not name.startswith("_"):
        for module_name in MODULES:
            module = importlib.import_module(f"{__name__}.{module_name}")
            if name in module.__all__:
                value = globals()[name] = getattr(module, name)
                return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(
        {*globals(), *(name for m in MODULES for name in importlib.import_module(f"{__name__}.{m}").__all__)}
    )
