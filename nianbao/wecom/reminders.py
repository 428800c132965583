"""The January reminders for the people this face reaches: who is reminded of what, once, is the
use case's (``usecases.reminders``, the same days, texts and claims as every face); this only
says whom WeCom reaches and sends."""

from __future__ import annotations

import logging

from ..drafts import DeliveryFailed, DeliveryRefused, RecipientGone
from ..usecases.office import Office
from ..usecases.reminders import send_due_reminders as _send_due
from .deliver import WecomDeliver
from .ids import is_wecom_member

log = logging.getLogger("nianbao.wecom")
CHECK_INTERVAL_SECONDS = 600


async def send_due_reminders(office: Office, deliver: WecomDeliver) -> list[str]:
    """Send what is due now to WeCom members; the keys of the reminders sent."""

    async def send(user_id: int, text: str) -> bool:
        try:
            await deliver.send_texts(user_id, [text])
        except (DeliveryFailed, DeliveryRefused, RecipientGone):
            return False
        return True

    return await _send_due(office, send, lambda user_id: _reachable(deliver, user_id))


def _reachable(deliver: WecomDeliver, user_id: int) -> bool:
    """A WeCom member whose account is known (a supervisor configured by number who never wrote
    is reached once they have written, or when named by UserID in ``[wecom] supervisors``)."""
    return is_wecom_member(user_id) and user_id in deliver.directory
