"""What every handler shares: the services, replies with retries, and ``command``, the one wrapper
that binds a handler to its declared command (``bot.commands``), enforces the role and resolves
an agency argument, with one set of messages."""

from __future__ import annotations

from ...roles import Rank

from dataclasses import dataclass
from typing import Awaitable, Callable

from telegram import InputFile, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from ... import messages as say
from ...storage import Agency, AmbiguousAgency
from ..commands import BY_NAME
from ..delivery import with_retries
from ..services import Services


def services_of(context: ContextTypes.DEFAULT_TYPE) -> Services:
    return context.application.bot_data["services"]


async def reply(update: Update, texts: str | list[str]) -> None:
    for text in [texts] if isinstance(texts, str) else texts:
        await with_retries(
            lambda: update.effective_message.reply_text(text, parse_mode=ParseMode.HTML, disable_web_page_preview=True)
        )


async def reply_file(update: Update, data: bytes, filename: str, caption: str, **options) -> None:
    """Send a generated file back in the chat (with retries); the name is ours, never the sender's."""
    document = InputFile(data, filename=filename)
    await with_retries(lambda: update.effective_message.reply_document(document, caption=caption, **options))


@dataclass
class Call:
    """One use of a command, past its checks."""

    update: Update
    context: ContextTypes.DEFAULT_TYPE
    services: Services
    role: str | None  # "staff", "supervisor", "admin" or None
    agency: Agency | None = None  # the agency named in the argument (commands declared with agency=True)

    @property
    def args(self) -> list[str]:
        return self.context.args or []

    @property
    def user_id(self) -> int:
        return self.update.effective_user.id

    async def reply(self, texts: str | list[str]) -> None:
        await reply(self.update, texts)

    async def reply_file(self, data: bytes, filename: str, caption: str, **options) -> None:
        await reply_file(self.update, data, filename, caption, **options)


Handler = Callable[[Call], Awaitable[None]]
CALLBACKS: dict[str, Callable] = {}  # command name -> the PTB callback


def command(name: str) -> Callable[[Handler], Handler]:
    """Bind ``handler`` to the declared command ``name``."""
    declared = BY_NAME[name]

    def bind(handler: Handler) -> Handler:
        async def callback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            services = services_of(context)
            role = await services.role_of(update.effective_user.id)
            if Rank.of(role) < declared.role:
                await reply(update, _refusal(declared.role, role))
                return
            call = Call(update, context, services, role)
            if declared.agency:
                call.agency = await _named_agency(call, name)
                if call.agency is None:
                    return
            await handler(call)

        callback.__name__ = callback.__qualname__ = f"{name}_command"
        CALLBACKS[name] = callback
        return handler

    return bind


def _refusal(needed: Rank, role: str | None) -> str:
    if needed == Rank.ADMIN:
        return say.ADMINS_ONLY
    return say.NOT_BOUND if role is None else say.SUPERVISORS_ONLY


async def _named_agency(call: Call, name: str) -> Agency | None:
    written = " ".join(call.args)
    if not written:
        await call.reply(say.agency_name_needed(name))
        return None
    try:
        agency = await call.services.db.find_agency(written, include_inactive=True)  # supervisors see deactivated ones
    except AmbiguousAgency as exc:
        await call.reply(say.ambiguous_agency(written, exc.candidates))
        return None
    if agency is None:
        await call.reply(say.agency_not_found(written))
    return agency
