"""The 批注版 round trip through the bot (issue 13, item 3): the marked-up copy edited and sent
back holds exactly the current issues; with nothing left, the bot sends back a clean copy."""

from __future__ import annotations

from bot.harness import STAFF_XUEZHANG
from fixtures.roundtrip import replace_in_document

from nianbao.validators.annotate import DEFAULT_AUTHOR, read_comments


async def test_a_returned_copy_gets_current_comments_then_a_clean_copy(env, sample_docx):
    draft = next(value for name, value in sample_docx.items() if name.startswith("000"))
    [marked] = [m for m in await env.upload(STAFF_XUEZHANG, "年报.docx", draft) if m.is_file]
    assert sorted(c.text.split(" ")[1] for c in read_comments(marked.data)) == ["[警告]", "[错误]", "[错误]"]
    # the clerk fixes the two headings in the 批注版 and sends it back
    fixed = replace_in_document(marked.data, "2、 主动公开政府信息情况", "二、主动公开政府信息情况")
    fixed = replace_in_document(fixed, "3、 收到和处理政府信息公开申请情况", "三、收到和处理政府信息公开申请情况")
    replies = await env.upload(STAFF_XUEZHANG, "年报_审核批注.docx", fixed)
    [remarked] = [m for m in replies if m.is_file]
    assert [c.text.split("\n")[0] for c in read_comments(remarked.data)] == ["1. [警告] 标题「2024年政府信息公开工作年度报告」没有写机关名称。"]
    # … then the title: nothing left, the file comes back without the comments
    done = replace_in_document(remarked.data, ">2024年政府信息公开工作<", ">学张乡人民政府2024年政府信息公开工作<")
    replies = await env.upload(STAFF_XUEZHANG, "年报_审核批注_审核批注.docx", done)
    [clean] = [m for m in replies if m.is_file]
    assert "没有错误" in env.text(replies)
    assert clean.filename.endswith("_已去掉批注.docx") and "去掉了审核批注的干净版本" in clean.plain_text
    assert [c for c in read_comments(clean.data) if c.author == DEFAULT_AUTHOR] == []
