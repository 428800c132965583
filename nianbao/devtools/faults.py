"""Fault injection: the next calls of a Bot API method answer with an error, or only after a delay."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from http import HTTPStatus

from .wire import ApiError

FAULT_DESCRIPTIONS = {
    400: "Bad Request: injected fault",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running",
    500: "Internal Server Error",
    502: "Bad Gateway",
}


@dataclass
class Fault:
    status: int | None
    retry_after: int | None
    delay: float
    description: str | None
    remaining: int

    def error(self) -> ApiError | None:
        """The error this fault answers with (None: the call then succeeds)."""
        if self.status is None:
            return None
        if self.status == 429:
            description = self.description or f"Too Many Requests: retry after {self.retry_after}"
            return ApiError(429, description, {"retry_after": self.retry_after})
        description = self.description or FAULT_DESCRIPTIONS.get(self.status, HTTPStatus(self.status).phrase)
        return ApiError(self.status, description)


class Faults:
    """Faults per method name ("*" = any method, "file" = downloads), first injected first used."""

    def __init__(self) -> None:
        self._queues: dict[str, deque[Fault]] = {}

    def inject(
        self,
        method: str,
        status: int | None = None,
        *,
        retry_after: int | None = None,
        times: int = 1,
        delay: float = 0.0,
        description: str | None = None,
    ) -> None:
        """Make the next ``times`` calls of ``method`` misbehave.

        * ``status`` (e.g. 429, 400, 403, 500, 502): answer with that error. 429 carries
          ``parameters.retry_after`` (default 1 s), which PTB turns into ``RetryAfter``.
        * ``delay``: wait that many seconds first (forces client timeouts); with
          ``status=None`` the call then succeeds normally (and is executed!).
        * Neither given: a 429 with ``retry_after=1``.
        """
        if status is None and not delay:
            status = 429
        if status is not None and not 400 <= status <= 599:
            raise ValueError("status must be an HTTP error code (400-599)")
        if status == 429 and retry_after is None:
            retry_after = 1
        if times < 1:
            raise ValueError("times must be >= 1")
        fault = Fault(status, retry_after, float(delay), description, times)
        self._queues.setdefault(method.lower(), deque()).append(fault)

    def clear(self) -> None:
        self._queues.clear()

    def take(self, method: str) -> Fault | None:
        for key in (method.lower(), "*"):
            queue = self._queues.get(key)
            if queue:
                fault = queue[0]
                fault.remaining -= 1
                if fault.remaining <= 0:
                    queue.popleft()
                return fault
        return None
