"""The neutral document every reader produces: paragraphs and table grids in reading order.

A reader never knows about the report's tables; the mapper never knows about XML or text layouts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .model import Locator


@dataclass(slots=True)
class DocParagraph:
    text: str
    locator: Locator
    squashed: str | None = field(default=None, repr=False, compare=False)  # text.squashed_text's, once


@dataclass(slots=True)
class DocCell:
    text: str
    locator: Locator
    squashed: str | None = field(default=None, repr=False, compare=False)


@dataclass(slots=True)
class DocTable:
    """A table as rows of distinct cells: a cell merged across columns appears once, and the
    continuation of a vertically merged cell is left out (it holds no text of its own)."""

    index: int
    rows: list[list[DocCell]]
    locator: Locator


@dataclass(slots=True)
class Document:
    source: str  # docx | text | pdf
    layout: str  # docx | tabbed | one_per_line | markdown | pdf
    blocks: list[DocParagraph | DocTable] = field(default_factory=list)
    hidden: list[DocParagraph] = field(default_factory=list)  # hidden text holding numbers, not read
    # a .docx: the tree and package it was read from (readers.word_tree), for its 批注版
    word: object | None = field(default=None, repr=False, compare=False)

    @property
    def paragraphs(self) -> list[DocParagraph]:
        return [b for b in self.blocks if isinstance(b, DocParagraph)]

    @property
    def tables(self) -> list[DocTable]:
        return [b for b in self.blocks if isinstance(b, DocTable)]


class ReadError(Exception):
    """The engine's own error for input it cannot read; ``message`` is for the user (Chinese)."""

    def __init__(self, code: str, message: str):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message

    def __reduce__(self):  # results cross process boundaries (the bot checks in worker processes)
        return (type(self), (self.code, self.message))
