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
_ID = f"{W}id"

_OWN_TEXT = ISSUE_HEAD_OPENING
_OWN_NOTE = re.compile(r"^（见第\d+条")  # the short comment at a further place of an issue
# the fills this program shades a further place of an issue with, by severity (uncommon on purpose)
OWN_FILLS = {"error": "FAD4D4", "warning": "FCEFC7", "info": "DCEBF9"}
_SHD, _TCPR, _FILL = f"{W}shd", f"{W}tcPr", f"{W}fill"
# tcPr children that come after w:shd in the schema (Word refuses them out of order)
_AFTER_SHD = {f"{W}{name}" for name in ("noWrap", "tcMar", "textDirection", "tcFitText", "vAlign", "hideMark", "headers", "cellIns", "cellDel", "cellMerge", "tcPrChange")}
_PLAIN_FILLS = {"", "AUTO", "FFFFFF"}
_COMMENT_MARKERS = (f"{W}commentRangeStart", f"{W}commentRangeEnd", f"{W}commentReference")
# parts Word and WPS add beside comments.xml, keyed by the comment paragraph's w14:paraId
_COMMENT_SIDE_PARTS = ("commentsExtended.xml", "commentsIds.xml", "commentsExtensible.xml")
_PARA_ID = "{http://schemas.microsoft.com/office/word/2010/wordml}paraId"


def own_comment(author: str, text: str) -> bool:
    """A comment this program wrote: its author, and its text opening like an issue line (or the
    short note at a further place of an issue)."""
    return author == DEFAULT_AUTHOR and bool(_OWN_TEXT.match(text) or _OWN_NOTE.match(text))


def shade(tc, severity: str) -> bool:
    """Shade a cell as a further place of an issue; False (untouched) when it has a fill of its own."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = tc.find(_TCPR)
    if properties is None:
        properties = OxmlElement("w:tcPr")
        tc.insert(0, properties)
    current = properties.find(_SHD)
    if current is not None:
        fill = (current.get(_FILL) or "").upper()
        if fill not in _PLAIN_FILLS and fill not in OWN_FILLS.values():
            return False
        properties.remove(current)
    shd = OxmlElement("w:shd", {qn("w:val"): "clear", qn("w:color"): "auto", qn("w:fill"): OWN_FILLS[severity]})
    after = next((child for child in properties if child.tag in _AFTER_SHD), None)
    if after is not None:
        after.addprevious(shd)
    else:
        properties.append(shd)
    return True


def remove_own_shading(body) -> int:
    """Remove the shading this program gave cells in an earlier 批注版; how many."""
    own = [shd for shd in body.iter(_SHD) if shd.getparent().tag == _TCPR and (shd.get(_FILL) or "").upper() in OWN_FILLS.values()]
    for shd in own:
        shd.getparent().remove(shd)
    return len(own)


def remove_own_comments(document) -> int:
    """Remove the comments this program added earlier (and their markers in the body); people's
    own comments stay. Returns how many were removed."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    if not any(rel.reltype == RT.COMMENTS for rel in document.part.rels.values()):
        return 0
    own = [c for c in document.comments if own_comment(c.author or "", c.text or "")]
    if not own:
        return 0
    ids = {str(c.comment_id) for c in own}
    para_ids = set()
    for comment in own:
        element = comment._comment_elm
        para_ids |= {p.get(_PARA_ID) for p in element.iter(_P) if p.get(_PARA_ID)}
        element.getparent().remove(element)
    _remove_markers(document.element.body, ids)
    _remove_side_entries(document, para_ids)
    return len(own)


def _remove_markers(body, ids: set[str]) -> None:
    for marker in list(body.iter(*_COMMENT_MARKERS)):
        if marker.get(_ID) not in ids:
            continue
        parent = marker.getparent()
        parent.remove(marker)
        if parent.tag == f"{W}r" and all(child.tag == f"{W}rPr" for child in parent):
            parent.getparent().remove(parent)  # the run that only held the reference


def _remove_side_entries(document, para_ids: set[str]) -> None:
    """Entries of the removed comments in commentsExtended/Ids/Extensible (Word's threading
    and dates), matched by paragraph id, then by the durable id that commentsIds maps it to."""
    if not para_ids:
        return
    parts = [p for p in document.part.package.iter_parts() if str(p.partname).rsplit("/", 1)[-1] in _COMMENT_SIDE_PARTS]
    keys = set(para_ids)
    for part in sorted(parts, key=lambda p: not str(p.partname).endswith("commentsIds.xml")):  # ids first
        root = part._element if hasattr(part, "_element") else etree.fromstring(part.blob)
        for entry in list(root):
            values = set(entry.attrib.values())
            if values & keys:
                keys |= values  # a durable id found beside a paragraph id
                root.remove(entry)
        if not hasattr(part, "_element"):
            part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
