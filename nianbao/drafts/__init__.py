"""The draft pipeline, for any face: journal, rate limit, check in a worker, record, one reply
decided and kept, delivery through the face's ``Deliver``, recovery after a crash, retention.
Nothing here knows Telegram or the web.

The pipeline's names are imported when first used: the check pool's forkserver and its workers
import this package (``lifeline``, ``checked``) and need none of the storage behind the pipeline."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .deliver import Deliver, DeliveryFailed, DeliveryRefused, RecipientGone
from .ratelimit import RateLimiter

_PIPELINE = ("Arrival", "DELIVERY_GIVE_UP", "DraftPipeline", "MAX_ATTEMPTS", "Sender")

__all__ = [
    "Arrival",
    "DELIVERY_GIVE_UP",
    "Deliver",
    "DeliveryFailed",
    "DeliveryRefused",
    "DraftPipeline",
    "MAX_ATTEMPTS",
    "RateLimiter",
    "RecipientGone",
    "Sender",
]


def __getattr__(name: str) -> Any:
    if name in _PIPELINE:
        value = getattr(importlib.import_module(".pipeline", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


if TYPE_CHECKING:
    from .pipeline import DELIVERY_GIVE_UP, MAX_ATTEMPTS, Arrival, DraftPipeline, Sender
