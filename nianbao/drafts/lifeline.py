"""Imported first by the check pool's forkserver (see pool.PRELOAD): the forkserver is killed
when the bot that started it dies, however it dies, so that no forkserver (and, through the
workers' own parent-death signal, no worker) is left behind by a bot killed with SIGKILL.

Importing this module anywhere else does nothing: it acts only in a child of the process
named by ``NIANBAO_POOL_PARENT``."""

from __future__ import annotations

import os
import signal

from .worker import PARENT_ENV, die_with_parent


def _tie_to_bot() -> None:
    try:
        bot = int(os.environ.get(PARENT_ENV, ""))
    except ValueError:
        return
    if bot <= 0 or bot == os.getpid():
        return
    die_with_parent(signal.SIGKILL)
    if os.getppid() != bot:  # the bot died (or this is not its child): nothing to serve
        os._exit(0)


_tie_to_bot()
