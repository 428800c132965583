"""What the commands read: draft files named one by one or by folder, and the configured database."""

from __future__ import annotations

import argparse
import errno
import sys
from pathlib import Path
from typing import Callable

from .. import messages as say
from ..names import DRAFT_SUFFIXES, stray_text


def expand_paths(paths: list[str], in_folders: set[Path] | None = None) -> list[Path]:
    """Files as given; a folder stands for the drafts in it (by suffix), in name order. Files of
    another kind in a folder are named on stderr, never skipped silently. ``in_folders`` is given
    the files found in a folder (not named by the user)."""
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith((".", "~$"))):
                if child.suffix.lower() in DRAFT_SUFFIXES:
                    files.append(child)
                    if in_folders is not None:
                        in_folders.add(child)
                else:
                    print(say.skipped_not_a_report(child.name), file=sys.stderr)
        else:
            files.append(path)
    return files


def skipped_as_stray(path: Path, error_code: str | None, in_folders: set[Path]) -> bool:
    """A text file found in a folder with nothing of a report in it (a README beside the reports,
    ``nianbao.names.stray_text``): named on stderr as skipped, and True."""
    stray = path in in_folders and stray_text(path.name, error_code)
    if stray:
        print(say.skipped_not_a_report(path.name, text=True), file=sys.stderr)
    return stray


def level_argument(text: str) -> str:
    """``--level``: any name nianbao.levels knows (乡镇, 县直部门…, or township…), as its value."""
    from ..levels import normalize_level

    try:
        return normalize_level(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def os_problem(exc: OSError) -> str:
    """An OSError as a person reads it, in Chinese (strerror is English)."""
    reasons = {
        errno.ENOENT: say.FILE_NOT_FOUND,
        errno.EACCES: say.NO_READ_PERMISSION,
        errno.EISDIR: say.IS_A_FOLDER,
        errno.EPERM: say.NO_READ_PERMISSION,
    }
    return reasons.get(exc.errno, say.cannot_read(exc.strerror or exc))


def existing_database(args, missing: Callable[[str], str]):
    """The configuration (``--config``, ``NIANBAO_CONFIG``, ``NIANBAO_DB``) when its database is
    there; else None, after saying ``missing(path)``: a command that reads the county's records
    never creates an empty database in whatever folder it was run from (only ``serve``, ``demo``
    and ``agencies add``/``import`` create one)."""
    from ..config import load_config

    config = load_config(args.config)
    if Path(config.database).exists():
        return config
    print(missing(config.database), file=sys.stderr)
    return None


def open_store(args):
    """The Store of the configured database (``--config``, ``NIANBAO_CONFIG``, ``NIANBAO_DB``)."""
    from ..config import load_config
    from ..storage import Store

    config = load_config(args.config)
    return Store(config.database, busy_timeout_ms=config.busy_timeout_ms)
