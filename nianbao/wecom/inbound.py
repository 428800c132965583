"""A callback's XML: the envelope (``Encrypt``, before anything is trusted) and the decrypted
message (text, file, image…, or an event such as a menu click). Parsed without a DTD, entities or
network; a body with a DOCTYPE is not WeCom's."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from .crypto import Refused
from .ids import journal_id

MAX_BODY = 64 * 1024  # a callback is a few kilobytes (a text is at most 2048 bytes)
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_pis=True)


def _root(data: bytes) -> etree._Element:
    if len(data) > MAX_BODY or b"<!DOCTYPE" in data.upper() or b"<!ENTITY" in data.upper():
        raise Refused("not a callback body")
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as error:
        raise Refused("not XML") from error
    if root is None or root.tag != "xml":
        raise Refused("not a callback body")
    return root


def _fields(root: etree._Element) -> dict[str, str]:
    return {child.tag: (child.text or "").strip() if child.tag != "Content" else (child.text or "") for child in root if isinstance(child.tag, str)}


def envelope(data: bytes) -> str:
    """The ciphertext of a POSTed callback."""
    ciphertext = _fields(_root(data)).get("Encrypt", "")
    if not ciphertext:
        raise Refused("no Encrypt")
    return ciphertext


@dataclass(frozen=True)
class Inbound:
    user: str  # FromUserName: the sender's UserID
    kind: str  # MsgType: text, file, image, voice, video, location, link, event
    agent_id: str = ""
    created: str = ""
    msg_id: str = ""
    content: str = ""  # a text's content
    media_id: str = ""  # a file's or an image's
    file_name: str = ""
    event: str = ""  # an event's type (click, enter_agent, subscribe…)
    event_key: str = ""  # a menu button's key
    group: bool = False  # sent in a group chat (never answered)

    @property
    def journal_id(self) -> int:
        """The key that makes a retried callback a repeat: the MsgId, or for an event (which has
        none) the sender, the time and what happened, as WeCom advises."""
        if self.msg_id:
            return journal_id(f"msg:{self.msg_id}")
        return journal_id(f"event:{self.user}:{self.created}:{self.event}:{self.event_key}")


def message(data: bytes) -> Inbound:
    """The decrypted message as an ``Inbound``."""
    fields = _fields(_root(data))
    user, kind = fields.get("FromUserName", ""), fields.get("MsgType", "").lower()
    if not user or not kind:
        raise Refused("no sender or type")
    chat_type = fields.get("ChatType", "single").lower()
    return Inbound(
        user=user, kind=kind, agent_id=fields.get("AgentID", ""), created=fields.get("CreateTime", ""),
        msg_id=fields.get("MsgId", ""), content=fields.get("Content", ""), media_id=fields.get("MediaId", ""),
        file_name=fields.get("FileName", "") or fields.get("Title", ""), event=fields.get("Event", "").lower(),
        event_key=fields.get("EventKey", ""), group=bool(fields.get("ChatId")) or chat_type not in ("", "single"),
    )
