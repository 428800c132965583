"""A face as the composition root (``nianbao serve``) sees it: whether it is configured, how it
starts on the shared office (and stops), the secrets its logs must never show. Each face package
declares one in its ``face`` module (``FACE``); ``nianbao serve`` finds them there, so a new face
is added by its own package alone."""

from __future__ import annotations

import gc
import logging
from dataclasses import dataclass
from typing import Awaitable, Callable
from urllib.parse import quote

from ..config import Config
from .office import Office

Stop = Callable[[], Awaitable[None]]


def settle() -> None:
    """Once a service is up (``nianbao serve``, ``nianbao web``): everything starting made lives
    as long as the service, so it goes out of the garbage collector's way; a full collection in
    a burst then walks what the burst made, and pauses the loop for milliseconds, not tens of them."""
    gc.collect()
    gc.freeze()


class FaceFailed(Exception):
    """A face could not start; what to tell the operator is already logged or printed."""

    def __init__(self, status: int = 1) -> None:
        super().__init__(status)
        self.status = status


@dataclass(frozen=True)
class Face:
    name: str
    configured: Callable[[Config], bool]
    start: Callable[[Office], Awaitable[Stop]]  # raises FaceFailed
    chat: bool = True  # a messenger (the web desk is not)
    prepare: Callable[[Config], Config] = lambda config: config  # before logging starts (a generated secret)
    secrets: Callable[[Config], tuple[str | None, ...]] = lambda config: ()
    log_filters: tuple[Callable[[], logging.Filter], ...] = ()


class RedactSecrets(logging.Filter):
    """Tokens are part of URLs that HTTP clients log (and exceptions quote): never in a log line."""

    def __init__(self, *secrets: str | None) -> None:
        super().__init__()
        self.secrets = sorted({form for s in secrets if s for form in (s, quote(s, safe=""))}, key=len, reverse=True)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        for secret in self.secrets:
            message = message.replace(secret, "[REDACTED]")
            if record.exc_text:
                record.exc_text = record.exc_text.replace(secret, "[REDACTED]")
        record.msg, record.args = message, ()
        return True
