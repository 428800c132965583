"""What a face supplies to the draft pipeline: how to reach the sender. The pipeline knows
nothing of Telegram (or of the web): a face implements ``Deliver`` and turns its own errors
into the three below."""

from __future__ import annotations

from typing import Protocol


class DeliveryFailed(Exception):
    """Every attempt to send failed (the network, the server); the journal keeps the draft so a
    later run answers it."""


class RecipientGone(Exception):
    """The sender cannot be reached any more (blocked the bot, left): nothing to retry."""


class DeliveryRefused(Exception):
    """The face refused what we sent (too large, a format it cannot show)."""


class Deliver(Protocol):
    async def send_text(self, chat_id: int, text: str) -> None:
        """One message of the reply (HTML of the Telegram subset), with retries."""

    async def send_document(self, chat_id: int, data: bytes, filename: str, caption: str) -> None:
        """A file of the reply (the marked-up draft), with retries."""

    async def notify_plainly(self, chat_id: int, text: str) -> None:
        """A last word without formatting; never raises (the formatted one may be what failed)."""

    async def download(self, file_id: str) -> bytes:
        """The bytes of a file the sender uploaded, by the face's id (again, after a crash)."""

    async def working(self, chat_id: int) -> None:
        """A courtesy while a download and a check run ("typing…"); never raises."""
