"""A report pasted several times over (the whole text, one copy after another): only the first
copy is reviewed, and the repetition is reported once (rule X109) — the copies would otherwise
pile up in the last section and raise issues there that the report does not have."""

from __future__ import annotations

from dataclasses import dataclass

from .document import DocParagraph, DocTable, Document
from .model import Locator
from .text import squashed_text

MIN_BLOCKS = 5  # a copy this short is not a report


@dataclass(frozen=True, slots=True)
class Repetition:
    copies: int  # how many times the text is there (2 or more)
    locator: Locator  # where the second copy starts


def _signature(block) -> str:
    if isinstance(block, DocTable):
        return "\x00".join(squashed_text(cell) for row in block.rows for cell in row)
    return squashed_text(block)


def find_repetition(document: Document) -> tuple[Document, Repetition | None]:
    """The document with only its first copy, and the repetition found (None when the text is
    there once). A copy must repeat the beginning block by block; the last copy may be cut short."""
    blocks = [b for b in document.blocks if not isinstance(b, DocParagraph) or b.text.strip()]
    signatures = [_signature(b) for b in blocks]
    if len(signatures) < 2 * MIN_BLOCKS:
        return document, None
    first = signatures[0]
    for period in range(MIN_BLOCKS, len(signatures) // 2 + 1):
        if signatures[period] != first or signatures[period : 2 * period] != signatures[:period]:
            continue
        copies, position = 1, period
        while position < len(signatures) and signatures[position : position + period] == signatures[: len(signatures[position : position + period])]:
            copies, position = copies + 1, position + period
        if position < len(signatures):
            continue  # something else follows: not a plain repetition
        cut = document.blocks.index(blocks[period])
        kept = Document(source=document.source, layout=document.layout, blocks=document.blocks[:cut], hidden=document.hidden)
        return kept, Repetition(copies, blocks[period].locator)
    return document, None
