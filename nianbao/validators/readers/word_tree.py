"""What the .docx reader read a draft from, kept for its 批注版: the package, the parsed main part
and the body's paragraphs and data tables in the order the reader counted them (a locator's
``paragraph`` or ``table`` is an index into them). The marked-up copy is written on this tree
rather than on a second parse of the file.

It lives on ``Document.word`` during a check and never on a ``CheckResult``: results are pickled
between processes, a tree is not wanted there.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .package import Package
from .word_body import W, restore_fallbacks


@dataclass(eq=False, slots=True)
class WordTree:
    package: Package
    partname: str  # the main part, "/word/document.xml"
    root: object  # its w:document element
    paragraphs: list = field(default_factory=list)  # w:p, by locator.paragraph
    tables: list = field(default_factory=list)  # w:tbl of the data tables, by locator.table
    fallbacks: list = field(default_factory=list)  # mc:Fallback taken out for reading (word_body.drop_fallbacks)

    @property
    def body(self):
        return self.root.find(f"{W}body")

    @property
    def marked_parts(self) -> list:
        """The body and the fallbacks set aside: where a 批注版's marks may be (Word writes a
        comment in a text box into its fallback too)."""
        return [self.body, *(fallback for _, _, fallback in self.fallbacks)]

    def restore(self) -> None:
        """The tree as the file has it again (the fallbacks the reader set aside put back)."""
        restore_fallbacks(self.fallbacks)
        self.fallbacks = []
