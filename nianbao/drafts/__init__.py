"""The draft pipeline, for any face: journal, rate limit, check in a worker, record, one reply
decided and kept, delivery through the face's ``Deliver``, recovery after a crash, retention.
Nothing here knows Telegram or the web."""

from .deliver import Deliver, DeliveryFailed, DeliveryRefused, RecipientGone
from .pipeline import DELIVERY_GIVE_UP, MAX_ATTEMPTS, Arrival, DraftPipeline, Sender
from .ratelimit import RateLimiter

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
