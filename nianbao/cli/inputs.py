"""What the commands read: draft files named one by one or by folder, and the configured database."""

from __future__ import annotations

from pathlib import Path

DRAFT_SUFFIXES = {".docx", ".txt", ".md", ".text", ".doc", ".wps", ".pdf"}


def expand_paths(paths: list[str]) -> list[Path]:
    """Files as given; a folder stands for the drafts in it (by suffix), in name order."""
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files += sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in DRAFT_SUFFIXES)
        else:
            files.append(path)
    return files


def open_store(args):
    """The Store of the configured database (``--config``, ``NIANBAO_CONFIG``, ``NIANBAO_DB``)."""
    from ..bot.config import load_config
    from ..storage import Store

    config = load_config(args.config)
    return Store(config.database, busy_timeout_ms=config.busy_timeout_ms)
