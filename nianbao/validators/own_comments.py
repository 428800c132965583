"""The marks this program put into an earlier 批注版, recognised and removed before a returned copy
is marked up again (or handed back clean): its comments (its own author and issue-line text, or
the short 「（见第3条）」 at a further place of an issue) and the shading of the cells it marked as
further places of an issue (its own fills). People's own comments and shading are never touched."""

from __future__ import annotations

import re

from lxml import etree

from .readers.docx import _P, W
from .render import ISSUE_HEAD_OPENING

DEFAULT_AUTHOR = "年报审核助手"
DEFAULT_INITIALS = "审核"
_ID, _AUTHOR = f"{W}id", f"{W}author"

_OWN_TEXT = ISSUE_HEAD_OPENING
_OWN_NOTE = re.compile(r"^（见第\d+条")  # the short comment at a further place of an issue
# the fills this program shades a further place of an issue with, by severity (uncommon on purpose)
OWN_FILLS = {"error": "FAD4D4", "warning": "FCEFC7", "info": "DCEBF9"}
_SHD, _TCPR, _FILL, _VAL, _COLOR = f"{W}shd", f"{W}tcPr", f"{W}fill", f"{W}val", f"{W}color"
# tcPr children that come after w:shd in the schema (Word refuses them out of order)
_AFTER_SHD = {f"{W}{name}" for name in ("noWrap", "tcMar", "textDirection", "tcFitText", "vAlign", "hideMark", "headers", "cellIns", "cellDel", "cellMerge", "tcPrChange")}
_PLAIN_FILLS = {"", "AUTO", "FFFFFF"}
_OWN = frozenset(OWN_FILLS.values())
_COMMENT = f"{W}comment"
_COMMENT_MARKERS = (f"{W}commentRangeStart", f"{W}commentRangeEnd", f"{W}commentReference")
# parts Word and WPS add beside comments.xml, keyed by the comment paragraph's w14:paraId
COMMENT_SIDE_PARTS = ("commentsExtended.xml", "commentsIds.xml", "commentsExtensible.xml")
_SIDE_IDS = {"paraId", "durableId"}  # what ties an entry to its comment (not done="0", which most share)
_PARA_ID = "{http://schemas.microsoft.com/office/word/2010/wordml}paraId"
# what a comment's text is made of, as python-docx's ``Comment.text`` reads it
_R, _HYPERLINK, _T = f"{W}r", f"{W}hyperlink", f"{W}t"
_RUN_TEXT = {f"{W}t": None, f"{W}tab": "\t", f"{W}ptab": "\t", f"{W}cr": "\n", f"{W}noBreakHyphen": "-"}
_BR, _BR_TYPE = f"{W}br", f"{W}type"


def own_comment(author: str, text: str) -> bool:
    """A comment this program wrote: its author, and its text opening like an issue line (or the
    short note at a further place of an issue)."""
    return author == DEFAULT_AUTHOR and bool(_OWN_TEXT.match(text) or _OWN_NOTE.match(text))


def comment_text(comment) -> str:
    """A w:comment's text as python-docx gives it: its paragraphs' runs (hyperlinks' too) joined,
    paragraphs by line breaks."""
    lines = []
    for p in comment.iterchildren(_P):
        parts = []
        for child in p.iterchildren(_R, _HYPERLINK):
            for run in (child,) if child.tag == _R else child.iterchildren(_R):
                parts += [_run_piece(node) for node in run.iterchildren(*_RUN_TEXT, _BR)]
        lines.append("".join(parts))
    return "\n".join(lines)


def _run_piece(node) -> str:
    if node.tag == _BR:
        return "\n" if node.get(_BR_TYPE, "textWrapping") == "textWrapping" else ""
    piece = _RUN_TEXT[node.tag]
    return (node.text or "") if piece is None else piece


def shade(tc, severity: str) -> bool:
    """Shade a cell as a further place of an issue; False (untouched) when it has a fill of its own."""
    properties = tc.find(_TCPR)
    if properties is None:
        properties = tc.makeelement(_TCPR, {})
        tc.insert(0, properties)
    current = properties.find(_SHD)
    if current is not None:
        fill = (current.get(_FILL) or "").upper()
        if fill not in _PLAIN_FILLS and fill not in OWN_FILLS.values():
            return False
        properties.remove(current)
    shd = tc.makeelement(_SHD, {_VAL: "clear", _COLOR: "auto", _FILL: OWN_FILLS[severity]})
    after = next((child for child in properties if child.tag in _AFTER_SHD), None)
    if after is not None:
        after.addprevious(shd)
    else:
        properties.append(shd)
    return True


def remove_own_shading(body, *more) -> int:
    """Remove the shading this program gave cells in an earlier 批注版 (in ``body`` and any
    ``more`` trees: the text boxes' fallbacks set aside); how many."""
    own = [shd for root in (body, *more) for shd in root.iter(_SHD) if (shd.get(_FILL) or "").upper() in _OWN and shd.getparent().tag == _TCPR]
    for shd in own:
        shd.getparent().remove(shd)
    return len(own)


def remove_own_comments(comments, body, side_parts: list, more: tuple = ()) -> int:
    """Remove the comments this program added earlier from the comments part's tree ``comments``
    (and their markers from ``body``, their entries from the trees of ``side_parts``, Word's
    commentsExtended/Ids/Extensible); people's own comments stay. How many were removed."""
    own = [c for c in comments.iterchildren(_COMMENT) if own_comment(c.get(_AUTHOR) or "", comment_text(c))]
    if not own:
        return 0
    ids = {c.get(_ID) for c in own}
    para_ids = set()
    for element in own:
        para_ids |= {p.get(_PARA_ID) for p in element.iter(_P) if p.get(_PARA_ID)}
        element.getparent().remove(element)
    for root in (body, *more):  # (``more``: the text boxes' fallbacks set aside)
        _remove_markers(root, ids)
    _remove_side_entries(side_parts, para_ids)
    return len(own)


def _remove_markers(body, ids: set[str]) -> None:
    for marker in list(body.iter(*_COMMENT_MARKERS)):
        if marker.get(_ID) not in ids:
            continue
        parent = marker.getparent()
        parent.remove(marker)
        if parent.tag == _R and all(child.tag == f"{W}rPr" for child in parent):
            parent.getparent().remove(parent)  # the run that only held the reference


def _remove_side_entries(side_parts: list, para_ids: set[str]) -> None:
    """Entries of the removed comments in commentsExtended/Ids/Extensible (Word's threading
    and dates), matched by paragraph id, then by the durable id that commentsIds maps it to
    (``side_parts``: (part name, tree), commentsIds first)."""
    if not para_ids:
        return
    keys = set(para_ids)
    for _, root in side_parts:
        for entry in list(root):
            values = {value for name, value in entry.attrib.items() if etree.QName(name).localname in _SIDE_IDS}
            if values & keys:
                keys |= values  # a durable id found beside a paragraph id
                root.remove(entry)
                continue
            for name, value in list(entry.attrib.items()):
                if etree.QName(name).localname == "paraIdParent" and value in keys:
                    del entry.attrib[name]  # a person's reply to a removed comment: a comment of its own now
