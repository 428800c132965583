"""The 批注版 as it was written before it was written on the reader's tree: the draft reopened with
python-docx, the body walked again, comments added through python-docx's comments API, saved by
python-docx. Kept as the oracle the tree-written copy must equal (``test_comments_part``)."""

from __future__ import annotations

import io

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from lxml import etree

from nianbao.validators.annotate import _anchor, _further_places, _places_note, comment_text
from nianbao.validators.body_map import BodyMap
from nianbao.validators.engine import CheckResult
from nianbao.validators.own_comments import COMMENT_SIDE_PARTS, DEFAULT_AUTHOR, DEFAULT_INITIALS, own_comment, remove_own_shading, shade
from nianbao.validators.readers.strict import package_is_strict, transitional_package

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_P, _TC = f"{W}p", f"{W}tc"
_PARA_ID = "{http://schemas.microsoft.com/office/word/2010/wordml}paraId"
_MARKERS = (f"{W}commentRangeStart", f"{W}commentRangeEnd", f"{W}commentReference")
_ANCHOR_RUNS = "./w:r | ./w:hyperlink/w:r | ./w:smartTag/w:r | ./w:fldSimple/w:r | ./w:sdt/w:sdtContent/w:r"
_CELL_PARAGRAPHS = "./w:p | ./w:sdt/w:sdtContent/w:p | ./w:customXml/w:p"


def marked_with_python_docx(data: bytes, result: CheckResult, author: str = DEFAULT_AUTHOR, initials: str = DEFAULT_INITIALS) -> bytes:
    if package_is_strict(data):
        data = transitional_package(data)
    document = docx.Document(io.BytesIO(data))
    _remove_own_comments(document)
    remove_own_shading(document.element.body)
    body = BodyMap(document.element.body)
    groups: dict[object, list[int]] = {}

    def comment(anchor, text: str) -> None:
        groups.setdefault(anchor, []).append(document.comments.add_comment(text, author=author, initials=initials).comment_id)

    for issue in result.issues:
        places = issue.all_places()
        anchor = _anchor(issue, body, result.report, places)
        further = _further_places(places, body, anchor)
        shaded = [e for e in further if e.tag == _TC and shade(e, issue.severity.value)]
        noted = [e for e in further if e not in shaded]
        comment(anchor, comment_text(issue) + _places_note(len(further) + 1, len(shaded), len(noted), issue.number))
        for element in noted:
            comment(element, f"（见第{issue.number}条）")
    for anchor, comment_ids in groups.items():
        first, last = _anchor_runs(anchor)
        for comment_id in comment_ids:
            first.insert_comment_range_start_above(comment_id)
        for comment_id in reversed(comment_ids):
            last.insert_comment_range_end_and_reference_below(comment_id)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _anchor_runs(anchor) -> tuple:
    from docx.oxml import OxmlElement

    paragraphs = [anchor] if anchor.tag == _P else anchor.xpath(_CELL_PARAGRAPHS)
    runs = [r for p in paragraphs for r in p.xpath(_ANCHOR_RUNS)]
    if runs:
        return runs[0], runs[-1]
    if not paragraphs:
        paragraphs = [OxmlElement("w:p")]
        anchor.append(paragraphs[0])
    run = paragraphs[0].add_r()
    return run, run


def _remove_own_comments(document) -> int:
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
    for marker in list(document.element.body.iter(*_MARKERS)):
        if marker.get(f"{W}id") in ids:
            parent = marker.getparent()
            parent.remove(marker)
            if parent.tag == f"{W}r" and all(child.tag == f"{W}rPr" for child in parent):
                parent.getparent().remove(parent)
    if para_ids:
        parts = [p for p in document.part.package.iter_parts() if str(p.partname).rsplit("/", 1)[-1] in COMMENT_SIDE_PARTS]
        keys = set(para_ids)
        for part in sorted(parts, key=lambda p: not str(p.partname).endswith("commentsIds.xml")):
            root = part._element if hasattr(part, "_element") else etree.fromstring(part.blob)
            for entry in list(root):
                values = {v for n, v in entry.attrib.items() if etree.QName(n).localname in ("paraId", "durableId")}  # not done="0"
                if values & keys:
                    keys |= values
                    root.remove(entry)
            if not hasattr(part, "_element"):
                part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return len(own)
