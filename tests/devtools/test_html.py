"""Replies are held to Telegram's HTML parse rules, as the real server applies them."""

from __future__ import annotations

import pytest
from telegram import Bot
from telegram.error import BadRequest

from nianbao.devtools import LocalBotApi, parse_html

ZHANG = 1001


@pytest.mark.parametrize(
    ("html", "reason"),
    [
        ("<b>未闭合", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<p>段落</p>", 'Unsupported start tag "p" at byte offset 0'),
        ("甲 < 乙", 'Unsupported start tag "" at byte offset 4'),
        ("<b><i>交叉</b></i>", "Unmatched end tag"),
        ("多余</b>", "Unexpected end tag at byte offset 6"),
        ('<span class="x">s</span>', 'Tag "span" must have class "tg-spoiler"'),
        ("A & B", 'Unescaped "&"'),
        ('甲<a href="x"', "Unclosed start tag at byte offset 3"),
        ("😀<a href=x ", "Unclosed start tag at byte offset 4"),
    ],
)
async def test_bad_html_is_rejected(api: LocalBotApi, bot: Bot, html: str, reason: str) -> None:
    api.add_user(ZHANG)
    with pytest.raises(BadRequest, match="^Can't parse entities: ") as caught:
        await bot.send_message(ZHANG, html, parse_mode="HTML")
    assert reason.lower() in caught.value.message.lower()
    assert api.sent_to(ZHANG) == []


async def test_good_html_is_accepted_with_entities(api: LocalBotApi, bot: Bot) -> None:
    api.add_user(ZHANG)
    html = ('<b>粗</b><i>斜</i><a href="https://example.com/?a=1&amp;b=2">链接</a>'
            '<span class="tg-spoiler">隐</span><pre><code class="language-python">x</code></pre>'
            "<blockquote>引用</blockquote> &lt;标签&gt; &#20013;")
    message = await bot.send_message(ZHANG, html, parse_mode="HTML")
    assert message.text == "粗斜链接隐x引用 <标签> 中"
    assert [e.type for e in message.entities] == ["bold", "italic", "text_link", "spoiler",
                                                  "pre", "blockquote"]
    assert message.entities[2].url == "https://example.com/?a=1&b=2"
    assert message.entities[4].language == "python"
    assert message.text_html.startswith("<b>粗</b>")


def test_parse_html_offsets_are_utf16() -> None:
    parsed = parse_html("😀<b>粗</b>")
    assert parsed.entities == [{"type": "bold", "offset": 2, "length": 1}]
    assert parse_html("A & B > C", strict=False).text == "A & B > C"
