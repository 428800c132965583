"""Development tooling, not part of the service: a local Telegram Bot API server (``LocalBotApi``,
for the demo, the tests and the benchmarks), the terminal chat console and the demo
(``nianbao demo``).

    html.py     Telegram's HTML parse rules        chats.py, files.py   chat and file state
    wire.py     the Bot API's request/answer format faults.py           fault injection
    forms.py    multipart/form-data bodies (uploads)
    users.py    simulated users and what they see  methods.py           the Bot API methods
    server.py   LocalBotApi: the HTTP server       console.py, demo.py  the terminal demo
"""

from .chats import SentMessage
from .files import StoredFile
from .html import EntityParseError, parse_html, visible_text
from .server import LocalBotApi

__all__ = ["EntityParseError", "LocalBotApi", "SentMessage", "StoredFile", "parse_html", "visible_text"]
