"""Files known to the server (uploaded by a user or by the bot), kept in memory up to a budget."""

from __future__ import annotations

import mimetypes
import secrets
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any


@dataclass
class StoredFile:
    """A file known to the server (uploaded by a user or by the bot)."""

    file_id: str
    file_unique_id: str
    file_path: str
    filename: str
    data: bytes
    mime_type: str
    kind: str  # "document" or "photo"

    @property
    def size(self) -> int:
        return len(self.data)

    def document_json(self) -> dict[str, Any]:
        return {"file_id": self.file_id, "file_unique_id": self.file_unique_id,
                "file_name": self.filename, "mime_type": self.mime_type,
                "file_size": self.size}

    def photo_json(self) -> dict[str, Any]:
        return {"file_id": self.file_id, "file_unique_id": self.file_unique_id,
                "file_size": self.size, "width": 0, "height": 0}


def _guess_mime(filename: str) -> str:
    return mimetypes.guess_type(filename, strict=False)[0] or "application/octet-stream"


class FileStore:
    """Files by file_id and by download path; the oldest are forgotten past ``max_bytes``."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self._files: OrderedDict[str, StoredFile] = OrderedDict()
        self._by_path: dict[str, StoredFile] = {}
        self._bytes = 0
        self._counter = 0

    def get(self, file_id: str) -> StoredFile | None:
        return self._files.get(file_id)

    def at_path(self, file_path: str) -> StoredFile | None:
        return self._by_path.get(file_path)

    def add(self, filename: str, data: bytes, kind: str, mime_type: str | None) -> StoredFile:
        self._counter += 1
        name = PurePosixPath(filename.replace("\\", "/")).name or f"file_{self._counter}"
        if kind == "photo":
            mime_type = mime_type if mime_type and mime_type.startswith("image/") else "image/jpeg"
        elif not mime_type or mime_type == "application/octet-stream":
            mime_type = _guess_mime(name)
        suffix = PurePosixPath(name).suffix if kind == "document" else ".jpg"
        prefix = "BQACAgUAAxkBAAI" if kind == "document" else "AgACAgUAAxkBAAI"
        stored = StoredFile(
            file_id=prefix + secrets.token_urlsafe(24),
            file_unique_id="AgAD" + secrets.token_urlsafe(9),
            file_path=f"{kind}s/file_{self._counter}{suffix}",
            filename=name, data=data, mime_type=mime_type, kind=kind,
        )
        self._files[stored.file_id] = stored
        self._by_path[stored.file_path] = stored
        self._bytes += stored.size
        self._evict(keep=stored.file_id)
        return stored

    def _evict(self, keep: str) -> None:
        while self._bytes > self.max_bytes and len(self._files) > 1:
            file_id, old = next(iter(self._files.items()))
            if file_id == keep:
                break
            del self._files[file_id]
            self._by_path.pop(old.file_path, None)
            self._bytes -= old.size
