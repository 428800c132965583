"""A local WeCom (企业微信) API server for the demo and the tests, like the local Bot API server:
``gettoken``, ``message/send``, ``media/upload``, ``media/get``, ``menu/create``; simulated
people whose messages reach the face as encrypted, signed callbacks; fault injection (a token
expiring, a busy server, an error code).

    server.py    WecomEmulator: the HTTP API, what the app sent, faults
    people.py    people writing to the app: callbacks encrypted and signed as WeCom does
    console.py   the terminal chat of ``nianbao demo --wecom``
"""

from .people import CallbackResult
from .server import Sent, WecomEmulator

__all__ = ["CallbackResult", "Sent", "WecomEmulator"]
