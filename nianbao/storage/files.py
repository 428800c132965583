"""Drafts kept on disk, content-addressed: ``<root>/ab/abcdef…`` where the name is the SHA-256 of
the bytes. A user-supplied file name never reaches the file system, and the same draft sent twice
is stored once."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import time
from pathlib import Path

__all__ = ["FileStore"]

_SHA256 = re.compile(r"[0-9a-f]{64}")


class FileStore:
    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)

    def path(self, sha256: str) -> Path:
        if not _SHA256.fullmatch(sha256):
            raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
        return self.root / sha256[:2] / sha256

    def put(self, data: bytes) -> str:
        """Store ``data`` (atomically: a crash leaves either the whole file or none); return its hash."""
        sha256 = hashlib.sha256(data).hexdigest()
        target = self.path(sha256)
        if target.exists():
            os.utime(target)  # touched: retention counts from the last time it was sent
            return sha256
        target.parent.mkdir(exist_ok=True, mode=0o700)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return sha256

    def get(self, sha256: str) -> bytes | None:
        try:
            return self.path(sha256).read_bytes()
        except FileNotFoundError:
            return None

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).exists()

    def delete(self, sha256: str) -> None:
        self.path(sha256).unlink(missing_ok=True)

    def purge(self, keep: set[str], older_than_seconds: float) -> int:
        """Delete stored drafts not in ``keep`` and not touched for ``older_than_seconds``
        (left-over temporary files too); return how many were deleted."""
        cutoff = time.time() - older_than_seconds
        removed = 0
        for path in self.root.glob("??/*"):
            name = path.name
            stale = path.stat().st_mtime < cutoff
            if name.startswith(".incoming-") and stale or _SHA256.fullmatch(name) and name not in keep and stale:
                path.unlink(missing_ok=True)
                removed += 1
        return removed
