"""Long bot messages are split only where Telegram can still parse each piece: between lines,
or inside a huge line between characters — never inside ``&amp;`` or a tag, and a tag open at
the cut is closed and reopened. Each piece is checked by the local Bot API server's own strict
HTML parser, the one that answers "can't parse entities" as Telegram does."""

from __future__ import annotations

from html import escape

import pytest

from nianbao.devtools.html import parse_html
from nianbao.messages import TELEGRAM_LIMIT, split_message


@pytest.mark.parametrize("line", [
    escape("R&D 报告 & 附件 <草稿> " * 400),  # one history line far over the limit once escaped
    "<b>" + escape("甲&乙" * 1500) + "</b>",
    "<i>" + escape("注意 & 说明 ") * 600 + "<code>" + escape("a&b" * 300) + "</code></i>",
])  # fmt: skip
def test_every_piece_of_a_huge_line_parses_and_nothing_is_lost(line):
    pieces = split_message("标题\n\n" + line)
    assert all(len(piece) <= TELEGRAM_LIMIT for piece in pieces)
    texts = [parse_html(piece).text for piece in pieces]  # raises on a cut entity or tag
    assert "".join(texts).replace("\n", "") == ("标题" + parse_html(line).text).replace("\n", "")
